#!/usr/bin/env bash
# Runs AsyncURL's whole test suite: installs what is missing, builds, tests.
# Every server the tests use is started by the tests themselves on 127.0.0.1.
# Usage: scripts/test.sh [extra 'swift test' arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build --build-tests
swift test --skip-build --disable-xctest "$@"
