#!/usr/bin/env bash
# Batch validation, side by side, in one run on the same payloads: `hookschema validate --ndjson`
# against ajv (draft 2020-12 + ajv-formats, compiled once, JSON.parse per line) and Python's
# jsonschema (Draft202012Validator), both with hookschema's strict formats, as README.md sets them
# up. Every run must report exactly the invalid lines. Installs its pinned tools, builds the
# release binary, and prints the ratios. Usage: bench/compare.sh [payloads per vendor]
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install
cargo build --release --locked --quiet -p hookschema-cli
tools/.venv/bin/python bench/compare.py "${1:-20000}"
