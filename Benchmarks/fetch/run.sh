#!/usr/bin/env bash
# Fetch benchmark: the same list of URLs from nginx on 127.0.0.1, fetched by
# AsyncURL (both event loops), by the CLI as a list fetcher
# (`asyncurl-crawl --seeds-file LIST --max-depth 0`) and by `curl --parallel`,
# in one run.
# Prints requests/s, peak RSS and the ratios (of the best rounds, and of the
# median wall and CPU times). Every loop here is bounded.
#
# Usage: Benchmarks/fetch/run.sh [--urls N] [--concurrency C] [--rounds R] [--pages P]
#   N  URLs to fetch (default 10000; distinct: pages of the generated site, with ?n=K)
#   C  transfers in flight (default 64; curl caps --parallel-max at 300)
#   R  rounds, the tools alternating in each; the best round and the medians are reported (default 3)
#   P  pages of the generated site (default 2000, under .build-bench/)
set -euo pipefail
cd "$(dirname "$0")/../.."

urls=10000
concurrency=64
rounds=3
pages=2000
while (($#)); do
    case "$1" in
        --urls) urls=$2; shift 2 ;;
        --concurrency) concurrency=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --pages) pages=$2; shift 2 ;;
        *) sed -n '2,11p' "$0"; exit 2 ;;
    esac
done

scripts/install-deps.sh
swift build -c release --product fetch-benchmark >&2
swift build -c release --product asyncurl-crawl >&2
binary=.build/release/fetch-benchmark
crawler=.build/release/asyncurl-crawl

work=.build-bench
site=$work/site-$pages
mkdir -p "$work"
if [[ ! -f $site/manifest.txt ]]; then
    python3 scripts/generate-site.py "$site" --pages "$pages" --seed 1 >&2
fi

port=18080
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ((port < 18180)); do port=$((port + 1)); done
run_dir=$(mktemp -d /tmp/asyncurl-fetch-bench.XXXXXX)
trap 'scripts/site-server.sh stop --port "$port" --run-dir "$run_dir" >/dev/null 2>&1 || true; rm -rf "$run_dir"' EXIT
base=$(scripts/site-server.sh start "$site" --port "$port" --run-dir "$run_dir")
base=${base%/}

# N distinct URLs: the site's HTML pages that exist as files (no redirects,
# no 404s), each with ?n=K.
list=$run_dir/urls.txt
config=$run_dir/curl.cfg
python3 - "$site" "$base" "$urls" "$list" "$config" "$run_dir/paths.txt" <<'PY'
import os, sys
site = sys.argv[1]
paths = []
for line in open(os.path.join(site, "manifest.txt")):
    path = line.strip().split("?")[0]
    file = os.path.join(site, path.lstrip("/"), "index.html") if path.endswith("/") else os.path.join(site, path.lstrip("/"))
    if path.endswith((".html", "/")) and os.path.isfile(file) and path not in paths:
        paths.append(path)
open(sys.argv[6], "w").write("\n".join(paths) + "\n")
base, count = sys.argv[2], int(sys.argv[3])
with open(sys.argv[4], "w") as urls, open(sys.argv[5], "w") as config:
    for n in range(count):
        url = f"{base}{paths[n % len(paths)]}?n={n}"
        urls.write(url + "\n")
        config.write(f'url = "{url}"\noutput = "/dev/null"\n')
PY

# Runs one tool; prints "seconds ok peak_rss_kb".
run_curl() {
    /usr/bin/time --quiet -f "%e %M %U %S" -o "$run_dir/time" \
        curl --parallel --parallel-max "$concurrency" --silent --config "$config" \
        --write-out '%{http_code}\n' > "$run_dir/codes" 2>/dev/null || true
    read -r seconds rss user system < "$run_dir/time"
    ok=$(grep -c '^200$' "$run_dir/codes" || true)
    echo "$seconds $ok $rss $user $system"
}
run_asyncurl() {
    # Whole-process wall time, as for curl (start-up and reading the list included).
    /usr/bin/time --quiet -f "%e %M %U %S" -o "$run_dir/time" \
        "$binary" --urls-file "$list" --concurrency "$concurrency" --event-loop "$1" > "$run_dir/out"
    read -r seconds rss user system < "$run_dir/time"
    line=$(grep '^RESULT' "$run_dir/out")
    ok=$(sed -E 's/.*ok=([0-9]+).*/\1/' <<< "$line")
    echo "$seconds $ok $rss $user $system"
}

# The CLI as a list fetcher, with curl's parallelism (every URL is on one
# host): the page log written, robots.txt asked for, no page parsed.
run_cli() {
    /usr/bin/time --quiet -f "%e %M %U %S" -o "$run_dir/time" \
        "$crawler" --seeds-file "$list" --max-depth 0 --concurrency "$concurrency" --per-host "$concurrency" \
        --output "$run_dir/pages.jsonl" --quiet > /dev/null 2>&1 || true
    read -r seconds rss user system < "$run_dir/time"
    ok=$(grep -c '"status":200' "$run_dir/pages.jsonl" || true)
    echo "$seconds $ok $rss $user $system"
}

tools=(curl asyncurl-epoll asyncurl-poll asyncurl-crawl)
declare -A best_seconds best_ok best_rss all_seconds all_cpu
for tool in "${tools[@]}"; do best_seconds[$tool]=999999; done
for round in $(seq 1 "$rounds"); do
    for tool in "${tools[@]}"; do
        case $tool in
            curl) result=$(run_curl) ;;
            asyncurl-epoll) result=$(run_asyncurl epoll) ;;
            asyncurl-poll) result=$(run_asyncurl poll) ;;
            asyncurl-crawl) result=$(run_cli) ;;
        esac
        read -r seconds ok rss user system <<< "$result"
        cpu=$(python3 -c "print('%.2f' % (float('$user') + float('$system')))")
        all_seconds[$tool]+="$seconds "
        all_cpu[$tool]+="$cpu "
        echo "round $round: $tool ${seconds}s cpu=${cpu}s ok=$ok rss=${rss}KB" >&2
        if python3 -c "import sys; sys.exit(0 if float('$seconds') < float('${best_seconds[$tool]}') else 1)"; then
            best_seconds[$tool]=$seconds; best_ok[$tool]=$ok; best_rss[$tool]=$rss
        fi
    done
done

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(curl --version | head -1 | cut -d' ' -f1-2)"
echo "input: $urls URLs ($(wc -l < "$run_dir/paths.txt") pages of 15-40 KB from nginx on 127.0.0.1), $concurrency in flight, best of $rounds rounds"
# Best of the rounds (as before), and the medians: on a noisy machine the best
# round can be a lucky one; the median wall time and CPU time (user + sys) say more.
printf '%-16s %9s %8s %9s %12s %10s %12s %11s\n' tool requests ok seconds requests/s "peak RSS" "median wall" "median CPU"
for tool in "${tools[@]}"; do
    python3 -c "
import statistics
s=float('${best_seconds[$tool]}')
walls=[float(x) for x in '${all_seconds[$tool]}'.split()]; cpus=[float(x) for x in '${all_cpu[$tool]}'.split()]
print('%-16s %9d %8s %9.3f %12.0f %8.1f MB %10.3f s %9.2f s' % ('$tool', $urls, '${best_ok[$tool]}', s, $urls/s if s>0 else 0, ${best_rss[$tool]}/1024,
      statistics.median(walls), statistics.median(cpus)))"
done
python3 -c "
import statistics
def med(text): return statistics.median(float(x) for x in text.split())
c=float('${best_seconds[curl]}'); e=float('${best_seconds[asyncurl-epoll]}'); p=float('${best_seconds[asyncurl-poll]}')
l=float('${best_seconds[asyncurl-crawl]}')
print('ratio requests/s  asyncurl-epoll / curl = %.2fx' % (c/e))
print('ratio requests/s  asyncurl-crawl (list fetch) / curl = %.2fx' % (c/l))
print('ratio requests/s  asyncurl-poll  / curl = %.2fx' % (c/p))
print('ratio requests/s  epoll / poll          = %.2fx' % (p/e))
mc, ml, mp = med('${all_seconds[curl]}'), med('${all_seconds[asyncurl-crawl]}'), med('${all_seconds[asyncurl-poll]}')
print('median wall: asyncurl-crawl / curl = %.2fx requests/s; asyncurl-poll / curl = %.2fx' % (mc/ml, mc/mp))
cc, cl, cp = med('${all_cpu[curl]}'), med('${all_cpu[asyncurl-crawl]}'), med('${all_cpu[asyncurl-poll]}')
print('median CPU seconds: asyncurl-crawl %.2f, asyncurl-poll %.2f, curl %.2f (crawl/curl %.2fx, poll/curl %.2fx)' % (cl, cp, cc, cl/cc, cp/cc))"
