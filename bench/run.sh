#!/usr/bin/env bash
# Runs Switchboard and the reference servers under the same load, one after the other, on loopback, and writes the
# results table into docs/benchmarks.md.
#
#   bench/run.sh            full run (about 22 minutes; cut off at 27)
#   bench/run.sh --smoke    every scenario tiny, three short rounds, against every server (about 100 s after the build)
#   options: --skip-build, --no-doc, --servers switchboard,node,netty-socketio,raw-netty (the default list; also
#            switchboard-direct: Switchboard with its event handlers on the I/O thread, --handlers direct, and
#            switchboard-executor: handlers on an executor, --handlers executor; both only when named here),
#            --cases echo-100x1,fanout-50k (a subset: connect-19k fanout-50k fanout-sat fanout-sat-2cores echo-100x1
#            slow mixed-fanout cluster; also connect-1k, which the full run leaves out)
#   environment: BENCH_PORT (first server port, default 3700; the cluster case also takes the next one),
#                MAVEN_ARGS (added to every mvn command, e.g. "-o -Dmaven.repo.local=/work/m2/me"),
#                BENCH_JVM_OPTS (the heap of every JVM server, default "-Xms32m -Xmx1g": it starts small and grows
#                with need, as V8's does; the JVM's own default starts at 1/64 of the machine's RAM, 378 MB here,
#                which the connect warm-up touches whole, so that RSS per connection read that default, not the
#                connections)
#
# Fairness: every case runs against a freshly started server, warms it with at least 20 s of that very scenario
# (same clients, same load), then measures 3 rounds of 5 s; the generator prints one JSON line per round and the
# report shows "median (min–max)" per cell, losses summed over the rounds, and a final line naming every loss.
#
# Each server runs pinned to core 0 (taskset -c 0) and the load generator to core 1, except in the "2cores" case,
# where both run unpinned, and the "cluster" case (Switchboard and Node only), where two servers linked through the
# local Redis share core 0. connect-19k holds 19,000 connections: under RLIMIT_NOFILE 20,000 per process, one
# generator process (spread over 16 source addresses 127.0.0.1–16, so that closed rounds' TIME_WAIT ports do not
# run out) and one server process each stay within the limit. Results: bench/results/<run>/<server>/<case>.json
# (one JSON line per round), table.md, table.json, env.md; bench/results/latest points at the last run.
set -euo pipefail

cd "$(dirname "$0")/.."
ARGS="$*"
MODE=full
BUILD=1
DOC=1
SERVERS="switchboard,node,netty-socketio,raw-netty"
CASES=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) MODE=smoke ;;
    --skip-build) BUILD=0 ;;
    --no-doc) DOC=0 ;;
    --servers) SERVERS="$2"; shift ;;
    --cases) CASES="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
KNOWN_CASES=",connect-1k,connect-19k,fanout-50k,fanout-sat,fanout-sat-2cores,echo-100x1,slow,mixed-fanout,cluster,"
IFS=, read -r -a WANTED <<< "$CASES"
for c in "${WANTED[@]}"; do
  [[ "$KNOWN_CASES" == *",$c,"* ]] || { echo "unknown case $c (known:${KNOWN_CASES//,/ })" >&2; exit 2; }
done

JAR=bench/target/switchboard-bench.jar
NSIO_JAR=bench/netty-socketio/target/netty-socketio-bench-server.jar
PORT=${BENCH_PORT:-3700}
RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)-$MODE
OUT=bench/results/$RUN_ID
mkdir -p "$OUT"
START=$(date +%s)
BUDGET=1620; [ "$MODE" = smoke ] && BUDGET=240
DEADLINE=$((START + BUDGET))   # build included; each case's timeout is cut to what is left
ulimit -n 20000 2>/dev/null || true

# the measured part of every case: warm-up of the scenario itself, then rounds (the report takes their median)
if [ "$MODE" = smoke ]; then
  MEASURE="--warmup-ms 300 --rounds 3 --duration-ms 300 --drain-ms 1000"
else
  MEASURE="--warmup-ms 20000 --rounds 3 --duration-ms 5000 --drain-ms 3000"
fi
want() { [ -z "$CASES" ] || [[ ",$CASES," == *",$1,"* ]]; }

log() { echo "[run.sh $(date -u +%H:%M:%S)] $*" >&2; }

if [ "$BUILD" = 1 ]; then
  log "building (bench jar on Netty 4.2.18 with native epoll/io_uring, netty-socketio jar, Node server deps)"
  mvn -q -B ${MAVEN_ARGS:-} -pl bench -am install -DskipTests -Pnative-transport
  mvn -q -B ${MAVEN_ARGS:-} -f bench/netty-socketio/pom.xml package
  (cd bench/node && npm ci --no-audit --no-fund --loglevel=error)
fi
[ -f "$JAR" ] && [ -f "$NSIO_JAR" ] && [ -d bench/node/node_modules/socket.io ] || { echo "build first" >&2; exit 1; }

REDIS=redis://127.0.0.1:6379
JVM="java ${BENCH_JVM_OPTS--Xms32m -Xmx1g}" # the same heap settings for every JVM server
server_cmd() { # name threads [port] [extra]
  local port=${3:-$PORT}
  case "$1" in
    switchboard) echo "$JVM -jar $JAR server --port $port --threads $2 ${4:-}" ;;
    switchboard-direct) echo "$JVM -jar $JAR server --port $port --threads $2 --handlers direct ${4:-}" ;;
    switchboard-executor) echo "$JVM -jar $JAR server --port $port --threads $2 --handlers executor ${4:-}" ;;
    raw-netty) echo "$JVM -jar $JAR raw-server --port $port --threads $2" ;;
    netty-socketio) echo "$JVM -jar $NSIO_JAR --port $port --threads $2" ;;
    node) echo "node bench/node/server.js --port $port ${4:-}" ;;
  esac
}

SERVER_PID=""
SERVER_PID2=""
wait_port() { # port name
  for _ in $(seq 1 150); do
    if (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  log "$2 did not start; see $OUT/$2/server*.log"
  return 1
}

start_server() { # name pin(yes|no) threads
  local cmd
  cmd=$(server_cmd "$1" "$3")
  if [ "$2" = yes ]; then cmd="taskset -c 0 $cmd"; fi
  $cmd > "$OUT/$1/server.log" 2>&1 &
  SERVER_PID=$!
  wait_port $PORT "$1"
}

# two servers of one cluster on core 0, linked through the local Redis
start_cluster() { # name
  local a b
  a=$(server_cmd "$1" 1 $PORT "--redis $REDIS")
  b=$(server_cmd "$1" 1 $((PORT + 1)) "--redis $REDIS")
  taskset -c 0 $a > "$OUT/$1/server-a.log" 2>&1 &
  SERVER_PID=$!
  taskset -c 0 $b > "$OUT/$1/server-b.log" 2>&1 &
  SERVER_PID2=$!
  wait_port $PORT "$1" && wait_port $((PORT + 1)) "$1"
}

stop_pid() {
  if [ -n "$1" ]; then
    kill "$1" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}

stop_server() {
  stop_pid "$SERVER_PID"
  stop_pid "$SERVER_PID2"
  SERVER_PID=""
  SERVER_PID2=""
}
trap stop_server EXIT

load() { # server case pin(yes|no) timeout-seconds scenario args...
  local server=$1 name=$2 pin=$3 limit=$4
  shift 4
  want "$name" || return 0
  local left=$(( DEADLINE - $(date +%s) ))
  if [ "$left" -le 10 ]; then log "time budget spent; skipping $server/$name"; return 0; fi
  [ "$limit" -gt "$left" ] && limit=$left
  local prefix=""
  if [ "$pin" = yes ]; then prefix="taskset -c 1"; fi
  log "$server: $name"
  local second=""
  if [ -n "$SERVER_PID2" ]; then second="--port2 $((PORT + 1)) --server-pid2 $SERVER_PID2"; fi
  timeout "$limit" $prefix java -jar "$JAR" load "$@" --port $PORT --server-pid "$SERVER_PID" --label "$server" $second \
    > "$OUT/$server/$name.json" 2> "$OUT/$server/$name.err" || log "$server/$name failed (exit $?)"
  tail -c 600 "$OUT/$server/$name.json" >&2 || true
}

# one case against a freshly started server
run_case() { # server case pin threads timeout scenario args...
  local server=$1 name=$2 pin=$3 threads=$4 limit=$5
  shift 5
  want "$name" || return 0
  [ $(( DEADLINE - $(date +%s) )) -gt 10 ] || { log "time budget spent; skipping $server/$name"; return 0; }
  start_server "$server" "$pin" "$threads" || return 0
  load "$server" "$name" "$pin" "$limit" "$@"
  stop_server
}

{
  echo "- Run: \`bench/run.sh${ARGS:+ $ARGS}\` ($RUN_ID), git $(git rev-parse --short HEAD)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, Linux $(uname -r), RLIMIT_NOFILE $(ulimit -n)"
  echo "- Java: $(java -version 2>&1 | head -1); Node $(node --version); load generator and JVM servers on Netty $(unzip -p $JAR META-INF/maven/io.netty/netty-transport/pom.properties | grep version | cut -d= -f2) ($(java -jar $JAR transport 2>/dev/null | cut -d';' -f1)); netty-socketio on Netty 4.1.130.Final (epoll)"
  echo "- JVM servers: \`${JVM#java }\` (GC: the JVM's own choice, Serial when pinned to one core, G1 unpinned)"
  echo "- Measuring: every case against a fresh server; warm-up and rounds \`$MEASURE\` (each cell: median of the rounds, (min–max))"
  echo "- Load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared with other engineers' builds)"
} > "$OUT/env.md"

IFS=, read -r -a LIST <<< "$SERVERS"
for s in "${LIST[@]}"; do
  mkdir -p "$OUT/$s"
  if [ "$MODE" = smoke ]; then
    start_server "$s" yes 1 || continue
    load "$s" connect-19k yes 30 connect --clients 100 --sources 16 --live-heap false --connect-timeout-ms 10000 \
      --warmup-ms 300 --rounds 3
    load "$s" fanout-50k yes 30 fanout --clients 100 --rate 50 $MEASURE
    load "$s" echo-100x1 yes 30 echo --clients 20 $MEASURE
    load "$s" slow yes 30 slow --clients 20 --rate 200 $MEASURE
    if [ "$s" = switchboard ]; then # Socket.IO, plain WebSocket and SSE receivers, a third each
      load "$s" mixed-fanout yes 30 mixed --clients 99 --rate 50 $MEASURE
    fi
    stop_server
    if [ "$s" = switchboard ] && want cluster; then
      start_cluster "$s" && load "$s" cluster yes 30 cluster --clients 100 --rate 50 $MEASURE
      stop_server
    fi
  else
    # connect-1k is left out of the full run for time; --cases connect-1k runs it
    [ -n "$CASES" ] && run_case "$s" connect-1k yes 1 150 connect --clients 1000 --warmup-ms 20000 --rounds 3
    # five rounds: a server's RSS after a round depends on when its GC last ran (Node's spread 3x over three)
    run_case "$s" connect-19k yes 1 360 connect --clients 19000 --sources 16 --concurrency 200 --warmup-ms 20000 \
      --rounds 5 --connect-timeout-ms 60000
    run_case "$s" fanout-50k yes 1 120 fanout --clients 1000 --rate 50 $MEASURE
    run_case "$s" fanout-sat yes 1 120 fanout --clients 1000 --rate 0 --window 32 $MEASURE
    run_case "$s" fanout-sat-2cores no 2 120 fanout --clients 1000 --rate 0 --window 64 --threads 1 $MEASURE
    run_case "$s" echo-100x1 yes 1 120 echo --clients 100 --in-flight 1 $MEASURE
    run_case "$s" slow yes 1 120 slow --clients 100 --rate 500 --payload 2048 $MEASURE
    if [ "$s" = switchboard ]; then # Socket.IO, plain WebSocket and SSE receivers, a third each
      run_case "$s" mixed-fanout yes 1 120 mixed --clients 999 --rate 50 $MEASURE
    fi
    if { [ "$s" = switchboard ] || [ "$s" = node ]; } && want cluster; then
      start_cluster "$s" && load "$s" cluster yes 120 cluster --clients 1000 --rate 50 $MEASURE
      stop_server
    fi
  fi
done

echo "- Load average at end: $(cut -d' ' -f1-3 /proc/loadavg); wall time $(( $(date +%s) - START )) s" >> "$OUT/env.md"
ln -sfn "$RUN_ID" bench/results/latest
if [ "$DOC" = 1 ]; then
  java -jar "$JAR" report "$OUT" docs/benchmarks.md > /dev/null
  log "table written to docs/benchmarks.md (and $OUT/table.md, $OUT/table.json)"
else
  java -jar "$JAR" report "$OUT" "$OUT/doc.md" > /dev/null
fi
cat "$OUT/table.md"
grep -E "^(No message|Losses:)" "$OUT/table.md" >&2 || true
