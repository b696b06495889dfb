#!/usr/bin/env bash
# Installs the Debian packages AsyncURL needs, skipping those already there.
# Usage: scripts/install-deps.sh
# Needs root or sudo for apt-get; the Swift toolchain (6.x) must be on PATH.
set -euo pipefail

packages=(
    pkg-config
    libcurl4-openssl-dev   # the fetch core
    libxml2-dev            # HTML parsing and XPath
    libsqlite3-dev         # resumable crawl state
    libpsl-dev             # --scope domain: registrable domains from the Public Suffix List
    zlib1g-dev             # gzip sitemaps; test server: gzip/deflate bodies
    libbrotli-dev          # test server: brotli bodies
    libhiredis-dev         # the Redis-backed distributed frontier
    libssl-dev             # SHA-1 digests of WARC records (libcrypto); rediss:// (libssl)
    openssl                # tests: certificates for the TLS redis-server
    redis-server           # distributed frontier tests (and a local shared frontier)
    nginx-light            # demo site and benchmarks, served on loopback
    curl                   # the fetch benchmark's reference
    time                   # /usr/bin/time -v for peak memory in benchmarks
    python3 python3-venv   # site generator, benchmark comparisons
    chromium               # rendering JavaScript pages (Rendering, --render)
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python tools the tests read the crawler's output with, in a venv of the
# project's own under .build-python/: warcio checks and reads WARC files,
# pywb replays them, prometheus_client parses what --metrics serves.
venv="$(cd "$(dirname "$0")/.." && pwd)/.build-python/venv"
if [[ ! -x $venv/bin/python ]]; then
    python3 -m venv "$venv"
fi
if [[ ! -x $venv/bin/warcio ]]; then
    echo "installing warcio into $venv" >&2
    "$venv/bin/pip" install --quiet "warcio==1.8.1"
fi
if [[ ! -x $venv/bin/wayback ]]; then
    # pywb replays an archived page in the WARC tests (WARCReplayTests).
    echo "installing pywb into $venv" >&2
    "$venv/bin/pip" install --quiet "pywb==2.10.0"
fi
if ! "$venv/bin/python" -c "import prometheus_client" 2>/dev/null; then
    echo "installing prometheus_client into $venv" >&2
    "$venv/bin/pip" install --quiet "prometheus_client==0.26.0"
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "error: no 'swift' on PATH; install Swift 6 from swift.org and try again" >&2
    exit 1
fi
