#!/usr/bin/env bash
# Runs one of the bundled examples against the demo site (Examples/demo-site),
# served by nginx on 127.0.0.1:8080 for the run and stopped by its own pid after.
# Installs what is missing and builds the example first.
#
# Usage: scripts/example.sh queue-example|docs-spider|sitemap-spider [output file]
#   queue-example   the original queue API: fetches the demo site's pages in parallel
#   docs-spider     page titles and headings with XPath, one JSON line per page
#   sitemap-spider  pages found through robots.txt's Sitemap: line and the sitemap index
# The JSON lines go to the output file (default: standard output).
set -euo pipefail
cd "$(dirname "$0")/.."

example=${1:-}
output=${2:-/dev/stdout}
case "$example" in
    queue-example|docs-spider|sitemap-spider) ;;
    *) sed -n '2,10p' "$0"; exit 2 ;;
esac
# The demo site's sitemaps and robots.txt name port 8080.
port=8080

scripts/install-deps.sh >&2
swift build -c release --product "$example" >&2
run_dir=$(mktemp -d /tmp/asyncurl-example.XXXXXX)
cleanup() {
    scripts/site-server.sh stop --port "$port" --run-dir "$run_dir" >/dev/null 2>&1 || true
    rm -rf "$run_dir"
}
trap cleanup EXIT
base=$(scripts/site-server.sh start Examples/demo-site --port "$port" --run-dir "$run_dir")
echo "demo site: $base (nginx, loopback only)" >&2

case "$example" in
    queue-example)
        # Every page of the manifest, as a list of request descriptions on the queue.
        sed "s#^#${base%/}#" Examples/demo-site/manifest.txt | .build/release/queue-example > "$output" ;;
    docs-spider)
        .build/release/docs-spider "$base" > "$output" ;;
    sitemap-spider)
        .build/release/sitemap-spider "${base%/}/robots.txt" > "$output" ;;
esac
