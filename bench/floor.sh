#!/usr/bin/env bash
# The receiver against its floor: the same load (`load`, 32 keep-alive connections) sent in
# turn to hyper + parsing (`floor --parse`), to `hookschema serve --strict` storing JSON lines
# and to it storing in SQLite, both stores on a tmpfs so that the disk's fsync is not what is
# timed; the three interleaved, round after round, since this machine's speed drifts between
# runs. Prints each run, then per server the range and median of requests/s and of the server's
# and the client's CPU per request, and the receiver's medians as multiples of the floor's, in
# throughput and in CPU (server's and client's together: they share the cores); then each
# round's ratio in throughput, and their median.
# Usage: bench/floor.sh [rounds] [deliveries per run]
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-5}
deliveries=${2:-40000}

cargo build --release --locked --quiet -p hookschema-cli -p hookschema-load \
  --bin hookschema --bin load --bin floor
release=${CARGO_TARGET_DIR:-target}/release

shm=$(mktemp -d -p /dev/shm)
trap 'rm -rf "$shm"' EXIT
runs=$shm/runs
: >"$runs"

one() {
  local label=$1
  shift
  local out
  # A wrong answer or a wrong store fails the run: its report says what, and nothing is timed.
  if ! out=$("$release"/load --deliveries "$deliveries" "$@"); then
    echo "$label failed:"
    echo "$out"
    exit 1
  fi
  # "46000 requests in 0.95 s: 48410 requests/s; …", "  server CPU: 1.02 s, 22.2 µs per request"
  local rate server client
  rate=$(grep -oE '[0-9.]+ requests/s' <<<"$out" | head -1 | cut -d' ' -f1)
  server=$(grep 'server CPU' <<<"$out" | grep -oE '[0-9.]+ µs' | cut -d' ' -f1)
  client=$(grep 'client CPU' <<<"$out" | grep -oE '[0-9.]+ µs' | cut -d' ' -f1)
  echo "$label: $rate requests/s, server $server µs, client $client µs a request"
  echo "$label $rate $server $client" >>"$runs"
}

for round in $(seq "$rounds"); do
  echo "== round $round"
  one floor --floor "$release"/floor --parse
  rm -rf "$shm/store" && mkdir "$shm/store"
  one jsonl --hookschema "$release"/hookschema --store "jsonl:$shm/store/deliveries.jsonl"
  rm -rf "$shm/store" && mkdir "$shm/store"
  one sqlite --hookschema "$release"/hookschema --store "sqlite:$shm/store/deliveries.db"
done

python3 - "$runs" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, *figures = line.split()
    runs.setdefault(label, []).append([float(f) for f in figures])
def column(label, i):
    return [run[i] for run in runs[label]]
def median(label, i):
    return statistics.median(column(label, i))
names = ["requests/s", "server µs", "client µs"]
print()
for label in runs:
    shown = ", ".join(
        f"{name} {min(column(label, i)):g}–{max(column(label, i)):g} ({median(label, i):g})"
        for i, name in enumerate(names)
    )
    print(f"{label}: {shown}")
floor_cpu = median("floor", 1) + median("floor", 2)
for label in ("jsonl", "sqlite"):
    rate = median("floor", 0) / median(label, 0)
    cpu = (median(label, 1) + median(label, 2)) / floor_cpu
    print(f"{label}: {rate:.2f}× the floor in throughput, {cpu:.2f}× in CPU per request (medians)")
# Each round's ratio, against the floor run just before it: the machine's drift between rounds
# (a quarter or more on a shared machine) moves both runs of a round alike.
for label in ("jsonl", "sqlite"):
    ratios = sorted(f[0] / r[0] for f, r in zip(runs["floor"], runs[label]))
    shown = " ".join(f"{ratio:.2f}" for ratio in ratios)
    print(f"{label}: round by round {shown}×; median {statistics.median(ratios):.2f}×")
PY
