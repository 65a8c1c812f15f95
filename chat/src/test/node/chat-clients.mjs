// Drives several official socket.io-client connections (users, tabs) against the chat server for the Java tests, and
// reports what happens as JSON lines on stdout. Started from interop/ (its node_modules hold the pinned client).
//
// Commands read from stdin (one JSON object per line):
//   {"op":"connect","id":"alice-1","url":"http://127.0.0.1:3000","token":"..","ackPrivate":true}
//   {"op":"emit","id":"alice-1","seq":1,"event":"room:join","args":["general"]}     -> {"event":"ack","seq":1,..}
//   {"op":"emit","id":"alice-1","seq":2,"event":"typing","args":[..],"volatile":true}
//   {"op":"auth","id":"alice-1","token":".."}      replaces the token used by the next (re)connection
//   {"op":"ackPrivate","id":"alice-1","value":false} whether this client answers chat:private acknowledgements
//   {"op":"disconnect","id":"alice-1"}  {"op":"reconnect","id":"alice-1"}  {"op":"exit"}
//   {"op":"drop","id":"alice-1"}  closes the connection under the socket, as a network failure would (the server
//                                 keeps the session for recovery; "reconnect" then recovers it)
// Events written:
//   {"event":"connect","id":..,"sid":..,"recovered":bool}  {"event":"connect_error","id":..,"message":..}  {"event":"disconnect","id":..,"reason":..}
//   {"event":"sio","id":..,"name":"chat:message","args":[..],"withAck":bool,"at":<ms since the epoch>}
//   {"event":"ack","id":..,"seq":..,"args":[..]}  {"event":"ackError","id":..,"seq":..,"message":..}
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import path from "node:path";

const require = createRequire(path.join(process.cwd(), "package.json"));
const { io } = require("socket.io-client");

const sockets = new Map();

function out(event) {
  process.stdout.write(JSON.stringify(event) + "\n");
}

function connect(cmd) {
  const state = { token: cmd.token, ackPrivate: cmd.ackPrivate !== false };
  const socket = io(cmd.url, {
    forceNew: true,
    reconnection: false,
    transports: cmd.transports || ["polling", "websocket"],
    auth: (cb) => cb({ token: state.token }),
  });
  state.socket = socket;
  sockets.set(cmd.id, state);
  socket.on("connect", () => out({ event: "connect", id: cmd.id, sid: socket.id, recovered: socket.recovered }));
  socket.on("connect_error", (err) => out({ event: "connect_error", id: cmd.id, message: err.message }));
  socket.on("disconnect", (reason) => out({ event: "disconnect", id: cmd.id, reason }));
  socket.onAny((name, ...args) => {
    const last = args[args.length - 1];
    const withAck = typeof last === "function";
    const values = withAck ? args.slice(0, -1) : args;
    out({ event: "sio", id: cmd.id, name, args: values, withAck, at: Date.now() });
    if (withAck && name === "chat:private" && state.ackPrivate) {
      last({ received: true });
    }
  });
}

function emit(cmd) {
  const state = sockets.get(cmd.id);
  if (!state) {
    out({ event: "ackError", id: cmd.id, seq: cmd.seq, message: "no such client" });
    return;
  }
  let target = cmd.volatile ? state.socket.volatile : state.socket;
  if (cmd.noAck) {
    target.emit(cmd.event, ...(cmd.args || []));
    return;
  }
  target.timeout(cmd.timeoutMs || 15000).emit(cmd.event, ...(cmd.args || []), (err, ...res) => {
    if (err) {
      out({ event: "ackError", id: cmd.id, seq: cmd.seq, message: err.message });
    } else {
      out({ event: "ack", id: cmd.id, seq: cmd.seq, args: res });
    }
  });
}

const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line);
  const state = sockets.get(cmd.id);
  switch (cmd.op) {
    case "connect": connect(cmd); break;
    case "emit": emit(cmd); break;
    case "auth": state.token = cmd.token; break;
    case "ackPrivate": state.ackPrivate = cmd.value; break;
    case "disconnect": state.socket.disconnect(); break;
    case "reconnect": state.socket.connect(); break;
    case "drop": state.socket.io.engine.close(); break;
    case "exit": for (const s of sockets.values()) s.socket.disconnect(); process.exit(0);
    default: out({ event: "error", message: "unknown op " + cmd.op });
  }
  out({ event: "done", op: cmd.op, id: cmd.id, seq: cmd.seq });
});
rl.on("close", () => {
  for (const s of sockets.values()) s.socket.disconnect();
  process.exit(0);
});
out({ event: "ready" });
