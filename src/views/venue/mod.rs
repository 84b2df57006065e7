//! The venue's page, `/admin`: every event of the server with its state and
//! links, what the venue can do to each (end it, hide it from `/`), and the
//! form that creates one (`form.rs`); the page that shows a new event's
//! organiser secret once (`created.rs`); its login.
//!
//! For a venue manager who is no system administrator: every field says
//! what to write, with an example, and every error names the field to fix.
//! The page works without JavaScript; `venue.js` only copies the secret.

mod created;
mod form;

pub use created::{Made, created};
pub use form::{Draft, Preview, create_form};

use maud::{Markup, html};

use super::{Page, error_page, lang_switch, layout};
use crate::config::created::FieldError;
use crate::i18n::Lang;
use crate::lifecycle::State;

/// One event in the venue's list.
pub struct EventRow<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub state: State,
    /// Created on this page (else in config.toml, or the demo).
    pub created: bool,
    pub demo: bool,
    pub hidden: bool,
}

/// What the venue's page shows.
pub struct VenueView<'a> {
    pub events: &'a [EventRow<'a>],
    /// The creation form as it was sent (or its defaults).
    pub draft: &'a Draft,
    /// What to fix in it.
    pub error: Option<&'a FieldError>,
    /// The event it would make, when "Preview" was asked.
    pub preview: Option<&'a Preview>,
    /// How the last action went, in words.
    pub notice: Option<&'a str>,
}

fn venue_page(lang: Lang, title: &str, body: Markup) -> Markup {
    let page = Page {
        lang,
        title,
        class: "admin venue",
        styles: &["admin.css"],
        scripts: &["venue.js"],
        languages: &Lang::ALL,
    };
    layout(
        &page,
        html! {
            header class="admin-head" {
                h1 { (lang.t("The venue", "Le lieu")) " · slotboard" }
                (lang_switch(lang, &Lang::ALL))
            }
            (body)
        },
    )
}

/// The page when no venue secret is set: what to do to turn it on.
pub fn off(lang: Lang) -> Markup {
    error_page(
        lang,
        lang.t(
            "The venue's page is off · slotboard",
            "La page du lieu est désactivée · slotboard",
        ),
        lang.t("The venue's page is off", "La page du lieu est désactivée"),
        html! {
            p { (lang.t(
                "This server has no venue secret yet. Whoever runs it can make one with `slotboard hash-token --generate`, then set SLOTBOARD_VENUE_TOKEN to the secret, or put the hash in [server] as venue_token_hash, and reload (SIGHUP) or restart.",
                "Ce serveur n'a pas encore de secret du lieu. La personne qui l'administre en crée un avec `slotboard hash-token --generate`, puis met le secret dans SLOTBOARD_VENUE_TOKEN, ou son empreinte dans [server] en venue_token_hash, et recharge (SIGHUP) ou redémarre.",
            )) }
        },
    )
}

/// The login form; `wrong` after a wrong secret.
pub fn login(lang: Lang, wrong: bool) -> Markup {
    venue_page(
        lang,
        lang.t("The venue · log in", "Le lieu · connexion"),
        html! {
            main {
                h2 { (lang.t("Log in", "Connexion")) }
                p { (lang.t(
                    "The venue's secret creates, ends and hides every event of this server. Organisers of one event log in on its own admin page.",
                    "Le secret du lieu crée, clôt et masque tous les événements de ce serveur. Les organisateurs d'un événement se connectent sur sa propre page d'administration.",
                )) }
                @if wrong {
                    p id="login-error" class="error" role="alert" {
                        (lang.t("This is not the venue's secret.", "Ce n'est pas le secret du lieu."))
                    }
                }
                form id="login" method="post" action="/admin/login" {
                    p {
                        label for="secret" { (lang.t("Venue secret", "Secret du lieu")) }
                        input type="password" id="secret" name="secret" required autocomplete="current-password"
                            aria-describedby=[wrong.then_some("login-error")];
                    }
                    p { button type="submit" { (lang.t("Log in", "Se connecter")) } }
                }
            }
        },
    )
}

/// 429: too many wrong secrets from this address; nothing was checked.
pub fn too_many(lang: Lang, retry_after_secs: u64) -> Markup {
    error_page(
        lang,
        lang.t(
            "Too many attempts · slotboard",
            "Trop de tentatives · slotboard",
        ),
        lang.t("Too many attempts", "Trop de tentatives"),
        html! {
            p { (too_many_text(lang, retry_after_secs)) }
            p { a href="/admin" { (lang.t("Back to the login", "Retour à la connexion")) } }
        },
    )
}

/// The words of [`too_many`], also the JSON's `message`.
pub fn too_many_text(lang: Lang, retry_after_secs: u64) -> String {
    match lang {
        Lang::En => format!(
            "Too many wrong secrets from this address: try again in {retry_after_secs} s. Nothing was checked."
        ),
        Lang::Fr => format!(
            "Trop de secrets erronés depuis cette adresse : réessayez dans {retry_after_secs} s. Rien n'a été vérifié."
        ),
    }
}

fn state_label(lang: Lang, state: State) -> &'static str {
    match state {
        State::Upcoming => lang.t("upcoming", "à venir"),
        State::Live => lang.t("live", "en cours"),
        State::Ended => lang.t("ended", "terminé"),
    }
}

/// The venue's page: the events, then the creation form.
pub fn page(lang: Lang, view: &VenueView<'_>) -> Markup {
    venue_page(
        lang,
        lang.t("The venue · slotboard", "Le lieu · slotboard"),
        html! {
            nav class="muted" {
                form class="inline" method="post" action="/admin/logout" {
                    button type="submit" data-action="logout" { (lang.t("Log out", "Se déconnecter")) }
                }
            }
            main {
                @if let Some(notice) = view.notice {
                    p class="notice ok" role="status" { (notice) }
                }
                section aria-labelledby="events-h" {
                    h2 id="events-h" { (lang.t("Events", "Événements")) }
                    (events_table(lang, view.events))
                }
                (create_form(lang, view.draft, view.error, view.preview, view.events))
            }
        },
    )
}

fn events_table(lang: Lang, events: &[EventRow<'_>]) -> Markup {
    html! {
        @if events.is_empty() {
            p { (lang.t("No event yet: create the first one below.", "Aucun événement : créez le premier ci-dessous.")) }
        } @else {
            // Scrolls on its own on a phone: a table wider than the screen
            // would widen the whole page (and zoom it out).
            div class="grid-scroll" role="region" tabindex="0" aria-label=(lang.t("Table of the events", "Tableau des événements")) {
                table id="events" {
                    thead { tr {
                        th scope="col" { (lang.t("Event", "Événement")) }
                        th scope="col" { (lang.t("State", "État")) }
                        th scope="col" { (lang.t("Defined in", "Défini dans")) }
                        th scope="col" { (lang.t("Links", "Liens")) }
                        th scope="col" { (lang.t("Actions", "Actions")) }
                    } }
                    tbody {
                        @for e in events {
                            tr data-slug=(e.slug) data-state=(e.state.as_str()) {
                                td { strong { (e.title) } br; code { (e.slug) }
                                    @if e.hidden { " · " span class="muted" { (lang.t("hidden from the list", "masqué de la liste")) } } }
                                td { (state_label(lang, e.state)) }
                                td { @if e.created { (lang.t("this page", "cette page")) }
                                     @else if e.demo { (lang.t("the demo", "la démo")) }
                                     @else { "config.toml" } }
                                td {
                                    a href={ "/e/" (e.slug) } { (lang.t("board", "tableau")) } " · "
                                    a href={ "/e/" (e.slug) "/wall" } { (lang.t("wall", "mur")) } " · "
                                    a href={ "/e/" (e.slug) "/admin" } { (lang.t("organisers", "organisateurs")) }
                                    @if e.state == State::Ended { " · " a href={ "/archive/" (e.slug) } { (lang.t("archive", "archives")) } }
                                }
                                td { (actions(lang, e)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn actions(lang: Lang, e: &EventRow<'_>) -> Markup {
    html! {
        form class="inline" method="post" action={ "/admin/events/" (e.slug) "/hide" } {
            input type="hidden" name="hidden" value=(if e.hidden { "false" } else { "true" });
            button type="submit" data-action="hide" {
                @if e.hidden { (lang.t("Show on the list", "Afficher dans la liste")) }
                @else { (lang.t("Hide from the list", "Masquer de la liste")) }
            }
        }
        @if e.state != State::Ended {
            details {
                summary { (lang.t("End it now…", "Le clore maintenant…")) }
                form method="post" action={ "/admin/events/" (e.slug) "/end" } {
                    p {
                        label for={ "confirm-" (e.slug) } {
                            (lang.t("Type its name to close it for good and archive it:", "Tapez son nom pour le clore pour de bon et l'archiver :"))
                            " " code { (e.slug) }
                        }
                        input type="text" id={ "confirm-" (e.slug) } name="confirm" required autocomplete="off";
                    }
                    button type="submit" data-action="release" { (lang.t("End and archive", "Clore et archiver")) }
                }
            }
        }
    }
}
