#!/usr/bin/env bash
# Profiles one bench server under one scenario with JDK Flight Recorder (async-profiler is not available here) and
# prints where the server's CPU goes.
#
#   bench/profile.sh switchboard fanout --clients 1000 --rate 0          # any load options after the scenario
#   bench/profile.sh switchboard echo --clients 100 -- --handlers direct  # server options after --
#
# Server on core 0, generator on core 1, as in run.sh. The recording covers the measured window only (after a 6 s
# warm-up); it lands in bench/results/profiles/<server>-<scenario>-<time>.jfr. Bounded: 6 s warm-up + 15 s.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER=$1; SCENARIO=$2; shift 2
LOAD_ARGS=(); SERVER_ARGS=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then shift; SERVER_ARGS=("$@"); break; fi
  LOAD_ARGS+=("$1"); shift
done
JAR=bench/target/switchboard-bench.jar
PORT=3790
OUT=bench/results/profiles
mkdir -p "$OUT"
REC="$OUT/$SERVER-$SCENARIO-$(date -u +%H%M%S).jfr"
JFR="-XX:StartFlightRecording=filename=$REC,settings=profile,delay=6s,duration=15s"
case "$SERVER" in
  switchboard) CMD=(java "$JFR" -jar "$JAR" server --port $PORT --threads 1 "${SERVER_ARGS[@]}") ;;
  raw-netty) CMD=(java "$JFR" -jar "$JAR" raw-server --port $PORT --threads 1 "${SERVER_ARGS[@]}") ;;
  netty-socketio) CMD=(java "$JFR" -jar bench/netty-socketio/target/netty-socketio-bench-server.jar --port $PORT --threads 1) ;;
  *) echo "profiles JVM servers: switchboard, raw-netty, netty-socketio" >&2; exit 2 ;;
esac
taskset -c 0 "${CMD[@]}" > "$OUT/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
timeout 120 taskset -c 1 java -jar "$JAR" load "$SCENARIO" --port $PORT --server-pid $PID --label "$SERVER" \
  --warmup-ms 6000 --duration-ms 15000 "${LOAD_ARGS[@]}"
for _ in $(seq 1 100); do [ -s "$REC" ] && break; sleep 0.2; done
sleep 1
# jfr 'view' (JDK 21+) summarises; the Temurin 25 JDK on these machines has it, JDK 17's jfr does not
VIEW=""
for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr "$(dirname "$(readlink -f "$(which java)")")/jfr"; do
  if [ -x "$j" ] && "$j" help 2>&1 | grep -q " view"; then VIEW=$j; break; fi
done
if [ -n "$VIEW" ]; then
  "$VIEW" view --width 160 hot-methods "$REC" | head -40
  "$VIEW" view --width 160 allocation-by-class "$REC" | head -25
else
  echo "recording: $REC (open it in JDK Mission Control, or 'jfr print --events jdk.ExecutionSample')"
fi
