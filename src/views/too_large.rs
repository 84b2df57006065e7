//! The page of a form refused for its size (HTTP 413).
//!
//! A page of its own, not the not-found page: the person did nothing wrong
//! with the address, they typed (or pasted) more than a form takes, and the
//! page says so and how to go on, in their language like every other page.

use maud::{Markup, html};

use crate::i18n::Lang;

/// The page for a form whose body is over `limit_kib` KiB.
pub fn too_large(lang: Lang, limit_kib: usize) -> Markup {
    let what = match lang {
        Lang::En => format!(
            "This form sent more than {limit_kib} KiB, more than any form of this board takes: nothing was applied. Go back, shorten what you typed, and send it again."
        ),
        Lang::Fr => format!(
            "Ce formulaire a envoyé plus de {limit_kib} Kio, plus qu'aucun formulaire de ce tableau n'en prend : rien n'a été appliqué. Revenez en arrière, raccourcissez le texte, puis renvoyez-le."
        ),
    };
    super::error_page(
        lang,
        lang.t("Too large · slotboard", "Trop long · slotboard"),
        lang.t("Too large", "Trop long"),
        html! { p { (what) } (super::back_to_events(lang)) },
    )
}
