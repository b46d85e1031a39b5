#!/usr/bin/env bash
# The receiver under load on 127.0.0.1: `hookschema serve --strict` (release build) takes a mix
# of valid, invalid and forged deliveries of every webhook of the catalog over keep-alive
# connections, then the senders' retries; every valid delivery must be written exactly once and
# nothing else. Prints
# requests/s, latency percentiles and the server's peak memory.
# Usage: bench/load.sh [deliveries] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --quiet -p hookschema-cli -p hookschema-hostile --bin hookschema --bin load
target/release/load --hookschema target/release/hookschema \
  --deliveries "${1:-100000}" --connections "${2:-32}"
