#!/usr/bin/env bash
# Many hosts: N URLs on N distinct loopback hosts (127.1.0.0 upwards, port 9,
# where nothing listens, so every connection is refused at once), fetched by
# `curl --parallel` and by `asyncurl-crawl --seeds-file LIST --max-depth 0
# --ignore-robots` in one run. What it measures is the cost per transfer that
# grows with the hosts seen: libcurl 7.88 scans its whole DNS cache after
# every transfer, and keeps a name 60 s by default (curl's setting), while
# AsyncURL keeps a name only while a connection uses it. Prints wall and CPU
# seconds and the ratios. Every loop here is bounded (curl and the crawler
# each at most --limit seconds).
#
# Usage: Benchmarks/fetch/many-hosts.sh [--hosts N] [--concurrency C] [--limit SECONDS] [--binary PATH]
#   N  hosts, one URL each (default 20000, at most 1000000)
#   C  transfers in flight (default 64)
set -euo pipefail
cd "$(dirname "$0")/../.."

hosts=20000
concurrency=64
limit=600
binary=""
while (($#)); do
    case $1 in
        --hosts) hosts=$2; shift 2 ;;
        --concurrency) concurrency=$2; shift 2 ;;
        --limit) limit=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
((hosts >= 1 && hosts <= 1000000)) || { echo "--hosts must be 1 to 1000000" >&2; exit 64; }

if [[ -z $binary ]]; then
    scripts/install-deps.sh
    swift build -c release --product asyncurl-crawl >&2
    binary=.build/release/asyncurl-crawl
fi
run_dir=$(mktemp -d /tmp/asyncurl-many-hosts.XXXXXX)
trap 'rm -rf "$run_dir"' EXIT

python3 - "$hosts" "$run_dir/urls.txt" "$run_dir/curl.cfg" <<'PY'
import sys
count, urls_path, config_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(urls_path, "w") as urls, open(config_path, "w") as config:
    for n in range(count):
        url = "http://127.%d.%d.%d:9/page?n=%d" % (1 + n // 65536, (n // 256) % 256, n % 256, n)
        urls.write(url + "\n")
        config.write('url = "%s"\noutput = "/dev/null"\n' % url)
PY

# Runs a command to its end (at most $limit s); prints "wall cpu".
measure() {
    /usr/bin/time --quiet -f "%e %U %S" -o "$run_dir/time" timeout "$limit" "$@" > /dev/null 2>&1 || true
    read -r wall user system < "$run_dir/time"
    python3 -c "print('$wall', round($user + $system, 2))"
}

echo "fetching $hosts URLs on $hosts hosts (connections refused) with curl and asyncurl-crawl..." >&2
read -r c_wall c_cpu < <(measure curl --parallel --parallel-max "$concurrency" --silent --config "$run_dir/curl.cfg")
read -r a_wall a_cpu < <(measure "$binary" --seeds-file "$run_dir/urls.txt" --max-depth 0 --ignore-robots --scope any \
    --concurrency "$concurrency" --per-host 1 --output "$run_dir/pages.jsonl" --quiet)
logged=$(wc -l < "$run_dir/pages.jsonl" 2>/dev/null || echo 0)

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(curl --version | head -1 | cut -d' ' -f1-2)"
echo "input: $hosts URLs on $hosts loopback hosts (port 9, refused), $concurrency in flight; each tool at most $limit s"
printf '%-16s %10s %10s   %s\n' tool "wall s" "CPU s" note
printf '%-16s %10s %10s   %s\n' curl "$c_wall" "$c_cpu" ""
printf '%-16s %10s %10s   %s\n' asyncurl-crawl "$a_wall" "$a_cpu" "$logged URLs in the page log"
python3 -c "print('ratio wall  curl / asyncurl-crawl = %.1fx' % ($c_wall / max($a_wall, 0.01)))"
python3 -c "print('ratio CPU   curl / asyncurl-crawl = %.1fx' % ($c_cpu / max($a_cpu, 0.01)))"
