#!/usr/bin/env bash
# The receiver under load on 127.0.0.1, for every store: `hookschema serve --strict` (release
# build) takes a mix of valid, invalid and forged deliveries of every webhook of the catalog
# over keep-alive connections, then the senders' retries; every valid delivery must be stored
# exactly once and nothing else. Each store runs on this machine's disk and on a tmpfs
# (/dev/shm), where fsync costs nothing, at 4, 32 and 256 connections, each run on a fresh
# store; prints requests/s, latency percentiles, deliveries per commit and the server's peak
# memory, and first what one fdatasync costs on the disk.
# Usage: bench/load.sh [deliveries per run] [connection counts…]
set -euo pipefail
cd "$(dirname "$0")/.."

deliveries=${1:-20000}
shift || true
if [ $# -gt 0 ]; then connections=("$@"); else connections=(4 32 256); fi

cargo build --release --locked --quiet -p hookschema-cli -p hookschema-load --bin hookschema --bin load
release=${CARGO_TARGET_DIR:-target}/release

disk=$(mktemp -d -p "$PWD/target")
shm=$(mktemp -d -p /dev/shm)
# PostgreSQL runs as its own user, who must reach the clusters' folders.
chmod 755 "$disk" "$shm"
clusters=()
cleanup() {
  for cluster in "${clusters[@]}"; do tools/postgres --stop "$cluster" || true; done
  rm -rf "$disk" "$shm"
}
trap cleanup EXIT

python3 - "$disk" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "fsync-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
times = []
for _ in range(200):
    os.write(fd, b"x" * 512)
    started = time.perf_counter()
    os.fdatasync(fd)
    times.append(time.perf_counter() - started)
os.close(fd)
times.sort()
print(f"fdatasync on this disk: median {times[100] * 1e3:.2f} ms, p90 {times[180] * 1e3:.2f} ms (200 appends)")
PY

run() {
  local label=$1 store=$2 n=$3
  echo "== $label, $n connections"
  "$release"/load --hookschema "$release"/hookschema --store "$store" \
    --deliveries "$deliveries" --connections "$n"
}

for n in "${connections[@]}"; do
  for where in disk shm; do
    folder=${!where}/$n
    mkdir -p "$folder"
    run "sqlite ($where)" "sqlite:$folder/deliveries.db" "$n"
    run "jsonl ($where)" "jsonl:$folder/deliveries.jsonl" "$n"
    cluster=$folder/postgres
    url=$(tools/postgres "$cluster")
    clusters+=("$cluster")
    run "postgres ($where)" "$url" "$n"
    tools/postgres --stop "$cluster"
  done
done
