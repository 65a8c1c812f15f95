// Drives an Engine.IO server with the official engine.io-client and reports what happens as JSON lines on stdout.
//
//   node eio-client.mjs --url http://127.0.0.1:3000 [--path /engine.io/] [--transports polling|websocket|both]
//                       [--send text:hello] [--send binary:AQID] [--send-on open|upgrade] [--burst N]
//                       [--header name:value] [--query key=value] [--no-upgrade]
//
// Events written (one JSON object per line):
//   {"event":"open","sid":..,"transport":..,"handshake":{..}}   {"event":"upgrading","transport":..}
//   {"event":"upgrade","transport":..}   {"event":"upgradeError","message":..}
//   {"event":"message","type":"text","data":..}   {"event":"message","type":"binary","data":<base64>}
//   {"event":"ping"}   {"event":"error","message":..}   {"event":"close","reason":..,"description":..}
//
// Commands read from stdin (one JSON object per line):
//   {"op":"send","text":".."}   {"op":"send","binary":"<base64>"}   {"op":"close"}
// The process exits after the session closes, or when stdin ends.

import { Socket } from "engine.io-client";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    path: { type: "string", default: "/engine.io/" },
    transports: { type: "string", default: "both" },
    send: { type: "string", multiple: true, default: [] },
    "send-on": { type: "string", default: "open" },
    burst: { type: "string", default: "0" },
    header: { type: "string", multiple: true, default: [] },
    query: { type: "string", multiple: true, default: [] },
    "no-upgrade": { type: "boolean", default: false },
  },
  strict: true,
});

function emit(event) {
  process.stdout.write(JSON.stringify(event) + "\n");
}

function fail(message) {
  emit({ event: "fatal", message });
  process.exit(2);
}

if (!values.url) {
  fail("--url is required");
}

const transportsByMode = {
  polling: ["polling"],
  websocket: ["websocket"],
  both: ["polling", "websocket"],
};
const transports = transportsByMode[values.transports];
if (!transports) {
  fail(`--transports must be polling, websocket or both, not ${values.transports}`);
}

const extraHeaders = {};
for (const h of values.header) {
  const i = h.indexOf(":");
  if (i <= 0) fail(`bad --header ${h}, expected name:value`);
  extraHeaders[h.slice(0, i).trim()] = h.slice(i + 1).trim();
}

const query = {};
for (const q of values.query) {
  const i = q.indexOf("=");
  if (i <= 0) fail(`bad --query ${q}, expected key=value`);
  query[q.slice(0, i)] = q.slice(i + 1);
}

function toMessage(spec) {
  if (spec.startsWith("text:")) return spec.slice("text:".length);
  if (spec.startsWith("binary:")) return Buffer.from(spec.slice("binary:".length), "base64");
  fail(`bad --send ${spec}, expected text:... or binary:<base64>`);
}

const initialMessages = values.send.map(toMessage);
const burst = Number.parseInt(values.burst, 10);
if (!Number.isInteger(burst) || burst < 0) fail(`bad --burst ${values.burst}`);
if (!["open", "upgrade"].includes(values["send-on"])) fail("--send-on must be open or upgrade");

const socket = new Socket(values.url, {
  path: values.path,
  transports,
  upgrade: !values["no-upgrade"],
  extraHeaders,
  query,
});

let handshake = null;
socket.on("handshake", (data) => {
  handshake = data;
});

let sentInitial = false;
function sendInitial() {
  if (sentInitial) return;
  sentInitial = true;
  for (const m of initialMessages) socket.send(m);
  for (let i = 0; i < burst; i++) socket.send(`m${i}`);
}

socket.on("open", () => {
  emit({
    event: "open",
    sid: socket.id,
    transport: socket.transport.name,
    handshake,
  });
  if (values["send-on"] === "open") sendInitial();
});

socket.on("upgrading", (transport) => emit({ event: "upgrading", transport: transport.name }));

socket.on("upgrade", (transport) => {
  emit({ event: "upgrade", transport: transport.name });
  if (values["send-on"] === "upgrade") sendInitial();
});

socket.on("upgradeError", (err) => emit({ event: "upgradeError", message: String(err?.message ?? err) }));

socket.on("message", (data) => {
  if (typeof data === "string") {
    emit({ event: "message", type: "text", data });
  } else {
    emit({ event: "message", type: "binary", data: Buffer.from(data).toString("base64") });
  }
});

socket.on("ping", () => emit({ event: "ping" }));

socket.on("error", (err) => emit({ event: "error", message: String(err?.message ?? err) }));

socket.on("close", (reason, description) => {
  const detail = description?.message ?? description?.description?.message ?? (description ? String(description) : null);
  emit({ event: "close", reason, description: detail });
  // Let stdout drain before leaving.
  setTimeout(() => process.exit(0), 20);
});

const commands = createInterface({ input: process.stdin });
commands.on("line", (line) => {
  if (!line.trim()) return;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch {
    emit({ event: "error", message: `bad command: ${line}` });
    return;
  }
  if (cmd.op === "send" && typeof cmd.text === "string") {
    socket.send(cmd.text);
  } else if (cmd.op === "send" && typeof cmd.binary === "string") {
    socket.send(Buffer.from(cmd.binary, "base64"));
  } else if (cmd.op === "close") {
    socket.close();
  } else {
    emit({ event: "error", message: `unknown command: ${line}` });
  }
});
commands.on("close", () => {
  socket.close();
  setTimeout(() => process.exit(0), 50);
});
