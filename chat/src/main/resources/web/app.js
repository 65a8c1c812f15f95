// Switchboard chat page: plain JavaScript over the Socket.IO client that the server serves. User text is always
// inserted with textContent, never as HTML.
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const state = {
    token: sessionStorage.getItem("token"),
    me: sessionStorage.getItem("username"),
    socket: null,
    events: null,
    channel: { kind: "room", name: "general" },
    rooms: new Set(["general"]),
    joined: new Set(),
    dms: new Map(), // username -> [messages]
    unread: new Map(),
    typing: new Map(), // username -> timer
    typingSentAt: 0,
    typingActive: false,
    oldestId: null,
    lastEventId: 0,
    toastIds: new Set(),
  };

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function time(ts) {
    return new Date(ts).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // --- sign-in ---
  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("login-error").textContent = "";
    const username = $("login-username").value.trim();
    const password = $("login-password").value;
    try {
      const res = await fetch("/api/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, password }),
      });
      const body = await res.json();
      if (!res.ok) {
        $("login-error").textContent = body.error || "Sign-in failed";
        return;
      }
      state.token = body.token;
      state.me = body.username;
      sessionStorage.setItem("token", state.token);
      sessionStorage.setItem("username", state.me);
      start();
    } catch (e) {
      $("login-error").textContent = "Cannot reach the server";
    }
  });

  $("logout").addEventListener("click", () => signOut());

  function signOut(message) {
    sessionStorage.removeItem("token");
    sessionStorage.removeItem("username");
    if (state.socket) state.socket.disconnect();
    if (state.events) state.events.close();
    state.token = null;
    $("chat-view").hidden = true;
    $("login-view").hidden = false;
    $("login-error").textContent = message || "";
  }

  // --- connection ---
  function setStatus(s, label) {
    const status = $("status");
    status.dataset.state = s;
    status.className = "status status-" + s;
    status.textContent = label || s;
  }

  function api(path) {
    return fetch(path, { headers: { Authorization: "Bearer " + state.token } }).then((r) => r.json());
  }

  function start() {
    $("login-view").hidden = true;
    $("chat-view").hidden = false;
    $("me").textContent = state.me;
    setStatus("connecting", "connecting…");
    api("/api/rooms").then((body) => {
      if (body.ok) body.rooms.forEach((r) => state.rooms.add(r.name));
      renderRooms();
    });
    api("/api/private").then((body) => {
      if (!body.ok) return;
      body.users.forEach((u) => { if (!state.dms.has(u)) state.dms.set(u, []); });
      renderDms();
    });
    const socket = io({ auth: (cb) => cb({ token: state.token }), transports: ["polling", "websocket"] });
    state.socket = socket;
    socket.on("connect", () => {
      setStatus("connected", "connected");
      const joins = new Set(state.joined);
      joins.add(state.channel.kind === "room" ? state.channel.name : "general");
      state.joined.clear();
      joins.forEach((room) => join(room, room === state.channel.name && state.channel.kind === "room"));
    });
    socket.on("disconnect", (reason) => {
      if (reason === "io client disconnect") {
        setStatus("disconnected", "disconnected");
        return;
      }
      setStatus("reconnecting", "reconnecting…");
      // the client does not retry by itself after the server ended the session: do it (the token may be refreshed)
      if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1000);
    });
    socket.io.on("reconnect_attempt", () => setStatus("reconnecting", "reconnecting…"));
    socket.on("connect_error", (err) => {
      if (err.message === "Authentication failed") {
        signOut("Your session ended; please sign in again.");
      } else {
        setStatus("reconnecting", "reconnecting…");
      }
    });
    socket.on("chat:message", (m) => {
      if (state.channel.kind === "room" && state.channel.name === m.room) {
        appendMessage(m, false);
      } else {
        bumpUnread("room:" + m.room);
      }
    });
    socket.on("system:message", (m) => {
      if (state.channel.kind === "room" && state.channel.name === m.room) appendSystem(m.text);
    });
    socket.on("user:online", (p) => renderOnline(p.users));
    socket.on("user:typing", (t) => onTyping(t));
    socket.on("chat:private", (m, ack) => {
      if (typeof ack === "function") ack({ received: true });
      addDm(m.from, m);
      if (state.channel.kind === "dm" && state.channel.name === m.from) {
        appendMessage(m, true);
        markRead(m);
      } else {
        bumpUnread("dm:" + m.from);
      }
    });
    socket.on("chat:receipt", (r) => updateTick(r.id, r.status));
    socket.on("notification", (n) => toast(n));
    socket.on("auth:expiring", () => refreshToken());
    openEvents();
    renderRooms();
    showChannel(state.channel);
  }

  function refreshToken() {
    fetch("/api/refresh", { method: "POST", headers: { Authorization: "Bearer " + state.token } })
      .then((r) => r.json())
      .then((body) => {
        if (!body.token) return;
        state.token = body.token;
        sessionStorage.setItem("token", body.token);
        state.socket.emit("auth:refresh", { token: body.token }, () => {});
      });
  }

  function openEvents() {
    if (state.events) state.events.close();
    const last = state.lastEventId ? "&lastEventId=" + state.lastEventId : "";
    const es = new EventSource("/api/events?token=" + encodeURIComponent(state.token) + last);
    es.addEventListener("notification", (ev) => {
      state.lastEventId = Number(ev.lastEventId) || state.lastEventId;
      toast(JSON.parse(ev.data));
    });
    state.events = es;
  }

  function toast(n) {
    if (state.toastIds.has(n.id)) return;
    state.toastIds.add(n.id);
    const t = el("div", "toast");
    t.appendChild(el("strong", "", n.title));
    t.appendChild(el("span", "", n.body));
    $("toasts").appendChild(t);
    setTimeout(() => t.remove(), 6000);
  }

  // --- rooms ---
  function join(room, show) {
    state.socket.emit("room:join", room, (res) => {
      if (!res || !res.ok) {
        $("send-error").textContent = (res && res.error) || "Cannot join";
        return;
      }
      state.joined.add(room);
      state.rooms.add(room);
      renderRooms();
      if (show && state.channel.kind === "room" && state.channel.name === room) {
        clearMessages();
        res.messages.forEach((m) => appendMessage(m, false));
        state.oldestId = res.messages.length ? res.messages[0].id : null;
        $("load-older").hidden = res.messages.length < 50;
        scrollDown();
      }
    });
  }

  $("join-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const room = $("join-room").value.trim();
    if (!room) return;
    $("join-room").value = "";
    showChannel({ kind: "room", name: room });
  });

  $("load-older").addEventListener("click", () => {
    if (state.channel.kind !== "room" || state.oldestId == null) return;
    const room = state.channel.name;
    state.socket.emit("history:fetch", { room, before: state.oldestId, limit: 50 }, (res) => {
      if (!res || !res.ok || state.channel.name !== room) return;
      const list = $("message-list");
      const first = list.firstChild;
      res.messages.forEach((m) => list.insertBefore(messageItem(m, false), first));
      if (res.messages.length) state.oldestId = res.messages[0].id;
      $("load-older").hidden = res.messages.length < 50;
    });
  });

  function showChannel(ch) {
    state.channel = ch;
    state.unread.delete(ch.kind + ":" + ch.name);
    $("typing").textContent = "";
    state.typing.forEach((t) => clearTimeout(t));
    state.typing.clear();
    clearMessages();
    $("send-error").textContent = "";
    if (ch.kind === "room") {
      $("channel-title").textContent = "#" + ch.name;
      if (state.socket && state.socket.connected) join(ch.name, true);
    } else {
      $("channel-title").textContent = "@" + ch.name;
      $("load-older").hidden = true;
      api("/api/private/" + encodeURIComponent(ch.name) + "?limit=50").then((body) => {
        if (!body.ok || state.channel.name !== ch.name) return;
        state.dms.set(ch.name, body.messages);
        clearMessages();
        body.messages.forEach((m) => {
          appendMessage(m, true);
          if (m.from === ch.name && m.status !== "read") markRead(m);
        });
        scrollDown();
      });
    }
    renderRooms();
    renderDms();
  }

  function renderRooms() {
    const ul = $("rooms");
    ul.replaceChildren();
    [...state.rooms].sort().forEach((r) => {
      const li = el("li", state.channel.kind === "room" && state.channel.name === r ? "active" : "", "#" + r);
      li.dataset.room = r;
      const n = state.unread.get("room:" + r);
      if (n) li.appendChild(el("span", "badge", String(n)));
      li.addEventListener("click", () => showChannel({ kind: "room", name: r }));
      ul.appendChild(li);
    });
  }

  function renderOnline(users) {
    $("online-count").textContent = String(users.length);
    const ul = $("online");
    ul.replaceChildren();
    users.forEach((u) => {
      const li = el("li", "online-user", u);
      li.dataset.user = u;
      if (u !== state.me) li.addEventListener("click", () => showChannel({ kind: "dm", name: u }));
      ul.appendChild(li);
    });
  }

  function renderDms() {
    const ul = $("dms");
    ul.replaceChildren();
    [...state.dms.keys()].sort().forEach((u) => {
      const li = el("li", state.channel.kind === "dm" && state.channel.name === u ? "active" : "", "@" + u);
      li.dataset.dm = u;
      const n = state.unread.get("dm:" + u);
      if (n) li.appendChild(el("span", "badge", String(n)));
      li.addEventListener("click", () => showChannel({ kind: "dm", name: u }));
      ul.appendChild(li);
    });
  }

  function bumpUnread(key) {
    state.unread.set(key, (state.unread.get(key) || 0) + 1);
    renderRooms();
    renderDms();
  }

  function addDm(user, m) {
    if (!state.dms.has(user)) state.dms.set(user, []);
    state.dms.get(user).push(m);
    renderDms();
  }

  function markRead(m) {
    if (document.visibilityState === "hidden") return;
    state.socket.emit("chat:read", { id: m.id }, () => {});
  }

  // --- messages ---
  function clearMessages() {
    $("message-list").replaceChildren();
  }

  function scrollDown() {
    const box = $("messages");
    box.scrollTop = box.scrollHeight;
  }

  function messageItem(m, isPrivate) {
    const mine = m.from === state.me;
    const li = el("li", "message" + (mine ? " mine" : ""));
    li.dataset.id = String(m.id);
    li.appendChild(el("span", "time", time(m.ts)));
    li.appendChild(el("span", "from", m.from));
    li.appendChild(el("span", "text", m.text));
    if (isPrivate && mine) {
      const status = m.status || "sent";
      const tick = el("span", "tick " + status, status === "sent" ? "✓" : "✓✓");
      tick.title = status;
      tick.dataset.status = status;
      li.appendChild(tick);
    }
    return li;
  }

  function appendMessage(m, isPrivate) {
    const box = $("messages");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    $("message-list").appendChild(messageItem(m, isPrivate));
    if (atBottom || m.from === state.me) scrollDown();
  }

  function appendSystem(text) {
    $("message-list").appendChild(el("li", "system", text));
    scrollDown();
  }

  function updateTick(id, status) {
    const li = document.querySelector('.message[data-id="' + Number(id) + '"] .tick');
    if (!li) return;
    if (li.dataset.status === "read") return;
    li.className = "tick " + status;
    li.dataset.status = status;
    li.title = status;
    li.textContent = "✓✓";
  }

  $("message-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const input = $("message-input");
    const text = input.value;
    if (!text.trim()) return;
    $("send-error").textContent = "";
    stopTyping();
    if (state.channel.kind === "room") {
      state.socket.emit("room:message", { room: state.channel.name, text }, (res) => {
        if (!res || !res.ok) $("send-error").textContent = (res && res.error) || "Not sent";
      });
      input.value = "";
    } else {
      const to = state.channel.name;
      const pending = { id: "pending-" + Date.now(), from: state.me, to, text, ts: Date.now(), status: "sent" };
      state.socket.emit("chat:private", { to, text }, (res) => {
        if (!res || !res.ok) {
          $("send-error").textContent = (res && res.error) || "Not sent";
          return;
        }
        const m = Object.assign({}, pending, { id: res.id, status: res.delivered ? "delivered" : "sent" });
        addDm(to, m);
        if (state.channel.kind === "dm" && state.channel.name === to) appendMessage(m, true);
        if (!res.delivered && res.reason) $("send-error").textContent = res.reason + ": delivered when they connect";
      });
      input.value = "";
    }
  });

  // --- typing ---
  $("message-input").addEventListener("input", () => {
    if (state.channel.kind !== "room" || !state.socket) return;
    const now = Date.now();
    if (!state.typingActive || now - state.typingSentAt > 2000) {
      state.typingActive = true;
      state.typingSentAt = now;
      state.socket.volatile.emit("typing", { room: state.channel.name, isTyping: true }, () => {});
    }
    clearTimeout(state.typingStop);
    state.typingStop = setTimeout(stopTyping, 3000);
  });

  function stopTyping() {
    clearTimeout(state.typingStop);
    if (!state.typingActive || state.channel.kind !== "room") return;
    state.typingActive = false;
    state.socket.volatile.emit("typing", { room: state.channel.name, isTyping: false }, () => {});
  }

  function onTyping(t) {
    if (state.channel.kind !== "room" || t.room !== state.channel.name) return;
    clearTimeout(state.typing.get(t.username));
    if (t.isTyping) {
      state.typing.set(t.username, setTimeout(() => {
        state.typing.delete(t.username);
        renderTyping();
      }, 5000));
    } else {
      state.typing.delete(t.username);
    }
    renderTyping();
  }

  function renderTyping() {
    const names = [...state.typing.keys()];
    $("typing").textContent = names.length === 0 ? ""
      : names.length === 1 ? names[0] + " is typing…" : names.join(", ") + " are typing…";
  }

  // --- boot ---
  if (state.token) {
    start();
  } else {
    $("login-view").hidden = false;
  }
})();
