#!/usr/bin/env bash
# Issue 10's attacks replayed (examples/attacks.rs) against the release build
# with the demo config, on a temp data dir and a free port; with BASE=/dir the
# same again against $BASE/slotboard (a build from before the issue), for the
# before/after table of docs/security.md. The demo's shipped limits are
# measured as they are: nothing here raises them.
#
#   scripts/attacks.sh                      # the current build
#   BASE=/tmp/base scripts/attacks.sh       # then the old build too
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin slotboard --example attacks
ATTACKS=target/release/examples/attacks
# The attacks open ~700 sockets at once; the server raises its own limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 4096 2>/dev/null || true

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# run LABEL BINARY: one server, one replay, the server stopped.
run() {
  local label=$1 bin=$2 dir port pid
  dir=$(mktemp -d)
  port=$(free_port)
  # The demo config as shipped, its data in the temp dir, on the free port.
  sed -e "s|^data_dir = .*|data_dir = \"$dir/data\"|" \
      -e "s|^bind = .*|bind = \"127.0.0.1:$port\"|" \
      -e "s|^public_url = .*|public_url = \"http://127.0.0.1:$port\"|" \
      config.toml >"$dir/config.toml"
  if ! "$bin" check-config --config "$dir/config.toml" >"$dir/check.log" 2>&1; then
    echo "== $label: $bin refuses the config:"; cat "$dir/check.log"; return 1
  fi
  "$bin" serve --config "$dir/config.toml" >"$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "== $label: $bin (pid $pid, port $port, $(nproc) cores, $(uname -sr))"
  "$ATTACKS" --url "http://127.0.0.1:$port" --event barcamp-rennes \
    --secret demo-organiser-2026 --event2 barcamp-brest --pid "$pid" \
    | sed "s/^/[$label] /" || echo "[$label] the replay failed (exit $?)"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}

run "after $(git rev-parse --short HEAD)" target/release/slotboard
if [ -n "${BASE:-}" ]; then
  run "before $(basename "$BASE")" "$BASE/slotboard"
fi
