// Drives a Socket.IO server with the official socket.io-client and reports what happens as JSON lines on stdout.
//
//   node sio-client.mjs --url http://127.0.0.1:3000 [--nsp /] [--transports websocket|polling|both]
//                       [--auth '{"token":"x"}'] [--reconnect] [--no-ack] [--ca ca.pem]
//
// --ca: for https:// and wss://, the PEM file of the certificate authority to trust (instead of the system's).
//
// Binary values travel as {"$binary":"<base64>"} in both directions.
// Events (one JSON object per line):
//   {"event":"connect","id":..,"recovered":bool,"transport":..}   {"event":"connect_error","message":..,"data":..}
//   {"event":"disconnect","reason":..}   {"event":"event","name":..,"args":[..],"withAck":bool}
//   {"event":"ack","ref":..,"args":[..]}   {"event":"ackError","ref":..,"message":..}   {"event":"upgrade","transport":..}
// Commands on stdin:
//   {"op":"emit","event":..,"args":[..],"ref":n (asks for an ack),"timeout":ms}
//   {"op":"disconnect"}  {"op":"connect"}  {"op":"dropTransport"} (closes the engine: the client reconnects if allowed)
// Events the server emits with an ack are answered with their own arguments, unless --no-ack.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";

// run with interop/ as the working directory: the pinned packages live there
const require = createRequire(process.cwd() + "/package.json");
const { io } = require("socket.io-client");

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    nsp: { type: "string", default: "/" },
    transports: { type: "string", default: "websocket" },
    auth: { type: "string", default: "" },
    reconnect: { type: "boolean", default: false },
    "no-ack": { type: "boolean", default: false },
    ca: { type: "string", default: "" },
  },
  strict: true,
});

const out = (e) => process.stdout.write(JSON.stringify(e) + "\n");
const toWire = (v) => {
  if (v && typeof v === "object" && typeof v.$binary === "string") return Buffer.from(v.$binary, "base64");
  if (Array.isArray(v)) return v.map(toWire);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x)]));
  return v;
};
const fromWire = (v) => {
  if (Buffer.isBuffer(v)) return { $binary: v.toString("base64") };
  if (v instanceof ArrayBuffer) return { $binary: Buffer.from(v).toString("base64") };
  if (Array.isArray(v)) return v.map(fromWire);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromWire(x)]));
  return v;
};

const transports = { websocket: ["websocket"], polling: ["polling"], both: ["polling", "websocket"] }[values.transports];
const socket = io(values.url + values.nsp, {
  transports,
  forceNew: true,
  reconnection: values.reconnect,
  reconnectionDelay: 100,
  reconnectionDelayMax: 200,
  auth: values.auth ? JSON.parse(values.auth) : {},
  ...(values.ca ? { ca: readFileSync(values.ca) } : {}),
});

socket.on("connect", () =>
  out({ event: "connect", id: socket.id, recovered: socket.recovered, transport: socket.io.engine.transport.name }));
socket.on("connect_error", (err) => out({ event: "connect_error", message: err.message, data: err.data ?? null }));
socket.on("disconnect", (reason) => out({ event: "disconnect", reason }));
socket.io.on("open", () => {
  const engine = socket.io.engine;
  engine.on("upgrade", () => out({ event: "upgrade", transport: engine.transport.name }));
});
socket.onAny((name, ...args) => {
  const last = args[args.length - 1];
  const withAck = typeof last === "function";
  if (withAck) args.pop();
  out({ event: "event", name, args: fromWire(args), withAck });
  if (withAck && !values["no-ack"]) last(...args);
});

const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const cmd = JSON.parse(line);
  switch (cmd.op) {
    case "emit": {
      const args = toWire(cmd.args ?? []);
      if (cmd.ref === undefined) {
        socket.emit(cmd.event, ...args);
      } else {
        const target = cmd.timeout ? socket.timeout(cmd.timeout) : socket;
        target.emitWithAck(cmd.event, ...args).then(
          (...res) => out({ event: "ack", ref: cmd.ref, args: fromWire(res) }),
          (err) => out({ event: "ackError", ref: cmd.ref, message: err.message }));
      }
      break;
    }
    case "disconnect":
      socket.disconnect();
      break;
    case "connect":
      socket.connect();
      break;
    case "dropTransport":
      socket.io.engine.close();
      break;
    default:
      out({ event: "fatal", message: "unknown op " + cmd.op });
  }
});
rl.on("close", () => process.exit(0));
