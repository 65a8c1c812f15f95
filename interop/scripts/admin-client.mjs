// A socket.io-client 4.8 client of an Admin UI namespace (what the @socket.io/admin-ui page does), for the admin
// tests: it reports every event it gets as a JSON line and sends the commands it reads on stdin.
//
//   node admin-client.mjs --url http://127.0.0.1:3000/admin [--username U --password P | --session S]
//                         [--transports websocket,polling] [--origin https://admin.socket.io]
//
// Events written:
//   {"event":"connect","id":..}   {"event":"connect_error","message":..}   {"event":"disconnect","reason":..}
//   {"event":"message","name":..,"args":[..]}   (every event from the server: config, server_stats, all_sockets…)
// Commands read:
//   {"op":"emit","event":"join","args":["/","room1","socketId"]}

import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    username: { type: "string", default: "" },
    password: { type: "string", default: "" },
    session: { type: "string", default: "" },
    transports: { type: "string", default: "websocket" },
    origin: { type: "string", default: "" },
  },
  strict: true,
});

function out(event) {
  process.stdout.write(JSON.stringify(event) + "\n");
}

const auth = {};
if (values.username) auth.username = values.username;
if (values.password) auth.password = values.password;
if (values.session) auth.sessionId = values.session;
const socket = io(values.url, {
  transports: values.transports.split(","),
  reconnection: false,
  auth,
  extraHeaders: values.origin ? { origin: values.origin } : undefined,
});
socket.on("connect", () => out({ event: "connect", id: socket.id }));
socket.on("connect_error", (err) => out({ event: "connect_error", message: err.message }));
socket.on("disconnect", (reason) => out({ event: "disconnect", reason }));
socket.onAny((name, ...args) => out({ event: "message", name, args }));

createInterface({ input: process.stdin }).on("line", (line) => {
  const cmd = JSON.parse(line);
  if (cmd.op === "emit") socket.emit(cmd.event, ...cmd.args);
});
