// Switchboard chat page: plain JavaScript over the Socket.IO client that the server serves. User text is always
// inserted with textContent, never as HTML.
//
// What it promises: nothing typed is lost (an outbox, kept in sessionStorage, shows each message as "sending…" until
// the server acknowledges it, resends it with the same clientId after a reconnect, and shows the server's refusal next
// to it); after a reconnect the page is still in its rooms (rejoined unless the session was recovered) and fetches
// what it missed, de-duplicated by id; the joined rooms, the open room or conversation (URL #room/name, #dm/name)
// and what was read survive a reload.
(function () {
  "use strict";

  const MAX_TEXT = 2000; // the server's limit, in characters (code points)
  const COUNTER_FROM = 1800; // the counter shows from here
  const ROOM_RE = /^[a-z0-9-]{1,32}$/;
  const USER_RE = /^[A-Za-z0-9_-]{1,32}$/;
  const PAGE = 50; // messages per history page (the server's join page)
  const MAX_GAP_PAGES = 10; // pages fetched to close a gap after a reconnect; beyond, older ones are dropped
  const ACK_TIMEOUT = 15000;
  const LINK_RE = /^\/?#(room|dm)\/([A-Za-z0-9_-]{1,32})$/;

  const $ = (id) => document.getElementById(id);
  const state = {
    token: sessionStorage.getItem("token"),
    me: sessionStorage.getItem("username"),
    socket: null,
    epoch: 0, // counts connections: work started for an older one is dropped
    ready: false, // connected, and back in every room: the outbox may be sent
    view: null, // {kind: "room" | "dm" | "browse", name}
    joined: [], // room names, kept in localStorage
    dmPartners: new Set(),
    channels: new Map(), // "room:x" / "dm:y" -> channel
    outbox: [], // messages not yet acknowledged, kept in sessionStorage
    drafts: {}, // channel key -> text typed but not sent, kept in sessionStorage
    online: new Set(),
    onlineCount: 0,
    notes: new Map(), // notification id -> notification
    notesRead: new Set(), // read notification ids (this browser)
    toastIds: new Set(),
    typing: new Map(), // username -> timer
    typingSentAt: 0,
    typingActive: false,
    typingStop: null,
    nodes: new Map(), // key -> <li> of the shown channel
    noteSeq: 0,
  };

  // --- small helpers ---
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function chars(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff || i === 0 || s.charCodeAt(i - 1) < 0xd800 || s.charCodeAt(i - 1) > 0xdbff) n++;
    }
    return n;
  }

  function newClientId() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b); // also in pages served over plain http (crypto.randomUUID is not)
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  const sameDay = (a, b) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth()
    && a.getDate() === b.getDate();

  // "14:05" today, "3 Mar 14:05" earlier this year, "3 Mar 2024 14:05" before
  function when(ts) {
    const d = new Date(ts);
    const now = new Date();
    const t = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    if (sameDay(d, now)) return t;
    const opts = d.getFullYear() === now.getFullYear() ? { day: "numeric", month: "short" }
      : { day: "numeric", month: "short", year: "numeric" };
    return d.toLocaleDateString([], opts) + ", " + t;
  }

  const fullDate = (ts) => new Date(ts).toLocaleString();

  function local(key) {
    return "sb:" + state.me + ":" + key;
  }

  function loadJson(storage, key, fallback) {
    try {
      const v = storage.getItem(local(key));
      return v == null ? fallback : JSON.parse(v);
    } catch (e) {
      return fallback;
    }
  }

  function saveJson(storage, key, value) {
    try {
      storage.setItem(local(key), JSON.stringify(value));
    } catch (e) {
      // storage full or disabled: the page still works, it just forgets on reload
    }
  }

  function api(path, init) {
    const opts = Object.assign({}, init || {});
    opts.headers = Object.assign({ Authorization: "Bearer " + state.token }, opts.headers || {});
    return fetch(path, opts).then((r) => r.json().catch(() => ({ ok: false, status: r.status })))
      .catch(() => ({ ok: false, error: "Cannot reach the server" }));
  }

  // --- sign-in ---
  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const error = $("login-error");
    error.textContent = "";
    const username = $("login-username").value.trim();
    const password = $("login-password").value;
    if (!USER_RE.test(username)) {
      error.textContent = "Username: 1 to 32 of A–Z, a–z, 0–9, _ and -";
      return;
    }
    if (password.length < 4) {
      error.textContent = "Password: at least 4 characters";
      return;
    }
    $("login-submit").disabled = true;
    try {
      const res = await fetch("/api/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, password }),
      });
      const body = await res.json();
      if (!res.ok) {
        error.textContent = body.error || "Sign-in failed";
        return;
      }
      state.token = body.token;
      state.me = body.username;
      sessionStorage.setItem("token", state.token);
      sessionStorage.setItem("username", state.me);
      start();
    } catch (e) {
      error.textContent = "Cannot reach the server";
    } finally {
      $("login-submit").disabled = false;
    }
  });

  $("logout").addEventListener("click", () => signOut());

  function signOut(message) {
    sessionStorage.removeItem("token");
    sessionStorage.removeItem("username");
    if (message) sessionStorage.setItem("signout-message", message);
    if (state.socket) state.socket.disconnect();
    // a fresh page: nothing of this session stays in memory (unsent messages stay in this tab's storage)
    location.replace(location.pathname);
  }

  // --- connection ---
  function setStatus(s, label) {
    const status = $("status");
    status.dataset.state = s;
    status.className = "status status-" + s;
    status.textContent = label || s;
  }

  function start() {
    $("login-view").hidden = true;
    $("chat-view").hidden = false;
    $("me").textContent = state.me;
    setStatus("connecting", "connecting…");
    state.joined = loadJson(localStorage, "rooms", ["general"]).filter((r) => ROOM_RE.test(r));
    state.outbox = loadJson(sessionStorage, "outbox", []).filter((e) => e && e.cid && typeof e.text === "string");
    state.outbox.forEach((e) => { e.inFlight = false; });
    state.drafts = loadJson(sessionStorage, "drafts", {}) || {};
    state.notesRead = new Set(loadJson(localStorage, "notes-read", []));
    state.outbox.filter((e) => e.kind === "dm").forEach((e) => state.dmPartners.add(e.to));
    api("/api/private").then((body) => {
      if (!body.ok) return;
      body.users.forEach((u) => state.dmPartners.add(u));
      renderDms();
    });
    loadNotifications();

    const socket = io({ auth: (cb) => cb({ token: state.token }), transports: ["polling", "websocket"] });
    state.socket = socket;
    socket.on("connect", () => {
      const epoch = ++state.epoch;
      setStatus("connected", "connected");
      $("status").dataset.recovered = String(socket.recovered); // for tests and curious users
      if (socket.recovered) {
        // the server kept our rooms and replays what we missed; only unacknowledged sends are left to do
        state.ready = true;
        flushOutbox();
      } else {
        resync(epoch);
      }
    });
    socket.on("disconnect", (reason) => {
      state.ready = false;
      state.outbox.forEach((e) => { e.inFlight = false; });
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
    socket.on("chat:message", (m) => onRoomMessage(m));
    socket.on("system:message", (m) => {
      const ch = state.channels.get("room:" + m.room);
      if (!ch) return;
      ch.notes.push({ seq: ++state.noteSeq, after: maxId(ch), text: m.text, ts: m.ts });
      if (ch.notes.length > 50) ch.notes.shift();
      if (isShown(ch)) renderMessages();
    });
    socket.on("user:online", (p) => {
      state.online = new Set(p.users || []);
      renderOnline();
    });
    socket.on("user:joined", (p) => {
      if (p && p.username) state.online.add(p.username);
      renderOnline();
    });
    socket.on("user:left", (p) => {
      if (p && p.username) state.online.delete(p.username);
      renderOnline();
    });
    socket.on("user:typing", (t) => onTyping(t));
    socket.on("chat:private", (m, ack) => {
      if (typeof ack === "function") ack({ received: true });
      onPrivateMessage(m);
    });
    socket.on("chat:receipt", (r) => updateStatus(r.id, r.status));
    socket.on("notification", (n) => addNotifications([n], true));
    socket.on("auth:expiring", () => refreshToken());

    window.addEventListener("hashchange", route);
    route();
    renderSidebar();
  }

  /** After a connection that did not recover its session: rejoin every room, catch up, then send the outbox. */
  async function resync(epoch) {
    await Promise.all(state.joined.map((room) => joinRoom(room, epoch)));
    if (epoch !== state.epoch) return;
    if (state.view && state.view.kind === "dm") loadConversation(state.view.name);
    if (epoch > 1) loadNotifications(); // the first connection loaded them at sign-in
    state.ready = true;
    flushOutbox();
  }

  function refreshToken() {
    fetch("/api/refresh", { method: "POST", headers: { Authorization: "Bearer " + state.token } })
      .then((r) => r.json())
      .then((body) => {
        if (!body.token) return;
        state.token = body.token;
        sessionStorage.setItem("token", body.token);
        state.socket.emit("auth:refresh", { token: body.token }, () => {});
      })
      .catch(() => {});
  }

  /** Emits with an acknowledgement; resolves with the answer, or null after a timeout or a disconnect. */
  function request(event, payload) {
    return new Promise((resolve) => {
      if (!state.socket || !state.socket.connected) {
        resolve(null);
        return;
      }
      state.socket.timeout(ACK_TIMEOUT).emit(event, payload, (err, res) => resolve(err ? null : res));
    });
  }

  // --- channels ---
  function channel(kind, name) {
    const key = kind + ":" + name;
    let ch = state.channels.get(key);
    if (!ch) {
      ch = {
        key, kind, name, msgs: new Map(), notes: [], unread: 0, loaded: false, hasOlder: false,
        lastRead: Number(loadJson(localStorage, "read:" + key, 0)) || 0,
      };
      state.channels.set(key, ch);
    }
    return ch;
  }

  function maxId(ch) {
    let max = 0;
    ch.msgs.forEach((m, id) => { if (id > max) max = id; });
    return max;
  }

  function minId(ch) {
    let min = null;
    ch.msgs.forEach((m, id) => { if (min === null || id < min) min = id; });
    return min;
  }

  function isShown(ch) {
    return state.view && state.view.kind === ch.kind && state.view.name === ch.name;
  }

  /** Adds messages by id (a message already there is kept); counts new ones from others as unread. */
  function addMessages(ch, list, countUnread) {
    let added = 0;
    for (const m of list) {
      if (!m || typeof m.id !== "number") continue;
      const old = ch.msgs.get(m.id);
      if (old) {
        if (m.status && rank(m.status) > rank(old.status)) old.status = m.status;
        continue;
      }
      ch.msgs.set(m.id, m);
      added++;
      if (countUnread && m.from !== state.me && m.id > ch.lastRead && !isShown(ch)) ch.unread++;
    }
    if (isShown(ch)) {
      renderMessages();
      markSeen(ch);
    } else if (added && countUnread) {
      renderSidebar();
    }
  }

  function markSeen(ch) {
    const max = maxId(ch);
    ch.unread = 0;
    if (max > ch.lastRead) {
      ch.lastRead = max;
      saveJson(localStorage, "read:" + ch.key, max);
    }
    renderSidebar();
  }

  function onRoomMessage(m) {
    const ch = state.channels.get("room:" + m.room);
    if (!ch) return;
    if (m.from === state.me) settleFromBroadcast(m, "room", m.room);
    addMessages(ch, [m], true);
  }

  function onPrivateMessage(m) {
    state.dmPartners.add(m.from);
    const ch = channel("dm", m.from);
    addMessages(ch, [m], true);
    if (isShown(ch)) markRead(m);
    renderDms();
  }

  // --- rooms ---
  function saveRooms() {
    saveJson(localStorage, "rooms", state.joined);
  }

  /**
   * Joins a room on the server and merges its latest page; after a reconnect, pages back until the messages meet what
   * the page already had (ids are unique), so nothing in between is missed. Resolves with an error or null.
   */
  async function joinRoom(room, epoch) {
    const res = await request("room:join", room);
    if (epoch !== undefined && epoch !== state.epoch) return null;
    if (!res) return "No answer from the server";
    if (!res.ok) return res.error || "Cannot join";
    const ch = channel("room", room);
    const known = ch.loaded ? maxId(ch) : 0;
    let page = res.messages || [];
    let all = page.slice();
    let pages = 0;
    while (known > 0 && page.length >= PAGE && all[0].id > known && pages < MAX_GAP_PAGES) {
      const r = await request("history:fetch", { room, before: all[0].id, limit: PAGE });
      if (!r || !r.ok) break;
      page = r.messages || [];
      pages++;
      all = page.concat(all);
    }
    if (known > 0 && all.length && all[0].id > known && page.length >= PAGE) {
      // too much was missed to fetch now: keep the newest pages, offer the rest through "Load older"
      ch.msgs.clear();
      ch.hasOlder = true;
    }
    if (!ch.loaded) {
      ch.hasOlder = (res.messages || []).length >= PAGE;
      if (!ch.lastRead && !isShown(ch)) ch.lastRead = all.length ? all[all.length - 1].id : 0;
    }
    ch.loaded = true;
    addMessages(ch, all, true);
    if (isShown(ch)) {
      $("load-older").hidden = !ch.hasOlder;
      renderMessages();
    }
    return null;
  }

  /** The user joins a room (from the URL, the directory, or the form); resolves with an error or null. */
  async function enterRoom(room) {
    if (!ROOM_RE.test(room)) return "Invalid room name: use 1 to 32 of a-z, 0-9 and -";
    if (!state.joined.includes(room)) {
      state.joined.push(room);
      saveRooms();
    }
    channel("room", room);
    renderSidebar();
    if (state.socket && state.socket.connected) {
      const error = await joinRoom(room, state.epoch);
      if (error && error !== "No answer from the server") {
        forgetRoom(room);
        return error;
      }
    }
    return null;
  }

  function forgetRoom(room) {
    state.joined = state.joined.filter((r) => r !== room);
    saveRooms();
    state.channels.delete("room:" + room);
    renderSidebar();
  }

  $("leave").addEventListener("click", () => {
    if (!state.view || state.view.kind !== "room") return;
    const room = state.view.name;
    if (state.socket && state.socket.connected) state.socket.emit("room:leave", room, () => {});
    forgetRoom(room);
    go(defaultView(), true);
  });

  $("join-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = $("join-room");
    const room = input.value.trim();
    const error = joinError(room);
    $("join-error").textContent = error || "";
    if (error) return;
    const refused = await enterRoom(room);
    if (refused) {
      $("join-error").textContent = refused;
      return;
    }
    input.value = "";
    go({ kind: "room", name: room });
  });

  $("join-room").addEventListener("input", () => {
    const room = $("join-room").value.trim();
    $("join-error").textContent = room && joinError(room) ? joinError(room) : "";
  });

  function joinError(room) {
    if (!room) return "Enter a room name";
    if (room.length > 32) return "Room names are at most 32 characters (this one has " + room.length + ")";
    if (/[A-Z]/.test(room) && ROOM_RE.test(room.toLowerCase())) return "Use lower case: " + room.toLowerCase();
    if (!ROOM_RE.test(room)) return "Only a–z, 0–9 and - are allowed in room names";
    return null;
  }

  function loadDirectory() {
    api("/api/rooms").then((body) => {
      if (!body.ok) return;
      const ul = $("room-directory");
      ul.replaceChildren();
      const others = body.rooms.filter((r) => !state.joined.includes(r.name));
      others.forEach((r) => {
        const li = el("li", "directory-room");
        li.dataset.room = r.name;
        li.appendChild(el("span", "name", "#" + r.name));
        li.appendChild(el("span", "meta", r.messageCount + (r.messageCount === 1 ? " message" : " messages")));
        const b = el("button", "", "Join");
        b.type = "button";
        b.addEventListener("click", async () => {
          const error = await enterRoom(r.name);
          if (error) $("join-error").textContent = error;
          else go({ kind: "room", name: r.name });
        });
        li.appendChild(b);
        ul.appendChild(li);
      });
      $("directory-empty").hidden = others.length > 0;
    });
  }

  // --- views and the URL ---
  function hashOf(v) {
    return v.kind === "browse" ? "#browse" : "#" + v.kind + "/" + encodeURIComponent(v.name);
  }

  function parseHash(h) {
    if (h === "#browse") return { kind: "browse" };
    const m = /^#(room|dm)\/(.*)$/.exec(h);
    if (!m) return null;
    let name;
    try {
      name = decodeURIComponent(m[2]);
    } catch (e) {
      return null;
    }
    return { kind: m[1], name };
  }

  function defaultView() {
    if (state.joined.includes("general")) return { kind: "room", name: "general" };
    if (state.joined.length) return { kind: "room", name: state.joined[0] };
    return { kind: "browse" };
  }

  function go(v, replace) {
    const h = hashOf(v);
    if (location.hash === h) {
      route();
    } else if (replace) {
      location.replace(h);
    } else {
      location.hash = h;
    }
  }

  async function route() {
    const v = parseHash(location.hash);
    if (!v) {
      go(defaultView(), true);
      return;
    }
    if (v.kind === "room" && !state.joined.includes(v.name)) {
      const error = await enterRoom(v.name);
      if (error) {
        showView({ kind: "browse" });
        $("join-room").value = v.name;
        $("join-error").textContent = error;
        return;
      }
    }
    if (v.kind === "dm" && (!USER_RE.test(v.name) || v.name === state.me)) {
      go(defaultView(), true);
      return;
    }
    showView(v);
  }

  function showView(v) {
    state.view = v;
    closeNav();
    clearTyping();
    $("send-error").textContent = "";
    const browse = v.kind === "browse";
    $("browse").hidden = !browse;
    $("conversation").hidden = browse;
    $("leave").hidden = v.kind !== "room";
    state.nodes.clear();
    $("message-list").replaceChildren();
    if (browse) {
      $("channel-title").textContent = "Browse rooms";
      loadDirectory();
    } else {
      $("channel-title").textContent = (v.kind === "room" ? "#" : "@") + v.name;
      const ch = channel(v.kind, v.name);
      if (v.kind === "dm") {
        state.dmPartners.add(v.name);
        if (!ch.loaded) loadConversation(v.name);
        ch.msgs.forEach((m) => { if (m.from === v.name && m.status !== "read") markRead(m); });
      }
      $("load-older").hidden = !(v.kind === "room" && ch.hasOlder);
      renderMessages();
      scrollDown();
      markSeen(ch);
      $("message-input").value = state.drafts[ch.key] || ""; // each room keeps what was typed in it
      updateCounter();
    }
    document.querySelector(".main").dataset.view = v.kind;
    renderSidebar();
  }

  // --- sidebar ---
  function renderSidebar() {
    renderRooms();
    renderDms();
    let total = 0;
    state.channels.forEach((ch) => { total += ch.unread; });
    $("menu-badge").hidden = total === 0;
    renderTitle();
  }

  function renderRooms() {
    const ul = $("rooms");
    ul.replaceChildren();
    [...state.joined].sort().forEach((r) => {
      const active = state.view && state.view.kind === "room" && state.view.name === r;
      const li = el("li", active ? "active" : "");
      li.dataset.room = r;
      const a = el("a", "name", "#" + r);
      a.href = "#room/" + r;
      li.appendChild(a);
      const ch = state.channels.get("room:" + r);
      if (ch && ch.unread) li.appendChild(el("span", "badge", ch.unread > 99 ? "99+" : String(ch.unread)));
      li.addEventListener("click", (ev) => {
        if (ev.target.tagName !== "A") go({ kind: "room", name: r });
      });
      ul.appendChild(li);
    });
    if (!state.joined.length) ul.appendChild(el("li", "empty", "No rooms yet"));
  }

  function renderDms() {
    const ul = $("dms");
    ul.replaceChildren();
    [...state.dmPartners].sort().forEach((u) => {
      const active = state.view && state.view.kind === "dm" && state.view.name === u;
      const li = el("li", active ? "active" : "");
      li.dataset.dm = u;
      const a = el("a", "name", "@" + u);
      a.href = "#dm/" + encodeURIComponent(u);
      li.appendChild(a);
      const ch = state.channels.get("dm:" + u);
      if (ch && ch.unread) li.appendChild(el("span", "badge", String(ch.unread)));
      li.addEventListener("click", (ev) => {
        if (ev.target.tagName !== "A") go({ kind: "dm", name: u });
      });
      ul.appendChild(li);
    });
  }

  function renderOnline() {
    const users = [...state.online].sort((a, b) => a.localeCompare(b));
    $("online-count").textContent = String(users.length);
    const ul = $("online");
    ul.replaceChildren();
    users.forEach((u) => {
      const li = el("li", "online-user", u);
      li.dataset.user = u;
      if (u === state.me) li.classList.add("self");
      else li.addEventListener("click", () => go({ kind: "dm", name: u }));
      ul.appendChild(li);
    });
  }

  function renderTitle() {
    let total = 0;
    state.channels.forEach((ch) => { total += ch.unread; });
    const notes = unreadNotes().length;
    const n = total + notes;
    document.title = (n ? "(" + n + ") " : "") + "Switchboard chat";
  }

  // the sidebar is a drawer below 720 px
  $("menu-toggle").addEventListener("click", () => {
    const open = !$("chat-view").classList.contains("nav-open");
    $("chat-view").classList.toggle("nav-open", open);
    $("menu-toggle").setAttribute("aria-expanded", String(open));
  });
  $("scrim").addEventListener("click", () => closeNav());

  function closeNav() {
    $("chat-view").classList.remove("nav-open");
    $("menu-toggle").setAttribute("aria-expanded", "false");
  }

  // --- private messages ---
  function loadConversation(user) {
    api("/api/private/" + encodeURIComponent(user) + "?limit=" + PAGE).then((body) => {
      if (!body.ok) return;
      const ch = channel("dm", user);
      ch.loaded = true;
      addMessages(ch, body.messages, false);
      if (isShown(ch)) {
        body.messages.forEach((m) => { if (m.from === user && m.status !== "read") markRead(m); });
        scrollDown();
      }
    });
  }

  function markRead(m) {
    if (document.visibilityState === "hidden" || !state.socket || !state.socket.connected) return;
    state.socket.emit("chat:read", { id: m.id }, () => {});
  }

  function rank(status) {
    return status === "read" ? 2 : status === "delivered" ? 1 : 0;
  }

  function updateStatus(id, status) {
    state.channels.forEach((ch) => {
      const m = ch.kind === "dm" ? ch.msgs.get(Number(id)) : null;
      if (m && rank(status) > rank(m.status)) m.status = status;
    });
    const tick = document.querySelector('.message[data-id="' + Number(id) + '"] .tick');
    if (!tick || rank(status) <= rank(tick.dataset.status)) return;
    tick.className = "tick " + status;
    tick.dataset.status = status;
    tick.title = status;
    tick.textContent = "✓✓";
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || !state.view || state.view.kind !== "dm") return;
    const ch = state.channels.get("dm:" + state.view.name);
    if (ch) ch.msgs.forEach((m) => { if (m.from === ch.name && m.status !== "read") markRead(m); });
  });

  // --- messages ---
  function scrollDown() {
    const box = $("messages");
    box.scrollTop = box.scrollHeight;
  }

  /** The shown channel's list: messages by id, join/leave notes where they happened, then the outbox. */
  function renderMessages() {
    const v = state.view;
    if (!v || v.kind === "browse") return;
    const ch = channel(v.kind, v.name);
    const box = $("messages");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    const items = [];
    [...ch.msgs.values()].sort((a, b) => a.id - b.id).forEach((m) => items.push({ key: "m:" + m.id, m, at: m.id }));
    ch.notes.forEach((n) => items.push({ key: "s:" + n.seq, note: n, at: n.after + 0.5 }));
    items.sort((a, b) => a.at - b.at || (a.note && b.note ? a.note.seq - b.note.seq : 0));
    state.outbox.filter((e) => e.kind === v.kind && e.to === v.name)
      .forEach((e) => items.push({ key: "o:" + e.cid, e, rev: e.state + "|" + (e.error || "") }));

    const list = $("message-list");
    const keep = new Set();
    let prev = null;
    for (const it of items) {
      keep.add(it.key);
      let node = state.nodes.get(it.key);
      if (node && it.rev !== undefined && node.dataset.rev !== it.rev) {
        node.remove();
        node = null;
      }
      if (!node) {
        node = it.m ? messageItem(it.m, v.kind === "dm") : it.note ? noteItem(it.note) : outboxItem(it.e);
        if (it.rev !== undefined) node.dataset.rev = it.rev;
        state.nodes.set(it.key, node);
      }
      const expected = prev ? prev.nextSibling : list.firstChild;
      if (expected !== node) list.insertBefore(node, expected);
      prev = node;
    }
    state.nodes.forEach((node, key) => {
      if (!keep.has(key)) {
        node.remove();
        state.nodes.delete(key);
      }
    });
    $("load-older").hidden = !(v.kind === "room" && ch.hasOlder);
    if (atBottom) scrollDown();
  }

  function messageItem(m, isPrivate) {
    const mine = m.from === state.me;
    const li = el("li", "message" + (mine ? " mine" : ""));
    li.dataset.id = String(m.id);
    const t = el("span", "time", when(m.ts));
    t.title = fullDate(m.ts);
    li.appendChild(t);
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

  function noteItem(n) {
    const li = el("li", "system", n.text);
    li.title = fullDate(n.ts);
    return li;
  }

  function outboxItem(e) {
    const li = el("li", "message mine " + (e.state === "failed" ? "failed" : "pending"));
    li.dataset.clientId = e.cid;
    li.dataset.state = e.state;
    const t = el("span", "time", when(e.ts));
    t.title = fullDate(e.ts);
    li.appendChild(t);
    li.appendChild(el("span", "from", state.me));
    li.appendChild(el("span", "text", e.text));
    if (e.state === "failed") {
      const box = el("span", "outcome");
      box.appendChild(el("span", "send-failure", e.error || "Not sent"));
      box.appendChild(actionButton("Retry", "retry", () => retry(e)));
      box.appendChild(actionButton("Edit", "edit", () => edit(e)));
      box.appendChild(actionButton("Delete", "discard", () => discard(e)));
      li.appendChild(box);
    } else {
      li.appendChild(el("span", "sending", "sending…"));
    }
    return li;
  }

  function actionButton(label, cls, onClick) {
    const b = el("button", "link " + cls, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  $("load-older").addEventListener("click", async () => {
    if (!state.view || state.view.kind !== "room") return;
    const ch = channel("room", state.view.name);
    const oldest = minId(ch);
    if (oldest === null) return;
    const res = await request("history:fetch", { room: ch.name, before: oldest, limit: PAGE });
    if (!res || !res.ok) return;
    const box = $("messages");
    const fromBottom = box.scrollHeight - box.scrollTop;
    ch.hasOlder = res.messages.length >= PAGE;
    addMessages(ch, res.messages, false);
    if (isShown(ch)) box.scrollTop = box.scrollHeight - fromBottom;
  });

  // --- the outbox ---
  function saveOutbox() {
    saveJson(sessionStorage, "outbox", state.outbox.map((e) => ({
      cid: e.cid, kind: e.kind, to: e.to, text: e.text, ts: e.ts, state: e.state, error: e.error || null,
    })));
  }

  function flushOutbox() {
    if (!state.ready || !state.socket || !state.socket.connected) return;
    state.outbox.forEach((e) => {
      if (e.state === "sending" && !e.inFlight) emitEntry(e);
    });
  }

  function emitEntry(e) {
    const attempt = (e.attempt || 0) + 1;
    e.attempt = attempt;
    e.inFlight = true;
    const event = e.kind === "room" ? "room:message" : "chat:private";
    const payload = e.kind === "room" ? { room: e.to, text: e.text, clientId: e.cid }
      : { to: e.to, text: e.text, clientId: e.cid };
    state.socket.timeout(ACK_TIMEOUT).emit(event, payload, (err, res) => {
      if (!err && res && res.ok) {
        settle(e, res); // any attempt's success settles it (the server stores a clientId once)
        return;
      }
      if (e.attempt !== attempt || !state.outbox.includes(e)) return;
      e.inFlight = false;
      if (err) {
        // no answer: the connection dropped (resent on the next one) or the server is slow (resend now)
        setTimeout(flushOutbox, 500);
        return;
      }
      fail(e, (res && res.error) || "Not sent");
    });
  }

  function settle(e, res) {
    const i = state.outbox.indexOf(e);
    if (i >= 0) {
      state.outbox.splice(i, 1);
      saveOutbox();
    }
    let m;
    if (e.kind === "room") {
      m = res.message;
    } else {
      m = res.message ? Object.assign({}, res.message) : { id: res.id, from: state.me, to: e.to, text: e.text, ts: res.ts || e.ts };
      m.status = m.status && m.status !== "sent" ? m.status : res.delivered ? "delivered" : "sent";
    }
    const ch = channel(e.kind, e.to);
    if (m && typeof m.id === "number") addMessages(ch, [m], false);
    else if (isShown(ch)) renderMessages();
  }

  /** A broadcast of one of my messages settles its outbox entry: by clientId, else the oldest with the same text. */
  function settleFromBroadcast(m, kind, to) {
    const match = state.outbox.find((e) => m.clientId && e.cid === m.clientId)
      || (m.clientId ? null : state.outbox.find((e) => e.kind === kind && e.to === to && e.text === m.text
        && e.state === "sending"));
    if (match) settle(match, { ok: true, message: m });
  }

  function fail(e, error) {
    e.state = "failed";
    e.error = error;
    saveOutbox();
    const ch = state.channels.get(e.kind + ":" + e.to);
    if (ch && isShown(ch)) renderMessages();
  }

  async function retry(e) {
    if (!state.outbox.includes(e)) return;
    e.state = "sending";
    e.error = null;
    saveOutbox();
    renderMessages();
    if (e.kind === "room" && state.socket && state.socket.connected) {
      if (!state.joined.includes(e.to)) {
        const error = await enterRoom(e.to);
        if (error) {
          fail(e, error);
          return;
        }
      } else {
        await joinRoom(e.to, state.epoch); // cheap when already in, and fixes "Join #room first"
      }
    }
    flushOutbox();
  }

  function edit(e) {
    const input = $("message-input");
    if (input.value.trim() && !confirm("Replace what you are writing with this message?")) return;
    discard(e);
    if (state.view && state.view.kind === e.kind && state.view.name === e.to) {
      input.value = e.text;
    } else {
      state.drafts[e.kind + ":" + e.to] = e.text;
      go({ kind: e.kind, name: e.to });
    }
    saveDraft();
    updateCounter();
    input.focus();
  }

  function discard(e) {
    const i = state.outbox.indexOf(e);
    if (i >= 0) state.outbox.splice(i, 1);
    saveOutbox();
    renderMessages();
  }

  // --- the composer ---
  $("message-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = state.view;
    const input = $("message-input");
    const text = input.value;
    if (!v || v.kind === "browse" || !text.trim()) return;
    const n = chars(text);
    if (n > MAX_TEXT) {
      $("send-error").textContent = "Too long to send: " + n + " characters, the limit is " + MAX_TEXT
        + ". Shorten it or split it.";
      $("send-error").dataset.kind = "length";
      input.focus();
      return;
    }
    $("send-error").textContent = "";
    stopTyping();
    const e = { cid: newClientId(), kind: v.kind, to: v.name, text, ts: Date.now(), state: "sending" };
    state.outbox.push(e);
    saveOutbox();
    input.value = ""; // the text is in the outbox now, shown below until the server has it
    saveDraft();
    updateCounter();
    renderMessages();
    scrollDown();
    flushOutbox();
  });

  $("message-input").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      $("message-form").requestSubmit();
    }
  });

  function updateCounter() {
    const input = $("message-input");
    const n = chars(input.value);
    const counter = $("counter");
    counter.hidden = n < COUNTER_FROM;
    counter.textContent = n + " / " + MAX_TEXT;
    counter.classList.toggle("over", n > MAX_TEXT);
    const error = $("send-error");
    if (n > MAX_TEXT) {
      const over = n - MAX_TEXT;
      error.textContent = over + (over === 1 ? " character" : " characters") + " over the limit of " + MAX_TEXT;
      error.dataset.kind = "length";
    } else if (error.dataset.kind === "length") {
      error.textContent = "";
      delete error.dataset.kind;
    }
    // the box grows with its text (up to a limit); the messages above stay pinned to the bottom if they were
    const box = $("messages");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 160) + "px";
    if (atBottom) scrollDown();
  }

  function saveDraft() {
    const v = state.view;
    if (!v || v.kind === "browse") return;
    const key = v.kind + ":" + v.name;
    const text = $("message-input").value;
    if (text) state.drafts[key] = text;
    else delete state.drafts[key];
    saveJson(sessionStorage, "drafts", state.drafts);
  }

  // --- typing ---
  $("message-input").addEventListener("input", () => {
    updateCounter();
    saveDraft();
    if (!state.view || state.view.kind !== "room" || !state.socket || !state.socket.connected) return;
    const now = Date.now();
    if (!state.typingActive || now - state.typingSentAt > 2000) {
      state.typingActive = true;
      state.typingSentAt = now;
      state.typingRoom = state.view.name;
      state.socket.volatile.emit("typing", { room: state.view.name, isTyping: true }, () => {});
    }
    clearTimeout(state.typingStop);
    state.typingStop = setTimeout(stopTyping, 3000);
  });

  function stopTyping() {
    clearTimeout(state.typingStop);
    if (!state.typingActive || !state.socket) return;
    state.typingActive = false;
    state.socket.volatile.emit("typing", { room: state.typingRoom, isTyping: false }, () => {});
  }

  function clearTyping() {
    stopTyping();
    $("typing").textContent = "";
    state.typing.forEach((t) => clearTimeout(t));
    state.typing.clear();
  }

  function onTyping(t) {
    if (!state.view || state.view.kind !== "room" || t.room !== state.view.name) return;
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

  // --- notifications ---
  function loadNotifications() {
    api("/api/notifications?limit=50").then((body) => {
      if (body.ok) addNotifications(body.notifications, false);
    });
  }

  function addNotifications(list, live) {
    for (const n of list) {
      if (!n || typeof n.id !== "number") continue;
      const known = state.notes.has(n.id);
      state.notes.set(n.id, Object.assign(state.notes.get(n.id) || {}, n));
      if (live && !known) toast(n);
    }
    renderInbox();
  }

  function isRead(n) {
    return n.read === true || state.notesRead.has(n.id);
  }

  function unreadNotes() {
    return [...state.notes.values()].filter((n) => !isRead(n));
  }

  function markNotesRead(ids) {
    const fresh = ids.filter((id) => !state.notesRead.has(id));
    if (!fresh.length) return;
    fresh.forEach((id) => state.notesRead.add(id));
    // keep the newest 500 ids: older notifications are not listed any more
    const kept = [...state.notesRead].sort((a, b) => b - a).slice(0, 500);
    state.notesRead = new Set(kept);
    saveJson(localStorage, "notes-read", kept);
    // tell the server too, where it keeps read state (a server without the route answers 404/405: ignored)
    api("/api/notifications/read", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ids: fresh }),
    });
    renderInbox();
  }

  function renderInbox() {
    const notes = [...state.notes.values()].sort((a, b) => b.id - a.id);
    const unread = notes.filter((n) => !isRead(n)).length;
    const count = $("bell-count");
    count.hidden = unread === 0;
    count.textContent = unread > 99 ? "99+" : String(unread);
    $("bell").setAttribute("aria-label", unread ? "Notifications, " + unread + " unread" : "Notifications");
    const ol = $("notifications");
    ol.replaceChildren();
    notes.forEach((n) => {
      const li = el("li", "notification" + (isRead(n) ? "" : " unread"));
      li.dataset.id = String(n.id);
      li.tabIndex = 0;
      li.appendChild(el("strong", "title", n.title));
      li.appendChild(el("span", "body", n.body));
      const t = el("span", "time", when(n.createdAt));
      t.title = fullDate(n.createdAt);
      li.appendChild(t);
      li.addEventListener("click", () => openNotification(n));
      li.addEventListener("keydown", (ev) => { if (ev.key === "Enter") openNotification(n); });
      ol.appendChild(li);
    });
    $("inbox-empty").hidden = notes.length > 0;
    $("mark-all-read").disabled = unread === 0;
    renderTitle();
  }

  function openNotification(n) {
    markNotesRead([n.id]);
    closeInbox();
    const m = LINK_RE.exec(String(n.link || "")); // only links into this page are followed
    if (m) go({ kind: m[1], name: m[2] });
  }

  $("bell").addEventListener("click", (ev) => {
    ev.stopPropagation();
    if ($("inbox").hidden) openInbox();
    else closeInbox();
  });
  $("mark-all-read").addEventListener("click", (ev) => {
    ev.stopPropagation();
    markNotesRead([...state.notes.keys()]);
  });
  $("inbox").addEventListener("click", (ev) => ev.stopPropagation());
  document.addEventListener("click", () => closeInbox());
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") {
      closeInbox();
      closeNav();
    }
  });

  function openInbox() {
    $("inbox").hidden = false;
    $("bell").setAttribute("aria-expanded", "true");
  }

  function closeInbox() {
    $("inbox").hidden = true;
    $("bell").setAttribute("aria-expanded", "false");
  }

  function toast(n) {
    if (state.toastIds.has(n.id)) return;
    state.toastIds.add(n.id);
    const t = el("div", "toast");
    t.appendChild(el("strong", "", n.title));
    t.appendChild(el("span", "", n.body));
    t.addEventListener("click", () => {
      t.remove();
      openNotification(n);
    });
    $("toasts").appendChild(t);
    setTimeout(() => t.remove(), 6000);
  }

  // --- boot ---
  if (state.token) {
    start();
  } else {
    $("login-view").hidden = false;
    const message = sessionStorage.getItem("signout-message");
    if (message) {
      $("login-error").textContent = message;
      sessionStorage.removeItem("signout-message");
    }
  }
})();
