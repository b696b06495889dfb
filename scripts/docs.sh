#!/usr/bin/env bash
# Builds the DocC documentation of every library product (swift-docc-plugin)
# and fails on any DocC warning (a broken symbol link, say).
# Usage: scripts/docs.sh   (archives land in .build/plugins/Swift-DocC/outputs/)
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(AsyncURL LinkExtraction CrawlFrontier Crawling DistributedFrontier Archiving Rendering)
arguments=()
for target in "${targets[@]}"; do arguments+=(--target "$target"); done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift package generate-documentation "${arguments[@]}" --warnings-as-errors 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if grep -q "warning:" "$log"; then
    echo "docs.sh: DocC reported warnings (above)" >&2
    exit 1
fi
exit "$status"
