// Speaks raw Engine.IO over a WebSocket with the npm `ws` client, permessage-deflate offered or not, and reports what
// the server negotiated and every frame it sent as it was on the wire (RSV1 set or not, payload length).
//
//   node ws-deflate.mjs --url ws://127.0.0.1:3000/engine.io/?EIO=4&transport=websocket
//                       [--deflate '{"clientNoContextTakeover":false}'] [--no-deflate]
//
// Events written (one JSON object per line):
//   {"event":"open","extensions":"<Sec-WebSocket-Extensions of the 101, or null>"}
//   {"event":"frame","rsv1":true,"opcode":1,"length":123}     (each server frame after the first message, from the
//                                                              raw TCP bytes)
//   {"event":"message","binary":false,"data":"4hello"}           (binary data as base64)
//   {"event":"close","code":1009,"reason":"..."}   {"event":"error","message":..}
//
// Commands read from stdin (one JSON object per line):
//   {"op":"send","text":"4hello","compress":true}   {"op":"send","binary":"<base64>","compress":false}
//   {"op":"close"}
// The process exits when the connection closes, or when stdin ends.

import WebSocket from "ws";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    deflate: { type: "string", default: "{}" },
    "no-deflate": { type: "boolean", default: false },
  },
  strict: true,
});

function emit(event) {
  process.stdout.write(JSON.stringify(event) + "\n");
}

const perMessageDeflate = values["no-deflate"] ? false : { threshold: 0, ...JSON.parse(values.deflate) };
const ws = new WebSocket(values.url, { perMessageDeflate });
let extensions = null;

ws.on("upgrade", (res) => {
  extensions = res.headers["sec-websocket-extensions"] ?? null;
});

// server frames are unmasked: follow their headers on the raw stream
let pending = Buffer.alloc(0);
function sniff(chunk) {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 2) {
    const b0 = pending[0];
    let len = pending[1] & 0x7f;
    let header = 2;
    if (len === 126) {
      if (pending.length < 4) return;
      len = pending.readUInt16BE(2);
      header = 4;
    } else if (len === 127) {
      if (pending.length < 10) return;
      len = Number(pending.readBigUInt64BE(2));
      header = 10;
    }
    if (pending.length < header + len) return;
    emit({ event: "frame", rsv1: (b0 & 0x40) !== 0, opcode: b0 & 0x0f, length: len });
    pending = pending.subarray(header + len);
  }
}

ws.on("open", () => emit({ event: "open", extensions }));

let sniffing = false;
ws.on("message", (data, isBinary) => {
  if (!sniffing) {
    // from the frame after the open packet on: the bytes read with the 101 response never reach this listener
    sniffing = true;
    ws._socket.on("data", sniff);
  }
  emit({ event: "message", binary: isBinary, data: isBinary ? data.toString("base64") : data.toString("utf8") });
});

ws.on("close", (code, reason) => {
  emit({ event: "close", code, reason: reason.toString() });
  process.exit(0);
});

ws.on("error", (e) => emit({ event: "error", message: String(e.message ?? e) }));

createInterface({ input: process.stdin }).on("line", (line) => {
  const cmd = JSON.parse(line);
  if (cmd.op === "send") {
    const data = cmd.binary !== undefined ? Buffer.from(cmd.binary, "base64") : cmd.text;
    ws.send(data, { compress: cmd.compress !== false, binary: cmd.binary !== undefined });
  } else if (cmd.op === "close") {
    ws.close();
  }
}).on("close", () => process.exit(0));
