// Three kinds of client in one room of a Switchboard server, reporting what they receive as JSON lines on stdout:
// socket.io-client, a plain WebSocket (npm ws 8) and a Server-Sent Events stream (Node's http, parsed here).
//
//   node plain-clients.mjs --sio http://127.0.0.1:3000 --ws ws://127.0.0.1:3001/ws --sse http://127.0.0.1:3001/events
//                          --room prices [--last-event-id ID]
//
// Any of --sio, --ws, --sse may be left out. The socket.io client emits "join" <room> and waits for its ack; the
// plain WebSocket sends {"event":"join","data":<room>} and waits for {"event":"joined"}; the stream opens
// <sse>?room=<room>. Events written:
//   {"event":"ready","transport":"sio"|"ws"|"sse"}
//   {"event":"got","transport":..,"name":<event>,"data":<arguments as an array>,"id":<SSE id or null>}
//   {"event":"sse-comment","text":..}   {"event":"closed","transport":..,"code":..,"reason":..}
// Commands on stdin: {"op":"ws-raw","base64":".."} sends a raw text frame's bytes as is (may be invalid UTF-8).
import { io } from "socket.io-client";
import WebSocket, { Sender } from "ws";
import http from "node:http";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    sio: { type: "string" }, ws: { type: "string" }, sse: { type: "string" },
    room: { type: "string" }, "last-event-id": { type: "string" },
  },
  strict: true,
});
const room = values.room;
const out = (e) => process.stdout.write(JSON.stringify(e) + "\n");

if (values.sio) {
  const s = io(values.sio, { transports: ["websocket"] });
  s.on("connect", () => s.emit("join", room, () => out({ event: "ready", transport: "sio" })));
  s.onAny((name, ...args) => out({ event: "got", transport: "sio", name, data: args.map(plain), id: null }));
  s.on("disconnect", (reason) => out({ event: "closed", transport: "sio", reason }));
}

let ws;
if (values.ws) {
  ws = new WebSocket(values.ws);
  ws.on("open", () => ws.send(JSON.stringify({ event: "join", data: room })));
  ws.on("message", (data, isBinary) => {
    const m = JSON.parse(data.toString("utf8"));
    if (m.event === "joined") out({ event: "ready", transport: "ws" });
    else out({ event: "got", transport: "ws", name: m.event, data: m.data, id: null });
  });
  ws.on("close", (code, reason) => out({ event: "closed", transport: "ws", code, reason: reason.toString() }));
  ws.on("error", (e) => out({ event: "error", transport: "ws", message: String(e) }));
}

if (values.sse) {
  const headers = { Accept: "text/event-stream" };
  if (values["last-event-id"]) headers["Last-Event-ID"] = values["last-event-id"];
  const url = values.sse + (values.sse.includes("?") ? "&" : "?") + "room=" + encodeURIComponent(room);
  http.get(url, { headers }, (res) => {
    if (res.statusCode !== 200) {
      out({ event: "closed", transport: "sse", code: res.statusCode });
      res.resume();
      return;
    }
    res.setEncoding("utf8");
    let buf = "";
    let ev = { name: "message", data: [], id: null };
    let ready = false;
    res.on("data", (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, "");
        buf = buf.slice(i + 1);
        if (line === "") {
          if (!ready) { ready = true; out({ event: "ready", transport: "sse" }); }
          if (ev.data.length) {
            out({ event: "got", transport: "sse", name: ev.name, data: JSON.parse(ev.data.join("\n")), id: ev.id });
          }
          ev = { name: "message", data: [], id: null };
        } else if (line.startsWith(":")) {
          out({ event: "sse-comment", text: line.slice(1).trim() });
        } else {
          const c = line.indexOf(":");
          const field = c < 0 ? line : line.slice(0, c);
          const value = c < 0 ? "" : line.slice(c + 1).replace(/^ /, "");
          if (field === "event") ev.name = value;
          else if (field === "data") ev.data.push(value);
          else if (field === "id") ev.id = value;
        }
      }
    });
    let ended = false;
    const end = () => { if (!ended) { ended = true; out({ event: "closed", transport: "sse" }); } };
    res.on("end", end);
    res.on("close", end);
    res.on("error", end);
  }).on("error", (e) => out({ event: "error", transport: "sse", message: String(e) }));
}

function plain(v) {
  return Buffer.isBuffer(v) || v instanceof ArrayBuffer ? Buffer.from(v).toString("base64") : v;
}

createInterface({ input: process.stdin }).on("line", (line) => {
  const cmd = JSON.parse(line);
  if (cmd.op === "ws-raw") {
    const frame = Sender.frame(Buffer.from(cmd.base64, "base64"),
      { fin: true, opcode: 1, mask: true, readOnly: false });
    ws._socket.write(Buffer.concat(frame));
  }
}).on("close", () => process.exit(0));
