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
//!
//! The view decides no rule: phases, alternatives, the bigger room and the
//! labels are the core's ([`crate::board::schedule`],
//! [`crate::board::labels`]), and the clock and form ids are handed in.
//! One file per part of the page: [`grid`] (the board), [`notices`],
//! [`mine`] (my sessions, another device), [`data`] (the script's block);
//! [`shared`] is what of the board and the block every reader shares, built
//! once per revision and filled per page.

mod data;
pub mod device_link;
mod grid;
mod mine;
mod my_day;
mod notices;
mod pitch;
mod shared;

use jiff::Timestamp;
use maud::{Markup, html};

use super::{Page, lang_for, lang_switch, layout, offered};
use crate::board::schedule::Schedule;
use crate::board::{Board, Cell, Limits, ParticipantId};
use crate::config::EventConfig;
use crate::i18n::Lang;

pub use data::{bigger_rooms, hints, strings};
pub use grid::phase_label;
pub use my_day::{MyDay, page as my_day_page};
pub use notices::{Notice, NoticeKind};
pub use shared::{Reader, Shared, SharedKey, shared_key};

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
    /// `{public_url}/e/{slug}/me?l={signed link}`: asks another device to
    /// sign in as me (`web::device_link`); the token is not in it.
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

/// The event's slots, in the board's order, placed in its timezone.
pub fn schedule(event: &EventConfig, board: &Board) -> Schedule {
    Schedule::new(&board.grid().slots, board.grid().days(), event.tz())
}

/// The claim link of a free cell.
pub fn claim_href(slug: &str, cell: &Cell) -> String {
    format!(
        "/e/{slug}/claim?slot={}&room={}#claim-form",
        cell.slot, cell.room
    )
}

fn hidden_req(v: &View<'_>) -> Markup {
    html! { input type="hidden" name="req" value=(v.reqs.next()); }
}

/// `/e/{event}`, rendered for its reader alone.
pub fn page(v: &View<'_>) -> Markup {
    page_with(v, &shared::own(v))
}

/// Where the tables go in [`Parts`]' rendering (no escaped text has a `<`).
const TABLES: &str = "<\u{3}>";
/// Where the board's fields of the script's block go.
const DATA: &str = "<\u{4}>";

/// The phone page of one reader around its two shared parts: `head`, the
/// tables ([`Shared::fill`], piece by piece), `middle`, the board's fields
/// of the script's block ([`Shared::data`]), `tail`. Laid end to end they
/// are [`page_with`]'s page.
pub struct Parts {
    pub head: String,
    pub middle: String,
    pub tail: String,
}

/// `v`'s page in [`Parts`], with room for `shared`'s tables and data.
pub fn parts(v: &View<'_>, shared: &Shared) -> Parts {
    let marked = frame(v, shared, DATA).into_string();
    let (head, rest) = marked.split_once(TABLES).unwrap_or((&marked, ""));
    let (middle, tail) = rest.split_once(DATA).unwrap_or((rest, ""));
    Parts {
        head: head.to_owned(),
        middle: middle.to_owned(),
        tail: tail.to_owned(),
    }
}

/// `/e/{event}` from the part every reader of this revision shares (built
/// by [`Shared::build`] for `v`'s board, language and [`shared_key`], with
/// no claim form open), filled with `v`'s reader's own parts.
pub fn page_with(v: &View<'_>, shared: &Shared) -> Markup {
    let p = parts(v, shared);
    // (Filling the tables reserves their room.)
    let mut out =
        String::with_capacity(p.head.len() + p.middle.len() + p.tail.len() + shared.data().len());
    out.push_str(&p.head);
    maud::Render::render_to(&shared.tables(v), &mut out);
    out.push_str(&p.middle);
    out.push_str(shared.data());
    out.push_str(&p.tail);
    maud::PreEscaped(out)
}

/// The page with markers where the tables and the board's data go.
fn frame(v: &View<'_>, shared: &Shared, data: &str) -> Markup {
    let lang = lang_for(v.event, v.lang);
    let langs = offered(v.event);
    let page = Page {
        lang,
        title: &v.event.title,
        class: "phone",
        styles: &["phone.css"],
        scripts: &["common.js", "live.js", "phone.js"],
        languages: &langs,
    };
    let schedule = schedule(v.event, v.board);
    let clock = schedule.clock(v.now);
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
                    (grid::jump_link(v, lang, &clock))
                    " "
                    a href="#mine" { (lang.t("My sessions", "Mes sessions")) }
                    " "
                    a href={ "/e/" (slug) "/my" } id="my-day-link" { (lang.t("My day", "Ma journée")) }
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
                // Above the board: at the opening it is what the phone is for.
                (pitch::section(v, lang, &clock))
                p class="legend muted" {
                    (lang.t(
                        "Tap a free cell to propose a session. Tap “I want to go” on the sessions you want to attend.",
                        "Touchez une case libre pour proposer une session. Touchez « J'y vais » sur les sessions qui vous intéressent.",
                    ))
                }
                (maud::PreEscaped(TABLES))
                // After the board (so that its cells come first in the
                // document), before "my sessions", in the flow: it never
                // covers a cell.
                (notices::notice(v, lang))
                (mine::mine(v, lang, shared))
                (mine::device(v, lang))
            }
            footer class="muted" {
                a href={ "/e/" (slug) "/wall" } { (lang.t("Wall view", "Vue murale")) }
                " · " a href={ "/e/" (slug) "/schedule.ics" } { (lang.t("Calendar (.ics)", "Agenda (.ics)")) }
            }
            (data::block(v, lang, data))
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

#[cfg(test)]
pub(crate) mod cache_tests;
#[cfg(test)]
mod tests;
