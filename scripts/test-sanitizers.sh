#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer with LeakSanitizer (a separate
# build folder, .build-asan), then under ThreadSanitizer (.build-tsan).
# Usage: scripts/test-sanitizers.sh [address|thread]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

sanitizers=("$@")
if ((${#sanitizers[@]} == 0)); then sanitizers=(address thread); fi
for sanitizer in "${sanitizers[@]}"; do
    scratch=".build-${sanitizer:0:1}san"
    echo "== swift test --sanitize=$sanitizer ($scratch)" >&2
    swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
    ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt" TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/scripts/tsan-suppressions.txt" \
        swift test --skip-build --disable-xctest --sanitize="$sanitizer" --scratch-path "$scratch"
done
