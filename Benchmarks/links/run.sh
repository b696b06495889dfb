#!/usr/bin/env bash
# Link extraction benchmark: AsyncURL's StreamingLinkExtractor vs Python lxml on the same
# corpus, in one run. Prints MB/s, pages/s, the speed ratio and the link-set difference.
#
# Usage: Benchmarks/links/run.sh [CORPUS_DIR] [--base-url URL] [--rounds N] [--pages N]
#   CORPUS_DIR  directory of .html files; when omitted, scripts/generate-site.py (if present)
#               generates one under .build/link-corpus (--pages, default 1200, seed 1).
# LXML_PYTHON=/path/to/python selects a Python that has lxml; otherwise one is set up in .build/lxml-venv.
set -euo pipefail

cd "$(dirname "$0")/../.."
REPO=$(pwd)
CORPUS=""
BASE_URL="http://localhost:8000/"
ROUNDS=3
PAGES=1200
while [ $# -gt 0 ]; do
    case "$1" in
        --base-url) BASE_URL="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --pages) PAGES="$2"; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) CORPUS="$1"; shift ;;
    esac
done

if [ -z "$CORPUS" ]; then
    if [ -f "$REPO/scripts/generate-site.py" ]; then
        CORPUS="$REPO/.build/link-corpus"
        if [ ! -d "$CORPUS" ]; then
            echo "generating $PAGES pages into $CORPUS"
            python3 "$REPO/scripts/generate-site.py" "$CORPUS" --pages "$PAGES" --seed 1
        fi
    else
        echo "usage: $0 CORPUS_DIR (scripts/generate-site.py is not available to make one)" >&2
        exit 2
    fi
fi
[ -d "$CORPUS" ] || { echo "no such directory: $CORPUS" >&2; exit 2; }

# Python with lxml: the system one if it has lxml, else a venv under .build.
PYTHON=${LXML_PYTHON:-python3}
if ! "$PYTHON" -c 'import lxml.html' 2>/dev/null; then
    VENV="$REPO/.build/lxml-venv"
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import lxml.html' 2>/dev/null; then
        echo "creating $VENV with lxml from PyPI"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet lxml
    fi
    PYTHON="$VENV/bin/python"
fi

swift build -c release --product link-benchmark >/dev/null
BIN=$(swift build -c release --show-bin-path)/link-benchmark

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
ASYNC=$("$BIN" --corpus "$CORPUS" --base-url "$BASE_URL" --rounds "$ROUNDS" --links-out "$OUT/asyncurl.tsv")
echo "$ASYNC"
LXML=$("$PYTHON" "$REPO/Benchmarks/links/lxml_links.py" --corpus "$CORPUS" --base-url "$BASE_URL" \
    --rounds "$ROUNDS" --compare "$OUT/asyncurl.tsv")
echo "$LXML"

field() { echo "$1" | head -n1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }
A=$(field "$ASYNC" seconds)
L=$(field "$LXML" seconds)
python3 -c "a=$A; l=$L; print(f'ratio: asyncurl is {l/a:.2f}x the speed of lxml (time lxml/asyncurl)')"
