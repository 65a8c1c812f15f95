#!/usr/bin/env bash
# 50,000 Socket.IO connections on one box: three Switchboard bench servers linked through the local Redis (pub/sub
# adapter), about 16,700 clients each, all in one room; generators in several processes (12,500 clients each, each
# process on its own range of 127.0.0.x source addresses); one of them broadcasts to the room at a steady rate
# (1 msg/s → 50,000 deliveries/s). After a warm-up of at least 20 s of that broadcast, it measures rounds and reports
# deliveries/s, latency p50/p99, losses, and per server RSS, live heap per connection and CPU per delivery.
#
#   bench/cluster50k.sh [--skip-build] [--clients 50000] [--generators 4] [--servers 3] [--rate 1]
#                       [--rounds 3] [--duration-ms 10000] [--warmup-s 20] [--xmx 512m]
#
# Ports: BENCH_PORT (default 4100) and the next ones. Results: bench/results/<run-id>-cluster50k/ (servers' and
# generators' logs, gen-<k>.json one line per round each, merged.json one line per round for all, summary.md).
# Each process stays under RLIMIT_NOFILE 20,000: a server holds ~16,700 sockets, a generator 12,500.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=1
CLIENTS=50000
GENERATORS=4
SERVERS=3
RATE=1
ROUNDS=3
DURATION_MS=10000
DRAIN_MS=3000
WARMUP_S=20
XMX=512m
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) BUILD=0 ;;
    --clients) CLIENTS=$2; shift ;;
    --generators) GENERATORS=$2; shift ;;
    --servers) SERVERS=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --duration-ms) DURATION_MS=$2; shift ;;
    --warmup-s) WARMUP_S=$2; shift ;;
    --xmx) XMX=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

JAR=bench/target/switchboard-bench.jar
PORT=${BENCH_PORT:-4100}
REDIS=redis://127.0.0.1:6379
RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)-cluster50k
OUT=bench/results/$RUN_ID
mkdir -p "$OUT"
log() { echo "[cluster50k $(date -u +%H:%M:%S)] $*" | tee -a "$OUT/run.log" >&2; }

if [ "$BUILD" = 1 ]; then
  log "building the bench jar"
  mvn -q -B ${MAVEN_ARGS:-} -pl bench -am install -DskipTests -Pnative-transport
fi
[ -f "$JAR" ] || { echo "build first" >&2; exit 1; }
ulimit -n 20000 2>/dev/null || true
[ "$(ulimit -n)" -ge $(( CLIENTS / SERVERS + 500 )) ] || { echo "RLIMIT_NOFILE $(ulimit -n) too low" >&2; exit 1; }

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

cpu_ticks() { # pid → utime+stime in ticks (1/100 s)
  awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
sleep_until() { # epoch ms
  local d=$(( $1 - $(date +%s%3N) ))
  [ "$d" -gt 0 ] && sleep "$(awk "BEGIN { print $d / 1000 }")" || true
}
live_heap() { # pid → live bytes after a full GC
  jcmd "$1" GC.class_histogram 2>/dev/null | awk '/^Total/ { print $3 }'
}

{
  echo "- Run: \`bench/cluster50k.sh $*\` ($RUN_ID), git $(git rev-parse --short HEAD)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, Linux $(uname -r), RLIMIT_NOFILE $(ulimit -n)"
  echo "- Java: $(java -version 2>&1 | head -1); Redis $(redis-cli -h 127.0.0.1 INFO server 2>/dev/null | awk -F: '/redis_version/ {print $2}' | tr -d '\r')"
  echo "- Setup: $SERVERS servers (-Xms32m -Xmx$XMX, G1, 1 event loop each, pub/sub adapter), $GENERATORS generators × $(( CLIENTS / GENERATORS )) clients, rate $RATE msg/s, warm-up ≥ ${WARMUP_S} s, $ROUNDS rounds × $DURATION_MS ms"
  echo "- Load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine)"
} > "$OUT/env.md"

# servers
SPIDS=()
MORE=""
for i in $(seq 0 $((SERVERS - 1))); do
  p=$((PORT + i))
  java -Xms32m -Xmx$XMX -XX:+UseG1GC -jar "$JAR" server --port $p --threads 1 --redis $REDIS > "$OUT/server-$i.log" 2>&1 &
  SPIDS+=($!); PIDS+=($!)
  [ "$i" -ge 2 ] && MORE="${MORE:+$MORE,}$p"
done
for i in $(seq 0 $((SERVERS - 1))); do
  for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$((PORT + i))) 2>/dev/null && break; sleep 0.2; done
done
sleep 2
declare -A HEAP0 RSS0 FDS0
for s in "${SPIDS[@]}"; do HEAP0[$s]=$(live_heap "$s"); RSS0[$s]=$(rss_kb "$s"); FDS0[$s]=$(ls /proc/$s/fd | wc -l); done
log "servers up: ${SPIDS[*]} on ports $PORT..$((PORT + SERVERS - 1)); live heap before clients: ${HEAP0[*]}"

# generators: the measured rounds start at an agreed wall-clock time, after the connects and the warm-up
PER=$(( CLIENTS / GENERATORS ))
CONNECT_BUDGET_S=$(( 20 + CLIENTS / 300 ))
START_AT=$(( $(date +%s%3N) + (CONNECT_BUDGET_S + WARMUP_S) * 1000 ))
PERIOD_MS=$(( DURATION_MS + DRAIN_MS ))
END_AT=$(( START_AT + (ROUNDS - 1) * PERIOD_MS + DURATION_MS ))
PORT2=""; [ "$SERVERS" -ge 2 ] && PORT2="--port2 $((PORT + 1))"
GPIDS=()
for k in $(seq 0 $((GENERATORS - 1))); do
  emit=false; [ "$k" = 0 ] && emit=true
  java -Xmx1g -jar "$JAR" load crowd --port $PORT $PORT2 ${MORE:+--more-ports $MORE} --clients $PER \
    --source-base $((10 + k * 10)) --sources 8 --concurrency 200 --threads 1 --emit $emit --rate $RATE \
    --start-at $START_AT --duration-ms $DURATION_MS --drain-ms $DRAIN_MS --rounds $ROUNDS \
    --connect-timeout-ms $((CONNECT_BUDGET_S * 1000)) --label switchboard-cluster \
    > "$OUT/gen-$k.json" 2> "$OUT/gen-$k.err" &
  GPIDS+=($!); PIDS+=($!)
done
log "generators ${GPIDS[*]}: $GENERATORS × $PER clients; measuring from $(date -u -d @$((START_AT / 1000)) +%T) to $(date -u -d @$((END_AT / 1000)) +%T)"

# memory with every client connected, before the measured rounds (a full GC each: done in the warm-up)
sleep_until $(( START_AT - 12000 ))
grep -h "joined" "$OUT"/gen-*.err | tee -a "$OUT/run.log" >&2 || true
declare -A HEAP1 RSS1 CONNS
for s in "${SPIDS[@]}"; do
  HEAP1[$s]=$(live_heap "$s")
  CONNS[$s]=$(ls /proc/$s/fd 2>/dev/null | wc -l)
done
log "live heap with clients: ${HEAP1[*]}; open fds: ${CONNS[*]}"

# CPU over the measured span (rounds and the gaps between them, the broadcast never stops)
sleep_until "$START_AT"
declare -A CPU0 CPU1
for s in "${SPIDS[@]}"; do CPU0[$s]=$(cpu_ticks "$s"); done
REDIS_PID=$(pidof redis-server | cut -d' ' -f1 || true)
RCPU0=$([ -n "$REDIS_PID" ] && cpu_ticks "$REDIS_PID" || echo 0)
T0=$(date +%s%3N)
LOAD_MID=""
while [ "$(date +%s%3N)" -lt "$END_AT" ]; do
  sleep 1
  [ -z "$LOAD_MID" ] && [ "$(date +%s%3N)" -gt $(( START_AT + 5000 )) ] && LOAD_MID=$(cut -d' ' -f1-3 /proc/loadavg)
done
for s in "${SPIDS[@]}"; do CPU1[$s]=$(cpu_ticks "$s"); RSS1[$s]=$(rss_kb "$s"); done
RCPU1=$([ -n "$REDIS_PID" ] && cpu_ticks "$REDIS_PID" || echo 0)
T1=$(date +%s%3N)
for g in "${GPIDS[@]}"; do wait "$g" || log "generator $g exit $?"; done
echo "- Load average during the rounds: $LOAD_MID; at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/env.md"

java -jar "$JAR" crowd-merge "$OUT"/gen-*.json > "$OUT/merged.json"
SPAN_S=$(awk "BEGIN { print ($T1 - $T0) / 1000 }")
MED_RATE=$(jq -s 'map(.deliveries_per_s) | sort | .[length/2|floor]' "$OUT/merged.json")
{
  cat "$OUT/env.md"
  echo
  echo "| round | receivers | broadcasts | deliveries expected | delivered | lost | deliveries/s | p50 ms | p99 ms | p99.9 ms | max ms |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  jq -r '"| \(.round) | \(.receivers) | \(.sent) | \(.expected) | \(.delivered) | \(.lost) | \(.deliveries_per_s|floor) | \(.p50_ms) | \(.p99_ms) | \(.p999_ms) | \(.max_ms) |"' "$OUT/merged.json"
  echo
  echo "| server | pid | connections (fds added) | RSS MB (before → after) | live heap MB (before → with clients) | live heap KB/conn | CPU s over ${SPAN_S} s | CPU µs/delivery |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  i=0
  for s in "${SPIDS[@]}"; do
    conns=$(( CONNS[$s] - FDS0[$s] )); [ "$conns" -gt 0 ] || conns=1
    awk -v i=$i -v pid=$s -v fds=$conns -v r0=${RSS0[$s]} -v r1=${RSS1[$s]} -v h0=${HEAP0[$s]:-0} -v h1=${HEAP1[$s]:-0} \
        -v c0=${CPU0[$s]} -v c1=${CPU1[$s]} -v n=$conns -v rate=$MED_RATE -v span=$SPAN_S -v servers=$SERVERS 'BEGIN {
      cpu = (c1 - c0) / 100; per = rate * span / servers;
      printf "| %d | %d | %d | %.0f → %.0f | %.0f → %.0f | %.1f | %.2f | %.2f |\n", i, pid, fds, r0/1024, r1/1024, h0/1048576, h1/1048576, (h1-h0)/1024/n, cpu, (per > 0 ? cpu*1e6/per : 0) }'
    i=$((i + 1))
    TOTAL_CONNS=$(( ${TOTAL_CONNS:-0} + conns )); TOTAL_RSS0=$(( ${TOTAL_RSS0:-0} + RSS0[$s] ))
    TOTAL_RSS1=$(( ${TOTAL_RSS1:-0} + RSS1[$s] )); TOTAL_H=$(( ${TOTAL_H:-0} + ${HEAP1[$s]:-0} - ${HEAP0[$s]:-0} ))
  done
  echo
  awk -v n=$TOTAL_CONNS -v r0=$TOTAL_RSS0 -v r1=$TOTAL_RSS1 -v h=$TOTAL_H 'BEGIN {
    printf "All servers: %d connections; RSS %.0f → %.0f MB (%.1f KB per connection over the servers'"'"' start); live heap %.1f KB per connection.\n", n, r0/1024, r1/1024, (r1-r0)/n, h/1024/n }'

  echo "Redis (pid ${REDIS_PID:-?}) CPU over the span: $(awk "BEGIN { printf \"%.2f\", ($RCPU1 - $RCPU0) / 100 }") s. CPU per delivery assumes each server delivered a third of the median deliveries/s over the whole span (the broadcast runs in the gaps between rounds too). Live heap KB/conn divides the live-heap growth (after a full GC) by the file descriptors the server gained."
  LOST=$(jq -s 'map(.lost) | add' "$OUT/merged.json")
  [ "$LOST" = 0 ] && echo "No message lost in any round." || echo "Lost deliveries over all rounds: $LOST."
} > "$OUT/summary.md"
cat "$OUT/summary.md"
