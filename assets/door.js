// door.js: keeps a room's door sign live without anyone touching it.
//
// - Draws the "now" and "next" lines again from the live board (SlotboardLive,
//   role "viewer") on every change: a claim, a move or a release shows
//   within a second.
// - Follows the clock by looking up the server's timeline (in #door-data:
//   from each instant on, which slot is now and which next), at each of its
//   steps and every 30 s besides: it computes no phase, no time, no timezone
//   (the step also says when the next slot is on another day, to name it).
// - Offers the first of the two lines that is free with its QR code. The
//   server draws the codes: the page has the one it offers; for another
//   cell the script fetches the page again (SlotboardLive.regridder) and
//   takes the code it offers then.
// - When organisers change the grid (a `grid` change, or a welcome of
//   another shape), fetches this page again and takes its slots and timeline.
// All text is set with textContent; the only markup taken is this page's
// own, from the same server.
(function () {
  "use strict";

  const root = document.getElementById("door");
  if (!root || !window.Slotboard || !window.SlotboardLive) return;
  let data = window.Slotboard.readJson("door-data");
  if (!data) return;
  const T = data.t;
  document.body.classList.add("live-js");

  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => window.Slotboard.el(tag, { class: cls || null }, text);
  const conn = $("conn");
  const clock = $("door-clock");
  let board = null; // the live state, shaped like `welcome`

  // Without the event's timezone, the clock keeps the server's time.
  const hhmm = window.Slotboard.timeIn(data.lang, data.timezone) || (() => (clock ? clock.textContent : ""));

  // What is in this room during `slot` (an entry of data.slots), looked up
  // in the live board: "taken" with its session, "locked" or "free".
  function occupant(slot) {
    if (!board) return null;
    const s = (board.sessions || []).find((x) => x.slot === slot.id && x.room === data.room);
    if (s) return { state: "taken", session: s };
    const locked = (board.locks || []).some((l) => l.slot === slot.id && l.room === data.room);
    return { state: locked ? "locked" : "free" };
  }

  function renderLine(which, slot, withDay) {
    const section = $("door-" + which);
    if (!section) return null;
    const what = slot ? occupant(slot) : { state: "none" };
    if (!what) return null;
    section.dataset.state = what.state;
    if (slot) section.dataset.slot = slot.id;
    else delete section.dataset.slot;
    const heading = section.querySelector(".door-when");
    const parts = [];
    const time = slot ? (withDay ? slot.day + " " : "") + slot.time : "";
    parts.push(el("p", "door-time", time));
    if (what.state === "taken") {
      parts.push(el("p", "door-title", what.session.title));
      parts.push(el("p", "door-host", what.session.host));
    } else if (what.state === "free") {
      parts.push(el("p", "door-note", T.free));
    } else if (what.state === "locked") {
      parts.push(el("p", "door-note", T.locked));
    } else {
      parts.push(el("p", "door-note", which === "now" ? T.none_now : T.none_next));
    }
    // Only redraw when the words differ, so a screen reader is not spammed.
    const text = parts.map((p) => p.textContent).join("\n");
    const old = Array.from(section.querySelectorAll("p")).map((p) => p.textContent).join("\n");
    if (text !== old) section.replaceChildren(heading, ...parts);
    return what.state === "free" ? { slot: slot, time: time } : null;
  }

  // The QR codes the server drew, by slot: the page's own, and those of the
  // fresh copies fetched for a cell this page did not offer.
  const codes = new Map();
  const asked = new Set();
  function takeCode(doc) {
    const aside = doc.getElementById("door-claim");
    const qr = doc.getElementById("door-qr");
    const svg = qr && qr.querySelector("svg");
    if (aside && aside.dataset.slot && svg) codes.set(aside.dataset.slot, document.importNode(svg, true));
  }
  takeCode(document);

  // `free`: the line offered ({slot, time}), or null.
  function renderClaim(free) {
    const aside = $("door-claim");
    if (!aside) return;
    const slot = free ? free.slot : null;
    if (!slot) {
      aside.hidden = true;
      delete aside.dataset.slot;
      return;
    }
    aside.dataset.slot = slot.id;
    const time = $("door-claim-time");
    if (time) time.textContent = "(" + free.time + ")";
    const url = $("door-url");
    if (url) url.textContent = slot.claim || "";
    const qr = $("door-qr");
    const code = codes.get(slot.id);
    if (qr && code) {
      if (qr.dataset.slot !== slot.id) {
        qr.replaceChildren(code.cloneNode(true));
        qr.dataset.slot = slot.id;
      }
      qr.hidden = false;
    } else if (qr) {
      // The server draws it: ask the page again, once per change.
      qr.replaceChildren();
      delete qr.dataset.slot;
      qr.hidden = true;
      if (!asked.has(slot.id)) {
        asked.add(slot.id);
        refresh();
      }
    }
    aside.hidden = false;
  }

  function render() {
    const now = Date.now();
    if (clock) clock.textContent = hhmm(now);
    if (!board) return;
    const step = window.Slotboard.stepAt(data.timeline, now);
    const at = (i) => (step && i !== null && i !== undefined ? data.slots[i] || null : null);
    const freeNow = renderLine("now", at(step && step.now), false);
    const freeNext = renderLine("next", at(step && step.next), !!(step && step.next_day));
    renderClaim(freeNow || freeNext);
  }

  // At each step of the timeline, and each minute for the clock.
  const scheduleTick = window.Slotboard.ticker(() => data.timeline, () => render(), true);

  // This page as the server renders it now: after a grid change its slots
  // and timeline, and the QR code of the cell it offers.
  const refresh = window.SlotboardLive.regridder(
    (doc) => {
      const fresh = doc.getElementById("door-data");
      if (!fresh) throw new Error("not a door sign");
      data = JSON.parse(fresh.textContent);
      takeCode(doc);
      render();
      scheduleTick();
    },
    () => {
      // The room is gone, or the server is away: show what the server says
      // once it answers again.
      setTimeout(() => location.reload(), 10000);
    },
  );

  function sameShape(state) {
    const ids = (state.slots || []).map((s) => s.id).sort().join("\u0000");
    const rooms = (state.rooms || []).some((r) => r.id === data.room);
    return rooms && ids === data.slots.map((s) => s.id).sort().join("\u0000");
  }

  const STATUS = {
    connecting: T.connecting,
    live: T.live,
    reconnecting: T.reconnecting,
    offline: T.offline,
  };
  function onStatus(status) {
    if (!conn) return;
    conn.dataset.status = status;
    const label = conn.querySelector(".conn-label");
    if (label) label.textContent = STATUS[status] || status;
  }

  const live = new SlotboardLive({
    slug: data.slug,
    role: "viewer",
    onState: (state) => {
      board = state;
      asked.clear();
      if (!sameShape(state)) refresh();
      render();
    },
    onEvent: (frame, state) => {
      board = state;
      asked.clear();
      if (frame.change && frame.change.kind === "grid") refresh();
      render();
    },
    onStatus: onStatus,
  });
  onStatus(live.status);
  setInterval(() => {
    if (live.status !== "live") live.reconnectNow();
  }, 30000);

  // Nobody touches this screen: keep it awake, redraw when shown again.
  window.Slotboard.keepScreenAwake(render);

  render();
  scheduleTick();
})();
