#!/usr/bin/env bash
# Reproduces the table of docs/benchmarks.md: builds --release, starts
# slotboard (and the ceiling server) on 127.0.0.1 with a bench config in a
# temporary data folder, runs every scenario of examples/loadgen.rs and
# examples/durable.rs, prints the RESULT lines, stops everything.
#
#   scripts/bench.sh            # the full table (about 5 minutes)
#   SCALE=small scripts/bench.sh   # a quick pass at a tenth of the clients
#   ONLY=idle,fanout scripts/bench.sh   # some scenarios: durable, idle,
#                                       # fanout, sustained, slow, rush, storm,
#                                       # opening, pages
#   PORT=18180 CEIL_PORT=18190 scripts/bench.sh  # other ports (a run
#                                   # refuses to start on a taken one)
#   BASE=/tmp/old scripts/bench.sh  # also run an older build's slotboard
#                                   # (BASE/slotboard), labelled "base", in
#                                   # the same run, for ratios
#
# Everything stays on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18080}
CEIL_PORT=${CEIL_PORT:-18090}
if [ "${SCALE:-full}" = small ]; then
    BIG=1000 MID=500 STEPS=100,500,1000 SUS_CLIENTS=500 RATES=50,100 RUSH=200 CLAIMERS=100 BAD=30 PHONES=200
else
    BIG=10000 MID=5000 STEPS=1000,5000,10000 SUS_CLIENTS=${SUS_CLIENTS:-2000} \
        RATES=${RATES:-50,100,150,200,300} RUSH=1000 CLAIMERS=500 BAD=300 PHONES=1000
fi

# Each side needs a descriptor per connection: raise the soft limit to the
# hard one (the server also raises its own at start).
ulimit -n "$(ulimit -Hn)"
echo "open files: $(ulimit -n); cores: $(nproc)"

cargo build --release --bin slotboard --example loadgen --example ceiling --example durable 2>&1 | tail -1
BIN=target/release
LOADGEN=$BIN/examples/loadgen
want() { [ -z "${ONLY:-}" ] || [[ ",$ONLY," == *",$1,"* ]]; }

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# The bench event: 20 rooms x 36 slots (3 days of 12) = 720 cells, the
# loadgen's `cell()` layout. Rate limits raised so one connection can send a
# paced stream of edits; everything else is the shipped default.
CONF=$WORK/bench.toml
{
    cat <<EOF
[server]
bind = "127.0.0.1:$PORT"
public_url = "http://127.0.0.1:$PORT"
data_dir = "$WORK/data"
commands_per_sec = 100000
command_burst = 100000
idle_timeout_secs = 600
max_connections_per_ip = 100000
ip_commands_per_sec = 1000000
ip_command_burst = 1000000
max_sessions_per_participant = 0
ip_claims_per_minute = 1000000
ip_claim_burst = 1000000

[[events]]
slug = "bench"
title = "Bench"
timezone = "Europe/Paris"
languages = ["en"]
EOF
    for r in $(seq 0 19); do
        printf '\n[[events.rooms]]\nid = "r%02d"\nname = "Room %d"\ncapacity = 20\n' "$r" "$r"
    done
    for d in 0 1 2; do
        printf '\n[[events.days]]\ndate = "2037-12-%02d"\nslots = [\n' $((d + 1))
        for s in $(seq 0 11); do
            h=$((8 + s))
            printf '  { id = "d%d-s%02d", start = "%02d:00", end = "%02d:45" },\n' "$d" "$s" "$h" "$h"
        done
        printf ']\n'
    done
} >"$CONF"
# The loadgen is one address making many fresh participants, each holding
# several cells: the issue-10 flood limits (the session cap, claims per IP)
# are lifted above. A BASE build from before them refuses the keys.
BASE_CONF=$WORK/base.toml
grep -v -e '^max_sessions_per_participant' -e '^ip_claim' "$CONF" >"$BASE_CONF"
if [ -n "${BASE:-}" ] && SLOTBOARD_ORGANISER_TOKEN=bench-organiser-secret "$BASE/slotboard" check-config --config "$CONF" >/dev/null 2>&1; then
    BASE_CONF=$CONF
fi

# A server already on the port (another run's) would answer in place of
# ours, and the figures would be its: refuse to start rather than measure it.
port_free() {
    if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then
        echo "port $1 is taken (another bench run?): set PORT= and CEIL_PORT= to free ones"
        exit 1
    fi
}
start_server() {
    port_free "$PORT"
    rm -rf "$WORK/data"
    SLOTBOARD_ORGANISER_TOKEN=bench-organiser-secret RUST_LOG=${RUST_LOG:-warn} \
        "${1:-$BIN/slotboard}" serve --config "${SERVER_CONF:-$CONF}" >"$WORK/server.log" 2>&1 &
    SERVER=$!
    PIDS+=("$SERVER")
    for _ in $(seq 100); do
        if (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then return; fi
        sleep 0.1
    done
    echo "slotboard did not start:"; cat "$WORK/server.log"; exit 1
}
stop_server() {
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
}
start_ceiling() {
    port_free "$CEIL_PORT"
    $BIN/examples/ceiling 127.0.0.1:$CEIL_PORT >"$WORK/ceiling.log" 2>&1 &
    CEIL=$!
    PIDS+=("$CEIL")
    for _ in $(seq 100); do
        if (exec 3<>/dev/tcp/127.0.0.1/$CEIL_PORT) 2>/dev/null; then return; fi
        sleep 0.1
    done
    echo "ceiling did not start"; exit 1
}
stop_ceiling() {
    kill "$CEIL"; wait "$CEIL" 2>/dev/null || true
}

SB="--url ws://127.0.0.1:$PORT/e/bench/ws --label slotboard"
BS="--url ws://127.0.0.1:$PORT/e/bench/ws --label base"
# Runs a loadgen scenario against slotboard, then against BASE's build if set.
both() {
    start_server; $LOADGEN $SB --pid "$SERVER" "$@"; stop_server
    if [ -n "${BASE:-}" ]; then
        SERVER_CONF=${SERVER_CONF:-$BASE_CONF} start_server "$BASE/slotboard"
        $LOADGEN $BS --pid "$SERVER" "$@"; stop_server
    fi
}
CE="--url ws://127.0.0.1:$CEIL_PORT/e/bench/ws --label ceiling"

if want durable; then
echo "== durable changes, in process (examples/durable.rs)"
$BIN/examples/durable --writers 1,16,256,1024 --secs 5 --dir "$WORK"
fi

# A fresh server per scenario, so one does not inherit the other's state.
if want idle; then
echo "== idle memory per connection"
both idle --steps "$STEPS"
start_ceiling; $LOADGEN $CE --pid "$CEIL" idle --steps "$STEPS"; stop_ceiling
fi

if want fanout; then
echo "== one change to $BIG clients"
both fanout --clients "$BIG" --changes 50 --interval-ms 200
start_ceiling; $LOADGEN $CE --pid "$CEIL" fanout --clients "$BIG" --changes 50 --interval-ms 200; stop_ceiling
fi

if want sustained; then
echo "== sustained deliveries ($SUS_CLIENTS clients, rates $RATES changes/s)"
both sustained --clients "$SUS_CLIENTS" --senders 20 --rates "$RATES" --secs 10
start_ceiling; $LOADGEN $CE --pid "$CEIL" sustained --clients "$SUS_CLIENTS" --senders 20 --rates "$RATES" --secs 10; stop_ceiling
fi

if want slow; then
# The shipped ping/idle timers here (20 s / 60 s), not the bench's 600 s:
# they are what lets go of clients that stopped answering.
echo "== slow and dead clients beside the load ($SUS_CLIENTS clients, 150 changes/s, 80 s)"
SERVER_CONF=$WORK/slow.toml
grep -v '^idle_timeout_secs' "$CONF" >"$SERVER_CONF"
start_server; $LOADGEN $SB --pid "$SERVER" sustained --clients "$SUS_CLIENTS" --senders 20 --rates 150 --secs 80 --bad 0; stop_server
start_server; $LOADGEN $SB --pid "$SERVER" sustained --clients "$SUS_CLIENTS" --senders 20 --rates 150 --secs 80 --bad "$BAD"; stop_server
unset SERVER_CONF
fi

if want rush; then
echo "== opening rush ($RUSH phones, $CLAIMERS claims at once, 720 cells)"
both rush --clients "$RUSH" --claimers "$CLAIMERS" --rooms 20
fi

if want opening; then
echo "== the opening rush as browsers make it ($PHONES phones, 100 at a time)"
both opening --phones "$PHONES" --at-once 100
fi

if want pages; then
# The loadgen first fills the board through the socket (300 sessions of 100
# participants, 1,000 votes), then measures a new reader (`page`), one
# returning participant with their cookie (`page_returning`) and phone.js.
echo "== the phone page and phone.js over HTTP, br / gzip / identity (50 in flight, a filled board)"
both pages --concurrency 50 --secs 4
fi

if want storm; then
echo "== reconnect storm ($BIG clients)"
both --connect-concurrency "$BIG" storm --clients "$BIG"
fi

echo "== done"
