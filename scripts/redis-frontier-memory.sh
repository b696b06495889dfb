#!/usr/bin/env bash
# Measures Redis memory per URL of the shared (Redis) frontier: starts a
# throw-away redis-server on a free loopback port, offers COUNT URLs through
# RedisFrontier's add path, prints INFO memory figures, stops the server.
# Usage: scripts/redis-frontier-memory.sh [COUNT] (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --logfile "$dir/redis.log" --daemonize no &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
swift build --product redis-frontier-memory >/dev/null  # memory, not speed: a debug build does
"$(swift build --show-bin-path)/redis-frontier-memory" --port "$port" --count "$count"
