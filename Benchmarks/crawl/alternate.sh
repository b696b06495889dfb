#!/usr/bin/env bash
# Before/after timing without an order effect: this build's asyncurl-crawl and
# another (BINARY, say a release build of an earlier commit) crawl the
# generated 20k-page site (made by Benchmarks/crawl/run.sh) alternately,
# new old old new new old, served by one nginx on 127.0.0.1:8080.
# (run.sh --baseline always runs the baseline second, on warmer caches.)
# Usage: Benchmarks/crawl/alternate.sh BINARY
set -euo pipefail
cd "$(dirname "$0")/../.."
old=${1:?usage: Benchmarks/crawl/alternate.sh BINARY}
[[ -f .build-bench/site-20000/manifest.txt ]] || python3 scripts/generate-site.py .build-bench/site-20000 --pages 20000 --seed 1 >&2
swift build -c release --product asyncurl-crawl >&2
run_dir=$(mktemp -d /tmp/altbench.XXXXXX)
trap 'scripts/site-server.sh stop --port 8080 --run-dir "$run_dir" >/dev/null 2>&1 || true; rm -rf "$run_dir"' EXIT
base=$(scripts/site-server.sh start .build-bench/site-20000 --port 8080 --run-dir "$run_dir")
new=.build/release/asyncurl-crawl
for order in new old old new new old; do
    bin=$new; [[ $order == old ]] && bin=$old
    /usr/bin/time -f "%e %M" -o "$run_dir/t" "$bin" "$base" --output "$run_dir/p.jsonl" --concurrency 64 --per-host 64 --delay 0 --quiet
    read -r s m < "$run_dir/t"
    rate=$(python3 -c "print(round($(wc -l < "$run_dir/p.jsonl") / $s))")
    echo "$order $s s $(wc -l < "$run_dir/p.jsonl") pages $((m / 1024)) MB $rate pages/s"
    echo "$order $rate" >> "$run_dir/rates"
done
python3 - "$run_dir/rates" <<'PY'
import sys
rates = {}
for line in open(sys.argv[1]):
    kind, rate = line.split()
    rates.setdefault(kind, []).append(float(rate))
new, old = (sum(rates[k]) / len(rates[k]) for k in ("new", "old"))
print("mean pages/s  new %.0f  old %.0f  ratio new / old = %.2fx" % (new, old, new / old))
PY
