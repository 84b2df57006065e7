//! The page of a form refused because another site sent it (HTTP 403).
//!
//! A page of its own: the person who lands here was most likely sent by a
//! page elsewhere that posted one of the board's forms for them (the attack
//! of issue 10, an announcement "The BarCamp is cancelled" posted from a
//! sibling site). Nothing was applied, and the page says where to go to do
//! it for real: the board's own address.

use maud::{Markup, html};

use crate::i18n::Lang;

/// The page for a state-changing form posted from another origin.
pub fn foreign_origin(lang: Lang) -> Markup {
    super::error_page(
        lang,
        lang.t("Refused · slotboard", "Refusé · slotboard"),
        lang.t("Sent from another site", "Envoyé depuis un autre site"),
        html! {
            p { (lang.t(
                "This form was sent from a page of another site, not from the board itself: nothing was applied. If you meant to do this, open the board from its own address and send the form again from there.",
                "Ce formulaire a été envoyé depuis une page d'un autre site, pas depuis le tableau lui-même : rien n'a été appliqué. Si c'était voulu, ouvrez le tableau à sa propre adresse et renvoyez le formulaire depuis celle-ci.",
            )) }
        },
    )
}
