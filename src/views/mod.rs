//! The HTML of slotboard, written with maud (every text is escaped).
//!
//! Pages render from a [`Snapshot`] of the board and the event's config; they
//! never hold a lock or wait on anything but the hub's answer. Every string is
//! in French and English (`lang.t(en, fr)`); the JS of a page reads the
//! strings it needs from a JSON block of the page, never from the network.

pub mod admin;
pub mod archive;
pub mod asset_url;
pub mod door;
mod foreign_origin;
pub mod links;
pub mod phone;
pub mod qr;
mod too_fast;
mod too_large;
pub mod venue;
pub mod wall;

pub use foreign_origin::foreign_origin;
pub use too_fast::too_fast;
pub use too_large::too_large;

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;

use crate::config::EventConfig;
use crate::i18n::Lang;

/// The `req`s of one rendered page's forms: a base handed over by the web
/// layer (which draws it from its injected id source) and a counter, so a
/// view makes no random ids of its own and two forms of a page never share
/// one.
pub struct FormReqs {
    base: String,
    next: std::cell::Cell<u32>,
}

impl FormReqs {
    /// The forms of one page, numbered from `base`.
    pub fn new(base: String) -> FormReqs {
        FormReqs {
            base,
            next: std::cell::Cell::new(0),
        }
    }

    /// The `req` of the next form.
    pub fn next(&self) -> String {
        let n = self.next.get();
        self.next.set(n + 1);
        format!("{}-{n}", self.base)
    }
}

/// The language to render an event's page in: the asked one if the event
/// offers it, else the event's first.
pub fn lang_for(event: &EventConfig, asked: Lang) -> Lang {
    let offered = |l: Lang| event.languages.iter().any(|c| c == l.code());
    if offered(asked) {
        asked
    } else {
        event
            .languages
            .first()
            .and_then(|c| Lang::parse(c))
            .unwrap_or(asked)
    }
}

/// What a page is made of besides its body.
pub struct Page<'a> {
    pub lang: Lang,
    pub title: &'a str,
    /// The `class` of `<body>`: `phone`, `wall`, `admin`.
    pub class: &'a str,
    /// Stylesheets under /assets/, after the shared style.css.
    pub styles: &'a [&'a str],
    /// Scripts under /assets/, loaded with `defer`.
    pub scripts: &'a [&'a str],
    /// The languages to offer in the switch (none: no switch).
    pub languages: &'a [Lang],
}

/// The frame of every page: `<head>`, then the body.
pub fn layout(page: &Page<'_>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(page.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // No favicon request (and no 404 for it) on every page.
                link rel="icon" href="data:,";
                title { (page.title) }
                link rel="stylesheet" href=(asset_url::versioned("style.css"));
                @for s in page.styles { link rel="stylesheet" href=(asset_url::versioned(s)); }
                @for s in page.scripts { script src=(asset_url::versioned(s)) defer {} }
            }
            body class=(page.class) { (body) }
        }
    }
}

/// Links to the same page in the other languages.
pub fn lang_switch(current: Lang, offered: &[Lang]) -> Markup {
    html! {
        @if offered.len() > 1 {
            nav class="lang" aria-label=(current.t("Language", "Langue")) {
                @for l in offered {
                    @if *l == current {
                        span aria-current="true" lang=(l.code()) { (l.name()) }
                    } @else {
                        a href={ "?lang=" (l.code()) } lang=(l.code()) hreflang=(l.code()) { (l.name()) }
                    }
                    " "
                }
            }
        }
    }
}

/// The languages an event offers, in its order.
pub fn offered(event: &EventConfig) -> Vec<Lang> {
    event
        .languages
        .iter()
        .filter_map(|c| Lang::parse(c))
        .collect()
}

/// Data for a page's JS, as a JSON block: inert, allowed by the CSP, and
/// escaped so that no text can close the `<script>` element.
pub fn json_block(id: &str, value: &impl Serialize) -> Markup {
    let json = serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    html! { script type="application/json" id=(id) { (PreEscaped(json)) } }
}

/// `/` when there are several events (or none): live, upcoming and past
/// events, each with its days; a past one links to its archive.
pub fn index(lang: Lang, events: &[(&EventConfig, crate::lifecycle::State)]) -> Markup {
    use crate::lifecycle::{State, archive_url};
    let page = Page {
        lang,
        title: "slotboard",
        class: "index",
        styles: &[],
        scripts: &[],
        languages: &Lang::ALL,
    };
    let days = |e: &EventConfig| {
        let Some((first, last)) = e.first_and_last_day() else {
            return String::new();
        };
        let label = |d: jiff::civil::Date| {
            format!(
                "{} {:04}",
                crate::board::labels::day_label(lang, d),
                d.year()
            )
        };
        if first == last {
            label(first)
        } else {
            format!("{} – {}", label(first), label(last))
        }
    };
    let first_day = |e: &EventConfig| e.days.iter().map(|d| d.date).min();
    let mut sections: Vec<(State, &str, &str, Vec<&EventConfig>)> = vec![
        (
            State::Live,
            "live-h",
            lang.t("Live now", "En ce moment"),
            Vec::new(),
        ),
        (
            State::Upcoming,
            "upcoming-h",
            lang.t("Coming up", "À venir"),
            Vec::new(),
        ),
        (
            State::Ended,
            "past-h",
            lang.t("Past events", "Événements passés"),
            Vec::new(),
        ),
    ];
    for (e, state) in events {
        if let Some(s) = sections.iter_mut().find(|s| s.0 == *state) {
            s.3.push(e);
        }
    }
    for (state, _, _, list) in &mut sections {
        list.sort_by_key(|e| first_day(e));
        if *state == State::Ended {
            list.reverse();
        }
    }
    layout(
        &page,
        html! {
            header { h1 { "slotboard" } (lang_switch(lang, &Lang::ALL)) }
            main {
                h2 { (lang.t("Events", "Événements")) }
                @if events.is_empty() {
                    p { (lang.t("No event is configured on this server.", "Aucun événement n'est configuré sur ce serveur.")) }
                }
                @for (state, id, heading, list) in &sections {
                    @if !list.is_empty() {
                        section aria-labelledby=(id) {
                            h3 id=(id) { (heading) }
                            ul {
                                @for e in list {
                                    li data-slug=(e.slug) {
                                        @if *state == State::Ended {
                                            a href=(archive_url(&e.slug)) { (e.title) }
                                            " · " (days(e)) " · "
                                            span class="muted" { (lang.t("in the archive", "dans les archives")) }
                                        } @else {
                                            a href={ "/e/" (e.slug) } { (e.title) }
                                            " · " (days(e))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                p {
                    a href="/archive" { (lang.t("Every archived event", "Tous les événements archivés")) }
                }
            }
        },
    )
}

/// An error page: its title, its heading, and what happened and what to do,
/// in the shared layout. The not-found, too-large and foreign-origin pages
/// are this page with their own words.
pub fn error_page(lang: Lang, title: &str, heading: &str, body: Markup) -> Markup {
    let page = Page {
        lang,
        title,
        class: "error",
        styles: &[],
        scripts: &[],
        languages: &[],
    };
    layout(
        &page,
        html! {
            header { h1 { (heading) } }
            main { (body) }
        },
    )
}

/// The link every error page ends with.
pub fn back_to_events(lang: Lang) -> Markup {
    html! {
        p { a href="/" { (lang.t("See the events of this server", "Voir les événements de ce serveur")) } }
    }
}

/// A page that says what was not found and where to go.
pub fn not_found(lang: Lang, what: &str) -> Markup {
    error_page(
        lang,
        lang.t("Not found · slotboard", "Introuvable · slotboard"),
        lang.t("Not found", "Introuvable"),
        html! { p { (what) } (back_to_events(lang)) },
    )
}
