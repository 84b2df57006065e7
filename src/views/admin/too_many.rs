//! The page of a login refused because the address used up its attempts
//! (HTTP 429).
//!
//! A page of its own: the secret was not even checked, and the person needs
//! to know that typing it again right now changes nothing, and when it will.

use maud::{Markup, html};

use crate::config::EventConfig;
use crate::i18n::Lang;

/// What the page (and the JSON answer) says: nothing checked, retry after
/// `secs` seconds.
pub fn too_many_attempts_text(lang: Lang, secs: u64) -> String {
    let wait = wait_text(lang, secs);
    match lang {
        Lang::En => format!(
            "Too many wrong organiser secrets came from this address, so this one was not checked. Try again in {wait}."
        ),
        Lang::Fr => format!(
            "Trop de secrets erronés sont venus de cette adresse : celui-ci n'a pas été vérifié. Réessayez dans {wait}."
        ),
    }
}

fn wait_text(lang: Lang, secs: u64) -> String {
    if secs < 120 {
        let s = secs.max(1);
        return match lang {
            Lang::En if s == 1 => "1 second".into(),
            Lang::En => format!("{s} seconds"),
            Lang::Fr if s == 1 => "1 seconde".into(),
            Lang::Fr => format!("{s} secondes"),
        };
    }
    let m = secs.div_ceil(60);
    match lang {
        Lang::En => format!("{m} minutes"),
        Lang::Fr => format!("{m} minutes"),
    }
}

/// The 429 page of `event`'s login.
pub fn too_many_attempts(lang: Lang, event: &EventConfig, secs: u64) -> Markup {
    let lang = crate::views::lang_for(event, lang);
    crate::views::error_page(
        lang,
        lang.t("Too many attempts · slotboard", "Trop d'essais · slotboard"),
        lang.t("Too many attempts", "Trop d'essais"),
        html! {
            p id="too-many" role="alert" { (too_many_attempts_text(lang, secs)) }
            p { a href={ "/e/" (event.slug) "/admin" } { (lang.t("Back to the login", "Retour à la connexion")) } }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_said_in_seconds_then_minutes_in_both_languages() {
        assert!(too_many_attempts_text(Lang::En, 1).contains("in 1 second."));
        assert!(too_many_attempts_text(Lang::Fr, 8).contains("dans 8 secondes."));
        assert!(too_many_attempts_text(Lang::En, 900).contains("in 15 minutes."));
    }
}
