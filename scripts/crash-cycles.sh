#!/usr/bin/env bash
# SIGKILL in the middle of claim/edit/vote bursts, restart, compare: every
# acked change recovered, nothing unacked half-applied, rev gap-free.
# Exits non-zero on any violation. See docs/reliability.md.
#
#   scripts/crash-cycles.sh                 # 100 cycles, 100 phones
#   CYCLES=10 CLIENTS=20 scripts/crash-cycles.sh
#   SEED=123 scripts/crash-cycles.sh        # the kill points of an earlier run
#
# The test suite runs a short version of the same idea on every `cargo test`:
# tests/it/durability.rs (3 cycles, 10 phones, SIGKILL right after a burst).
set -euo pipefail
cd "$(dirname "$0")/.."
CYCLES=${CYCLES:-100}
CLIENTS=${CLIENTS:-100}
MAX_SECS=${MAX_SECS:-600}
cargo build --release --quiet --bin slotboard --example crash
args=(crash --bin target/release/slotboard --cycles "$CYCLES" --clients "$CLIENTS" --max-secs "$MAX_SECS")
if [[ -n "${SEED:-}" ]]; then args+=(--seed "$SEED"); fi
exec target/release/examples/crash "${args[@]}"
