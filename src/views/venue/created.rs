//! The page after an event was created: its organiser secret, shown this
//! once (the server keeps only its hash), with a copy button and a QR code
//! of the event's admin login for the organisers' phones.

use maud::{Markup, PreEscaped, html};

use super::venue_page;
use crate::i18n::Lang;

/// What the page shows of the new event.
pub struct Made<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    /// The plain secret: on this page only.
    pub secret: &'a str,
    /// The full address of the event's admin login.
    pub admin_url: &'a str,
}

pub fn created(lang: Lang, made: &Made<'_>) -> Markup {
    let qr = crate::views::qr::svg(
        made.admin_url,
        Some(lang.t(
            "QR code of the organisers' login",
            "QR code de la connexion des organisateurs",
        )),
    );
    venue_page(
        lang,
        lang.t("Event created · slotboard", "Événement créé · slotboard"),
        html! {
            main {
                p class="notice ok" role="status" {
                    (lang.t("Created:", "Créé :")) " " (made.title) " · " code { "/e/" (made.slug) }
                }
                h2 { (lang.t("The organisers' secret", "Le secret des organisateurs")) }
                p { strong { (lang.t(
                    "It is shown this once: copy it now and hand it to the organisers. The server keeps only its hash and cannot show it again.",
                    "Il n'est affiché qu'une fois : copiez-le maintenant et donnez-le aux organisateurs. Le serveur n'en garde que l'empreinte et ne peut plus l'afficher.",
                )) } }
                p {
                    label for="organiser-secret" { (lang.t("Organiser secret", "Secret des organisateurs")) }
                    input type="text" id="organiser-secret" readonly value=(made.secret) size="40" autocomplete="off" spellcheck="false";
                    " "
                    button type="button" id="copy-secret" data-copy="organiser-secret" hidden
                        data-done=(lang.t("Copied", "Copié")) { (lang.t("Copy", "Copier")) }
                }
                p { (lang.t("The organisers log in at", "Les organisateurs se connectent sur")) " "
                    a id="admin-link" href=(made.admin_url) { (made.admin_url) } }
                @if let Some(svg) = qr {
                    figure class="qr" { (PreEscaped(svg)) figcaption { (lang.t("Scan to open the organisers' login", "Scannez pour ouvrir la connexion des organisateurs")) } }
                }
                p { a href="/admin" { (lang.t("Back to the venue's page", "Retour à la page du lieu")) } }
            }
        },
    )
}
