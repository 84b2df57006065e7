// common.js: the helpers the phone, the wall and the admin page share, so
// each is written once. Loaded first (before live.js and the page's script).
//
// - Slotboard.el(tag, attrs, ...children): builds an element. attrs: `class`
//   sets the class, `text` the text, `true` an empty attribute, null /
//   undefined / false nothing; children are nodes or text (arrays are
//   flattened), never HTML.
// - Slotboard.readJson(id): the JSON block of the page with that id, or null.
// - Slotboard.randomId(prefix): a fresh random id (`req`s of commands).
// - Slotboard.stepAt(timeline, now) / Slotboard.nextChange(timeline, now):
//   look up the server's timeline (steps `{from, ...}` in time order, `from`
//   in ms, null for the first): the step shown at `now`, and when the next
//   one begins. The server computed every step; scripts only look them up.
// - Slotboard.ticker(timeline, onTick, clock): calls onTick at the next step
//   of timeline() (and at least every 30 s, in case the device slept
//   through one; with `clock`, also at each minute, for a clock on screen);
//   returns schedule(), which (re)starts it.
// - Slotboard.timeIn(lang, timeZone): a function giving the "HH:MM" of a
//   time (ms) in the event's timezone, or null when this browser cannot
//   place one (the caller keeps its own fallback).
// - Slotboard.keepScreenAwake(onVisible): for the screens nobody touches
//   (the wall, a door sign): holds a screen wake lock where the browser
//   allows it, asks again every minute and when the page is shown again,
//   and then calls `onVisible` (to redraw at once).
(function () {
  "use strict";

  function append(e, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach((x) => append(e, x));
    else e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }

  function el(tag, attrs) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      const v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (v === true) e.setAttribute(k, "");
      else e.setAttribute(k, String(v));
    }
    for (let i = 2; i < arguments.length; i++) append(e, arguments[i]);
    return e;
  }

  function readJson(id) {
    const node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (_) {
      return null;
    }
  }

  function randomId(prefix) {
    const b = new Uint8Array(8);
    crypto.getRandomValues(b);
    return prefix + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  function stepAt(timeline, now) {
    let found = null;
    for (const s of timeline || []) {
      if (s.from === null || s.from <= now) found = s;
      else break;
    }
    return found;
  }

  function nextChange(timeline, now) {
    for (const s of timeline || []) if (s.from !== null && s.from > now) return s.from;
    return null;
  }

  function ticker(timeline, onTick, clock) {
    let timer = null;
    function schedule() {
      clearTimeout(timer);
      const now = Date.now();
      let wait = 30000;
      const at = nextChange(timeline(), now);
      if (at !== null && at - now < wait) wait = at - now;
      if (clock) wait = Math.min(wait, 60000 - (now % 60000));
      timer = setTimeout(() => {
        onTick();
        schedule();
      }, Math.max(wait, 0) + 250);
    }
    return schedule;
  }

  function keepScreenAwake(onVisible) {
    let lock = null;
    function ask() {
      if (!("wakeLock" in navigator) || document.visibilityState !== "visible" || lock) return;
      navigator.wakeLock
        .request("screen")
        .then((l) => {
          lock = l;
          l.addEventListener("release", () => {
            lock = null;
          });
        })
        .catch(() => {
          // Not allowed here (no HTTPS, power saving...): nothing to do.
        });
    }
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") {
        ask();
        if (onVisible) onVisible();
      }
    });
    setInterval(ask, 60000);
    ask();
  }

  function timeIn(lang, timeZone) {
    try {
      const f = new Intl.DateTimeFormat(lang, { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
      return (t) => f.format(new Date(t));
    } catch (_) {
      return null;
    }
  }

  window.Slotboard = { el, readJson, randomId, stepAt, nextChange, ticker, timeIn, keepScreenAwake };
})();
