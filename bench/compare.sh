#!/usr/bin/env bash
# Batch validation, side by side, in one run on the same archives: `hookschema validate --ndjson`
# (on every core and on one) against ajv (compiled once, and as standalone code), Python's
# jsonschema, fastjsonschema and the jsonschema-rs binding, and in Rust jsonschema over
# serde_json::Value and boon (bench/peers), all with hookschema's strict formats as README.md sets
# them up. Every run must report exactly the invalid lines. Installs its pinned tools, builds the
# release binaries, and prints wall and CPU time and the ratios per vendor and archive size.
# Usage: bench/compare.sh [--rounds N] [lines per vendor …]   (20000 and 200000 by default). It
# prints how long it took: within 25 minutes on 2 cores, most of it Python's jsonschema on
# 200,000 lines; `bench/compare.sh --rounds 2 2000` checks every tool in seconds once built.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install
cargo build --release --locked --quiet -p hookschema-cli -p hookschema-bench-peers
tools/.venv/bin/python bench/compare.py "$@"
