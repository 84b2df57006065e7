//! "My day", `/e/{event}/my`: the sessions I host and those I want to
//! attend, in time order, with their clashes; what moved or was cancelled
//! since I last looked; and my own calendar feed to subscribe to.
//!
//! The rules are the core's (`board::my_day`); this renders them. The page
//! is a plain page: it needs no JavaScript, and it shows the board as it is
//! when loaded (a reload shows what changed, flagged).

use maud::{Markup, PreEscaped, html};

use super::super::{Page, lang_for, lang_switch, layout, offered};
use crate::board::labels::{cell_label, room_name, slot_label};
use crate::board::my_day::{Clash, Entry, Since, Why};
use crate::board::{Board, Cell};
use crate::config::EventConfig;
use crate::i18n::Lang;

/// What the page shows.
pub struct MyDay<'a> {
    pub lang: Lang,
    pub event: &'a EventConfig,
    pub board: &'a Board,
    pub entries: &'a [Entry<'a>],
    pub since: &'a [Since<'a>],
    /// `webcal://.../e/{slug}/my/{feed}.ics` and the same over http(s), when
    /// the participant has a feed.
    pub feed: Option<(String, String)>,
    /// The `req` of the feed form.
    pub req: String,
}

pub fn page(v: &MyDay<'_>) -> Markup {
    let lang = lang_for(v.event, v.lang);
    let langs = offered(v.event);
    let title = format!("{} · {}", lang.t("My day", "Ma journée"), v.event.title);
    let page = Page {
        lang,
        title: &title,
        class: "phone my-day",
        styles: &["phone.css"],
        scripts: &[],
        languages: &langs,
    };
    let slug = v.event.slug.as_str();
    layout(
        &page,
        html! {
            header {
                div class="bar" { h1 { (lang.t("My day", "Ma journée")) } }
                (lang_switch(lang, &langs))
                nav class="jump" {
                    a href={ "/e/" (slug) } { (lang.t("Back to the board", "Retour au tableau")) }
                }
            }
            main id="my-day" {
                @if !v.since.is_empty() {
                    section id="since" aria-labelledby="since-h" class="notice" role="status" {
                        h2 id="since-h" { (lang.t("Since you last looked", "Depuis votre dernière visite")) }
                        ul { @for s in v.since { li { (since_line(lang, v.board, s)) } } }
                    }
                }
                @if v.entries.is_empty() {
                    p { (lang.t(
                        "Nothing yet: the sessions you host and those you tap “I want to go” on will be here, in time order.",
                        "Rien pour l'instant : les sessions que vous animez et celles où vous touchez « J'y vais » seront ici, dans l'ordre.",
                    )) }
                } @else {
                    ol id="my-sessions" {
                        @for e in v.entries { (entry(lang, v.board, e)) }
                    }
                }
                (feed(lang, slug, v.feed.as_ref(), &v.req))
            }
        },
    )
}

fn entry(lang: Lang, board: &Board, e: &Entry<'_>) -> Markup {
    let s = e.session;
    let grid = board.grid();
    html! {
        li data-session=(s.id.as_str()) data-clash=[e.clash.as_ref().map(|c| clash_code(c.0))] {
            strong { (slot_label(lang, e.slot)) } " · " (room_name(grid, &s.room)) br;
            (s.title.as_str()) " — " (s.host.as_str()) " "
            span class="muted" { @match e.why {
                Why::Host => (lang.t("(you host it)", "(vous l'animez)")),
                Why::Attend => (lang.t("(you want to go)", "(vous voulez y aller)")),
            } }
            @if let Some((kind, others)) = &e.clash {
                br;
                strong class="clash" { "⚠ " (clash_text(lang, *kind)) }
                " "
                @for (i, id) in others.iter().enumerate() {
                    @if i > 0 { ", " }
                    @if let Some(o) = board.session(id) { "« " (o.title.as_str()) " »" }
                }
            }
        }
    }
}

fn clash_code(c: Clash) -> &'static str {
    match c {
        Clash::TwoWanted => "two-wanted",
        Clash::HostAndWanted => "host-and-wanted",
        Clash::TwoHosted => "two-hosted",
    }
}

fn clash_text(lang: Lang, c: Clash) -> &'static str {
    match c {
        Clash::TwoWanted => lang.t("At the same time as", "En même temps que"),
        Clash::HostAndWanted => lang.t(
            "You host one and want to go to the other at the same time:",
            "Vous animez l'une et voulez aller à l'autre en même temps :",
        ),
        Clash::TwoHosted => lang.t(
            "You host two sessions at the same time:",
            "Vous animez deux sessions en même temps :",
        ),
    }
}

fn since_line(lang: Lang, board: &Board, s: &Since<'_>) -> Markup {
    let grid = board.grid();
    let place = |c: &Cell| cell_label(lang, grid, c);
    html! {
        @match s {
            Since::Moved { session, from } => {
                "↪ « " (session.title.as_str()) " » "
                (lang.t("moved from", "déplacée de")) " " (place(from)) " "
                (lang.t("to", "à")) " " (place(&session.cell()))
            }
            Since::Cancelled { was, .. } => {
                "✕ " (lang.t("The session you had at", "La session que vous aviez à")) " "
                (place(was)) " " (lang.t("was cancelled.", "a été annulée."))
            }
        }
    }
}

fn feed(lang: Lang, slug: &str, feed: Option<&(String, String)>, req: &str) -> Markup {
    html! {
        section id="feed" aria-labelledby="feed-h" {
            h2 id="feed-h" { (lang.t("In your calendar", "Dans votre agenda")) }
            @if let Some((webcal, https)) = feed {
                p { (lang.t(
                    "Subscribe to this address: your calendar follows every move and cancellation.",
                    "Abonnez-vous à cette adresse : votre agenda suit chaque déplacement et annulation.",
                )) }
                p { a id="feed-link" href=(webcal) { (lang.t("Subscribe (webcal)", "S'abonner (webcal)")) } }
                p { input type="text" readonly value=(https) aria-label=(lang.t("The feed's address", "L'adresse du flux")) size="40"; }
                @if let Some(svg) = crate::views::qr::svg(webcal, Some(lang.t("QR code of your calendar feed", "QR code de votre flux d'agenda"))) {
                    figure class="qr" { (PreEscaped(svg)) }
                }
                form method="post" action={ "/e/" (slug) "/my/feed" } {
                    input type="hidden" name="req" value=(req);
                    button type="submit" name="renew" value="1" {
                        (lang.t("Make a new address (the old one stops working)", "Créer une nouvelle adresse (l'ancienne ne marchera plus)"))
                    }
                }
            } @else {
                p { (lang.t(
                    "Get a calendar address of your own, to follow your day in your phone's calendar. It does not reveal who you are.",
                    "Obtenez une adresse d'agenda à vous, pour suivre votre journée dans l'agenda de votre téléphone. Elle ne dit pas qui vous êtes.",
                )) }
                form method="post" action={ "/e/" (slug) "/my/feed" } {
                    input type="hidden" name="req" value=(req);
                    button type="submit" { (lang.t("Get my calendar address", "Obtenir mon adresse d'agenda")) }
                }
            }
        }
    }
}
