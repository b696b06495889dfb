#!/usr/bin/env bash
# Crawl benchmark: asyncurl-crawl and Scrapy crawl the same generated site
# (served by nginx on 127.0.0.1) in one run. Prints, for each: pages fetched
# against the site's manifest, pages/s, peak RSS, and the ratios.
#
# Usage: Benchmarks/crawl/run.sh [--pages N] [--concurrency C] [--per-host P] [--with-state] [--with-explain] [--with-recrawl]
#        [--with-redis] [--redis-workers W] [--skip-scrapy] [--with-docs] [--baseline BINARY] [--binary BINARY]
#   N  pages of the generated site (default 20000, kept under .build-bench/)
#   C  requests in flight (default 64); P  per host (default: C)
#   --with-state   also crawl with --state (resumable) and print its cost
#   --with-explain the cost of the --explain record: crawl with --state (record on, the
#                  default) and with --state --no-explain-record, and print pages/s and CPU
#                  time (user+sys) of one against the other; with --with-redis, the same for
#                  the Redis frontier, and the record's size in Redis (bytes per URL)
#   --with-recrawl also crawl with --state --recrawl, then recrawl the unchanged site
#                  (--recrawl-all: every page revisited, 304s) and print the body
#                  bytes received and the wall time of the recrawl against the first crawl;
#                  then once more without --recrawl-all (nothing due: no page fetched)
#   --with-redis   also crawl with the frontier in a redis-server on 127.0.0.1 (one worker)
#   --redis-workers W  with --with-redis, also crawl with W workers (processes, each with C
#                  requests in flight; the per-host limit P holds across them) against the same
#                  redis-server, and print their pages/s against one worker's (default 1: no such run)
#   --skip-scrapy  asyncurl only (for quick runs; no Scrapy ratios)
#   --with-docs    also crawl the "docs" profile (500 link-heavy pages of ~100 KB,
#                  scripts/docs_site.py) and print the crawl's wall time against libxml2's
#                  own ceiling: Benchmarks/ceiling/sax_ceiling.c's SAX parse of the same
#                  pages from memory on one core, divided by the machine's cores; then also
#                  that parse measured on 2 threads, and Benchmarks/ceiling/fetch_parse_ceiling.c
#                  (libcurl multi + libxml2 push parsers fetching the docs manifest's URLs from
#                  the same nginx) on 1 and 2 threads, and the crawl's share of the latter;
#                  last, the CPU seconds of the crawl, of the C program and of nginx while each
#                  ran, and the least wall time that CPU allows on the machine's cores (they
#                  share the cores), beside the time 75% of the SAX ceiling asks for
#   --baseline B   also crawl with another asyncurl-crawl binary B (say, a release build
#                  of an earlier commit) and print this build's pages/s against it
#   --binary B     crawl with B instead of building a release asyncurl-crawl (quick checks
#                  with a debug build; the figures are not comparable)
set -euo pipefail
cd "$(dirname "$0")/../.."

pages=20000
concurrency=64
per_host=""
with_state=0
with_explain=0
with_recrawl=0
with_redis=0
skip_scrapy=0
baseline=""
with_docs=0
redis_workers=1
binary=""
while (($#)); do
    case "$1" in
        --pages) pages=$2; shift 2 ;;
        --concurrency) concurrency=$2; shift 2 ;;
        --per-host) per_host=$2; shift 2 ;;
        --with-state) with_state=1; shift ;;
        --with-recrawl) with_recrawl=1; shift ;;
        --with-redis) with_redis=1; shift ;;
        --skip-scrapy) skip_scrapy=1; shift ;;
        --baseline) baseline=$2; shift 2 ;;
        --with-docs) with_docs=1; shift ;;
        --redis-workers) redis_workers=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        --with-explain) with_explain=1; with_state=1; shift ;;
        *) sed -n '2,34p' "$0"; exit 2 ;;
    esac
done
per_host=${per_host:-$concurrency}
[[ $redis_workers =~ ^[1-9][0-9]*$ ]] || { echo "--redis-workers needs a positive number" >&2; exit 2; }

scripts/install-deps.sh
if [[ -z $binary ]]; then
    swift build -c release --product asyncurl-crawl >&2
    binary=.build/release/asyncurl-crawl
fi
work=.build-bench
mkdir -p "$work"
if ((!skip_scrapy)) && [[ ! -x $work/venv/bin/scrapy ]]; then
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
    # Line 1: wall seconds and peak RSS; line 2: user and system CPU seconds (see cpu).
    /usr/bin/time --quiet -f $'%e %M\n%U %S' -o "$run_dir/$name.time" "$@" > "$run_dir/$name.out" 2> "$run_dir/$name.err" || {
        echo "$name failed:" >&2
        tail -5 "$run_dir/$name.err" >&2
    }
    head -1 "$run_dir/$name.time"
}
cpu() { awk 'NR == 2 { print $1 + $2 }' "$run_dir/$1.time"; }  # name; user+sys CPU seconds
# CPU seconds (user+sys) used so far by the worker processes of the nginx whose run directory is $1.
nginx_cpu() {
    local master ticks=0 worker
    master=$(cat "$1/nginx.pid")
    for worker in $(pgrep -P "$master"); do
        ticks=$((ticks + $(awk '{ print $14 + $15 }' "/proc/$worker/stat" 2>/dev/null || echo 0)))
    done
    python3 -c "print($ticks / $(getconf CLK_TCK))"
}

echo "crawling $base ($pages pages) with asyncurl-crawl..." >&2
read -r a_seconds a_rss < <(measure asyncurl "$binary" "$base" --output "$run_dir/asyncurl.jsonl" \
    --concurrency "$concurrency" --per-host "$per_host" --delay 0 --quiet)
if [[ -n $baseline ]]; then
    echo "crawling $base with the baseline $baseline..." >&2
    read -r b_seconds b_rss < <(measure baseline "$baseline" "$base" --output "$run_dir/baseline.jsonl" \
        --concurrency "$concurrency" --per-host "$per_host" --delay 0 --quiet)
fi
if ((with_state)); then
    echo "crawling $base with asyncurl-crawl --state..." >&2
    read -r t_seconds t_rss < <(measure asyncurl-state "$binary" "$base" --output "$run_dir/asyncurl-state.jsonl" \
        --concurrency "$concurrency" --per-host "$per_host" --delay 0 --quiet --state "$run_dir/state")
fi
if ((with_explain)); then
    echo "crawling $base with asyncurl-crawl --state --no-explain-record..." >&2
    read -r e_seconds e_rss < <(measure state-norecord "$binary" "$base" --output "$run_dir/state-norecord.jsonl" \
        --concurrency "$concurrency" --per-host "$per_host" --delay 0 --quiet --state "$run_dir/state-norecord" --no-explain-record)
fi
if ((with_recrawl)); then
    echo "crawling $base with asyncurl-crawl --state --recrawl, then recrawling it unchanged..." >&2
    read -r c1_seconds c1_rss < <(measure recrawl-first "$binary" "$base" --output "$run_dir/recrawl-first.jsonl" \
        --concurrency "$concurrency" --per-host "$per_host" --delay 0 --quiet --state "$run_dir/recrawl-state" --recrawl --stats "$run_dir/recrawl-first.json")
    read -r c2_seconds c2_rss < <(measure recrawl-again "$binary" "$base" --output "$run_dir/recrawl-again.jsonl" \
        --concurrency "$concurrency" --per-host "$per_host" --delay 0 --quiet --state "$run_dir/recrawl-state" --recrawl --recrawl-all \
        --stats "$run_dir/recrawl-again.json")
    read -r c3_seconds c3_rss < <(measure recrawl-not-due "$binary" "$base" --output "$run_dir/recrawl-not-due.jsonl" \
        --concurrency "$concurrency" --per-host "$per_host" --delay 0 --quiet --state "$run_dir/recrawl-state" --recrawl \
        --stats "$run_dir/recrawl-not-due.json")
fi
if ((with_redis)); then
    redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --daemonize yes \
        --pidfile "$run_dir/redis.pid" --logfile "$run_dir/redis.log" --dir "$run_dir"
    for _ in $(seq 50); do [[ -s $run_dir/redis.pid ]] && break; sleep 0.1; done
    trap 'kill "$(cat "$run_dir/redis.pid")" 2>/dev/null || true; scripts/site-server.sh stop --port "$port" --run-dir "$run_dir" >/dev/null 2>&1 || true; rm -rf "$run_dir"' EXIT
    # redis-server's own CPU seconds (user+sys) so far.
    redis_cpu() { redis-cli -p "$redis_port" INFO cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { print s + 0 }'; }
    r_cpu0=$(redis_cpu)
    echo "crawling $base with asyncurl-crawl --frontier redis://127.0.0.1:$redis_port/bench..." >&2
    read -r r_seconds r_rss < <(measure asyncurl-redis "$binary" "$base" --output "$run_dir/asyncurl-redis.jsonl" \
        --concurrency "$concurrency" --per-host "$per_host" --delay 0 --quiet --frontier "redis://127.0.0.1:$redis_port/bench")
    r_cpu=$(python3 -c "print($(redis_cpu) - $r_cpu0)")
    if ((with_explain)); then
        echo "crawling $base with asyncurl-crawl --frontier redis://127.0.0.1:$redis_port/norecord --no-explain-record..." >&2
        read -r rn_seconds rn_rss < <(measure redis-norecord "$binary" "$base" --output "$run_dir/redis-norecord.jsonl" \
            --concurrency "$concurrency" --per-host "$per_host" --delay 0 --quiet --frontier "redis://127.0.0.1:$redis_port/norecord" \
            --no-explain-record)
        rn_cpu=$(python3 -c "print($(redis_cpu) - $r_cpu0 - $r_cpu)")
        # The record's size: MEMORY USAGE of the bench crawl's x:/y: hashes.
        record_bytes=$(redis-cli -p "$redis_port" --scan --pattern 'asyncurl:{bench}:[xy]:*' | sed 's/^/MEMORY USAGE /; s/$/ SAMPLES 0/' \
            | redis-cli -p "$redis_port" | awk '{ sum += $1 } END { print sum + 0 }')
    fi
    if ((redis_workers > 1)); then
        # Another crawl name on the same server: a fresh crawl, the one-worker crawl's keys left alone.
        echo "crawling $base with $redis_workers asyncurl-crawl workers --frontier redis://127.0.0.1:$redis_port/bench$redis_workers..." >&2
        read -r w_seconds w_rss < <(measure "asyncurl-redis-$redis_workers" Benchmarks/crawl/redis-workers.sh "$binary" "$redis_workers" \
            "redis://127.0.0.1:$redis_port/bench$redis_workers" "$base" "$run_dir/asyncurl-redis-$redis_workers.jsonl" \
            --concurrency "$concurrency" --per-host "$per_host" --delay 0 --quiet)
    fi
fi
if ((!skip_scrapy)); then
    echo "crawling $base with Scrapy..." >&2
    read -r s_seconds s_rss < <(measure scrapy "$work/venv/bin/scrapy" runspider Benchmarks/crawl/scrapy_spider.py -a "start=$base" \
        -s CONCURRENT_REQUESTS="$concurrency" -s CONCURRENT_REQUESTS_PER_DOMAIN="$per_host" -O "$run_dir/scrapy.jsonl:jsonlines")
fi

report() {  # name seconds rss
    local check
    check=$(python3 scripts/check-manifest.py "$site/manifest.txt" "$run_dir/$1.jsonl" "$base" > "$run_dir/$1.check"; head -1 "$run_dir/$1.check") || true
    local fetched
    fetched=$(wc -l < "$run_dir/$1.jsonl")
    python3 -c "
print('%-18s %8d %9.2f %10.0f %10.1f MB   %s' % ('$1', $fetched, $2, $fetched / $2 if $2 > 0 else 0, $3 / 1024, '''$check'''))"
}
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); site: $pages pages, $(wc -l < "$site/manifest.txt") URLs in the manifest"
echo "settings: $concurrency requests in flight, $per_host per host, no delay, robots.txt obeyed, nofollow links followed"
printf '%-18s %8s %9s %10s %13s   %s\n' tool pages seconds pages/s "peak RSS" "against the manifest"
report asyncurl "$a_seconds" "$a_rss"
if [[ -n $baseline ]]; then report baseline "$b_seconds" "$b_rss"; fi
if ((with_state)); then report asyncurl-state "$t_seconds" "$t_rss"; fi
if ((with_explain)); then report state-norecord "$e_seconds" "$e_rss"; fi
if ((with_recrawl)); then report recrawl-first "$c1_seconds" "$c1_rss"; report recrawl-again "$c2_seconds" "$c2_rss"; fi
if ((with_redis)); then report asyncurl-redis "$r_seconds" "$r_rss"; fi
if ((with_redis && with_explain)); then report redis-norecord "$rn_seconds" "$rn_rss"; fi
if ((with_redis && redis_workers > 1)); then report "asyncurl-redis-$redis_workers" "$w_seconds" "$w_rss"; fi
if ((!skip_scrapy)); then report scrapy "$s_seconds" "$s_rss"; fi
rate() { python3 -c "print($(wc -l < "$run_dir/$1.jsonl") / $2)"; }
a_rate=$(rate asyncurl "$a_seconds")
if [[ -n $baseline ]]; then
    python3 -c "print('ratio pages/s   asyncurl / baseline = %.2fx' % ($a_rate / $(rate baseline "$b_seconds")))
print('ratio peak RSS  asyncurl / baseline = %.2fx' % ($a_rss / $b_rss))"
fi
if ((with_state)); then
    python3 -c "print('ratio pages/s   asyncurl --state / asyncurl = %.2fx' % ($(rate asyncurl-state "$t_seconds") / $a_rate))"
fi
if ((with_explain)); then
    python3 -c "print('ratio pages/s   asyncurl --state, explain record on / off = %.2fx (CPU user+sys %.2f s / %.2f s = %.2fx)' % (
    $(rate asyncurl-state "$t_seconds") / $(rate state-norecord "$e_seconds"), $(cpu asyncurl-state), $(cpu state-norecord),
    $(cpu asyncurl-state) / max(0.01, $(cpu state-norecord))))"
fi
if ((with_explain && with_redis)); then
    python3 -c "print('ratio pages/s   asyncurl --frontier redis, explain record on / off = %.2fx (CPU user+sys %.2f s / %.2f s = %.2fx)' % (
    $(rate asyncurl-redis "$r_seconds") / $(rate redis-norecord "$rn_seconds"), $(cpu asyncurl-redis), $(cpu redis-norecord),
    $(cpu asyncurl-redis) / max(0.01, $(cpu redis-norecord))))
print('redis-server CPU user+sys, explain record on / off: %.2f s / %.2f s = %.2fx' % ($r_cpu, $rn_cpu, $r_cpu / max(0.01, $rn_cpu)))
print('explain record in Redis: %d bytes, %.0f bytes per URL crawled' % ($record_bytes, $record_bytes / max(1, $(wc -l < "$run_dir/asyncurl-redis.jsonl"))))"
fi
if ((with_recrawl)); then
    python3 - "$run_dir/recrawl-first.json" "$run_dir/recrawl-again.json" "$c1_seconds" "$c2_seconds" "$run_dir/recrawl-not-due.json" "$c3_seconds" <<'PY'
import json, sys
first, again = (json.load(open(path)) for path in sys.argv[1:3])
t1, t2 = float(sys.argv[3]), float(sys.argv[4])
not_due, t3 = json.load(open(sys.argv[5])), float(sys.argv[6])
print('recrawl: %s' % ', '.join('%s %d' % item for item in sorted(again.get('changes', {}).items())))
print('ratio body bytes received  recrawl / first crawl = %.4f (%d / %d bytes; goal <= 0.05)' % (again['bytes'] / max(1, first['bytes']), again['bytes'], first['bytes']))
print('ratio wall time            recrawl / first crawl = %.3f (%.2f s / %.2f s; goal <= 0.25)' % (t2 / t1 if t1 > 0 else 0, t2, t1))
print('nothing due (no --recrawl-all): %d pages passed over, %d fetched, %.2f s = %.3f of the first crawl' % (not_due.get('revisitsNotDue', 0), not_due['pages'], t3, t3 / t1 if t1 > 0 else 0))
PY
fi
if ((with_redis)); then
    python3 -c "print('ratio pages/s   asyncurl --frontier redis / asyncurl = %.2fx' % ($(rate asyncurl-redis "$r_seconds") / $a_rate))"
fi
if ((with_redis && redis_workers > 1)); then
    python3 -c "
workers = $(rate "asyncurl-redis-$redis_workers" "$w_seconds")
print('ratio pages/s   asyncurl --frontier redis, $redis_workers workers / 1 worker = %.2fx' % (workers / $(rate asyncurl-redis "$r_seconds")))
print('ratio pages/s   asyncurl --frontier redis, $redis_workers workers / asyncurl = %.2fx' % (workers / $a_rate))"
fi
if ((!skip_scrapy)); then
    python3 -c "
s_rate = $(rate scrapy "$s_seconds")
print('ratio pages/s   asyncurl / scrapy = %.1fx' % ($a_rate / s_rate))
print('ratio peak RSS  asyncurl / scrapy = %.2fx' % ($a_rss / $s_rss))"
fi

if ((with_docs)); then
    docs_site=$work/docs-500
    if [[ ! -f $docs_site/manifest.txt ]]; then
        python3 scripts/generate-site.py "$docs_site" --profile docs --pages 500 --seed 1 >&2
    fi
    cc -O2 -o "$work/sax_ceiling" Benchmarks/ceiling/sax_ceiling.c $(pkg-config --cflags --libs libxml-2.0)
    cc -O2 -o "$work/fetch_parse_ceiling" Benchmarks/ceiling/fetch_parse_ceiling.c \
        $(pkg-config --cflags --libs libcurl libxml-2.0) -lpthread
    docs_port=8081
    docs_run=$run_dir/docs
    mkdir -p "$docs_run"
    trap 'scripts/site-server.sh stop --port "$docs_port" --run-dir "$docs_run" >/dev/null 2>&1 || true; kill "$(cat "$run_dir/redis.pid" 2>/dev/null)" 2>/dev/null || true; scripts/site-server.sh stop --port "$port" --run-dir "$run_dir" >/dev/null 2>&1 || true; rm -rf "$run_dir"' EXIT
    docs_base=$(scripts/site-server.sh start "$docs_site" --port "$docs_port" --run-dir "$docs_run")
    echo "crawling $docs_base (docs profile) with asyncurl-crawl (defaults)..." >&2
    d_nginx_before=$(nginx_cpu "$docs_run")
    read -r d_seconds d_rss < <(measure docs "$binary" "$docs_base" --output "$run_dir/docs.jsonl" --quiet)
    d_nginx=$(python3 -c "print($(nginx_cpu "$docs_run") - $d_nginx_before)")
    if [[ -n $baseline ]]; then
        read -r db_seconds db_rss < <(measure docs-baseline "$baseline" "$docs_base" --output "$run_dir/docs-baseline.jsonl" --quiet)
    fi
    read -r c_pages c_links c_bytes c_seconds < <(find "$docs_site" -name '*.html' | sort | "$work/sax_ceiling" --rounds 3)
    # The same parse on 2 threads, and fetch + parse in C (libcurl + libxml2) from the same nginx,
    # crawler defaults (64 transfers, 2 per host), while no crawler runs; empty when it fails.
    ceiling_threads=2
    read -r _ _ _ cs_seconds < <(find "$docs_site" -name '*.html' | sort | "$work/sax_ceiling" --rounds 3 --threads "$ceiling_threads")
    sed "s|^|${docs_base%/}|" "$docs_site/manifest.txt" > "$run_dir/docs-urls.txt"
    fetch_parse() { "$work/fetch_parse_ceiling" --rounds 3 --threads "$1" < "$run_dir/docs-urls.txt" | awk '{ print $4 }'; }
    echo "fetching and parsing the docs pages with fetch_parse_ceiling on 1 and $ceiling_threads threads..." >&2
    fp1_seconds=$(fetch_parse 1) || true
    fp2_seconds=$(fetch_parse "$ceiling_threads") || true
    # One more round of the C program, for its CPU time and nginx's while it runs.
    fp_nginx_before=$(nginx_cpu "$docs_run")
    measure fetch-parse "$work/fetch_parse_ceiling" --rounds 1 --threads "$ceiling_threads" < "$run_dir/docs-urls.txt" > /dev/null
    fp_nginx=$(python3 -c "print($(nginx_cpu "$docs_run") - $fp_nginx_before)")
    cores=$(nproc)
    echo
    echo "docs profile: $c_pages pages, $c_links links, $((c_bytes / 1000000)) MB; crawl with defaults"
    printf '%-18s %8s %9s %10s %13s   %s\n' tool pages seconds pages/s "peak RSS" "against the manifest"
    site=$docs_site base=$docs_base report docs "$d_seconds" "$d_rss"
    if [[ -n $baseline ]]; then site=$docs_site base=$docs_base report docs-baseline "$db_seconds" "$db_rss"; fi
    python3 -c "
ceiling = $c_seconds / $cores
print('libxml2 SAX ceiling: %.2f s on one core, %.2f s on $cores cores' % ($c_seconds, ceiling))
print('share of the ceiling  asyncurl = %.0f%%' % (100 * ceiling / $d_seconds))"
    if [[ -n $baseline ]]; then
        python3 -c "print('share of the ceiling  baseline = %.0f%%' % (100 * $c_seconds / $cores / $db_seconds))"
    fi
    printf 'libxml2 SAX ceiling on %d threads (measured): %.2f s\n' "$ceiling_threads" "$cs_seconds"
    if [[ -n $fp1_seconds && -n $fp2_seconds ]]; then
        python3 -c "print('fetch+parse ceiling (C: libcurl + libxml2): %.2f s on 1 thread, %.2f s on $ceiling_threads threads' % ($fp1_seconds, $fp2_seconds))
print('share of the fetch+parse ceiling  asyncurl = %.0f%%' % (100 * $fp2_seconds / $d_seconds))"
        if [[ -n $baseline ]]; then
            python3 -c "print('share of the fetch+parse ceiling  baseline = %.0f%%' % (100 * $fp2_seconds / $db_seconds))"
        fi
    else
        echo "fetch+parse ceiling (C: libcurl + libxml2): failed (see its errors above)"
    fi
    # What the CPU time allows: the crawler, nginx and the C program share the
    # same cores, so no run can take less than their CPU seconds over the cores.
    python3 -c "
crawl, crawl_nginx, c, c_nginx, cores = $(cpu docs), $d_nginx, $(cpu fetch-parse), $fp_nginx, $cores
print('CPU seconds (user+sys): asyncurl %.2f + nginx %.2f; C fetch+parse %.2f + nginx %.2f; SAX parse alone %.2f' % (crawl, crawl_nginx, c, c_nginx, $c_seconds))
print('least wall time that CPU allows on %d cores: asyncurl %.2f s, C fetch+parse %.2f s, parse + nginx alone %.2f s; 75%% of the SAX ceiling is %.2f s' % (
    cores, (crawl + crawl_nginx) / cores, (c + c_nginx) / cores, ($c_seconds + c_nginx) / cores, $c_seconds / cores / 0.75))"
fi
