#!/usr/bin/env bash
# The README's first command: installs what is missing, builds AsyncURL, serves
# the bundled demo site (Examples/demo-site) with nginx on 127.0.0.1, and runs
# the main job against it, then stops nginx by its own pid.
#
# The main job is a crawl: `asyncurl-crawl` starts at the demo site's root,
# follows every link in scope while obeying robots.txt, and writes one JSON
# line per fetched page to .build-demo/crawl.jsonl; then the crawled set is
# checked against the site's manifest (the exact set a correct crawl fetches).
# Usage: scripts/demo.sh [--port P]   (default 8080)
set -euo pipefail
cd "$(dirname "$0")/.."

port=8080
if [[ ${1:-} == --port ]]; then port=$2; fi

scripts/install-deps.sh
swift build -c release --product asyncurl-crawl

run_dir=$(mktemp -d /tmp/asyncurl-demo.XXXXXX)
cleanup() {
    scripts/site-server.sh stop --port "$port" --run-dir "$run_dir" || true
    rm -rf "$run_dir"
}
trap cleanup EXIT
base=$(scripts/site-server.sh start Examples/demo-site --port "$port" --run-dir "$run_dir")
echo "demo site: $base (nginx, loopback only)"

mkdir -p .build-demo
.build/release/asyncurl-crawl "$base" --output .build-demo/crawl.jsonl --stats .build-demo/stats.json --per-host 8
echo "page log: .build-demo/crawl.jsonl ($(wc -l < .build-demo/crawl.jsonl) pages); statistics: .build-demo/stats.json"
python3 scripts/check-manifest.py Examples/demo-site/manifest.txt .build-demo/crawl.jsonl "$base"
