// phone.js: the phone view, live.
//
// The page works without this file (plain forms, see src/web/phone.rs). This
// script keeps the same markup up to date from the live state of
// SlotboardLive (live.js): every event re-renders the cells that changed,
// "my sessions", the announcement and the clock. Forms marked `data-op` are
// sent over the socket instead of posted; while unanswered (offline, say)
// they show as pending, and live.js resends them with their first `req`.
//
// Every text comes from the page's JSON block (#phone-data) or from the
// board, and is set as text, never as HTML. It computes no rule: the free
// cells to offer instead of a taken one come in the server's `reject` frame,
// the bigger room for a crowded session and the free cells a session may
// move to from /e/{slug}/hints, and the clock
// (past, now, next, "jump to now") from the timeline in #phone-data. When
// organisers change the grid (a `grid` change, or a welcome whose rooms or
// slots differ from the page's), the day tables, the slots and the timeline
// are taken again from the page as the server renders it now (live.js's
// regridder), without a reload; a claim being typed stays in its cell.
(function () {
  "use strict";

  if (!window.Slotboard || !window.SlotboardLive) return;
  const D = window.Slotboard.readJson("phone-data");
  if (!D) return;
  const S = D.strings;
  const slug = D.slug;
  const HOST_KEY = "slotboard:host";

  let state = null;
  let live = null; // the SlotboardLive, made last
  const formsByReq = new Map(); // req -> the form that sent it
  let slotIndex = new Map(D.slots.map((s, i) => [s.id, i]));
  let slotInfo = new Map(D.slots.map((s) => [s.id, s]));
  // Session id -> the bigger room to offer it, and the cells a session may
  // move to, as the server last said.
  let bigger = D.bigger || {};
  let free = D.free || [];
  // Session id -> the other session its host also holds at that time.
  let hostClash = D.host_clash || {};

  // --- small helpers ------------------------------------------------------

  const el = window.Slotboard.el;

  function hidden(name, value) {
    return el("input", { type: "hidden", name: name, value: value });
  }

  function formReq() {
    return window.Slotboard.randomId("f-");
  }

  function getHost() {
    try {
      return localStorage.getItem(HOST_KEY) || D.host || "";
    } catch (_) {
      return D.host || "";
    }
  }

  function setHost(h) {
    try {
      if (h) localStorage.setItem(HOST_KEY, h);
    } catch (_) {
      // Private mode: nothing remembered.
    }
  }

  const key = (slot, room) => slot + "|" + room;

  function roomOf(id) {
    return (state && state.rooms.find((r) => r.id === id)) || null;
  }

  function cellLabel(slot, room) {
    const r = roomOf(room);
    const s = slotInfo.get(slot);
    return (r ? r.name : room) + " · " + (s ? s.short : slot);
  }

  function seats(n) {
    return " " + n + " " + (n === 1 ? S.seat : S.seats);
  }

  function me() {
    return (state && state.you && state.you.id) || D.me;
  }

  // --- cells --------------------------------------------------------------

  function voteForm(s, voted) {
    return el("form", { class: "vote-form", method: "post", action: "/e/" + slug + "/vote", "data-op": "vote" },
      hidden("session", s.id),
      hidden("on", voted ? "false" : "true"),
      hidden("req", formReq()),
      el("button", { type: "submit", class: "vote", "data-session": s.id, "aria-pressed": voted ? "true" : "false" },
        el("span", { class: "check", "aria-hidden": "true" }, voted ? "✓ " : "+ "),
        S.want, " · ", el("span", { class: "count" }, s.votes),
        el("span", { class: "vh" }, " : " + s.title)));
  }

  // A session's links, as the server draws them (views::links::list); null
  // without any.
  function linksList(links) {
    if (!links || !links.length) return null;
    return el("ul", { class: "links", "aria-label": S.links_list }, links.map((l) =>
      el("li", {}, el("a", { href: l.url, rel: "nofollow noopener ugc" }, l.label || l.url))));
  }

  function cellContent(td, kind, s, voted) {
    const slot = td.dataset.slot;
    const room = td.dataset.room;
    if (kind === "taken") {
      return [
        el("div", { class: "session" },
          el("span", { class: "session-title" }, s.title),
          el("span", { class: "host" }, s.host),
          s.owner === me() ? " " : null,
          s.owner === me() ? el("span", { class: "badge" }, S.yours) : null),
        linksList(s.links),
        voteForm(s, voted),
      ].filter((x) => x !== null);
    }
    if (kind === "locked") return [el("span", { class: "state-label" }, S.locked)];
    if (!state.event.open) return [el("span", { class: "state-label" }, S.free)];
    return [el("a", { class: "claim", href: "/e/" + slug + "/claim?slot=" + encodeURIComponent(slot) + "&room=" + encodeURIComponent(room) + "#claim-form" },
      el("span", { class: "state-label" }, S.free), " · " + S.propose,
      el("span", { class: "vh" }, " : " + cellLabel(slot, room)))];
  }

  function renderCells() {
    const byCell = new Map(state.sessions.map((s) => [key(s.slot, s.room), s]));
    const locks = new Set(state.locks.map((l) => key(l.slot, l.room)));
    const votes = new Set((state.you && state.you.votes) || []);
    const mine = me();
    document.querySelectorAll("td[data-state]").forEach((td) => {
      const k = key(td.dataset.slot, td.dataset.room);
      const s = byCell.get(k) || null;
      const kind = s ? "taken" : locks.has(k) ? "locked" : "free";
      td.dataset.state = kind;
      td.className = kind;
      if (s) td.dataset.session = s.id;
      else delete td.dataset.session;
      // An open claim form stays until it is sent or cancelled.
      if (td.querySelector("#claim-form")) {
        td.dataset.sig = "";
        return;
      }
      const sig = JSON.stringify([kind, state.event.open, s && [s.id, s.title, s.host, s.votes, s.owner === mine, votes.has(s.id), s.links || []]]);
      if (td.dataset.sig === sig) return;
      td.dataset.sig = sig;
      const active = document.activeElement;
      const refocus = active && td.contains(active) ? (active.classList.contains("vote") ? "button.vote" : active.classList.contains("claim") ? "a.claim" : null) : null;
      const content = td.querySelector(".content") || td.appendChild(el("div", { class: "content" }));
      content.replaceChildren.apply(content, cellContent(td, kind, s, s && votes.has(s.id)));
      if (refocus) {
        const f = td.querySelector(refocus);
        if (f) f.focus();
      }
    });
  }

  // --- the claim form in place ----------------------------------------------

  function closeClaimForm() {
    const form = document.getElementById("claim-form");
    if (!form) return;
    const td = form.closest("td[data-state]");
    form.remove();
    if (td) {
      td.dataset.sig = "";
      td.removeAttribute("data-pending");
      if (state) render();
    }
  }

  function openClaim(td) {
    closeClaimForm();
    const slot = td.dataset.slot;
    const room = td.dataset.room;
    const content = td.querySelector(".content");
    const form = el("form", { id: "claim-form", class: "claim-form", method: "post", action: "/e/" + slug + "/claim", "data-op": "claim" },
      el("p", { class: "form-title" }, S.propose_title + ": " + cellLabel(slot, room)),
      hidden("slot", slot),
      hidden("room", room),
      hidden("req", formReq()),
      el("label", { for: "claim-title" }, S.title),
      el("input", { id: "claim-title", name: "title", type: "text", required: true, maxlength: D.limits.title, autocomplete: "off" }),
      el("label", { for: "claim-host" }, S.host),
      el("input", { id: "claim-host", name: "host", type: "text", required: true, maxlength: D.limits.host, autocomplete: "nickname", value: getHost() }),
      linkFields("claim", []),
      el("div", { class: "actions" },
        el("button", { type: "submit", class: "primary" }, S.send), " ",
        el("button", { type: "button", class: "cancel" }, S.cancel)));
    content.replaceChildren(form);
    td.dataset.sig = "";
    document.getElementById("claim-title").focus();
  }

  // --- sending ----------------------------------------------------------------

  function setPending(form, on) {
    form.toggleAttribute("data-pending", on);
    form.setAttribute("aria-busy", on ? "true" : "false");
    form.querySelectorAll("button, input, select").forEach((x) => {
      if (x.type !== "hidden") x.disabled = on;
    });
    const submit = form.querySelector("button[type=submit]");
    if (submit && form.id === "claim-form") {
      if (on) {
        submit.dataset.label = submit.textContent;
        submit.textContent = S.sending;
      } else if (submit.dataset.label) {
        submit.textContent = submit.dataset.label;
      }
    }
  }

  // The link fields of a form, as the server draws them (views::links::fields):
  // `id` makes the ids unique, `links` fills them.
  function linkFields(id, links) {
    const set = el("fieldset", { class: "link-fields" }, el("legend", {}, S.links));
    for (let n = 1; n <= D.limits.links; n++) {
      const now = (links || [])[n - 1] || { url: "", label: "" };
      const base = id + "-link" + n;
      set.append(el("div", { class: "link-field" },
        el("label", { for: base + "-url" }, S.link_url + " " + n),
        el("input", { id: base + "-url", name: "link" + n + "_url", type: "url", inputmode: "url", maxlength: D.limits.link_url, placeholder: "https://", value: now.url }),
        el("label", { for: base + "-label" }, S.link_label + " " + n),
        el("input", { id: base + "-label", name: "link" + n + "_label", type: "text", maxlength: D.limits.link_label, value: now.label || "" })));
    }
    return set;
  }

  // The link fields of a claim or edit form (link1_url, link1_label, ...)
  // as the frame's `links`, the way the server reads the same form
  // (src/web/forms.rs): the filled pairs in order; an edit form with link
  // fields always sends them ([] removes), a claim form only when filled.
  function linksOf(form, cmd) {
    const data = new FormData(form);
    if (![...data.keys()].some((k) => /^link[1-3]_(url|label)$/.test(k))) return;
    const links = [];
    for (let n = 1; n <= 3; n++) {
      const url = String(data.get("link" + n + "_url") || "").trim();
      const label = String(data.get("link" + n + "_label") || "").trim();
      if (url || label) links.push({ url, label });
    }
    if (links.length || cmd.op === "edit") cmd.links = links;
  }

  function commandOf(form) {
    const cmd = { op: form.dataset.op };
    linksOf(form, cmd);
    for (const [k, v] of new FormData(form)) {
      if (k === "req" || k === "lang" || /^link[1-3]_(url|label)$/.test(k)) continue;
      if (k === "on") cmd.on = v === "true";
      else if (k === "to") {
        const i = v.indexOf("|");
        cmd.slot = v.slice(0, i);
        cmd.room = v.slice(i + 1);
      } else cmd[k] = v;
    }
    return cmd;
  }

  function send(cmd, form) {
    live.send(cmd);
    const queued = live.unanswered();
    const req = queued.length ? queued[queued.length - 1].req : null;
    if (form && req) {
      formsByReq.set(req, form);
      setPending(form, true);
    }
    renderPending();
  }

  // The device link's QR code: the page links it (drawing it costs the
  // server, and nobody but the reader needs it); shown in place once
  // "Use on another device" is opened.
  const device = document.getElementById("device");
  if (device) {
    device.addEventListener("toggle", () => {
      const box = device.querySelector(".qr[data-src]");
      if (!device.open || !box || box.querySelector("img")) return;
      const img = el("img", { src: box.dataset.src, alt: box.dataset.alt, width: 200, height: 200 });
      const link = box.querySelector(".qr-link");
      img.addEventListener("load", () => { if (link) link.hidden = true; });
      box.prepend(img);
    });
  }

  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.op) return;
    e.preventDefault();
    if (form.hasAttribute("data-pending")) return;
    const cmd = commandOf(form);
    if ((cmd.op === "claim" || cmd.op === "pitch") && cmd.host) setHost(cmd.host.trim());
    send(cmd, form);
  });

  document.addEventListener("click", (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const t = e.target instanceof Element ? e.target : null;
    if (!t) return;
    const claim = t.closest("a.claim");
    if (claim) {
      const td = claim.closest("td[data-state]");
      if (td) {
        e.preventDefault();
        openClaim(td);
      }
      return;
    }
    if (t.closest("#claim-form .cancel")) {
      e.preventDefault();
      const td = t.closest("td[data-state]");
      closeClaimForm();
      const a = td && td.querySelector("a.claim");
      if (a) a.focus();
      return;
    }
    if (t.closest("#notice .close")) {
      e.preventDefault();
      hideNotice();
    }
  });

  // --- answers and the notice -------------------------------------------------

  function hideNotice() {
    const n = document.getElementById("notice");
    n.hidden = true;
    n.removeAttribute("data-code");
    n.replaceChildren();
  }

  function showNotice(code, cmd, f) {
    const n = document.getElementById("notice");
    const ok = code === "ack";
    n.replaceChildren();
    n.dataset.code = code;
    n.className = "notice " + (ok ? "ok" : "bad");
    n.setAttribute("role", ok ? "status" : "alert");
    let text = ok ? S.notices["ack_" + cmd.op] || S.notices.ack : S.notices[code] || S.notices.unsupported;
    if (code === "session_limit" && f && f.held != null && f.max != null) {
      // The server's counts in the page's words.
      text = S.notices.session_limit_count.replace("{held}", f.held).replace("{max}", f.max);
      if (f.held === 1) text = text.replace("1 sessions", "1 session");
    }
    n.append(el("p", { class: "notice-text" }, (ok ? "✓ " : "⚠ ") + text));
    if (code === "taken" && state) {
      const holder = state.sessions.find((s) => s.id === f.session) ||
        state.sessions.find((s) => s.slot === cmd.slot && s.room === cmd.room);
      if (holder) {
        n.append(el("p", { class: "holder" }, S.holder + " « ",
          el("span", { class: "holder-title" }, holder.title), " » (",
          el("span", { class: "holder-host" }, holder.host), ")."));
      }
    }
    if (!ok && f && f.message) {
      n.append(el("p", { class: "server-msg muted" }, S.server_says + " ", el("span", { lang: "en" }, f.message)));
    }
    if (cmd.op === "claim" && (code === "taken" || code === "locked") && state) {
      // The server's own choice, nearest first.
      const alts = (f && f.alternatives) || [];
      const box = el("div", { id: "alternatives" });
      if (alts.length === 0) box.append(el("p", {}, S.no_alts));
      else {
        box.append(el("p", {}, S.alts));
        const ul = el("ul", { class: "alts" });
        for (const c of alts) {
          ul.append(el("li", {}, el("form", { class: "alt", method: "post", action: "/e/" + slug + "/claim", "data-op": "claim", "data-slot": c.slot, "data-room": c.room },
            hidden("slot", c.slot), hidden("room", c.room),
            hidden("title", cmd.title || ""), hidden("host", cmd.host || ""),
            hidden("req", formReq()),
            el("button", { type: "submit" }, S.take + " " + cellLabel(c.slot, c.room)))));
        }
        box.append(ul);
      }
      n.append(box);
    }
    n.append(el("p", { class: "notice-actions" }, el("button", { type: "button", class: "close" }, S.close)));
    n.hidden = false;
    n.focus();
    n.scrollIntoView({ block: "nearest" });
  }

  function onAnswer(f, cmd) {
    const form = formsByReq.get(f.req);
    formsByReq.delete(f.req);
    if (form && form.isConnected) setPending(form, false);
    if (cmd) {
      const cf = document.getElementById("claim-form");
      const done = f.type === "ack" || ["taken", "locked", "closed", "not_found"].includes(f.code);
      if (cmd.op === "claim" && cf && done &&
        cf.elements.slot && cf.elements.slot.value === cmd.slot && cf.elements.room.value === cmd.room) {
        closeClaimForm();
      }
      if (f.type === "ack") {
        if (cmd.op === "pitch" && form && form.isConnected) form.elements.title.value = "";
        // A vote shows on its button, a pitch in #pitch (its place).
        if (!["vote", "pitch", "unpitch"].includes(cmd.op)) showNotice("ack", cmd, f);
      } else {
        showNotice(f.code, cmd, f);
      }
    }
    if (state) render();
    else renderPending();
  }

  // Cells and sessions with a command still on its way get [data-pending].
  function renderPending() {
    document.querySelectorAll(".pending-mark").forEach((x) => {
      x.classList.remove("pending-mark");
      x.removeAttribute("data-pending");
    });
    document.querySelectorAll(".pending-note").forEach((x) => x.remove());
    const queued = live ? live.unanswered() : [];
    const mark = (x, note) => {
      if (!x || x.hasAttribute("data-pending")) return;
      x.classList.add("pending-mark");
      x.setAttribute("data-pending", "");
      if (note) x.append(el("span", { class: "pending-note" }, "… " + note));
    };
    for (const c of queued) {
      if ((c.op === "claim" || c.op === "move") && c.slot && c.room) {
        const td = document.querySelector('td[data-state][data-slot="' + CSS.escape(c.slot) + '"][data-room="' + CSS.escape(c.room) + '"]');
        if (td && !td.querySelector("#claim-form")) mark(td, S.pending_cell + " " + (c.title || ""));
      }
      if (c.session) {
        const item = document.querySelector('[data-mine="' + CSS.escape(c.session) + '"]');
        mark(item, null);
        if (c.op === "vote") {
          const b = document.querySelector('button.vote[data-session="' + CSS.escape(c.session) + '"]');
          if (b) mark(b.closest("form"), null);
        }
      }
    }
    const cf = document.getElementById("claim-form");
    if (cf && cf.hasAttribute("data-pending") && live && live.status !== "live") {
      cf.append(el("span", { class: "pending-note" }, "… " + S.conn.offline));
    }
    const line = document.getElementById("pending");
    if (line) {
      line.hidden = queued.length === 0;
      line.textContent = queued.length ? "… " + queued.length + " " + S.pending_count : "";
    }
  }

  // --- my sessions --------------------------------------------------------------

  function mineItem(s, free) {
    const r = roomOf(s.room);
    const li = el("li", { class: "mine-item", "data-mine": s.id },
      el("h3", {}, s.title),
      el("p", { class: "where" }, cellLabel(s.slot, s.room) + " · " + s.host + " · " + s.votes + " " + S.want_count +
        (r ? " (" + seats(r.capacity).trim() + ")" : "")));
    const links = linksList(s.links);
    if (links) li.append(links);
    const twin = hostClash[s.id];
    if (twin) {
      li.append(el("p", { class: "host-clash" },
        "⚠ " + S.host_clash + " « " + twin.title + " » (" + twin.room + ")."));
    }
    const big = bigger[s.id];
    const room = big && roomOf(big.id);
    if (room) {
      li.append(el("div", { class: "suggest" },
        el("p", {}, "⚠ " + S.bigger + " ", el("strong", {}, room.name), seats(room.capacity) + "."),
        el("form", { method: "post", action: "/e/" + slug + "/move", "data-op": "move" },
          hidden("session", s.id), hidden("slot", s.slot), hidden("room", room.id), hidden("req", formReq()),
          el("button", { type: "submit" }, S.move_it + " " + room.name))));
    }
    li.append(el("details", { class: "edit" },
      el("summary", {}, S.edit),
      el("form", { method: "post", action: "/e/" + slug + "/edit", "data-op": "edit" },
        hidden("session", s.id), hidden("req", formReq()),
        el("label", { for: "edit-title-" + s.id }, S.title),
        el("input", { id: "edit-title-" + s.id, name: "title", type: "text", required: true, maxlength: D.limits.title, value: s.title }),
        el("label", { for: "edit-host-" + s.id }, S.host),
        el("input", { id: "edit-host-" + s.id, name: "host", type: "text", required: true, maxlength: D.limits.host, value: s.host }),
        linkFields("edit-" + s.id, s.links),
        el("button", { type: "submit" }, S.save))));
    const move = el("details", { class: "move" }, el("summary", {}, S.move));
    if (free.length === 0) move.append(el("p", { class: "muted" }, S.no_free));
    else {
      const select = el("select", { id: "move-to-" + s.id, name: "to" });
      for (const c of free) select.append(el("option", { value: c.slot + "|" + c.room }, cellLabel(c.slot, c.room)));
      move.append(el("form", { method: "post", action: "/e/" + slug + "/move", "data-op": "move" },
        hidden("session", s.id), hidden("req", formReq()),
        el("label", { for: "move-to-" + s.id }, S.move_to), select,
        el("button", { type: "submit" }, S.move)));
    }
    li.append(move);
    li.append(el("form", { class: "release", method: "post", action: "/e/" + slug + "/release", "data-op": "release" },
      hidden("session", s.id), hidden("req", formReq()),
      el("button", { type: "submit", class: "danger" }, S.release)));
    return li;
  }

  let mineDeferred = false;

  function renderMine() {
    const section = document.getElementById("mine");
    if (!section) return;
    const mine = state.sessions.filter((s) => s.owner === me())
      .sort((a, b) => (slotIndex.get(a.slot) || 0) - (slotIndex.get(b.slot) || 0));
    const sig = JSON.stringify([mine, free, state.rooms, bigger, hostClash]);
    if (section.dataset.sig === sig) return;
    // Never rebuild a form under someone's fingers: wait until they leave it.
    const active = document.activeElement;
    if (active && section.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) {
      mineDeferred = true;
      return;
    }
    section.dataset.sig = sig;
    const opened = new Set(Array.from(section.querySelectorAll("details[open]"))
      .map((d) => d.closest("[data-mine]").dataset.mine + " " + d.className));
    const list = section.querySelector("ul.mine-list");
    const empty = section.querySelector(".empty");
    if (empty) empty.hidden = mine.length > 0;
    else if (mine.length === 0) list.before(el("p", { class: "muted empty" }, S.mine_empty));
    list.replaceChildren.apply(list, mine.map((s) => mineItem(s, free)));
    list.querySelectorAll("details").forEach((d) => {
      if (opened.has(d.closest("[data-mine]").dataset.mine + " " + d.className)) d.open = true;
    });
  }

  document.addEventListener("focusout", () => {
    if (!mineDeferred) return;
    setTimeout(() => {
      const section = document.getElementById("mine");
      if (mineDeferred && state && !(section && section.contains(document.activeElement))) {
        mineDeferred = false;
        renderMine();
        renderPending();
      }
    }, 0);
  });

  // The bigger rooms and the free cells change with votes and with every
  // cell taken or freed:
  // after a change, ask the server again (one request at a time, only on a
  // phone that owns a session).
  let hintsBusy = false;
  let hintsAgain = false;
  function refreshHints() {
    if (!state || !state.sessions.some((s) => s.owner === me())) return;
    if (hintsBusy) {
      hintsAgain = true;
      return;
    }
    hintsBusy = true;
    fetch("/e/" + encodeURIComponent(slug) + "/hints", { cache: "no-store", credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((h) => {
        if (!h || !h.bigger || !h.free) return;
        const clash = h.host_clash || {};
        if (JSON.stringify([h.bigger, h.free, clash]) !== JSON.stringify([bigger, free, hostClash])) {
          bigger = h.bigger;
          free = h.free;
          hostClash = clash;
          if (state) renderMine();
        }
      })
      .catch(() => {
        // Offline: the hint waits for the next change.
      })
      .finally(() => {
        hintsBusy = false;
        if (hintsAgain) {
          hintsAgain = false;
          refreshHints();
        }
      });
  }

  // --- the pitch queue -------------------------------------------------------------

  // Where my pitch stands is the server's rule (the core's `place_of`): the
  // pitch being given, else my place in the queue it sent, read by index.
  // The cells to claim from a pitch that is on are the server's too: when
  // my pitch is called (or its show of hands noted), fetch #pitch again.
  const PS = window.Slotboard.readJson("pitch-data") || {};
  const NO_PITCHES = { open: false, current: null, queue: [] };
  let pitchAsked = null; // the "on" the last fetch was for
  let pitchBusy = false;

  function onKey(p) {
    return p ? p.id + (p.big ? "+big" : "") : "";
  }

  function refetchPitch(want) {
    if (pitchBusy || pitchAsked === want) return;
    pitchBusy = true;
    pitchAsked = want;
    SlotboardLive.fetchPage()
      .then((doc) => {
        const fresh = doc.getElementById("pitch");
        const here = document.getElementById("pitch");
        if (!fresh || !here) return;
        const focused = here.contains(document.activeElement);
        here.replaceWith(document.importNode(fresh, true));
        renderPitch();
        const on = document.getElementById("pitch-on");
        if (focused && on && !on.hidden) {
          const first = on.querySelector("button");
          if (first) first.focus();
        }
      })
      .catch(() => {
        pitchAsked = null; // offline: try again on the next change
      })
      .finally(() => {
        pitchBusy = false;
      });
  }

  function setText(node, text) {
    if (node && node.textContent !== text) node.textContent = text;
  }

  function renderPitch() {
    const sec = document.getElementById("pitch");
    if (!sec || !state) return;
    const q = state.pitches || NO_PITCHES;
    const my = me();
    const on = q.current && q.current.owner === my ? q.current : null;
    const before = q.queue.findIndex((p) => p.owner === my);
    const waiting = before >= 0 ? q.queue[before] : null;
    sec.hidden = !(q.open || on || waiting);
    document.getElementById("pitch-closed").hidden = !!q.open;
    document.getElementById("pitch-form").hidden = !(q.open && !waiting && !on);
    document.getElementById("pitch-wait").hidden = !waiting;
    if (waiting) {
      setText(document.getElementById("pitch-place"),
        before === 0 ? PS.next : before === 1 ? PS.one : PS.many.replace("{n}", before));
      setText(document.getElementById("pitch-title"), waiting.title);
      setText(document.getElementById("pitch-host"), waiting.host);
      const f = document.getElementById("unpitch-form");
      if (f) f.elements.pitch.value = waiting.id;
    }
    const shown = sec.dataset.on ? sec.dataset.on + (sec.dataset.big === "true" ? "+big" : "") : "";
    const want = onKey(on);
    if (want !== shown) {
      if (!on) {
        sec.dataset.on = "";
        const box = document.getElementById("pitch-on");
        box.hidden = true;
        box.replaceChildren();
        pitchAsked = null;
      } else {
        refetchPitch(want);
      }
    }
    const host = document.getElementById("pitch-host-in");
    if (host && !host.value) host.value = getHost();
  }

  // --- the whole page -------------------------------------------------------------

  function render() {
    if (!state) return;
    const a = document.getElementById("announcement");
    if (a) {
      a.textContent = state.announcement || "";
      a.hidden = !state.announcement;
    }
    const closed = document.getElementById("closed");
    if (closed) closed.hidden = !!state.event.open;
    const ended = document.getElementById("ended");
    if (ended && state.event.ended) ended.hidden = false;
    renderCells();
    renderMine();
    renderPitch();
    renderPending();
  }

  // The clock: the server's timeline says, from each instant on, which slots
  // are over, running and next, and where "jump to now" goes.
  const PHASE_TEXT = { past: S.over, now: S.now, next: S.next, later: "" };
  function tick() {
    const step = window.Slotboard.stepAt(D.timeline, Date.now());
    if (!step) return;
    D.slots.forEach((s, i) => {
      const row = document.getElementById("slot-" + s.id);
      if (!row) return;
      const when = step.phases[i] || "later";
      row.classList.remove("past", "now", "next", "later");
      row.classList.add(when);
      const label = row.querySelector(".when");
      if (label) label.textContent = PHASE_TEXT[when];
    });
    const jump = document.getElementById("jump-now");
    if (jump) {
      const target = step.target === null || step.target === undefined ? null : D.slots[step.target];
      jump.hidden = !target;
      if (target) {
        jump.setAttribute("href", "#slot-" + target.id);
        jump.textContent = step.phases[step.target] === "now" ? S.jump_now : S.jump_next + " (" + target.short + ")";
      }
    }
  }

  // At the next step of the timeline (and every 30 s besides).
  const scheduleTick = window.Slotboard.ticker(() => D.timeline, () => tick(), false);

  function onStatus(status) {
    const c = document.getElementById("conn");
    if (!c) return;
    c.dataset.status = status;
    const label = c.querySelector(".label");
    if (label) label.textContent = S.conn[status] || status;
    renderPending();
  }

  // --- the grid changed -------------------------------------------------------

  // The grid the day tables show: its rooms and slots as the socket said.
  const shapeOf = (st) => JSON.stringify([st.rooms || [], st.slots || []]);
  let shape = null;

  function swapDays(doc) {
    const fresh = doc.getElementById("phone-data");
    const board = document.getElementById("board");
    const freshBoard = doc.getElementById("board");
    if (!fresh || !board || !freshBoard) throw new Error("not a phone page");
    const next = JSON.parse(fresh.textContent);
    // A claim being typed keeps its node (and its text) if its cell is still there.
    const claim = document.getElementById("claim-form");
    const claimTd = claim && claim.closest("td[data-state]");
    const claimKey = claimTd ? key(claimTd.dataset.slot, claimTd.dataset.room) : null;
    if (claim) claim.remove();
    const days = Array.from(board.querySelectorAll(":scope > section.day"));
    const anchor = days.length ? days[days.length - 1].nextSibling : document.getElementById("notice");
    days.forEach((d) => d.remove());
    for (const d of freshBoard.querySelectorAll(":scope > section.day")) {
      board.insertBefore(document.importNode(d, true), anchor);
    }
    const jumpFresh = doc.getElementById("jump-now");
    const jump = document.getElementById("jump-now");
    if (jumpFresh && jump) jump.replaceWith(document.importNode(jumpFresh, true));
    D.slots = next.slots;
    D.timeline = next.timeline;
    slotIndex = new Map(D.slots.map((s, i) => [s.id, i]));
    slotInfo = new Map(D.slots.map((s) => [s.id, s]));
    if (claim && claimKey) {
      const td = Array.from(document.querySelectorAll("td[data-state]")).find((t) => key(t.dataset.slot, t.dataset.room) === claimKey);
      const content = td && (td.querySelector(".content") || td.appendChild(el("div", { class: "content" })));
      if (content) content.replaceChildren(claim);
    }
    render();
    refreshHints();
    tick();
    scheduleTick();
  }
  // Unreadable (the server is restarting, say): the next welcome tries again.
  let dirty = false;
  const regrid = SlotboardLive.regridder(swapDays, () => {
    dirty = true;
  });

  function follow(st, gridChanged) {
    state = st;
    const now = shapeOf(st);
    const stale = gridChanged || dirty || (shape !== null && shape !== now);
    shape = now;
    dirty = false;
    render();
    refreshHints();
    if (stale) regrid();
  }

  live = new SlotboardLive({
    slug: slug,
    onState: (st) => follow(st, false),
    onEvent: (f, st) => follow(st, !!(f.change && f.change.kind === "grid")),
    onAnswer: onAnswer,
    onStatus: onStatus,
  });
  onStatus(live.status);
  renderPending();
  tick();
  scheduleTick();
})();
