#!/usr/bin/env bash
# Rendered pages per second with 1, 2 and 4 browser tabs on the bundled demo
# site (served by nginx on 127.0.0.1), with the crawler's and the browser's
# peak memory. Every page is rendered (--render); the crawl must reach the
# whole manifest each time. The demo site is one host, and a page being
# rendered keeps its host's slot, so --per-host is the tab count by default
# (with the crawl's default of 2, at most 2 tabs would have a page).
# Usage: Benchmarks/render/run.sh [--binary BINARY] [--tabs "1 2 4"] [--per-host N]
set -euo pipefail
cd "$(dirname "$0")/../.."

binary=""
tab_counts="1 2 4"
per_host=""
while (($#)); do
    case $1 in
        --binary) binary=$2; shift 2 ;;
        --tabs) tab_counts=$2; shift 2 ;;
        --per-host) per_host=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
if [[ -z $binary ]]; then
    swift build -c release --product asyncurl-crawl >&2
    binary=.build/release/asyncurl-crawl
fi
run_dir=$(mktemp -d)
port=8097
trap 'scripts/site-server.sh stop --port "$port" --run-dir "$run_dir" >/dev/null 2>&1 || true; rm -rf "$run_dir"' EXIT
base=$(scripts/site-server.sh start Examples/demo-site --port "$port" --run-dir "$run_dir")

echo "per-host concurrency: ${per_host:-the tab count} (one host; each rendered page keeps a slot of it)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(chromium --version 2>/dev/null | head -1)"
printf '%-6s %7s %9s %10s %11s %14s %16s  %s\n' tabs pages seconds pages/s "cores busy" "crawler RSS" "browser peak" "against the manifest"
# The whole machine's busy time (every CPU, from /proc/stat: all but idle and iowait), so the
# browser's processes count too; per wall second of a crawl, it is how many cores were busy
# (run on an otherwise idle machine).
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
for tabs in $tab_counts; do
    log=$run_dir/pages-$tabs.jsonl
    stats=$run_dir/stats-$tabs.json
    busy_before=$(busy_jiffies)
    /usr/bin/time -f '%e %M' -o "$run_dir/time-$tabs" "$binary" "$base" --render --render-tabs "$tabs" \
        --concurrency "$tabs" --per-host "${per_host:-$tabs}" --output "$log" --stats "$stats" --quiet
    busy_after=$(busy_jiffies)
    read -r seconds rss_kb < "$run_dir/time-$tabs"
    read -r pages browser < <(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["renderedPages"], s["browserPeakMemory"])' "$stats")
    check=$(python3 scripts/check-manifest.py Examples/demo-site/manifest.txt "$log" "$base" 2>&1 | tail -1)
    printf '%-6s %7s %9s %10.1f %11.2f %11.1f MB %13.1f MB  %s\n' "$tabs" "$pages" "$seconds" "$(echo "$pages / $seconds" | bc -l)" \
        "$(echo "($busy_after - $busy_before) / $(getconf CLK_TCK) / $seconds" | bc -l)" \
        "$(echo "$rss_kb / 1024" | bc -l)" "$(echo "$browser / 1048576" | bc -l)" "$check"
done
