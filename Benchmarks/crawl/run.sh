#!/usr/bin/env bash
# Crawl benchmark: asyncurl-crawl and Scrapy crawl the same generated site
# (served by nginx on 127.0.0.1) in one run. Prints, for each: pages fetched
# against the site's manifest, pages/s, peak RSS, and the ratios.
#
# Usage: Benchmarks/crawl/run.sh [--pages N] [--concurrency C] [--per-host P]
#   N  pages of the generated site (default 20000, kept under .build-bench/)
#   C  requests in flight (default 64); P  per host (default: C)
set -euo pipefail
cd "$(dirname "$0")/../.."

pages=20000
concurrency=64
per_host=""
while (($#)); do
    case "$1" in
        --pages) pages=$2; shift 2 ;;
        --concurrency) concurrency=$2; shift 2 ;;
        --per-host) per_host=$2; shift 2 ;;
        *) sed -n '2,9p' "$0"; exit 2 ;;
    esac
done
per_host=${per_host:-$concurrency}

scripts/install-deps.sh
swift build -c release --product asyncurl-crawl >&2
work=.build-bench
mkdir -p "$work"
if [[ ! -x $work/venv/bin/scrapy ]]; then
    echo "installing Scrapy into $work/venv" >&2
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet scrapy
fi
site=$work/site-$pages
if [[ ! -f $site/manifest.txt ]]; then
    python3 scripts/generate-site.py "$site" --pages "$pages" --seed 1 >&2
fi

# The site's links and robots.txt name port 8080, so it is served there.
port=8080
run_dir=$(mktemp -d /tmp/asyncurl-crawl-bench.XXXXXX)
trap 'scripts/site-server.sh stop --port "$port" --run-dir "$run_dir" >/dev/null 2>&1 || true; rm -rf "$run_dir"' EXIT
base=$(scripts/site-server.sh start "$site" --port "$port" --run-dir "$run_dir")

measure() {  # name, then the command; prints "seconds peak_rss_kb"
    local name=$1
    shift
    /usr/bin/time --quiet -f "%e %M" -o "$run_dir/$name.time" "$@" > "$run_dir/$name.out" 2> "$run_dir/$name.err" || {
        echo "$name failed:" >&2
        tail -5 "$run_dir/$name.err" >&2
    }
    cat "$run_dir/$name.time"
}

echo "crawling $base ($pages pages) with asyncurl-crawl..." >&2
read -r a_seconds a_rss < <(measure asyncurl .build/release/asyncurl-crawl "$base" --output "$run_dir/asyncurl.jsonl" \
    --concurrency "$concurrency" --per-host "$per_host" --delay 0 --quiet)
echo "crawling $base with Scrapy..." >&2
read -r s_seconds s_rss < <(measure scrapy "$work/venv/bin/scrapy" runspider Benchmarks/crawl/scrapy_spider.py -a "start=$base" \
    -s CONCURRENT_REQUESTS="$concurrency" -s CONCURRENT_REQUESTS_PER_DOMAIN="$per_host" -O "$run_dir/scrapy.jsonl:jsonlines")

report() {  # name seconds rss
    local check
    check=$(python3 scripts/check-manifest.py "$site/manifest.txt" "$run_dir/$1.jsonl" "$base" > "$run_dir/$1.check"; head -1 "$run_dir/$1.check") || true
    local fetched
    fetched=$(wc -l < "$run_dir/$1.jsonl")
    python3 -c "
print('%-14s %8d %9.2f %10.0f %10.1f MB   %s' % ('$1', $fetched, $2, $fetched / $2 if $2 > 0 else 0, $3 / 1024, '''$check'''))"
}
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); site: $pages pages, $(wc -l < "$site/manifest.txt") URLs in the manifest"
echo "settings: $concurrency requests in flight, $per_host per host, no delay, robots.txt obeyed, nofollow links followed"
printf '%-14s %8s %9s %10s %13s   %s\n' tool pages seconds pages/s "peak RSS" "against the manifest"
report asyncurl "$a_seconds" "$a_rss"
report scrapy "$s_seconds" "$s_rss"
python3 -c "
a_rate = $(wc -l < "$run_dir/asyncurl.jsonl") / $a_seconds; s_rate = $(wc -l < "$run_dir/scrapy.jsonl") / $s_seconds
print('ratio pages/s   asyncurl / scrapy = %.1fx' % (a_rate / s_rate))
print('ratio peak RSS  asyncurl / scrapy = %.2fx' % ($a_rss / $s_rss))"
