#!/usr/bin/env bash
# Runs the OFFICIAL protocol test suites (socketio/engine.io-protocol, socketio/socket.io-protocol) against the
# conformance server, from checkouts that live outside this repository. Nothing is built or copied into the
# repository: each suite's test-suite/ folder is copied to a temporary directory and installed there.
#
#   mvn -B -q package -DskipTests            # builds conformance/target/switchboard-conformance.jar
#   scripts/protocol-suites.sh [--port N] /tmp/eio-protocol [/tmp/sio-protocol]
#
# The suites connect to http://localhost:3000; with --port N (or SUITE_PORT=N) the copies are pointed at port N
# instead, so the port must be free. Their pinned `ws` client (8.5) may emit
# back-to-back frames synchronously and miss one of them (socket.io-protocol issue #32), so the copy gets a newer
# ws 8.x whose WebSocket is created with allowSynchronousEvents: false.
# Prints one line per suite, "<suite>: <passing>/<total> passing", and exits non-zero if any test failed.
set -euo pipefail

WS_VERSION=8.23.0
PORT=${SUITE_PORT:-3000}

if [[ "${1:-}" == "--port" ]]; then
  PORT=$2
  shift 2
fi
if [[ $# -lt 1 ]]; then
  echo "usage: $0 [--port N] <checkout of engine.io-protocol or socket.io-protocol>..." >&2
  exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/conformance/target/switchboard-conformance.jar"
if [[ ! -f "$JAR" ]]; then
  echo "missing $JAR: run 'mvn -B -q package -DskipTests' in $ROOT first" >&2
  exit 2
fi

WORK="$(mktemp -d -t switchboard-suites.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

if port_open; then
  echo "port $PORT is already in use; the suites need it for the conformance server" >&2
  exit 2
fi

java -jar "$JAR" --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
  port_open && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the conformance server did not start:" >&2
    cat "$WORK/server.log" >&2
    exit 1
  fi
  sleep 0.2
done
port_open || { echo "the conformance server is not listening on $PORT" >&2; exit 1; }

failed=0
summary=()
for checkout in "$@"; do
  suite_dir="$checkout/test-suite"
  if [[ ! -f "$suite_dir/test-suite.js" ]]; then
    echo "$checkout has no test-suite/test-suite.js" >&2
    exit 2
  fi
  name="$(node -p "require(process.argv[1]).name" "$suite_dir/package.json")"
  copy="$WORK/$name"
  mkdir -p "$copy"
  cp -R "$suite_dir/." "$copy/"
  rm -rf "$copy/node_modules"
  if [[ "$PORT" != 3000 ]]; then
    sed -i "s#http://localhost:3000#http://localhost:$PORT#" "$copy/test-suite.js"
  fi

  echo "== $name: installing in $copy"
  (cd "$copy" && npm ci --no-audit --no-fund --loglevel=error >/dev/null \
    && npm install --no-save --no-audit --no-fund --loglevel=error "ws@$WS_VERSION" >/dev/null)

  # Create every WebSocket of the suite with allowSynchronousEvents: false (one 'message' event per tick).
  cat >>"$copy/node-imports.js" <<'EOF'

const SuiteWebSocket = globalThis.WebSocket;
globalThis.WebSocket = class extends SuiteWebSocket {
  constructor(address, protocols, options) {
    super(address, protocols ?? [], { allowSynchronousEvents: false, ...options });
  }
};
EOF

  echo "== $name: running mocha"
  set +e
  (cd "$copy" && NODE_OPTIONS=--dns-result-order=ipv4first npx --no-install mocha --reporter spec test-suite.js) \
    | tee "$copy/mocha.log"
  status=${PIPESTATUS[0]}
  set -e
  passing="$(grep -Eo '[0-9]+ passing' "$copy/mocha.log" | grep -Eo '[0-9]+' | tail -1 || true)"
  failing="$(grep -Eo '[0-9]+ failing' "$copy/mocha.log" | grep -Eo '[0-9]+' | tail -1 || true)"
  passing=${passing:-0}
  failing=${failing:-0}
  summary+=("$name: $passing/$((passing + failing)) passing")
  if [[ $status -ne 0 || $failing -ne 0 ]]; then
    failed=1
  fi
done

echo
printf '%s\n' "${summary[@]}"
exit $failed
