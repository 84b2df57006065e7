// live.js: one live connection to an event's board, shared by every page.
//
// It speaks the protocol of docs/protocol.md: hello, welcome or resumed, then
// events in rev order. It keeps the board's state up to date, reconnects by
// itself with backoff (and `since`, so a short drop costs only the missed
// events), and queues commands while offline. A queued command keeps its
// `req` in localStorage until it is answered, so a retry after a drop, or
// after the page was reloaded, is answered by the server once and never
// applied twice.
//
// Usage:
//   const live = new SlotboardLive({ slug, role, initial, onState, onEvent,
//                                    onAnswer, onStatus, onPresence, onError });
//
// `initial` (optional) is the state the page was rendered with, shaped like
// `welcome` (with `rev`): the first hello then resumes from it with `since`,
// so nothing that happened between the page and the socket is missed.
//   live.send({ op: "claim", slot, room, title, host }).then(answer => ...);
//   const regrid = SlotboardLive.regridder((doc) => ...); // on a `grid` change
(function () {
  "use strict";

  const MIN_BACKOFF = 500;
  const MAX_BACKOFF = 15000;

  // common.js (loaded first) draws the ids.
  const randomReq = () => window.Slotboard.randomId("c-");

  // The pitch queue's part of a change (`pitches` is absent from `welcome`
  // while the queue is closed and empty: read as closed and empty).
  function applyPitch(state, change) {
    const q = state.pitches || (state.pitches = { open: false, current: null, queue: [] });
    const drop = (id) => {
      if (q.current && q.current.id === id) q.current = null;
      q.queue = q.queue.filter((p) => p.id !== id);
    };
    switch (change.kind) {
      case "pitch_queued":
        q.queue.push(change.pitch);
        break;
      case "pitch_removed":
        drop(change.pitch);
        break;
      case "pitch_called":
        q.current = q.queue.length ? q.queue.shift() : null;
        break;
      case "pitch_moved": {
        const i = q.queue.findIndex((p) => p.id === change.pitch);
        if (i >= 0) q.queue.splice(change.position, 0, q.queue.splice(i, 1)[0]);
        break;
      }
      case "pitch_opened":
        q.open = change.open;
        break;
      case "pitch_hands":
        if (q.current && q.current.id === change.pitch) q.current.big = change.big;
        break;
      case "claimed":
        if (change.pitch) drop(change.pitch);
        break;
    }
  }

  // Applies one change to a state object shaped like `welcome`.
  function applyChange(state, change) {
    const sessions = state.sessions;
    applyPitch(state, change);
    const find = (id) => sessions.find((s) => s.id === id);
    switch (change.kind) {
      case "claimed":
        sessions.push(change.session);
        break;
      case "edited": {
        const i = sessions.findIndex((s) => s.id === change.session.id);
        if (i >= 0) sessions[i] = change.session;
        break;
      }
      case "released": {
        const i = sessions.findIndex((s) => s.id === change.session);
        if (i >= 0) sessions.splice(i, 1);
        if (state.you && state.you.votes) {
          state.you.votes = state.you.votes.filter((v) => v !== change.session);
        }
        break;
      }
      case "moved": {
        const s = find(change.session);
        if (s) {
          s.slot = change.slot;
          s.room = change.room;
        }
        break;
      }
      case "swapped": {
        const a = find(change.a);
        const b = find(change.b);
        if (a && b) {
          [a.slot, b.slot] = [b.slot, a.slot];
          [a.room, b.room] = [b.room, a.room];
        }
        break;
      }
      case "locked":
        state.locks.push({ slot: change.slot, room: change.room });
        break;
      case "unlocked":
        state.locks = state.locks.filter((l) => !(l.slot === change.slot && l.room === change.room));
        break;
      case "opened":
        state.event.open = change.open;
        break;
      case "announced":
        state.announcement = change.text === "" ? null : change.text;
        break;
      case "removed": { // extension: several sessions at once
        const gone = new Set(change.sessions);
        state.sessions = sessions.filter((s) => !gone.has(s.id));
        if (state.you && state.you.votes) {
          state.you.votes = state.you.votes.filter((v) => !gone.has(v));
        }
        break;
      }
      case "restored": { // extension: put back as they were, votes included
        for (const s of change.sessions) {
          if (!find(s.id)) sessions.push(s);
        }
        const voters = change.voters || {};
        if (state.you && state.you.votes) {
          for (const id of Object.keys(voters)) {
            if (voters[id].includes(state.you.id) && !state.you.votes.includes(id)) {
              state.you.votes.push(id);
            }
          }
        }
        break;
      }
      case "grid": // the whole grid after an organiser's grid op
        state.rooms = change.rooms;
        state.slots = change.slots;
        break;
      case "ended": // extension: closed for good
        state.event.ended = true;
        break;
      case "voted": {
        const s = find(change.session);
        if (s) s.votes = change.votes;
        if (state.you && change.voter === state.you.id) {
          const mine = new Set(state.you.votes || []);
          if (change.on) mine.add(change.session);
          else mine.delete(change.session);
          state.you.votes = Array.from(mine);
        }
        break;
      }
    }
  }

  class SlotboardLive {
    constructor(opts) {
      this.opts = opts;
      this.slug = opts.slug;
      this.role = opts.role || null;
      this.state = opts.initial || null;
      this.rev = opts.initial ? opts.initial.rev : null;
      this.ws = null;
      this.status = "connecting";
      this.backoff = MIN_BACKOFF;
      this.timer = null;
      this.waiters = new Map(); // req -> resolve
      // One queue per event and role: the phone and the admin page of one
      // browser must not resend each other's commands.
      this.storeKey = "slotboard:pending:" + this.slug + ":" + (this.role || "participant");
      this.pending = this.load();
      window.addEventListener("online", () => this.reconnectNow());
      window.addEventListener("offline", () => this.setStatus("offline"));
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible") this.reconnectNow();
      });
      this.connect();
    }

    load() {
      if (this.role === "viewer") return [];
      try {
        const raw = localStorage.getItem(this.storeKey);
        return raw ? JSON.parse(raw) : [];
      } catch (_) {
        return [];
      }
    }

    save() {
      try {
        localStorage.setItem(this.storeKey, JSON.stringify(this.pending));
      } catch (_) {
        // Private mode or full storage: the queue still lives in memory.
      }
    }

    setStatus(status) {
      if (this.status === status) return;
      this.status = status;
      if (this.opts.onStatus) this.opts.onStatus(status);
    }

    url() {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      return scheme + "//" + location.host + "/e/" + encodeURIComponent(this.slug) + "/ws";
    }

    connect() {
      clearTimeout(this.timer);
      this.timer = null;
      let ws;
      try {
        ws = new WebSocket(this.url());
      } catch (_) {
        this.scheduleReconnect();
        return;
      }
      this.ws = ws;
      ws.onopen = () => {
        ws.send(JSON.stringify({
          op: "hello",
          protocol: 1,
          since: this.state ? this.rev : null,
          token: null,
          organiser: null,
          role: this.role,
        }));
      };
      ws.onmessage = (e) => this.onFrame(ws, e.data);
      ws.onclose = () => {
        if (this.ws !== ws) return;
        this.ws = null;
        this.scheduleReconnect();
      };
      ws.onerror = () => {
        // onclose follows and does the work.
      };
    }

    scheduleReconnect() {
      this.setStatus(navigator.onLine === false ? "offline" : "reconnecting");
      if (this.timer) return;
      // Full jitter, so a room full of phones does not come back at once.
      const wait = Math.random() * this.backoff;
      this.backoff = Math.min(MAX_BACKOFF, this.backoff * 2);
      this.timer = setTimeout(() => this.connect(), wait);
    }

    reconnectNow() {
      if (this.ws) return;
      this.backoff = MIN_BACKOFF;
      this.connect();
    }

    // Drops the socket and comes back with `since` (after a gap in revs).
    resync() {
      const ws = this.ws;
      this.ws = null;
      if (ws) ws.close();
      this.backoff = MIN_BACKOFF;
      this.connect();
    }

    onFrame(ws, text) {
      if (ws !== this.ws) return;
      let f;
      try {
        f = JSON.parse(text);
      } catch (_) {
        return;
      }
      switch (f.type) {
        case "welcome":
          this.state = f;
          this.rev = f.rev;
          this.ready();
          if (this.opts.onState) this.opts.onState(this.state);
          break;
        case "resumed":
          if (this.state) this.state.you = Object.assign({}, this.state.you, f.you);
          this.ready();
          break;
        case "event":
          if (!this.state || f.rev <= this.rev) return;
          if (f.rev !== this.rev + 1) {
            this.resync();
            return;
          }
          applyChange(this.state, f.change);
          this.rev = f.rev;
          this.state.rev = f.rev;
          if (this.opts.onEvent) this.opts.onEvent(f, this.state);
          break;
        case "ack":
        case "reject":
          this.answered(f);
          break;
        case "presence":
          if (this.opts.onPresence) this.opts.onPresence(f.connected);
          break;
        case "error":
          if (this.opts.onError) this.opts.onError(f);
          break;
      }
    }

    ready() {
      this.backoff = MIN_BACKOFF;
      this.setStatus("live");
      // Everything still unanswered goes again, with its first req.
      for (const p of this.pending) this.ws.send(JSON.stringify(p.cmd));
    }

    answered(f) {
      const i = this.pending.findIndex((p) => p.cmd.req === f.req);
      let cmd = null;
      if (i >= 0) {
        cmd = this.pending[i].cmd;
        if (f.type === "reject" && (f.code === "rate_limited" || f.code === "unavailable")) {
          // Not applied: try again a little later, with the same req.
          setTimeout(() => {
            if (this.ws && this.status === "live") this.ws.send(JSON.stringify(cmd));
          }, 1000 + Math.random() * 2000);
          return;
        }
        this.pending.splice(i, 1);
        this.save();
      }
      const resolve = this.waiters.get(f.req);
      this.waiters.delete(f.req);
      if (this.opts.onAnswer) this.opts.onAnswer(f, cmd);
      if (resolve) resolve(f);
    }

    // Sends a command; the promise resolves with its ack or reject, however
    // many reconnects it takes.
    send(command) {
      const cmd = Object.assign({}, command, { req: randomReq() });
      this.pending.push({ cmd: cmd, at: Date.now() });
      this.save();
      const answer = new Promise((resolve) => this.waiters.set(cmd.req, resolve));
      if (this.ws && this.status === "live") this.ws.send(JSON.stringify(cmd));
      return answer;
    }

    // Commands sent but not answered yet (shown as pending).
    unanswered() {
      return this.pending.map((p) => p.cmd);
    }
  }

  SlotboardLive.applyChange = applyChange;
  // After a `grid` change a page redraws its grid from the server's own
  // rendering (JS computes no rule, so no times or labels of its own):
  // fetchPage(url) gives the page as the server renders it now, parsed, to
  // take the parts that changed from. One fetch at a time per caller:
  // `regridder(fn)` wraps `fn(doc)` so that a burst of grid changes costs
  // one fetch in flight (and one more after it, for the last change).
  SlotboardLive.fetchPage = function (url) {
    return fetch(url || location.href, { cache: "no-store", credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error("status " + r.status))))
      .then((text) => new DOMParser().parseFromString(text, "text/html"));
  };
  SlotboardLive.regridder = function (apply, onError) {
    let running = null;
    let again = false;
    const run = () => {
      if (running) {
        again = true;
        return running;
      }
      running = SlotboardLive.fetchPage()
        .then(apply)
        .catch((e) => (onError ? onError(e) : undefined))
        .finally(() => {
          running = null;
          if (again) {
            again = false;
            run();
          }
        });
      return running;
    };
    return run;
  };

  window.SlotboardLive = SlotboardLive;
})();
