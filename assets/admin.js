// admin.js: the organiser view, live.
//
// The page works without this file: every control is a form that POSTs and
// comes back. With it, the same forms send their command on the live socket
// (SlotboardLive, role "organiser": the socket recognises the login cookie),
// the grid and the audit log follow every change as it happens, sessions move
// and swap by drag-and-drop or with the keyboard ("Move" / "Swap", then pick
// the target; Escape cancels), and undo is a POST made with fetch.
//
// Every text comes from the page's #admin-data block and is set with
// textContent: nothing a person typed is ever parsed as HTML.
(function () {
  "use strict";

  const dataEl = document.getElementById("admin-data");
  if (!dataEl || !window.SlotboardLive) return;
  const D = JSON.parse(dataEl.textContent);
  if (!D.state) return;
  const S = D.strings;
  const slug = D.slug;
  const base = "/e/" + encodeURIComponent(slug) + "/admin";

  let mode = null; // { op: "move" | "swap", session: id }
  let dragging = null; // session id being dragged
  const titles = new Map(); // session id -> last known title (released ones too)
  const undoRevs = new Set(); // revs of changes made by undo

  // ---------------------------------------------------------------- helpers

  function fill(template, vars) {
    return template.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  }

  function quote(text) {
    return S.changes.quote.replace("{}", () => text);
  }

  // el(tag, attrs, children): common.js's builder (arrays of children are
  // flattened).
  const el = window.Slotboard.el;

  function state() {
    return live.state;
  }

  function roomName(id) {
    const r = (state().rooms || []).find((x) => x.id === id);
    return r ? r.name : id;
  }

  function cellLabel(slot, room) {
    return roomName(room) + ", " + (D.slots[slot] || slot);
  }

  function sessionAt(slot, room) {
    return state().sessions.find((s) => s.slot === slot && s.room === room) || null;
  }

  function isLocked(slot, room) {
    return state().locks.some((l) => l.slot === slot && l.room === room);
  }

  function findSession(id) {
    return state().sessions.find((s) => s.id === id) || null;
  }

  function titleOf(id) {
    return titles.get(id) || id;
  }

  // The core's rule (labels::short_id), by the length the server hands us.
  function shortId(id) {
    return String(id || "").slice(0, D.short_id_chars || 8);
  }

  function countText(n) {
    return (n === 1 ? S.ui.session_one : S.ui.session_many).replace("{n}", String(n));
  }

  function remember(sessions) {
    for (const s of sessions) titles.set(s.id, s.title);
  }

  // ----------------------------------------------------------------- notice

  function showNotice(code, detail) {
    const n = document.getElementById("notice");
    if (!n) return;
    n.dataset.code = code;
    n.className = "notice " + (code === "ack" || code === "undone" ? "ok" : "problem");
    let text = S.notices[code] || S.notices.invalid;
    if (detail) text += " (" + detail + ")";
    n.textContent = text;
    n.hidden = false;
  }

  function showAnswer(answer) {
    if (!answer) return;
    if (answer.type === "ack") showNotice("ack");
    else showNotice(answer.code || "invalid", answer.message);
  }

  // ----------------------------------------------------------------- render

  function makeForm(op, action, fields, label, aria) {
    const form = el("form", { class: "inline", method: "post", action: base + "/" + op, "data-op": op });
    for (const [k, v] of Object.entries(fields)) {
      form.append(el("input", { type: "hidden", name: k, value: v }));
    }
    form.append(el("button", { type: "submit", "data-action": action, "data-key": action, "aria-label": aria, text: label }));
    return form;
  }

  function renderCell(td) {
    const slot = td.dataset.slot;
    const room = td.dataset.room;
    const s = sessionAt(slot, room);
    const locked = isLocked(slot, room);
    const sig = JSON.stringify([s, locked, mode, dragging ? 1 : 0]);
    if (td._sig === sig) return;
    td._sig = sig;

    const focusKey = td.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    const cellState = s ? "taken" : locked ? "locked" : "free";
    td.dataset.state = cellState;
    td.className = cellState;
    if (s) td.dataset.session = s.id;
    else delete td.dataset.session;
    if (locked) td.dataset.locked = "true";
    else delete td.dataset.locked;
    td.classList.toggle("picking", !!(mode && s && s.id === mode.session));

    const parts = [];
    const where = cellLabel(slot, room);
    if (s) {
      const box = el("div", { class: "session", "data-session": s.id, draggable: "true" }, [
        el("span", { class: "session-title", text: s.title }),
        " ",
        el("span", { class: "host", text: s.host }),
        " ",
        el("span", { class: "owner", title: s.owner, text: shortId(s.owner) }),
      ]);
      if (s.votes > 0) {
        box.append(" ", el("span", { class: "votes", text: "♥ " + s.votes + " " + (s.votes === 1 ? S.ui.vote : S.ui.votes) }));
      }
      parts.push(box);
    }
    if (locked) parts.push(el("span", { class: "state-label", text: S.ui.locked }));
    else if (!s) parts.push(el("span", { class: "state-label", text: S.ui.free }));

    const actions = el("div", { class: "cell-actions" });
    if (mode && mode.op === "move" && !s && !locked) {
      actions.append(el("button", {
        type: "button", class: "pick", "data-js": "pick", "data-key": "pick",
        "aria-label": S.ui.move_here + " — " + where, text: S.ui.move_here,
      }));
    }
    if (mode && mode.op === "swap" && s && s.id !== mode.session) {
      actions.append(el("button", {
        type: "button", class: "pick", "data-js": "pick", "data-key": "pick",
        "aria-label": S.ui.swap_with + " — " + quote(s.title), text: S.ui.swap_with,
      }));
    }
    if (s) {
      const named = (verb) => verb + " " + quote(s.title);
      actions.append(
        el("button", { type: "button", "data-js": "move", "data-key": "move", "data-session": s.id,
          "aria-label": named(S.ui.move), "aria-pressed": mode && mode.op === "move" && mode.session === s.id ? "true" : null,
          text: S.ui.move }),
        el("button", { type: "button", "data-js": "swap", "data-key": "swap", "data-session": s.id,
          "aria-label": named(S.ui.swap), "aria-pressed": mode && mode.op === "swap" && mode.session === s.id ? "true" : null,
          text: S.ui.swap }),
        makeForm("release", "release", { session: s.id }, S.ui.remove, named(S.ui.remove)),
      );
    }
    if (locked) actions.append(makeForm("unlock", "unlock", { slot, room }, S.ui.unlock, S.ui.unlock + " " + where));
    else actions.append(makeForm("lock", "lock", { slot, room }, S.ui.lock, S.ui.lock + " " + where));
    parts.push(actions);
    td.replaceChildren(...parts);

    if (focusKey) {
      const again = td.querySelector('[data-key="' + focusKey + '"]') || td.querySelector("button");
      if (again) again.focus();
    }
  }

  function sessionOptions(select) {
    const st = state();
    const order = new Map((st.slots || []).map((s, i) => [s.id, i]));
    const sessions = st.sessions.slice().sort((a, b) =>
      (order.get(a.slot) - order.get(b.slot)) || (a.room < b.room ? -1 : a.room > b.room ? 1 : 0));
    const sig = JSON.stringify(sessions.map((s) => [s.id, s.title, s.slot, s.room]));
    if (select._sig === sig) return;
    select._sig = sig;
    const keep = select.value;
    const options = [el("option", { value: "", text: S.ui.choose_session })];
    for (const s of sessions) {
      options.push(el("option", { value: s.id, text: s.title + " — " + cellLabel(s.slot, s.room) }));
    }
    select.replaceChildren(...options);
    select.value = sessions.some((s) => s.id === keep) ? keep : "";
  }

  function renderControls() {
    const st = state();
    const open = !!st.event.open;
    const openState = document.getElementById("open-state");
    if (openState) openState.textContent = open ? S.ui.open_state : S.ui.closed_state;
    const openForm = document.getElementById("open-form");
    if (openForm) {
      openForm.elements.open.value = open ? "false" : "true";
      const b = openForm.querySelector("button");
      if (b) b.textContent = open ? S.ui.close_board : S.ui.open_board;
    }
    const ann = document.getElementById("announcement");
    if (ann) {
      ann.textContent = st.announcement || "";
      ann.hidden = !st.announcement;
    }
    const input = document.getElementById("announce-text");
    if (input && document.activeElement !== input) input.value = st.announcement || "";
    const ended = document.getElementById("ended");
    if (ended && st.event.ended) {
      ended.hidden = false;
      const endForm = document.getElementById("end-event");
      if (endForm) endForm.hidden = true;
    }
    for (const select of document.querySelectorAll("select[data-sessions]")) sessionOptions(select);
  }

  function renderPickStatus() {
    const box = document.getElementById("pick-status");
    if (!box) return;
    if (!mode) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    const template = mode.op === "move" ? S.ui.pick_move : S.ui.pick_swap;
    box.replaceChildren(
      el("span", { text: fill(template, { title: quote(titleOf(mode.session)) }) }),
      " ",
      el("button", { type: "button", "data-js": "cancel", text: S.ui.cancel }),
    );
    box.hidden = false;
  }

  // #owners: one line per owner with their removal form, as the server
  // renders it (views/admin/owners.rs), from the same templates.
  function renderOwners() {
    const list = document.getElementById("owner-list");
    if (!list) return;
    const byOwner = new Map();
    for (const s of state().sessions.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      if (!byOwner.has(s.owner)) byOwner.set(s.owner, []);
      byOwner.get(s.owner).push(s);
    }
    const owners = Array.from(byOwner.keys()).sort();
    const sig = JSON.stringify(owners.map((o) => [o, byOwner.get(o).map((s) => s.title)]));
    if (list._sig === sig) return;
    list._sig = sig;
    const items = owners.map((owner) => {
      const mine = byOwner.get(owner);
      const count = countText(mine.length);
      const label = S.ui.remove_owner.replace("{owner}", () => shortId(owner)).replace("{count}", () => count);
      return el("li", { "data-owner": owner }, [
        el("span", { class: "owner", title: owner, text: shortId(owner) }),
        " · " + count + ": ",
        el("span", { class: "owner-titles", text: mine.map((s) => s.title).join(", ") }),
        " ",
        makeForm("remove_by_owner", "remove_by_owner", { owner }, label, label),
      ]);
    });
    list.replaceChildren(...items);
    const empty = document.getElementById("owners-empty");
    if (empty) empty.hidden = owners.length > 0;
  }

  function render() {
    for (const td of document.querySelectorAll("td[data-slot][data-room]")) renderCell(td);
    renderOwners();
    renderControls();
    renderPickStatus();
    document.body.classList.toggle("pick-mode", !!mode);
  }

  // -------------------------------------------------------------- audit log

  // The words for a change come from the server's one table of them
  // (D.strings.changes.rows): the first row of the change's kind whose
  // field matches, with its placeholders filled: {title:FIELD} the quoted
  // title of the session at FIELD, {cell:FIELD} (or {cell}, the change's
  // own) the label of a cell, {text:FIELD} a text as is.
  function describe(change) {
    const row = S.changes.rows.find((r) =>
      r.kind === change.kind && (r.field === undefined || change[r.field] === r.value));
    if (!row) return change.kind;
    return row.text.replace(/\{(\w+)(?::(\w+))?\}/g, (m, what, path) => {
      const v = path ? change[path] : change;
      if (v === undefined || v === null) return m;
      if (what === "title") return quote(titleOf(typeof v === "string" ? v : v.id));
      if (what === "titles" && Array.isArray(v)) {
        return v.map((x) => quote(titleOf(typeof x === "string" ? x : x.id))).join(", ");
      }
      if (what === "count" && Array.isArray(v)) return String(v.length);
      if (what === "cell") return cellLabel(v.slot, v.room);
      if (what === "text") return String(v);
      return m;
    });
  }

  let timeFormat = null;
  function clock(at) {
    try {
      if (!timeFormat) {
        timeFormat = new Intl.DateTimeFormat("en-GB", {
          timeZone: D.timezone, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
        });
      }
      return timeFormat.format(new Date(at));
    } catch (_) {
      return at;
    }
  }

  function tagUndo(li) {
    if (li.querySelector(".undo-tag")) return;
    li.append(" ", el("span", { class: "undo-tag", text: S.ui.undo_tag }));
  }

  function addAudit(f) {
    const list = document.getElementById("audit");
    if (!list || list.querySelector('li[data-rev="' + f.rev + '"]')) return;
    const by = f.by || "—";
    const who = el("span", { class: "who", text: by === D.me ? by + " " + S.ui.you : by });
    const li = el("li", { "data-rev": f.rev }, [
      el("time", { datetime: f.at, text: clock(f.at) }), " ", who, " ",
      el("span", { class: "what", text: describe(f.change) }),
    ]);
    if (undoRevs.has(f.rev)) tagUndo(li);
    // A claim's line offers to remove every claim since, as the server's does.
    if (f.change.kind === "claimed") {
      const form = makeForm("remove_claims_since", "remove_claims_since", { rev: String(f.rev) },
        S.ui.undo_since, S.ui.undo_since + " (rev " + f.rev + ")");
      form.classList.add("since");
      li.append(" ", form);
    }
    list.prepend(li);
    while (list.children.length > 500) list.lastElementChild.remove();
  }

  // ------------------------------------------------------------------- undo

  let hintTimer = null;
  function refreshUndoHint() {
    clearTimeout(hintTimer);
    hintTimer = setTimeout(async () => {
      try {
        const r = await fetch(base + "/undo", { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!r.ok) return;
        const j = await r.json();
        const hint = document.getElementById("undo-hint");
        if (hint) hint.textContent = j.hint ? S.ui.would_undo + j.hint : S.ui.nothing;
        for (const rev of j.undos || []) {
          undoRevs.add(rev);
          const li = document.querySelector('#audit li[data-rev="' + rev + '"]');
          if (li) tagUndo(li);
        }
      } catch (_) {
        // Offline: the hint comes back with the next change.
      }
    }, 250);
  }

  async function undo() {
    const button = document.getElementById("undo");
    if (button) button.setAttribute("aria-busy", "true");
    if (button) button.disabled = true;
    try {
      const r = await fetch(base + "/undo", {
        method: "POST", headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      const j = await r.json();
      if (j.type === "ack") {
        undoRevs.add(j.rev);
        const li = document.querySelector('#audit li[data-rev="' + j.rev + '"]');
        if (li) tagUndo(li);
        showNotice("undone");
      } else {
        showNotice(j.code || "invalid", j.code === "nothing_to_undo" || j.code === "too_old" ? null : j.message);
      }
    } catch (_) {
      showNotice("unavailable");
    } finally {
      if (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      }
      refreshUndoHint();
    }
  }

  // --------------------------------------------------------------- commands

  function send(cmd, marker) {
    const spot = marker ? marker.closest("td") || marker : null;
    if (spot) spot.setAttribute("data-pending", "");
    const n = document.getElementById("notice");
    if (n && n.dataset.code) {
      n.hidden = true;
      delete n.dataset.code;
    }
    return live.send(cmd).then((answer) => {
      if (spot) spot.removeAttribute("data-pending");
      showAnswer(answer);
      return answer;
    });
  }

  function commandOf(form, submitter) {
    const v = (name) => (form.elements[name] ? form.elements[name].value : "");
    const op = form.dataset.op;
    switch (op) {
      case "move":
        return { op, session: v("session"), slot: v("slot"), room: v("room") };
      case "swap":
        return { op, a: v("a"), b: v("b") };
      case "lock":
      case "unlock":
        return { op, slot: v("slot"), room: v("room") };
      case "release":
        return { op, session: v("session") };
      case "remove_by_owner":
        return { op, owner: v("owner") };
      case "remove_claims_since":
        return { op, rev: Number(v("rev")) };
      case "set_open":
        return { op, open: v("open") === "true" };
      case "shift_slots":
        return { op, from: v("from"), minutes: Number(v("minutes")) };
      case "announce":
        return { op, text: submitter && submitter.name === "clear" ? "" : v("text") };
      case "pitch_open":
        return { op, open: v("open") === "true" };
      case "pitch_next":
        return { op };
      case "pitch_move":
        return { op, pitch: v("pitch"), position: Number(v("position")) };
      case "pitch_hands":
        return { op, pitch: v("pitch"), big: v("big") === "true" };
      case "unpitch":
        return { op, pitch: v("pitch") };
      default:
        return null;
    }
  }

  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.id === "undo-form") {
      e.preventDefault();
      undo();
      return;
    }
    if (!form.dataset || !form.dataset.op) return;
    const cmd = commandOf(form, e.submitter);
    if (!cmd) return;
    e.preventDefault();
    send(cmd, form).then((answer) => {
      if (answer && answer.type === "ack" && cmd.op === "announce" && cmd.text === "") {
        const input = document.getElementById("announce-text");
        if (input) input.value = "";
      }
    });
  });

  function startPick(op, session, button) {
    mode = { op, session, origin: button ? button.dataset.js : null };
    render();
    const first = document.querySelector("td .pick");
    if (first) first.focus();
  }

  function endPick(refocus) {
    if (!mode) return;
    const m = mode;
    mode = null;
    render();
    if (refocus) {
      const back = document.querySelector('td button[data-js="' + (m.origin || "move") + '"][data-session="' + m.session + '"]');
      if (back) back.focus();
    }
  }

  function commandFor(sessionId, td) {
    const target = sessionAt(td.dataset.slot, td.dataset.room);
    if (target) {
      if (target.id === sessionId) return null;
      return { op: "swap", a: sessionId, b: target.id };
    }
    if (isLocked(td.dataset.slot, td.dataset.room)) return null;
    return { op: "move", session: sessionId, slot: td.dataset.slot, room: td.dataset.room };
  }

  document.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-js]");
    if (!b) return;
    switch (b.dataset.js) {
      case "move":
      case "swap":
        if (mode && mode.op === b.dataset.js && mode.session === b.dataset.session) endPick(true);
        else startPick(b.dataset.js, b.dataset.session, b);
        break;
      case "cancel":
        endPick(true);
        break;
      case "pick": {
        const td = b.closest("td");
        const m = mode;
        if (!m || !td) return;
        const cmd = m.op === "move"
          ? { op: "move", session: m.session, slot: td.dataset.slot, room: td.dataset.room }
          : { op: "swap", a: m.session, b: td.dataset.session };
        mode = null;
        render();
        send(cmd, td).then(() => {
          const n = document.getElementById("notice");
          if (n) n.focus();
        });
        break;
      }
    }
  });

  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && mode) {
      e.preventDefault();
      endPick(true);
    }
  });

  // ---------------------------------------------------------- drag and drop

  function cellOf(e) {
    const t = e.target instanceof Element ? e.target : e.target.parentElement;
    return t ? t.closest("td[data-slot][data-room]") : null;
  }

  function clearDrop() {
    for (const x of document.querySelectorAll(".drop-target")) x.classList.remove("drop-target");
  }

  document.addEventListener("dragstart", (e) => {
    const box = e.target instanceof Element ? e.target.closest(".session[data-session]") : null;
    if (!box) return;
    dragging = box.dataset.session;
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", dragging);
    box.classList.add("dragging");
  });

  document.addEventListener("dragover", (e) => {
    if (!dragging) return;
    const td = cellOf(e);
    if (!td || !commandFor(dragging, td)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    if (!td.classList.contains("drop-target")) {
      clearDrop();
      td.classList.add("drop-target");
    }
  });

  document.addEventListener("dragleave", (e) => {
    const td = cellOf(e);
    if (td && !td.contains(e.relatedTarget)) td.classList.remove("drop-target");
  });

  document.addEventListener("drop", (e) => {
    const td = cellOf(e);
    const id = dragging || (e.dataTransfer && e.dataTransfer.getData("text/plain"));
    clearDrop();
    if (!td || !id) return;
    const cmd = commandFor(id, td);
    if (!cmd) return;
    e.preventDefault();
    dragging = null;
    send(cmd, td);
  });

  document.addEventListener("dragend", () => {
    dragging = null;
    clearDrop();
    for (const x of document.querySelectorAll(".dragging")) x.classList.remove("dragging");
  });

  // ------------------------------------------------------------------- live

  function setConn(status) {
    const c = document.getElementById("conn");
    if (!c) return;
    c.dataset.status = status;
    c.textContent = S.conn[status] || status;
  }

  // When organisers change the grid, the rows, columns and forms of the
  // page are the server's again: fetched from this very page (the times are
  // the server's, nothing is computed here), then drawn from the live state.
  let regridding = null;
  function regrid() {
    if (regridding) return;
    regridding = fetch(location.pathname, { cache: "no-store", credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error("status " + r.status))))
      .then((text) => {
        const doc = new DOMParser().parseFromString(text, "text/html");
        for (const id of ["admin-grid", "tools", "grid-edit"]) {
          const fresh = doc.getElementById(id);
          const here = document.getElementById(id);
          if (fresh && here) here.replaceWith(document.importNode(fresh, true));
        }
        const data = doc.getElementById("admin-data");
        if (data) D.slots = JSON.parse(data.textContent).slots || D.slots;
        for (const td of document.querySelectorAll("td[data-slot][data-room]")) delete td._sig;
        render();
      })
      .catch(() => {})
      .finally(() => {
        regridding = null;
      });
  }

  // The pitch queue's section is the server's (its order, its forms, the
  // up and down positions): fetched again from this page after each pitch
  // change, one fetch in flight and one more after it. The focus stays on
  // the same control of the same pitch when it is still there.
  let repitching = false;
  let repitchAgain = false;
  function isPitchChange(ch) {
    return ch.kind.startsWith("pitch_") || (ch.kind === "claimed" && !!ch.pitch);
  }
  function controlKey(node) {
    const f = node && node.closest ? node.closest("form") : null;
    if (!f || !f.dataset.op) return null;
    const pitch = f.elements.pitch ? f.elements.pitch.value : "";
    return f.dataset.op + "|" + pitch + "|" + (node.textContent || "").trim();
  }
  function repitch() {
    if (repitching) {
      repitchAgain = true;
      return;
    }
    repitching = true;
    SlotboardLive.fetchPage(location.pathname)
      .then((doc) => {
        const fresh = doc.getElementById("pitch-queue");
        const here = document.getElementById("pitch-queue");
        if (!fresh || !here) return;
        const key = here.contains(document.activeElement) ? controlKey(document.activeElement) : null;
        const next = document.importNode(fresh, true);
        here.replaceWith(next);
        if (key !== null) {
          const same = Array.from(next.querySelectorAll("button")).find((b) => controlKey(b) === key);
          const to = same || next.querySelector("button:not([disabled])");
          if (to) to.focus();
        }
      })
      .catch(() => {})
      .finally(() => {
        repitching = false;
        if (repitchAgain) {
          repitchAgain = false;
          repitch();
        }
      });
  }
  let welcomed = false;

  const live = new SlotboardLive({
    slug,
    role: "organiser",
    onStatus: setConn,
    onState: (st) => {
      // A welcome after a reconnect: the queue may have moved meanwhile.
      if (welcomed) repitch();
      welcomed = true;
      remember(st.sessions);
      render();
      refreshUndoHint();
    },
    onEvent: (f) => {
      const ch = f.change;
      if (ch.kind === "claimed" || ch.kind === "edited") titles.set(ch.session.id, ch.session.title);
      if (ch.kind === "restored") remember(ch.sessions);
      if (mode && !findSession(mode.session)) mode = null;
      if (ch.kind === "grid") regrid();
      if (isPitchChange(ch)) repitch();
      render();
      addAudit(f);
      // A vote never changes what undo would do.
      if (ch.kind !== "voted") refreshUndoHint();
    },
    onError: (f) => {
      if (f && f.code === "forbidden") {
        const n = document.getElementById("notice");
        if (n) {
          n.dataset.code = "forbidden";
          n.className = "notice problem";
          n.textContent = S.ui.expired;
          n.hidden = false;
        }
      }
    },
  });

  // The organiser's queued commands are kept apart from the phone page's
  // (same event, same browser): a claim queued on the phone must never be
  // resent from here as an organiser, nor a lock from there.
  live.storeKey = "slotboard:pending:admin:" + slug;
  live.pending = live.load();
  // Start from the board the page was rendered with: the socket's hello then
  // says `since` that rev, so the changes made meanwhile arrive as events
  // and land in the log too.
  const initial = D.state;
  initial.you = { id: D.me, role: "organiser", votes: [] };
  live.state = initial;
  live.rev = initial.rev;
  remember(initial.sessions);
  for (const rev of document.querySelectorAll("#audit .undo-tag")) {
    const li = rev.closest("li");
    if (li) undoRevs.add(Number(li.dataset.rev));
  }
  setConn(live.status);
  render();
})();
