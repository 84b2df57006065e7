#!/usr/bin/env bash
# A few hundred sockets that say hello and never read again, beside a phone
# that keeps changing the board and a watcher that must see every rev in
# order; prints the server's RSS as it goes. See docs/reliability.md.
#
#   scripts/stalled-clients.sh               # 300 stalled sockets, 3000 changes
#   STALLED=500 CHANGES=5000 scripts/stalled-clients.sh
set -euo pipefail
cd "$(dirname "$0")/.."
STALLED=${STALLED:-300}
CHANGES=${CHANGES:-3000}
WRITE_TIMEOUT=${WRITE_TIMEOUT:-5}
cargo build --release --quiet --bin slotboard --example crash
exec target/release/examples/crash stalled --bin target/release/slotboard \
  --stalled "$STALLED" --changes "$CHANGES" --write-timeout-secs "$WRITE_TIMEOUT"
