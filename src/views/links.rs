//! A session's links as every page shows them, and the link fields of the
//! claim and edit forms.
//!
//! One file so that the phone, the door sign and the archive page write the
//! same markup: people's links, not the organisers', so each is
//! `rel="nofollow noopener ugc"` (not endorsed, not followed, no opener) and
//! shown by its label, or its URL when it has none. The URLs are the core's
//! ([`crate::board::Link`]): checked http(s) addresses, escaped by maud.

use maud::{Markup, html};

use crate::board::{Link, Links, MAX_LABEL, MAX_LINKS, MAX_URL};
use crate::i18n::Lang;

/// The `rel` of every link a participant gave.
pub const REL: &str = "nofollow noopener ugc";

/// The links as a list (nothing when there are none).
pub fn list<'a>(lang: Lang, links: impl IntoIterator<Item = &'a Link>) -> Markup {
    let links: Vec<&Link> = links.into_iter().collect();
    html! {
        @if !links.is_empty() {
            ul class="links" aria-label=(list_name(lang)) {
                @for l in links {
                    li { a href=(l.url()) rel=(REL) { (l.text()) } }
                }
            }
        }
    }
}

/// The name of a session's list of links.
pub fn list_name(lang: Lang) -> &'static str {
    lang.t("Links", "Liens")
}

/// The words of the link fields, here and in phone.js's own forms
/// (`views::phone::strings`): the legend, "Address", "Label".
pub fn words(lang: Lang) -> (&'static str, &'static str, &'static str) {
    (
        lang.t(
            "Links (notes, slides, a call): up to 3, http:// or https://",
            "Liens (notes, diapos, visio) : jusqu'à 3, en http:// ou https://",
        ),
        lang.t("Address", "Adresse"),
        lang.t("Label", "Intitulé"),
    )
}

/// The link fields of a claim or edit form (`link1_url`, `link1_label`, ...),
/// filled with `current`; `id` makes the element ids unique on the page.
pub fn fields(lang: Lang, id: &str, current: Option<&Links>) -> Markup {
    let current: Vec<&Link> = current.map(|l| l.iter().collect()).unwrap_or_default();
    let (legend, address, label) = words(lang);
    html! {
        fieldset class="link-fields" {
            legend { (legend) }
            @for n in 1..=MAX_LINKS {
                @let now = current.get(n - 1);
                div class="link-field" {
                    label for={ (id) "-link" (n) "-url" } { (address) " " (n) }
                    input id={ (id) "-link" (n) "-url" } name={ "link" (n) "_url" } type="url"
                        inputmode="url" maxlength=(MAX_URL) placeholder="https://"
                        value=(now.map_or("", |l| l.url()));
                    label for={ (id) "-link" (n) "-label" } { (label) " " (n) }
                    input id={ (id) "-link" (n) "-label" } name={ "link" (n) "_label" } type="text"
                        maxlength=(MAX_LABEL) value=(now.map_or("", |l| l.label()));
                }
            }
        }
    }
}
