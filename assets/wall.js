// wall.js: keeps the projector view live without anyone touching it.
//
// - Re-renders the cells from the live state (SlotboardLive, role "viewer")
//   on every change, so a claim shows within a second.
// - Marks now / next / past and shows the day that the server's timeline
//   (in #wall-data) says for the current instant, at each of its steps and
//   every 30 s besides: it computes no phase, no day, no timezone.
// - Rotates the pages of a day that does not fit on one screen.
// - Keeps the screen awake (Wake Lock) and shows #stale while disconnected.
// - When organisers change the grid (a `grid` change, or a welcome of
//   another shape), fetches this page again and takes its programme and its
//   timeline: the times and phases stay the server's, without a reload.
// - Pitch mode: while the pitch queue is open (the state's `pitches.open`,
//   the core's `Pitches::wall_mode`), shows #pitch (who pitches now, who is
//   next, the free cells of the slots not over yet, by the server's phases)
//   instead of the board. It follows the pitch changes as the server applies
//   them (docs/protocol.md, "The pitch queue"), in the state live.js keeps.
// All text is set with textContent; the only HTML taken is this page's own,
// from the same server.
(function () {
  "use strict";

  const root = document.getElementById("wall");
  if (!root || !window.Slotboard || !window.SlotboardLive) return;
  const data = window.Slotboard.readJson("wall-data");
  if (!data) return;
  const T = data.t;
  document.body.classList.add("live-js");

  const SEP = "\u0000";
  const cells = new Map();
  root.querySelectorAll("td[data-slot][data-room]").forEach((td) => {
    cells.set(td.dataset.slot + SEP + td.dataset.room, td);
  });
  let slots = data.slots;

  const $ = (id) => document.getElementById(id);
  const conn = $("conn");
  const stale = $("stale");
  const presence = $("presence");
  const lastChange = $("last-change");
  const clock = $("clock");
  const banner = $("announcement");

  const el = (tag, cls, text) => window.Slotboard.el(tag, { class: cls || null }, text);

  // ---- times, in the event's timezone ------------------------------------
  // Without the event's timezone, the device's own.
  const hhmm = window.Slotboard.timeIn(data.lang, data.timezone) || ((t) => {
    const d = new Date(t);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  });

  // ---- cells ----------------------------------------------------------------
  function renderCell(td, session, locked) {
    const state = session ? "taken" : locked ? "locked" : "free";
    const title = session ? session.title : "";
    const host = session ? session.host : "";
    const sid = session ? session.id : "";
    const titleEl = td.querySelector(".session-title");
    const hostEl = td.querySelector(".session-host");
    const same =
      td.dataset.state === state &&
      (td.dataset.session || "") === sid &&
      (!session || (titleEl && titleEl.textContent === title && hostEl && hostEl.textContent === host));
    if (same) return false;
    td.dataset.state = state;
    if (session) td.dataset.session = sid;
    else delete td.dataset.session;
    td.textContent = "";
    if (session) {
      td.append(el("span", "session-title", title), " ", el("span", "session-host", host));
    } else if (locked) {
      td.append(el("span", "cell-note", T.locked));
    } else {
      td.append(el("span", "cell-note", T.free));
    }
    return true;
  }

  let firstRender = true;
  function render(state) {
    const sessions = new Map();
    for (const s of state.sessions || []) sessions.set(s.slot + SEP + s.room, s);
    const locks = new Set((state.locks || []).map((l) => l.slot + SEP + l.room));
    cells.forEach((td, key) => {
      const changed = renderCell(td, sessions.get(key) || null, locks.has(key));
      if (changed && !firstRender) flash(td);
    });
    firstRender = false;
    const text = state.announcement || "";
    const textEl = banner && banner.querySelector(".announcement-text");
    if (textEl && textEl.textContent !== text) textEl.textContent = text;
    if (banner) banner.hidden = text === "";
    const ended = $("ended");
    if (ended && state.event.ended) ended.hidden = false;
  }

  function flash(td) {
    td.classList.remove("changed");
    void td.offsetWidth; // restart the animation
    td.classList.add("changed");
    setTimeout(() => td.classList.remove("changed"), 3000);
  }

  // The board's shape comes from the server's config: if a restarted server
  // has other rooms or slots, this page is out of date. Reload it, but only
  // once the new page is known to load (a wall must never end on an error).
  function sameShape(state) {
    const rooms = (state.rooms || []).map((r) => r.id).join(SEP);
    const ids = (state.slots || []).map((s) => s.id).sort().join(SEP);
    return rooms === data.rooms.join(SEP) && ids === slots.map((s) => s.id).sort().join(SEP);
  }
  // The programme of the page as the server renders it now: its days, rows
  // and cells, and the timeline of its phases.
  let regridding = null;
  function regrid() {
    if (regridding) return regridding;
    regridding = fetch(location.href, { cache: "no-store" })
      .then((r) => {
        if (!r.ok) throw new Error("status " + r.status);
        return r.text();
      })
      .then((text) => {
        const doc = new DOMParser().parseFromString(text, "text/html");
        const main = doc.querySelector(".wall-main");
        const fresh = doc.getElementById("wall-data");
        const here = root.querySelector(".wall-main");
        if (!main || !fresh || !here) throw new Error("not a wall page");
        const next = JSON.parse(fresh.textContent);
        here.replaceChildren(...Array.from(main.childNodes).map((n) => document.importNode(n, true)));
        data.rooms = next.rooms;
        data.slots = next.slots;
        data.timeline = next.timeline;
        data.pitch = next.pitch;
        slots = data.slots;
        cells.clear();
        root.querySelectorAll("td[data-slot][data-room]").forEach((td) => {
          cells.set(td.dataset.slot + SEP + td.dataset.room, td);
        });
        shownDay = undefined;
        firstRender = true;
        render(live.state);
        renderPitch(live.state);
        tick();
        scheduleTick();
      })
      .catch(() => reloadWhenReady())
      .finally(() => {
        regridding = null;
      });
    return regridding;
  }
  function reloadWhenReady() {
    fetch(location.href, { cache: "no-store" })
      .then((r) => {
        if (r.ok) location.reload();
        else setTimeout(reloadWhenReady, 10000);
      })
      .catch(() => setTimeout(reloadWhenReady, 10000));
  }

  // ---- now / next / past, and the day: looked up in the server's timeline ----
  function phases(step) {
    const out = new Map();
    slots.forEach((s, i) => out.set(s.id, (step && step.phases[i]) || "later"));
    return out;
  }

  const LABELS = { now: T.now, next: T.next, past: T.past, later: "" };
  let shownDay = null;

  function tick() {
    const now = Date.now();
    if (clock) clock.textContent = hhmm(now);
    if (live.state) renderPitch(live.state);
    const step = window.Slotboard.stepAt(data.timeline, now);
    const day = step ? step.day : null;
    if (day !== shownDay) {
      shownDay = day;
      root.querySelectorAll("section.day").forEach((s) => {
        s.hidden = s.dataset.day !== day;
      });
      showPage(0);
    }
    const p = phases(step);
    root.querySelectorAll("tr[data-row]").forEach((tr) => {
      const phase = p.get(tr.dataset.row) || "later";
      const cls = "phase-" + phase;
      if (tr.classList.contains(cls)) return;
      tr.classList.remove("phase-now", "phase-next", "phase-past", "phase-later");
      tr.classList.add(cls);
      const th = tr.querySelector("th");
      const label = tr.querySelector(".phase-label");
      if (label) label.textContent = LABELS[phase];
      if (th) {
        if (phase === "now") th.setAttribute("aria-current", "time");
        else th.removeAttribute("aria-current");
      }
      tr.querySelectorAll("td").forEach((td) => {
        td.toggleAttribute("data-now", phase === "now");
        td.toggleAttribute("data-next", phase === "next");
      });
    });
  }

  // At each step of the timeline, and each minute for the clock.
  const scheduleTick = window.Slotboard.ticker(() => data.timeline, () => tick(), true);

  // ---- pages ------------------------------------------------------------------
  let pageIndex = 0;
  function currentPages() {
    const section = root.querySelector('section.day:not([hidden])');
    return section ? Array.from(section.querySelectorAll(".page")) : [];
  }
  function showPage(i) {
    const pages = currentPages();
    if (pages.length === 0) return;
    pageIndex = ((i % pages.length) + pages.length) % pages.length;
    pages.forEach((p, k) => {
      p.hidden = k !== pageIndex;
    });
  }
  setInterval(() => {
    if (currentPages().length > 1) showPage(pageIndex + 1);
  }, data.rotate_ms || 10000);

  // ---- pitch mode ---------------------------------------------------------------
  // The queue as live.js keeps it in the state (absent from `welcome`
  // while closed and empty).
  const NO_PITCHES = { open: false, current: null, queue: [] };
  let pitches = NO_PITCHES;
  function pitchLine(node, p) {
    node.textContent = "";
    node.append(el("span", "pitch-title", p.title), " ", el("span", "pitch-host", p.host));
  }
  function renderPitch(state) {
    const section = $("pitch");
    const P = data.pitch;
    if (!section || !P) return;
    const on = pitches.open === true;
    root.dataset.mode = on ? "pitch" : "board";
    section.hidden = !on;
    const main = root.querySelector(".wall-main");
    if (main) main.hidden = on;

    const cur = $("pitch-current");
    const idle = $("pitch-idle");
    const c = pitches.current;
    if (cur) {
      const id = c ? c.id : "";
      const title = cur.querySelector(".pitch-title");
      if ((cur.dataset.pitch || "") !== id || (c && (!title || title.textContent !== c.title))) {
        if (c) {
          pitchLine(cur, c);
          cur.dataset.pitch = id;
        } else {
          cur.textContent = "";
          delete cur.dataset.pitch;
        }
      }
      cur.hidden = !c;
    }
    if (idle) idle.hidden = !!c;

    const shown = pitches.queue.slice(0, P.next_shown);
    const list = $("pitch-queue");
    if (list) {
      list.replaceChildren(
        ...shown.map((p) => {
          const li = el("li");
          li.dataset.pitch = p.id;
          pitchLine(li, p);
          return li;
        })
      );
    }
    const more = pitches.queue.length - shown.length;
    const moreEl = $("pitch-more");
    if (moreEl) {
      moreEl.textContent = P.t.more.replace("{n}", String(more));
      moreEl.hidden = more === 0;
    }
    const empty = $("pitch-empty");
    if (empty) empty.hidden = shown.length > 0;

    // The free cells, by slot, of the slots the server's timeline says are
    // not over yet, in the programme's order.
    const taken = new Set();
    for (const s of state.sessions || []) taken.add(s.slot + SEP + s.room);
    for (const l of state.locks || []) taken.add(l.slot + SEP + l.room);
    const p = phases(window.Slotboard.stepAt(data.timeline, Date.now()));
    const items = [];
    slots.forEach((slot, i) => {
      if (items.length >= P.free_slots) return;
      const phase = p.get(slot.id) || "later";
      if (phase === "past") return;
      const rooms = [];
      data.rooms.forEach((room, j) => {
        if (!taken.has(slot.id + SEP + room)) rooms.push(P.room_names[j] || room);
      });
      if (rooms.length === 0) return;
      const li = el("li");
      li.dataset.slot = slot.id;
      li.dataset.phase = phase;
      li.append(el("span", "free-time", P.slot_times[i] || ""));
      if (LABELS[phase]) li.append(" ", el("span", "phase-label", LABELS[phase]));
      const names = el("span", "free-rooms");
      rooms.forEach((r, k) => {
        if (k > 0) names.append(", ");
        names.append(el("span", "free-room", r));
      });
      li.append(" ", names);
      items.push(li);
    });
    const free = $("pitch-free");
    if (free) free.replaceChildren(...items);
    const full = $("pitch-full");
    if (full) full.hidden = items.length > 0;
  }

  // ---- connection, presence, last change ----------------------------------------
  const STATUS = {
    connecting: T.connecting,
    live: T.live,
    reconnecting: T.reconnecting,
    offline: T.offline,
  };
  function onStatus(status) {
    if (conn) {
      conn.dataset.status = status;
      const label = conn.querySelector(".conn-label");
      if (label) label.textContent = STATUS[status] || status;
    }
    if (stale) stale.hidden = status === "live" || status === "connecting";
  }

  function setLastChange(at) {
    const t = Date.parse(at);
    if (!lastChange || isNaN(t)) return;
    lastChange.textContent = hhmm(t);
    lastChange.setAttribute("datetime", at);
  }

  const live = new SlotboardLive({
    slug: data.slug,
    role: "viewer",
    onState: (state) => {
      if (!sameShape(state)) regrid();
      pitches = state.pitches || NO_PITCHES;
      render(state);
      renderPitch(state);
    },
    onEvent: (frame, state) => {
      if (frame.change && frame.change.kind === "grid") regrid();
      pitches = state.pitches || NO_PITCHES;
      render(state);
      renderPitch(state);
      if (frame.at) setLastChange(frame.at);
    },
    onStatus: onStatus,
    onPresence: (n) => {
      if (presence) presence.textContent = String(n);
    },
  });
  onStatus(live.status);

  // A connection still "connecting" after a while is as stale as a lost one.
  setTimeout(() => {
    if (live.status === "connecting") onStatus("reconnecting");
  }, 8000);
  // live.js retries forever with backoff; this only makes sure that a wall
  // disconnected for long tries again at least every 30 s.
  setInterval(() => {
    if (live.status !== "live") live.reconnectNow();
  }, 30000);

  // Nobody touches this screen: keep it awake, redraw when shown again.
  window.Slotboard.keepScreenAwake(tick);

  tick();
  scheduleTick();
})();
