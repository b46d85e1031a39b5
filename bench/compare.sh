#!/usr/bin/env bash
# Batch validation, side by side, in one run on the same payloads: `hookschema validate --ndjson`
X
# jsonschema (Draft202012Validator with FORMAT_CHECKER). Installs its pinned tools, builds the
# release binary, and prints the ratios. Usage: bench/compare.sh [payloads per vendor]
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install
cargo build --release --locked --quiet -p hookschema-cli
tools/.venv/bin/python bench/compare.py "${1:-20000}"
