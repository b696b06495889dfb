#!/usr/bin/env bash
# Checks the house style: swift-format's lint with the repository's
# .swift-format (no warning allowed), and no function body in Sources over 60 lines.
# Usage: scripts/lint.sh        (format in place first with: swift format format --in-place --recursive Sources Tests Examples Benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."

swift format lint --strict --recursive Sources Tests Examples Benchmarks
python3 scripts/function-length.py --max 60 Sources
echo "lint: swift-format clean, no function in Sources over 60 lines"
