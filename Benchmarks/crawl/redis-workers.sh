#!/usr/bin/env bash
# Runs N asyncurl-crawl workers of one shared crawl (Benchmarks/crawl/run.sh
# --redis-workers) and waits for all of them: the first seeds the crawl, the
# others wait for the seed. Their page logs are joined into OUTPUT.
#
# Usage: Benchmarks/crawl/redis-workers.sh BINARY COUNT FRONTIER SEED OUTPUT [asyncurl-crawl options...]
#   FRONTIER  redis://HOST:PORT/NAME;  OUTPUT  OUTPUT-1.jsonl ... are the workers' logs, OUTPUT the union
# Exits non-zero when any worker failed (its standard error is in OUTPUT-N.err).
set -euo pipefail
(($# >= 5)) || { sed -n '2,8p' "$0"; exit 2; }
binary=$1 count=$2 frontier=$3 seed=$4 output=$5
shift 5

pids=()
for ((worker = 1; worker <= count; worker++)); do
    seeds=()
    if ((worker == 1)); then seeds=("$seed"); fi
    "$binary" "${seeds[@]}" --frontier "$frontier" --seed-wait 60 --output "$output-$worker.jsonl" "$@" \
        2> "$output-$worker.err" &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
cat "$output"-*.jsonl > "$output"
exit "$status"
