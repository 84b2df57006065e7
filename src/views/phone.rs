//! The phone view: the grid as a list per time slot on a narrow screen and a
//! rooms x slots table on a wide one, the claim form, "my sessions", the
//! notice after a command, and the link that carries an identity to another
//! device.
//!
//! Everything here works without JavaScript: every action is a plain form
//! that posts to `/e/{slug}/{op}` (see `web::phone`). `assets/phone.js`
//! enhances the same markup and rebuilds cells from the live state with the
//! same classes and attributes, and with the strings of [`strings`], handed
//! to it as a JSON block.

use std::collections::BTreeSet;

use jiff::Timestamp;
use maud::{Markup, PreEscaped, html};
use serde_json::{Value, json};

use super::{Page, json_block, lang_for, lang_switch, layout, offered};
use crate::board::{Board, Cell, Limits, ParticipantId, RoomId, Session, SlotId};
use crate::config::EventConfig;
use crate::i18n::Lang;

/// The outcome of a command, shown as `#notice`.
#[derive(Debug, Clone, Default)]
pub struct Notice {
    /// `ack`, a reject code (`taken`, `invalid`, ...), or `device` (this
    /// device was just signed in with a link).
    pub code: String,
    /// The command's op (`claim`, `edit`, ...), when known.
    pub op: Option<String>,
    /// The server's own message (English, as on the socket).
    pub message: Option<String>,
    /// The cell the command was about (for `taken`: the one that was taken).
    pub cell: Option<Cell>,
    /// What the claim asked for, to claim an alternative in one tap.
    pub title: Option<String>,
    pub host: Option<String>,
}

/// A claim form opened in a cell (`GET /e/{slug}/claim`).
#[derive(Debug, Clone)]
pub struct ClaimForm {
    pub cell: Cell,
    pub title: String,
    pub host: String,
}

/// Everything the phone page is made from.
pub struct View<'a> {
    pub lang: Lang,
    pub event: &'a EventConfig,
    pub board: &'a Board,
    /// The public id of the participant looking at the page.
    pub me: &'a ParticipantId,
    /// `{public_url}/e/{slug}/me?t={token}`: signs another device in as me.
    pub device_url: String,
    pub limits: &'a Limits,
    pub now: Timestamp,
    pub notice: Option<Notice>,
    pub claim: Option<ClaimForm>,
    /// The host name remembered on this browser (prefills the claim form).
    pub host: Option<String>,
    /// The `req`s of the page's forms.
    pub reqs: &'a super::FormReqs,
}

/// Where a slot stands against the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Past,
    Now,
    Next,
    Later,
}

/// The slot happening now (if any), the next one (if any), and the ones that
/// are over, in the event's timezone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clock {
    pub now: Option<SlotId>,
    pub next: Option<SlotId>,
    pub past: BTreeSet<SlotId>,
}

impl Clock {
    pub fn of(event: &EventConfig, board: &Board, at: Timestamp) -> Clock {
        let mut clock = Clock::default();
        for slot in &board.grid().slots {
            let Some((start, end)) = event.slot_times(slot.id.as_str()) else {
                continue;
            };
            let (start, end) = (start.timestamp(), end.timestamp());
            if end <= at {
                clock.past.insert(slot.id.clone());
            } else if start <= at {
                if clock.now.is_none() {
                    clock.now = Some(slot.id.clone());
                }
            } else if clock.next.is_none() {
                clock.next = Some(slot.id.clone());
            }
        }
        clock
    }

    pub fn when(&self, slot: &SlotId) -> When {
        if self.now.as_ref() == Some(slot) {
            When::Now
        } else if self.next.as_ref() == Some(slot) {
            When::Next
        } else if self.past.contains(slot) {
            When::Past
        } else {
            When::Later
        }
    }

    /// The slot "jump to now" goes to: the current one, else the next.
    pub fn target(&self) -> Option<&SlotId> {
        self.now.as_ref().or(self.next.as_ref())
    }
}

/// Whether anyone may claim or move a session into this cell.
pub fn is_free(board: &Board, cell: &Cell) -> bool {
    board.session_at(cell).is_none() && !board.is_locked(cell)
}

/// The free cells nearest to `cell`: the same slot in other rooms (up to
/// three, in the config's order), then the next slot in the same room; if
/// that gives nothing, the first free cells of the next slot.
pub fn alternatives(board: &Board, cell: &Cell) -> Vec<Cell> {
    let grid = board.grid();
    let mut out: Vec<Cell> = grid
        .rooms
        .iter()
        .filter(|r| r.id != cell.room)
        .map(|r| Cell {
            slot: cell.slot.clone(),
            room: r.id.clone(),
        })
        .filter(|c| is_free(board, c))
        .take(3)
        .collect();
    let next_slot = grid
        .slots
        .iter()
        .position(|s| s.id == cell.slot)
        .and_then(|i| grid.slots.get(i + 1));
    if let Some(next) = next_slot {
        let same_room = Cell {
            slot: next.id.clone(),
            room: cell.room.clone(),
        };
        if is_free(board, &same_room) {
            out.push(same_room);
        } else if out.is_empty() {
            out.extend(
                grid.rooms
                    .iter()
                    .map(|r| Cell {
                        slot: next.id.clone(),
                        room: r.id.clone(),
                    })
                    .filter(|c| is_free(board, c))
                    .take(2),
            );
        }
    }
    out
}

/// When more people want to attend a session than its room holds, a free
/// room of the same slot that holds more: the smallest that holds them all,
/// else the biggest.
pub fn bigger_room<'a>(board: &'a Board, s: &Session) -> Option<&'a crate::board::Room> {
    let grid = board.grid();
    let here = grid.room(&s.room)?;
    if s.votes <= here.capacity {
        return None;
    }
    let mut bigger: Vec<_> = grid
        .rooms
        .iter()
        .filter(|r| r.capacity > here.capacity)
        .filter(|r| {
            is_free(
                board,
                &Cell {
                    slot: s.slot.clone(),
                    room: r.id.clone(),
                },
            )
        })
        .collect();
    bigger.sort_by_key(|r| r.capacity);
    bigger
        .iter()
        .find(|r| r.capacity >= s.votes)
        .or(bigger.last())
        .copied()
}

/// "samedi 5 décembre" / "Saturday 5 December".
pub fn day_label(lang: Lang, date: &str) -> String {
    lang.date_str(date)
}

/// "sam. 09:30" / "Sat 09:30": a slot in a few characters.
fn slot_short(lang: Lang, board: &Board, slot: &SlotId) -> String {
    let Some(s) = board.grid().slot(slot) else {
        return slot.to_string();
    };
    let day = day_label(lang, &s.day);
    let short: String = match lang {
        Lang::En => day.chars().take(3).collect(),
        Lang::Fr => format!("{}.", day.chars().take(3).collect::<String>()),
    };
    if board.grid().slots.iter().any(|o| o.day != s.day) {
        format!("{short} {}", s.start)
    } else {
        s.start.clone()
    }
}

fn room_name<'a>(board: &'a Board, room: &'a RoomId) -> &'a str {
    board
        .grid()
        .room(room)
        .map(|r| r.name.as_str())
        .unwrap_or(room.as_str())
}

/// "Amphi · 09:30" for a cell.
pub fn cell_label(lang: Lang, board: &Board, cell: &Cell) -> String {
    format!(
        "{} · {}",
        room_name(board, &cell.room),
        slot_short(lang, board, &cell.slot)
    )
}

/// The claim link of a free cell.
pub fn claim_href(slug: &str, cell: &Cell) -> String {
    format!(
        "/e/{slug}/claim?slot={}&room={}#claim-form",
        cell.slot, cell.room
    )
}

/// `/e/{event}`.
pub fn page(v: &View<'_>) -> Markup {
    let lang = lang_for(v.event, v.lang);
    let langs = offered(v.event);
    let page = Page {
        lang,
        title: &v.event.title,
        class: "phone",
        styles: &["phone.css"],
        scripts: &["live.js", "phone.js"],
        languages: &langs,
    };
    let clock = Clock::of(v.event, v.board, v.now);
    let slug = v.event.slug.as_str();
    let ended = crate::lifecycle::state(v.event, v.board, v.now) == crate::lifecycle::State::Ended;
    layout(
        &page,
        html! {
            a class="skip" href="#board" { (lang.t("Skip to the board", "Aller au tableau")) }
            header {
                div class="bar" {
                    h1 { (v.event.title) }
                    (conn(lang))
                }
                (lang_switch(lang, &langs))
                nav class="jump" aria-label=(lang.t("Shortcuts", "Raccourcis")) {
                    (jump_link(lang, v.board, &clock))
                    " "
                    a href="#mine" { (lang.t("My sessions", "Mes sessions")) }
                    @if v.notice.is_some() {
                        " " a href="#notice" { (lang.t("Go to the message", "Aller au message")) }
                    }
                }
                noscript {
                    p class="muted" {
                        (lang.t(
                            "JavaScript is off: everything works, but reload the page to see others' changes.",
                            "JavaScript est désactivé : tout fonctionne, mais rechargez la page pour voir les changements des autres.",
                        ))
                    }
                }
            }
            main id="board" tabindex="-1" {
                p id="announcement" class="announcement" role="status" hidden[v.board.announcement().is_none()] {
                    (v.board.announcement().unwrap_or(""))
                }
                (ended_banner(lang, slug, ended, "announcement ended"))
                p id="closed" class="closed" role="status" hidden[v.board.is_open()] {
                    "⚠ " (lang.t(
                        "The board is closed for now: no new claims. Owners can still edit their sessions.",
                        "Le tableau est fermé pour l'instant : pas de nouvelle réservation. Chacun peut encore modifier ses sessions.",
                    ))
                }
                p id="pending" class="pending-line" role="status" hidden {}
                p class="legend muted" {
                    (lang.t(
                        "Tap a free cell to propose a session. Tap “I want to go” on the sessions you want to attend.",
                        "Touchez une case libre pour proposer une session. Touchez « J'y vais » sur les sessions qui vous intéressent.",
                    ))
                }
                @for day in &v.event.days {
                    (day_table(v, lang, &clock, &day.date.to_string()))
                }
                // After the board (so that its cells come first in the
                // document), before "my sessions", in the flow: it never
                // covers a cell.
                (notice(v, lang))
                (mine(v, lang))
                (device(v, lang))
            }
            footer class="muted" {
                a href={ "/e/" (slug) "/wall" } { (lang.t("Wall view", "Vue murale")) }
                " · " a href={ "/e/" (slug) "/schedule.ics" } { (lang.t("Calendar (.ics)", "Agenda (.ics)")) }
            }
            (json_block("phone-data", &data(v, lang)))
        },
    )
}

fn conn(lang: Lang) -> Markup {
    html! {
        p id="conn" class="conn" data-status="connecting" role="status" {
            span class="dot" aria-hidden="true" {}
            span class="label" { (lang.t("Connecting…", "Connexion…")) }
        }
    }
}

fn jump_link(lang: Lang, board: &Board, clock: &Clock) -> Markup {
    let label = if clock.now.is_some() {
        lang.t("Jump to now", "Aller à maintenant").to_owned()
    } else if let Some(next) = &clock.next {
        format!(
            "{} ({})",
            lang.t("Jump to the next slot", "Aller au prochain créneau"),
            slot_short(lang, board, next)
        )
    } else {
        String::new()
    };
    html! {
        a id="jump-now" href={ "#slot-" (clock.target().map(|s| s.as_str()).unwrap_or("")) }
            hidden[clock.target().is_none()] { (label) }
    }
}

fn when_label(lang: Lang, when: When) -> &'static str {
    match when {
        When::Past => lang.t("over", "terminé"),
        When::Now => lang.t("now", "en cours"),
        When::Next => lang.t("next", "à suivre"),
        When::Later => "",
    }
}

fn day_table(v: &View<'_>, lang: Lang, clock: &Clock, date: &str) -> Markup {
    let grid = v.board.grid();
    let heading = day_label(lang, date);
    html! {
        section class="day" aria-labelledby={ "day-" (date) } {
            h2 id={ "day-" (date) } { (heading) }
            table class="board" {
                thead {
                    tr {
                        th scope="col" { (lang.t("Time", "Horaire")) }
                        @for room in &grid.rooms {
                            th scope="col" {
                                (room.name)
                                span class="cap" { (capacity(lang, room.capacity)) }
                            }
                        }
                    }
                }
                tbody {
                    @for slot in grid.slots.iter().filter(|s| s.day == date) {
                        @let when = clock.when(&slot.id);
                        tr id={ "slot-" (slot.id) } class={ "slot " (when_class(when)) } data-slot-row=(slot.id) {
                            th scope="row" {
                                span class="time" { (slot.start) "–" (slot.end) }
                                " "
                                span class="when" { (when_label(lang, when)) }
                            }
                            @for room in &grid.rooms {
                                @let cell = Cell { slot: slot.id.clone(), room: room.id.clone() };
                                (cell_td(v, lang, &cell))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn when_class(when: When) -> &'static str {
    match when {
        When::Past => "past",
        When::Now => "now",
        When::Next => "next",
        When::Later => "later",
    }
}

fn capacity(lang: Lang, n: u32) -> String {
    let unit = if n == 1 {
        lang.t("seat", "place")
    } else {
        lang.t("seats", "places")
    };
    format!(" {n} {unit}")
}

fn cell_td(v: &View<'_>, lang: Lang, cell: &Cell) -> Markup {
    let board = v.board;
    let session = board.session_at(cell);
    let locked = board.is_locked(cell);
    let state = match (session, locked) {
        (Some(_), _) => "taken",
        (None, true) => "locked",
        (None, false) => "free",
    };
    let room = board.grid().room(&cell.room);
    let open_form = v.claim.as_ref().filter(|c| &c.cell == cell);
    html! {
        td data-slot=(cell.slot) data-room=(cell.room) data-state=(state)
            data-session=[session.map(|s| s.id.as_str())] class=(state) {
            span class="room-name" {
                (room.map(|r| r.name.as_str()).unwrap_or(""))
                span class="cap" { (room.map(|r| capacity(lang, r.capacity)).unwrap_or_default()) }
            }
            div class="content" {
                @if let Some(form) = open_form {
                    (claim_form(v, lang, form))
                } @else if let Some(s) = session {
                    (session_block(v, lang, s))
                } @else if locked {
                    span class="state-label" { (lang.t("Locked by the organisers", "Verrouillé par l'équipe")) }
                } @else if board.is_open() {
                    a class="claim" href=(claim_href(&v.event.slug, cell)) {
                        span class="state-label" { (lang.t("Free", "Libre")) }
                        " · " (lang.t("propose a session", "proposer une session"))
                        span class="vh" { " : " (cell_label(lang, board, cell)) }
                    }
                } @else {
                    span class="state-label" { (lang.t("Free", "Libre")) }
                }
            }
        }
    }
}

fn session_block(v: &View<'_>, lang: Lang, s: &Session) -> Markup {
    let mine = &s.owner == v.me;
    let voted = v.board.votes_of(v.me).any(|id| id == &s.id);
    html! {
        div class="session" {
            span class="session-title" { (s.title.as_str()) }
            span class="host" { (s.host.as_str()) }
            @if mine { " " span class="badge" { (lang.t("yours", "la vôtre")) } }
        }
        (vote_form(v, lang, s, voted))
    }
}

fn hidden_req(v: &View<'_>) -> Markup {
    html! { input type="hidden" name="req" value=(v.reqs.next()); }
}

fn vote_form(v: &View<'_>, lang: Lang, s: &Session, voted: bool) -> Markup {
    html! {
        form class="vote-form" method="post" action={ "/e/" (v.event.slug) "/vote" } data-op="vote" {
            input type="hidden" name="session" value=(s.id);
            input type="hidden" name="on" value=(if voted { "false" } else { "true" });
            (hidden_req(v))
            button type="submit" class="vote" data-session=(s.id) aria-pressed=(if voted { "true" } else { "false" }) {
                span class="check" aria-hidden="true" { (if voted { "✓ " } else { "+ " }) }
                (lang.t("I want to go", "J'y vais"))
                " · " span class="count" { (s.votes) }
                span class="vh" { " : " (s.title.as_str()) }
            }
        }
    }
}

fn claim_form(v: &View<'_>, lang: Lang, form: &ClaimForm) -> Markup {
    let slug = &v.event.slug;
    let host = if form.host.is_empty() {
        v.host.clone().unwrap_or_default()
    } else {
        form.host.clone()
    };
    html! {
        form id="claim-form" class="claim-form" method="post" action={ "/e/" (slug) "/claim" } data-op="claim" {
            p class="form-title" { (lang.t("Propose a session", "Proposer une session")) ": " (cell_label(lang, v.board, &form.cell)) }
            input type="hidden" name="slot" value=(form.cell.slot);
            input type="hidden" name="room" value=(form.cell.room);
            (hidden_req(v))
            label for="claim-title" { (lang.t("Title", "Titre")) }
            input id="claim-title" name="title" type="text" required maxlength=(v.limits.title)
                value=(form.title) autocomplete="off" autofocus;
            label for="claim-host" { (lang.t("Hosted by", "Animée par")) }
            input id="claim-host" name="host" type="text" required maxlength=(v.limits.host)
                value=(host) autocomplete="nickname";
            div class="actions" {
                button type="submit" class="primary" { (lang.t("Send", "Envoyer")) }
                " "
                a class="cancel" href={ "/e/" (slug) "#slot-" (form.cell.slot) } { (lang.t("Cancel", "Annuler")) }
            }
        }
    }
}

fn mine(v: &View<'_>, lang: Lang) -> Markup {
    let board = v.board;
    let mut mine: Vec<&Session> = board.sessions().filter(|s| &s.owner == v.me).collect();
    let order = |s: &Session| board.grid().slots.iter().position(|x| x.id == s.slot);
    mine.sort_by_key(|s| order(s));
    html! {
        section id="mine" aria-labelledby="mine-h" {
            h2 id="mine-h" { (lang.t("My sessions", "Mes sessions")) }
            @if mine.is_empty() {
                p class="muted empty" { (lang.t(
                    "You have not proposed a session yet. Tap a free cell to propose one.",
                    "Vous n'avez pas encore proposé de session. Touchez une case libre pour en proposer une.",
                )) }
            }
            ul class="mine-list" {
                @for s in &mine { (mine_item(v, lang, s)) }
            }
        }
    }
}

fn mine_item(v: &View<'_>, lang: Lang, s: &Session) -> Markup {
    let board = v.board;
    let slug = &v.event.slug;
    let room = board.grid().room(&s.room);
    let free: Vec<Cell> = board
        .grid()
        .slots
        .iter()
        .flat_map(|slot| {
            board.grid().rooms.iter().map(move |r| Cell {
                slot: slot.id.clone(),
                room: r.id.clone(),
            })
        })
        .filter(|c| is_free(board, c))
        .collect();
    html! {
        li class="mine-item" data-mine=(s.id) {
            h3 { (s.title.as_str()) }
            p class="where" {
                (cell_label(lang, board, &s.cell()))
                " · " (s.host.as_str())
                " · " (s.votes) " " (lang.t("want to go", "y vont"))
                @if let Some(r) = room { " (" (capacity(lang, r.capacity).trim()) ")" }
            }
            @if let Some(bigger) = bigger_room(board, s) {
                div class="suggest" {
                    p { "⚠ " (lang.t(
                        "More people want to go than the room holds. A bigger room is free in the same slot:",
                        "Plus de monde veut venir que la salle n'en contient. Une salle plus grande est libre sur ce créneau :",
                    )) " " strong { (bigger.name) } (capacity(lang, bigger.capacity)) "." }
                    form method="post" action={ "/e/" (slug) "/move" } data-op="move" {
                        input type="hidden" name="session" value=(s.id);
                        input type="hidden" name="slot" value=(s.slot);
                        input type="hidden" name="room" value=(bigger.id);
                        (hidden_req(v))
                        button type="submit" { (lang.t("Move it to", "La déplacer en")) " " (bigger.name) }
                    }
                }
            }
            details class="edit" {
                summary { (lang.t("Edit", "Modifier")) }
                form method="post" action={ "/e/" (slug) "/edit" } data-op="edit" {
                    input type="hidden" name="session" value=(s.id);
                    (hidden_req(v))
                    label for={ "edit-title-" (s.id) } { (lang.t("Title", "Titre")) }
                    input id={ "edit-title-" (s.id) } name="title" type="text" required maxlength=(v.limits.title) value=(s.title.as_str());
                    label for={ "edit-host-" (s.id) } { (lang.t("Hosted by", "Animée par")) }
                    input id={ "edit-host-" (s.id) } name="host" type="text" required maxlength=(v.limits.host) value=(s.host.as_str());
                    button type="submit" { (lang.t("Save", "Enregistrer")) }
                }
            }
            details class="move" {
                summary { (lang.t("Move", "Déplacer")) }
                @if free.is_empty() {
                    p class="muted" { (lang.t("No free cell right now.", "Aucune case libre pour l'instant.")) }
                } @else {
                    form method="post" action={ "/e/" (slug) "/move" } data-op="move" {
                        input type="hidden" name="session" value=(s.id);
                        (hidden_req(v))
                        label for={ "move-to-" (s.id) } { (lang.t("To the free cell", "Vers la case libre")) }
                        select id={ "move-to-" (s.id) } name="to" {
                            @for c in &free {
                                option value={ (c.slot) "|" (c.room) } { (cell_label(lang, board, c)) }
                            }
                        }
                        button type="submit" { (lang.t("Move", "Déplacer")) }
                    }
                }
            }
            form class="release" method="post" action={ "/e/" (slug) "/release" } data-op="release" {
                input type="hidden" name="session" value=(s.id);
                (hidden_req(v))
                button type="submit" class="danger" { (lang.t("Release (free the cell)", "Libérer la case")) }
            }
        }
    }
}

fn device(v: &View<'_>, lang: Lang) -> Markup {
    html! {
        details id="device" class="device" {
            summary { (lang.t("Use on another device", "Utiliser sur un autre appareil")) }
            p class="warning" {
                "⚠ " (lang.t(
                    "Whoever has this link or code acts as you: they can edit and release your sessions. Open it only on your own devices, and never share it.",
                    "Quiconque a ce lien ou ce code agit en votre nom : il peut modifier et libérer vos sessions. Ouvrez-le seulement sur vos propres appareils, et ne le partagez jamais.",
                ))
            }
            p { (lang.t(
                "Scan this code with your other device, or open the link on it:",
                "Scannez ce code avec votre autre appareil, ou ouvrez-y ce lien :",
            )) }
            div class="qr" { (qr_svg(&v.device_url, lang.t("QR code of the link", "QR code du lien"))) }
            p class="device-link" { a href=(v.device_url) { (v.device_url) } }
        }
    }
}

/// A QR code as inline SVG (no inline style, so the CSP allows it).
pub fn qr_svg(text: &str, label: &str) -> Markup {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return html! {};
    };
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let svg = svg.find("<svg").map(|i| &svg[i..]).unwrap_or(svg.as_str());
    let label = maud::html! { (label) }.into_string();
    let svg = svg.replacen(
        "<svg ",
        &format!(r#"<svg role="img" aria-label="{label}" "#),
        1,
    );
    PreEscaped(svg)
}

/// `#ended`: the event is over, with a link to its archive. Always in the
/// page (hidden while the event runs) so that the JS can show it live.
pub fn ended_banner(lang: Lang, slug: &str, ended: bool, class: &str) -> Markup {
    html! {
        p id="ended" class=(class) role="status" hidden[!ended] {
            "■ " (lang.t(
                "This event has ended: its board can no longer change. ",
                "Cet événement est terminé : son tableau ne peut plus changer. ",
            ))
            a href=(crate::lifecycle::archive_url(slug)) {
                (lang.t("See its programme in the archive", "Voir son programme dans les archives"))
            }
        }
    }
}

/// The translated sentence for a notice code.
pub fn notice_text(lang: Lang, code: &str, op: Option<&str>) -> &'static str {
    match (code, op) {
        ("ack", Some("claim")) => lang.t(
            "Done: your session is on the board.",
            "C'est fait : votre session est au tableau.",
        ),
        ("ack", Some("edit")) => lang.t("Saved.", "Enregistré."),
        ("ack", Some("release")) => lang.t(
            "Released: the cell is free again.",
            "Libérée : la case est de nouveau libre.",
        ),
        ("ack", Some("move")) => lang.t("Moved.", "Déplacée."),
        ("ack", Some("vote")) => lang.t("Noted.", "C'est noté."),
        ("ack", _) => lang.t("Done.", "C'est fait."),
        ("device", _) => lang.t(
            "This device now acts as you: your sessions are here.",
            "Cet appareil agit maintenant en votre nom : vos sessions sont ici.",
        ),
        ("taken", _) => lang.t(
            "Too late: someone else just took this cell.",
            "Trop tard : quelqu'un vient de prendre cette case.",
        ),
        ("locked", _) => lang.t(
            "The organisers have locked this cell.",
            "L'équipe a verrouillé cette case.",
        ),
        ("closed", _) => lang.t(
            "The board is closed for now.",
            "Le tableau est fermé pour l'instant.",
        ),
        ("forbidden", _) => lang.t(
            "Only the person who proposed this session (or an organiser) can change it.",
            "Seule la personne qui a proposé cette session (ou l'équipe) peut la modifier.",
        ),
        ("not_found", _) => lang.t(
            "This session, slot or room does not exist (any more).",
            "Cette session, ce créneau ou cette salle n'existe pas (ou plus).",
        ),
        ("invalid", _) => lang.t(
            "This was not accepted; check what you typed.",
            "Ce n'a pas été accepté : vérifiez ce que vous avez saisi.",
        ),
        ("rate_limited", _) => lang.t(
            "Too many actions at once; wait a moment and try again.",
            "Trop d'actions à la fois : attendez un instant et réessayez.",
        ),
        ("unavailable", _) => lang.t(
            "The server could not save this; nothing changed. Try again.",
            "Le serveur n'a pas pu l'enregistrer ; rien n'a changé. Réessayez.",
        ),
        ("ended", _) => lang.t(
            "This event has ended: its board can no longer change.",
            "Cet événement est terminé : son tableau ne peut plus changer.",
        ),
        _ => lang.t("This was not accepted.", "Ce n'a pas été accepté."),
    }
}

/// The notice codes a page shows (anything else in the query is ignored).
pub const NOTICE_CODES: &[&str] = &[
    "ack",
    "device",
    "taken",
    "locked",
    "closed",
    "forbidden",
    "not_found",
    "invalid",
    "rate_limited",
    "unsupported",
    "unavailable",
    "ended",
];

fn notice(v: &View<'_>, lang: Lang) -> Markup {
    let slug = &v.event.slug;
    let Some(n) = &v.notice else {
        return html! {
            div id="notice" class="notice" tabindex="-1" hidden {}
        };
    };
    let ok = n.code == "ack" || n.code == "device";
    let holder = match (&n.cell, n.code.as_str()) {
        (Some(cell), "taken") => v.board.session_at(cell),
        _ => None,
    };
    let alternatives = match (&n.cell, n.code.as_str()) {
        (Some(cell), "taken" | "locked") => alternatives(v.board, cell),
        _ => Vec::new(),
    };
    html! {
        div id="notice" class={ "notice " (if ok { "ok" } else { "bad" }) } data-code=(n.code)
            role=(if ok { "status" } else { "alert" }) tabindex="-1" {
            p class="notice-text" {
                (if ok { "✓ " } else { "⚠ " })
                (notice_text(lang, &n.code, n.op.as_deref()))
            }
            @if let Some(s) = holder {
                p class="holder" {
                    (lang.t("It now holds", "Elle accueille maintenant"))
                    " « " span class="holder-title" { (s.title.as_str()) } " » ("
                    span class="holder-host" { (s.host.as_str()) } ")."
                }
            }
            @if let Some(m) = &n.message {
                @if !ok {
                    p class="server-msg muted" {
                        (lang.t("Server says:", "Le serveur dit :")) " "
                        span lang="en" { (m) }
                    }
                }
            }
            @if n.code == "taken" || n.code == "locked" {
                div id="alternatives" {
                    @if alternatives.is_empty() {
                        p { (lang.t("No free cell nearby, see the board.", "Pas de case libre à côté : voyez le tableau.")) }
                    } @else {
                        p { (lang.t("Free nearby, one tap to take it:", "Libre à côté, un geste pour la prendre :")) }
                        ul class="alts" {
                            @for c in &alternatives {
                                li { (alternative(v, lang, n, c)) }
                            }
                        }
                    }
                }
            }
            p class="notice-actions" {
                a class="close" href={ "/e/" (slug) } { (lang.t("OK, close", "OK, fermer")) }
            }
        }
    }
}

fn alternative(v: &View<'_>, lang: Lang, n: &Notice, c: &Cell) -> Markup {
    let slug = &v.event.slug;
    let label = cell_label(lang, v.board, c);
    match (&n.title, &n.host) {
        (Some(title), Some(host)) => html! {
            form class="alt" method="post" action={ "/e/" (slug) "/claim" } data-op="claim"
                data-slot=(c.slot) data-room=(c.room) {
                input type="hidden" name="slot" value=(c.slot);
                input type="hidden" name="room" value=(c.room);
                input type="hidden" name="title" value=(title);
                input type="hidden" name="host" value=(host);
                (hidden_req(v))
                button type="submit" { (lang.t("Take", "Prendre")) " " (label) }
            }
        },
        _ => html! {
            a class="alt" href=(claim_href(slug, c)) data-slot=(c.slot) data-room=(c.room) {
                (lang.t("Take", "Prendre")) " " (label)
            }
        },
    }
}

/// What `phone.js` needs: the event, the clock of each slot, and the strings.
fn data(v: &View<'_>, lang: Lang) -> Value {
    let grid = v.board.grid();
    let slots: Vec<Value> = grid
        .slots
        .iter()
        .map(|s| {
            let times = v.event.slot_times(s.id.as_str());
            json!({
                "id": s.id,
                "from": times.as_ref().map(|t| t.0.timestamp().as_millisecond()),
                "to": times.as_ref().map(|t| t.1.timestamp().as_millisecond()),
                "short": slot_short(lang, v.board, &s.id),
            })
        })
        .collect();
    json!({
        "slug": v.event.slug,
        "me": v.me,
        "lang": lang.code(),
        "host": v.host,
        "limits": { "title": v.limits.title, "host": v.limits.host },
        "slots": slots,
        "strings": strings(lang),
    })
}

/// Every string `phone.js` shows, in the page's language.
pub fn strings(lang: Lang) -> Value {
    let t = |en, fr| Value::String(lang.t(en, fr).to_owned());
    let mut notices = serde_json::Map::new();
    for code in NOTICE_CODES {
        notices.insert(
            (*code).to_owned(),
            Value::from(notice_text(lang, code, None)),
        );
    }
    for op in ["claim", "edit", "release", "move", "vote"] {
        notices.insert(
            format!("ack_{op}"),
            Value::from(notice_text(lang, "ack", Some(op))),
        );
    }
    json!({
        "notices": notices,
        "conn": {
            "connecting": t("Connecting…", "Connexion…"),
            "live": t("Live", "En direct"),
            "reconnecting": t("Reconnecting…", "Reconnexion…"),
            "offline": t("Offline: your actions will be sent when the network is back", "Hors ligne : vos actions partiront au retour du réseau"),
        },
        "free": t("Free", "Libre"),
        "propose": t("propose a session", "proposer une session"),
        "locked": t("Locked by the organisers", "Verrouillé par l'équipe"),
        "yours": t("yours", "la vôtre"),
        "want": t("I want to go", "J'y vais"),
        "want_count": t("want to go", "y vont"),
        "seats": t("seats", "places"),
        "seat": t("seat", "place"),
        "propose_title": t("Propose a session", "Proposer une session"),
        "title": t("Title", "Titre"),
        "host": t("Hosted by", "Animée par"),
        "send": t("Send", "Envoyer"),
        "sending": t("Sending…", "Envoi…"),
        "cancel": t("Cancel", "Annuler"),
        "pending_cell": t("Waiting to be sent:", "En attente d'envoi :"),
        "pending_count": t("action(s) waiting to be sent", "action(s) en attente d'envoi"),
        "holder": t("It now holds", "Elle accueille maintenant"),
        "server_says": t("Server says:", "Le serveur dit :"),
        "alts": t("Free nearby, one tap to take it:", "Libre à côté, un geste pour la prendre :"),
        "no_alts": t("No free cell nearby, see the board.", "Pas de case libre à côté : voyez le tableau."),
        "take": t("Take", "Prendre"),
        "close": t("OK, close", "OK, fermer"),
        "now": t("now", "en cours"),
        "next": t("next", "à suivre"),
        "over": t("over", "terminé"),
        "jump_now": t("Jump to now", "Aller à maintenant"),
        "jump_next": t("Jump to the next slot", "Aller au prochain créneau"),
        "mine_empty": t(
            "You have not proposed a session yet. Tap a free cell to propose one.",
            "Vous n'avez pas encore proposé de session. Touchez une case libre pour en proposer une.",
        ),
        "edit": t("Edit", "Modifier"),
        "save": t("Save", "Enregistrer"),
        "move": t("Move", "Déplacer"),
        "move_to": t("To the free cell", "Vers la case libre"),
        "no_free": t("No free cell right now.", "Aucune case libre pour l'instant."),
        "release": t("Release (free the cell)", "Libérer la case"),
        "bigger": t(
            "More people want to go than the room holds. A bigger room is free in the same slot:",
            "Plus de monde veut venir que la salle n'en contient. Une salle plus grande est libre sur ce créneau :",
        ),
        "move_it": t("Move it to", "La déplacer en"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{Actor, Description, SessionId, Tags};
    use crate::board::{Command, Host, Role, Title};
    use crate::config::{Config, Overrides};

    const CONFIG: &str = r#"
[server]
public_url = "http://x.test"
[[events]]
slug = "camp"
title = "Camp"
timezone = "Europe/Paris"
organiser_token_hash = "sha256:6dc943766c1c854e0621c272083187f7:42a2aa3221640da8a41625d7449bee969e545d02fc438d7ca2c13fabbd9a12c8"
[[events.rooms]]
id = "big"
name = "Big"
capacity = 100
[[events.rooms]]
id = "mid"
name = "Mid"
capacity = 30
[[events.rooms]]
id = "small"
name = "Small"
capacity = 2
[[events.days]]
date = "2026-12-05"
slots = [
  { id = "a", start = "09:30", end = "10:15" },
  { id = "b", start = "10:30", end = "11:15" },
]
"#;

    fn event() -> EventConfig {
        Config::from_toml_str(CONFIG, "t.toml", &Overrides::default())
            .unwrap()
            .events
            .remove(0)
    }

    fn cell(slot: &str, room: &str) -> Cell {
        Cell {
            slot: slot.into(),
            room: room.into(),
        }
    }

    fn claim(board: &mut Board, who: &str, c: Cell) {
        let l = Limits::default();
        let cmd = Command::Claim {
            cell: c,
            title: Title::parse("T", &l).unwrap(),
            host: Host::parse("H", &l).unwrap(),
            description: Description::empty(),
            tags: Tags::parse::<&str>(&[], &l).unwrap(),
        };
        let actor = Actor {
            id: ParticipantId(who.into()),
            role: Role::Participant,
        };
        board.execute(&actor, &cmd).unwrap();
    }

    #[test]
    fn the_clock_follows_the_event_timezone() {
        let e = event();
        let board = Board::new(e.grid());
        // 09:45 in Paris in December is 08:45 UTC: slot a is on.
        let at: Timestamp = "2026-12-05T08:45:00Z".parse().unwrap();
        let c = Clock::of(&e, &board, at);
        assert_eq!(c.now, Some("a".into()));
        assert_eq!(c.next, Some("b".into()));
        assert!(c.past.is_empty());
        // Between the two: a is over, b is next, "jump to now" goes to b.
        let at: Timestamp = "2026-12-05T09:20:00Z".parse().unwrap();
        let c = Clock::of(&e, &board, at);
        assert_eq!(c.now, None);
        assert_eq!(c.target(), Some(&"b".into()));
        assert_eq!(c.when(&"a".into()), When::Past);
        // After the event: nothing to jump to.
        let at: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(Clock::of(&e, &board, at).target(), None);
    }

    #[test]
    fn alternatives_are_the_same_slot_then_the_next_slot_same_room() {
        let e = event();
        let mut board = Board::new(e.grid());
        claim(&mut board, "p_1", cell("a", "big"));
        claim(&mut board, "p_1", cell("a", "mid"));
        let alts = alternatives(&board, &cell("a", "big"));
        assert_eq!(alts, vec![cell("a", "small"), cell("b", "big")]);
    }

    #[test]
    fn a_crowded_session_is_offered_the_smallest_room_that_fits() {
        let e = event();
        let mut board = Board::new(e.grid());
        claim(&mut board, "p_1", cell("a", "small"));
        let id = SessionId(format!("s_{}", board.rev()));
        for voter in ["p_2", "p_3", "p_4"] {
            let actor = Actor {
                id: ParticipantId(voter.into()),
                role: Role::Participant,
            };
            board
                .execute(
                    &actor,
                    &Command::Vote {
                        session: id.clone(),
                        on: true,
                    },
                )
                .unwrap();
        }
        let s = board.session(&id).unwrap().clone();
        assert_eq!(bigger_room(&board, &s).map(|r| r.id.as_str()), Some("mid"));
    }

    #[test]
    fn days_read_in_both_languages() {
        assert_eq!(day_label(Lang::Fr, "2026-12-05"), "samedi 5 décembre");
        assert_eq!(day_label(Lang::En, "2026-12-05"), "Saturday 5 December");
    }

    #[test]
    fn the_qr_code_is_inline_svg_without_style() {
        let svg = qr_svg("http://x.test/e/camp/me?t=abc", "QR").into_string();
        assert!(svg.starts_with("<svg role=\"img\""));
        assert!(!svg.contains("style"));
    }
}
