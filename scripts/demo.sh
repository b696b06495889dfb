#!/usr/bin/env bash
# The README's first command: installs what is missing, builds AsyncURL, serves
# the bundled demo site (Examples/demo-site) with nginx on 127.0.0.1, and runs
# the main job against it, then stops nginx by its own pid.
#
# The crawler and `asyncurl-crawl` are not built yet; until they are, the main
# job is the original queue workflow: every URL of the demo site's manifest is
# put on an AsyncURLFetch queue and fetched in parallel (Examples/QueueExample).
# Usage: scripts/demo.sh [--port P]   (default 8080)
set -euo pipefail
cd "$(dirname "$0")/.."

port=8080
if [[ ${1:-} == --port ]]; then port=$2; fi

scripts/install-deps.sh
swift build -c release --product queue-example

run_dir=$(mktemp -d /tmp/asyncurl-demo.XXXXXX)
cleanup() {
    scripts/site-server.sh stop --port "$port" --run-dir "$run_dir" || true
    rm -rf "$run_dir"
}
trap cleanup EXIT
base=$(scripts/site-server.sh start Examples/demo-site --port "$port" --run-dir "$run_dir")
echo "demo site: $base (nginx, loopback only)"

# One URL per manifest line (paths with their queries), fetched all at once.
sed "s|^/|${base}|" Examples/demo-site/manifest.txt | .build/release/queue-example
