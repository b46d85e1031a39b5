#!/usr/bin/env bash
# `fuzz/run.sh [RUNS [TARGET…]]`: every fuzz target (or those named) for RUNS executions
# (default 10,000,000, one sitting: about half an hour on two cores), one after another, from the seeds (`hookschema-hostile --bin seeds`) and the
# corpus earlier runs grew in fuzz/corpus/; prints each target's executions a second and time,
# and exits 1 if any target found a crash (written to fuzz/artifacts/<target>/: turn it into a
# regression under fuzz/regressions/<target>/, which `cargo test` replays).
#
# cargo-fuzz needs nightly compiler flags: RUSTC_BOOTSTRAP=1 lets the stable toolchain take
# them. The targets run without AddressSanitizer (`-s none`): the code they reach is safe Rust,
# whose memory errors the compiler already rules out, and what they look for (a panic, an
# abort, a broken invariant) needs no sanitizer; with it, they run three to five times slower.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-10000000}
shift || true
targets=("${@:-parse validate verify receive}")
command -v cargo-fuzz > /dev/null || cargo install --locked cargo-fuzz --version 0.13.2
cargo run -q --locked -p hookschema-hostile --bin seeds > /dev/null
export RUSTC_BOOTSTRAP=1
cd fuzz
cargo fuzz build -O -s none
failed=0
printf '%-10s %12s %10s %8s\n' target executions "exec/s" seconds
for target in ${targets[*]}; do
  log=$(mktemp)
  started=$(date +%s.%N)
  if cargo fuzz run -O -s none "$target" -- -runs="$runs" -print_final_stats=1 > "$log" 2>&1; then
    outcome=""
  else
    outcome="  CRASH: see fuzz/artifacts/$target/"
    failed=1
  fi
  seconds=$(awk -v from="$started" -v to="$(date +%s.%N)" 'BEGIN { printf "%.1f", to - from }')
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(awk -v n="${executed:-0}" -v s="$seconds" 'BEGIN { printf "%.0f", n / (s > 0 ? s : 1) }')
  printf '%-10s %12s %10s %8s%s\n' "$target" "${executed:-?}" "$rate" "$seconds" "$outcome"
  [ -z "$outcome" ] || tail -30 "$log"
  rm -f "$log"
done
exit "$failed"
