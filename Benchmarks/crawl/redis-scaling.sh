#!/usr/bin/env bash
# What a shared (Redis) crawl costs, and how far it scales with workers: for each
# worker count W, W asyncurl-crawl processes crawl a generated site (nginx on
# 127.0.0.1) through one redis-server on 127.0.0.1, and the CPU seconds of the
# workers and of redis-server are measured (user+sys, from /usr/bin/time and
# /proc/PID/stat), with Redis' own count of calls and script time (INFO commandstats).
# Also one in-memory crawl (W=0 in the table) for the ratio the issue asks about.
#
# Why CPU and not wall time: this machine has 2 cores, shared by the workers,
# redis-server and nginx, so W workers cannot run side by side here. With each
# worker on a core of its own and redis-server on another, W workers give
# min(W / worker CPU per page, 1 / Redis CPU per page) pages/s (Redis runs
# commands on one thread): the speed-up over one worker is W until Redis
# saturates, at most (worker CPU per page) / (Redis CPU per page) workers.
# nginx is left out of the bound (a real crawl's sites are elsewhere).
#
# Usage: Benchmarks/crawl/redis-scaling.sh --binary BINARY [--pages N] [--workers "1 2"] [--concurrency C] [--port P]
#   BINARY  an asyncurl-crawl (a release build for figures)
#   N       pages of the generated site (default 20000)
#   "1 2"   worker counts to run (default "1 2"); C requests in flight per worker (default 64)
#   P       the site's port (default 8080; another port generates the site for it, under .build-bench)
set -euo pipefail
cd "$(dirname "$0")/../.."

pages=20000
workers_list="1 2"
concurrency=64
port=8080
binary=""
while (($#)); do
    case "$1" in
        --pages) pages=$2; shift 2 ;;
        --workers) workers_list=$2; shift 2 ;;
        --concurrency) concurrency=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        *) sed -n '2,21p' "$0"; exit 2 ;;
    esac
done
[[ -x $binary ]] || { echo "--binary needs an asyncurl-crawl executable" >&2; exit 2; }

work=.build-bench
mkdir -p "$work"
site=$work/site-$pages
if ((port != 8080)); then site=$work/site-$pages-port$port; fi
if [[ ! -f $site/manifest.txt ]]; then
    python3 scripts/generate-site.py "$site" --pages "$pages" --seed 1 --origin "http://127.0.0.1:$port" >&2
fi

run_dir=$(mktemp -d /tmp/asyncurl-redis-scaling.XXXXXX)
cleanup() {
    if [[ -s $run_dir/redis.pid ]]; then kill "$(cat "$run_dir/redis.pid")" 2>/dev/null || true; fi
    scripts/site-server.sh stop --port "$port" --run-dir "$run_dir" >/dev/null 2>&1 || true
    rm -rf "$run_dir"
}
trap cleanup EXIT
base=$(scripts/site-server.sh start "$site" --port "$port" --run-dir "$run_dir")
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --daemonize yes \
    --pidfile "$run_dir/redis.pid" --logfile "$run_dir/redis.log" --dir "$run_dir"
for _ in $(seq 50); do [[ -s $run_dir/redis.pid ]] && break; sleep 0.1; done
redis_pid=$(cat "$run_dir/redis.pid")
redis() { redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }
# redis-server's CPU seconds so far (user+sys).
redis_cpu() { python3 -c "import os; f=open('/proc/$redis_pid/stat').read().rsplit(')', 1)[1].split(); print((int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK'))"; }

common=(--concurrency "$concurrency" --per-host "$concurrency" --delay 0 --quiet)
# One worker process; its wall time, CPU seconds and peak RSS go to NAME.time.
worker() {  # name, then the crawler's arguments
    local name=$1
    shift
    /usr/bin/time --quiet -f "%e %U %S %M" -o "$run_dir/$name.time" "$binary" "$@" "${common[@]}" \
        --output "$run_dir/$name.jsonl" > /dev/null 2> "$run_dir/$name.err" || { echo "$name failed:" >&2; tail -5 "$run_dir/$name.err" >&2; }
}

echo "crawling $base ($pages pages) in memory..." >&2
start=$(date +%s.%N)
worker memory "$base"
end=$(date +%s.%N)
echo "memory 0 $(python3 -c "print($end - $start)") 0" > "$run_dir/summary"

for count in $workers_list; do
    name=redis-$count
    frontier="redis://127.0.0.1:$redis_port/scaling$count"
    echo "crawling $base with $count worker(s) through $frontier..." >&2
    redis CONFIG RESETSTAT > /dev/null
    before=$(redis_cpu)
    start=$(date +%s.%N)
    pids=()
    for ((index = 1; index <= count; index++)); do
        seeds=()
        if ((index == 1)); then seeds=("$base"); fi
        worker "$name-$index" "${seeds[@]}" --frontier "$frontier" --seed-wait 60 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || true; done
    end=$(date +%s.%N)
    after=$(redis_cpu)
    redis INFO commandstats > "$run_dir/$name.commandstats"
    cat "$run_dir/$name"-*.jsonl > "$run_dir/$name.jsonl"
    echo "$name $count $(python3 -c "print($end - $start)") $(python3 -c "print($after - $before)")" >> "$run_dir/summary"
done

python3 - "$run_dir" "$site/manifest.txt" "$base" <<'PY'
import glob, os, subprocess, sys
run_dir, manifest, base = sys.argv[1:4]

def check(name):
    out = subprocess.run(['python3', 'scripts/check-manifest.py', manifest, f'{run_dir}/{name}.jsonl', base],
                         capture_output=True, text=True).stdout.splitlines()
    return out[0] if out else '(no check)'

def times(name):
    """Wall seconds (longest), CPU seconds (summed) and peak RSS (largest, kB) of a run's worker processes."""
    files = [f'{run_dir}/{name}.time'] if os.path.exists(f'{run_dir}/{name}.time') else glob.glob(f'{run_dir}/{name}-*.time')
    rows = [[float(v) for v in open(f).read().split()[-4:]] for f in files]
    return max(r[0] for r in rows), sum(r[1] + r[2] for r in rows), max(r[3] for r in rows)

def commandstats(name):
    calls, usec = {}, {}
    for line in open(f'{run_dir}/{name}.commandstats'):
        if line.startswith('cmdstat_'):
            command, fields = line.strip()[8:].split(':', 1)
            values = dict(item.split('=') for item in fields.split(','))
            calls[command], usec[command] = int(values['calls']), int(values['usec'])
    return calls, usec

print('machine: %d cores, %s' % (os.cpu_count(), next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))))
print('%-9s %7s %7s %8s %8s %10s %11s %10s %8s   %s' % ('run', 'workers', 'pages', 'seconds', 'pages/s', 'worker CPU', 'ms CPU/page', 'Redis CPU', 'ms/page', 'against the manifest'))
rows = {}
for line in open(f'{run_dir}/summary'):
    name, count, wall, redis_cpu = line.split()
    count, wall, redis_cpu = int(count), float(wall), float(redis_cpu)
    pages = sum(1 for _ in open(f'{run_dir}/{name}.jsonl'))
    _, cpu, _ = times(name)
    rows[name] = (count, pages, wall, cpu, redis_cpu)
    print('%-9s %7d %7d %8.2f %8.0f %9.2fs %11.3f %9.2fs %8.3f   %s' % (
        name, count, pages, wall, pages / wall, cpu, 1000 * cpu / pages, redis_cpu, 1000 * redis_cpu / pages, check(name)))
memory = rows.pop('memory')
for name, (count, pages, wall, cpu, redis_cpu) in rows.items():
    calls, usec = commandstats(name)
    total = sum(calls.values())
    top = sorted(calls, key=lambda c: -usec[c])[:5]
    print('%s: Redis calls per page %.2f (%s); Redis time in commands per page %.1f us' % (
        name, total / pages, ', '.join('%s %.2f/%.1f us' % (c, calls[c] / pages, usec[c] / pages) for c in top),
        sum(usec.values()) / pages))
for name, (count, pages, wall, cpu, redis_cpu) in rows.items():
    print('%s: pages/s against in memory = %.2fx; CPU per page (workers + redis-server) against in memory = %.2fx' % (
        name, (pages / wall) / (memory[1] / memory[2]), (cpu + redis_cpu) / pages / (memory[3] / memory[1])))
for name, (count, pages, wall, cpu, redis_cpu) in rows.items():
    worker_page, redis_page = cpu / pages, redis_cpu / pages
    bound = worker_page / redis_page if redis_page > 0 else float('inf')
    projected = ', '.join('%d: %.0f pages/s (%.2fx)' % (w, min(w / worker_page, 1 / redis_page), min(w, bound)) for w in (1, 2, 4, 8, 16, 32))
    print('%s: workers on cores of their own, Redis on another: speed-up is linear up to %.1f workers '
          '(worker CPU per page / Redis CPU per page); projected %s' % (name, bound, projected))
PY
