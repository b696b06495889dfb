#!/usr/bin/env bash
# Builds the libFuzzer harnesses in Fuzz/ and runs one or all of them.
#
#   scripts/fuzz.sh <fuzz-links|fuzz-robots|fuzz-urls|all> [seconds per target, default 600]
#
# Each target starts from its seeds in Fuzz/corpus/<target> and keeps what it learns in
# Fuzz/.build/corpus/<target> (not committed). A crash, hang, leak or invariant violation
# leaves the input in Fuzz/.build/findings/<target>/; reproduce it with
#   Fuzz/.build/release/<target> <file>
# and minimise it with
#   Fuzz/.build/release/<target> -minimize_crash=1 -runs=100000 <file>
# Not part of scripts/test.sh: the regression tests made from findings run there.
set -uo pipefail

cd "$(dirname "$0")/.."
target="${1:-}"
seconds="${2:-600}"
case "$target" in
    fuzz-links | fuzz-robots | fuzz-urls) targets=("$target") ;;
    all) targets=(fuzz-links fuzz-robots fuzz-urls) ;;
    *)
        echo "usage: scripts/fuzz.sh <fuzz-links|fuzz-robots|fuzz-urls|all> [seconds]" >&2
        exit 2
        ;;
esac

# ld.gold (the default linker here) fails with an internal error on the sanitizer-instrumented
# objects; link with the toolchain's lld (or BFD ld) through a toolset file instead.
swiftc_path="$(readlink -f "$(command -v swiftc)")"
linker="$(dirname "$swiftc_path")/ld.lld"
[[ -x "$linker" ]] || linker="$(command -v ld.bfd)"
mkdir -p Fuzz/.build
printf '{ "schemaVersion": "1.0", "linker": { "path": "%s" } }\n' "$linker" > Fuzz/.build/toolset.json

nice -n 15 swift build -c release --package-path Fuzz --toolset "$PWD/Fuzz/.build/toolset.json" \
    -Xswiftc -sanitize=fuzzer,address || exit 1

max_len_for() {
    case "$1" in
        fuzz-links) echo 16384 ;;
        fuzz-robots) echo 4096 ;;
        fuzz-urls) echo 512 ;;
    esac
}

failed=0
for name in "${targets[@]}"; do
    corpus="Fuzz/.build/corpus/$name"
    findings="Fuzz/.build/findings/$name"
    mkdir -p "$corpus" "$findings" Fuzz/.build/logs
    echo "== $name for ${seconds}s (log: Fuzz/.build/logs/$name.log)"
    # ASan's leak checker runs after every input libFuzzer reports; -detect_leaks=1 is the default.
    # The demo site's pages and robots.txt are seeds too (libFuzzer reads folders recursively).
    seeds=("Fuzz/corpus/$name")
    [[ "$name" == fuzz-urls ]] || seeds+=(Examples/demo-site)
    SWIFT_BACKTRACE=enable=no nice -n 15 "Fuzz/.build/release/$name" "$corpus" "${seeds[@]}" \
        -dict="Fuzz/dictionaries/$name.dict" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="$(max_len_for "$name")" \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$findings/" 2>&1 | tee "Fuzz/.build/logs/$name.log" | grep -E '^#[0-9]+ +(DONE|pulse)|^stat::|ERROR|invariant violated|SUMMARY|Test unit written'
    if [[ "${PIPESTATUS[0]}" != 0 ]]; then
        echo "== $name found a problem: see $findings/ and Fuzz/.build/logs/$name.log"
        failed=1
    fi
done
exit "$failed"
