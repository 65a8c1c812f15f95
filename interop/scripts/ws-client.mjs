// Drives a plain WebSocket endpoint with the npm `ws` client and reports what happens as JSON lines on stdout.
//
//   node ws-client.mjs --url ws://127.0.0.1:3000/ws [--header name:value] [--protocol p]
//
// Events written (one JSON object per line):
//   {"event":"open","protocol":..}   {"event":"message","type":"text","data":..}
//   {"event":"message","type":"binary","data":<base64>}   {"event":"ping"}
//   {"event":"unexpected-response","status":..,"body":..}   {"event":"error","message":..}
//   {"event":"close","code":..,"reason":..}
//
// Commands read from stdin (one JSON object per line):
//   {"op":"send","text":".."}   {"op":"send","binary":"<base64>"}   {"op":"send","text":"..","fragments":N}
//   {"op":"close","code":N,"reason":".."}
// The process exits after the connection closes, or when stdin ends.

import WebSocket from "ws";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    header: { type: "string", multiple: true, default: [] },
    protocol: { type: "string", multiple: true, default: [] },
  },
  strict: true,
});

function emit(event) {
  process.stdout.write(JSON.stringify(event) + "\n");
}

const headers = {};
for (const h of values.header) {
  const i = h.indexOf(":");
  headers[h.slice(0, i)] = h.slice(i + 1);
}

const ws = new WebSocket(values.url, values.protocol, { headers });

ws.on("open", () => emit({ event: "open", protocol: ws.protocol }));
ws.on("message", (data, isBinary) => {
  if (isBinary) {
    emit({ event: "message", type: "binary", data: Buffer.from(data).toString("base64") });
  } else {
    emit({ event: "message", type: "text", data: data.toString("utf8") });
  }
});
ws.on("ping", () => emit({ event: "ping" }));
ws.on("unexpected-response", (req, res) => {
  let body = "";
  res.on("data", (chunk) => (body += chunk));
  res.on("end", () => {
    emit({ event: "unexpected-response", status: res.statusCode, body });
    process.exit(0);
  });
});
ws.on("error", (err) => emit({ event: "error", message: String(err.message) }));
ws.on("close", (code, reason) => {
  emit({ event: "close", code, reason: reason.toString("utf8") });
  process.exit(0);
});

const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const cmd = JSON.parse(line);
  if (cmd.op === "send" && cmd.fragments) {
    // one message in N fragments: `ws` sends a frame per call with fin: false until the last
    const text = Buffer.from(cmd.text, "utf8");
    const size = Math.ceil(text.length / cmd.fragments);
    for (let i = 0; i < cmd.fragments; i++) {
      const part = text.subarray(i * size, Math.min(text.length, (i + 1) * size));
      ws.send(part, { binary: false, fin: i === cmd.fragments - 1 });
    }
  } else if (cmd.op === "send" && cmd.binary !== undefined) {
    ws.send(Buffer.from(cmd.binary, "base64"));
  } else if (cmd.op === "send") {
    ws.send(cmd.text);
  } else if (cmd.op === "close") {
    ws.close(cmd.code, cmd.reason);
  }
});
rl.on("close", () => {
  if (ws.readyState === WebSocket.OPEN) {
    ws.close(1000, "stdin ended");
  }
});
