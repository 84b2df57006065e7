//! "My sessions" (each with its links, its edit form (links too), move and release forms, and the
//! bigger room to move to when it is crowded) and "use on another device"
//! (the link, and its QR code, fetched only when asked).
//!
//! The bigger room and the free cells are the core's answers
//! ([`crate::board::schedule`]); the QR code is [`crate::views::qr`]'s,
//! served by `web::device_link` at `/e/{slug}/me/qr.svg`.

use maud::{Markup, PreEscaped, html};

use super::{Shared, View, hidden_req};
use crate::board::Session;
use crate::board::labels::{cell_short, seats};
use crate::board::schedule::{bigger_room, free_cells};
use crate::i18n::Lang;

/// "My sessions"; the board's answers every owner's forms share (the free
/// cells to move to, the host clashes) come from `shared`, made once per
/// revision.
pub(super) fn mine(v: &View<'_>, lang: Lang, shared: &Shared) -> Markup {
    let board = v.board;
    let mut mine: Vec<&Session> = board.sessions().filter(|s| &s.owner == v.me).collect();
    let order = |s: &Session| board.grid().slots.iter().position(|x| x.id == s.slot);
    mine.sort_by_key(|s| order(s));
    let (free, twins) = (shared.move_options(), shared.twins());
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
                @for s in &mine { (mine_item(v, lang, s, free, twins)) }
            }
        }
    }
}

fn mine_item(
    v: &View<'_>,
    lang: Lang,
    s: &Session,
    free: &str,
    twins: &std::collections::BTreeMap<crate::board::SessionId, crate::board::SessionId>,
) -> Markup {
    let board = v.board;
    let slug = &v.event.slug;
    let room = board.grid().room(&s.room);
    html! {
        li class="mine-item" data-mine=(s.id) {
            h3 { (s.title.as_str()) }
            p class="where" {
                (cell_short(lang, board.grid(), &s.cell()))
                " · " (s.host.as_str())
                " · " (s.votes) " " (lang.t("want to go", "y vont"))
                @if let Some(r) = room { " (" (seats(lang, r.capacity).trim()) ")" }
            }
            (crate::views::links::list(lang, s.links.iter()))
            @if let Some(other) = twins.get(&s.id).and_then(|o| board.session(o)) {
                p class="host-clash" {
                    "⚠ " (lang.t(
                        "The same host also holds another session at this time:",
                        "Le même animateur tient déjà une autre session à cette heure :",
                    )) " « " (other.title.as_str()) " » ("
                    (crate::board::labels::room_name(board.grid(), &other.room)) ")."
                }
            }
            @if let Some(bigger) = bigger_room(board, s) {
                div class="suggest" {
                    p { "⚠ " (lang.t(
                        "More people want to go than the room holds. A bigger room is free in the same slot:",
                        "Plus de monde veut venir que la salle n'en contient. Une salle plus grande est libre sur ce créneau :",
                    )) " " strong { (bigger.name) } (seats(lang, bigger.capacity)) "." }
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
                    (crate::views::links::fields(lang, &format!("edit-{}", s.id), Some(&s.links)))
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
                        select id={ "move-to-" (s.id) } name="to" { (PreEscaped(free)) }
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

/// Where the QR code of the device link is fetched: the same `l` as the
/// text link, at `/e/{slug}/me/qr.svg` (see `web::device_link`). `None` for
/// a URL that is not a device link.
fn qr_src(slug: &str, device_url: &str) -> Option<String> {
    let (_, l) = device_url.rsplit_once("/me?l=")?;
    Some(format!("/e/{slug}/me/qr.svg?l={l}"))
}

/// "Use on another device": the link as text and its QR code as an `<img>`
/// fetched only when the details is opened (`loading="lazy"`), so a page
/// view no longer pays for a QR code almost nobody looks at.
pub(super) fn device(v: &View<'_>, lang: Lang) -> Markup {
    let src = qr_src(&v.event.slug, &v.device_url);
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
                "Scan this code with your other device, or open the link on it. It works once, within 5 minutes, and asks before it changes anything; reload this page for a new one.",
                "Scannez ce code avec votre autre appareil, ou ouvrez-y ce lien. Il ne sert qu'une fois, dans les 5 minutes, et demande avant de changer quoi que ce soit ; rechargez cette page pour en avoir un nouveau.",
            )) }
            // The code is drawn only when asked: a link to it (without
            // JavaScript), and phone.js shows it in place when the section
            // opens. An image here would be fetched with every page (a
            // browser loads a lazy image near the screen, open or not).
            @if let Some(src) = &src {
                div class="qr" data-src=(src) data-alt=(lang.t("QR code of the link", "QR code du lien")) {
                    a class="qr-link" href=(src) { (lang.t("Show the QR code", "Afficher le QR code")) }
                }
            }
            p class="device-link" { a href=(v.device_url) { (v.device_url) } }
        }
    }
}

/// The options of every "move to" list: the free cells, in the grid's
/// order, named in `lang`.
pub(super) fn move_options(board: &crate::board::Board, lang: Lang) -> String {
    html! {
        @for c in free_cells(board) {
            option value={ (c.slot) "|" (c.room) } { (cell_short(lang, board.grid(), &c)) }
        }
    }
    .into_string()
}
