// A socket.io-client 4.8 client with connection state recovery, for the cluster recovery tests: it reconnects by
// itself (to the URL it was last pointed at) and reports everything it gets. Reports JSON lines on stdout; takes
// commands as JSON lines on stdin.
//
//   node recovery-client.mjs --url http://127.0.0.1:3000 [--name a] [--rooms r1,r2] [--path /socket.io]
//                            [--token T] [--pid P --offset O]
//
// --token goes into the auth payload; --pid and --offset present a session as if this client had held it (to check
// that a server refuses a session to someone else).
//
// Events written:
//   {"event":"connect","id":..,"recovered":bool,"url":..}      {"event":"disconnect","reason":..}
//   {"event":"connect_error","message":..}                     {"event":"message","name":..,"args":[..]}
//   {"event":"result","id":..,"value":..}
// Commands read (each answered by a result with the same id):
//   {"id":1,"op":"retarget","url":"http://..."}   the next (re)connection goes there
//   {"id":2,"op":"drop"}                           closes the transport (the server sees "transport close")
//   {"id":3,"op":"emit","event":"e","args":[..],"ack":true}
//   {"id":4,"op":"state"}                          {id, connected, recovered, pid, offset}

import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    name: { type: "string", default: "client" },
    rooms: { type: "string", default: "" },
    path: { type: "string", default: "/socket.io" },
    token: { type: "string", default: "" },
    pid: { type: "string", default: "" },
    offset: { type: "string", default: "" },
  },
  strict: true,
});

function out(event) {
  process.stdout.write(JSON.stringify(event) + "\n");
}

const auth = { name: values.name, rooms: values.rooms };
if (values.token) auth.token = values.token;
const socket = io(values.url, {
  path: values.path,
  transports: ["websocket"],
  reconnectionDelay: 50,
  reconnectionDelayMax: 200,
  randomizationFactor: 0,
  auth,
  autoConnect: false,
});
if (values.pid) {
  socket._pid = values.pid;
  if (values.offset) socket._lastOffset = values.offset;
}
socket.connect();

socket.on("connect", () => out({ event: "connect", id: socket.id, recovered: socket.recovered, url: socket.io.uri }));
socket.on("disconnect", (reason) => out({ event: "disconnect", reason }));
socket.on("connect_error", (e) => out({ event: "connect_error", message: String(e && e.message) }));
socket.onAny((name, ...args) => {
  const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
  out({ event: "message", name, args });
  if (ack) ack("ack-" + values.name);
});

async function run(cmd) {
  switch (cmd.op) {
    case "retarget":
      socket.io.uri = cmd.url;
      return true;
    case "drop":
      socket.io.engine.close();
      return true;
    case "emit":
      if (cmd.ack) return await socket.timeout(cmd.timeout ?? 5000).emitWithAck(cmd.event, ...(cmd.args ?? []));
      socket.emit(cmd.event, ...(cmd.args ?? []));
      return true;
    case "state":
      return { id: socket.id, connected: socket.connected, recovered: socket.recovered, pid: socket._pid ?? null,
        offset: socket._lastOffset ?? null };
    default:
      throw new Error("unknown op " + cmd.op);
  }
}

const rl = createInterface({ input: process.stdin });
rl.on("line", async (line) => {
  if (!line.trim()) return;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    out({ event: "error", message: "bad command: " + line });
    return;
  }
  try {
    out({ event: "result", id: cmd.id, value: await run(cmd) });
  } catch (e) {
    out({ event: "error", id: cmd.id, message: String(e && e.message ? e.message : e) });
  }
});
rl.on("close", () => {
  socket.close();
  process.exit(0);
});
