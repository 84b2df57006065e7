//! The page of a form refused for its rate (HTTP 429).
//!
//! A page of its own because the person lost nothing and should know it:
//! nothing was applied, and the page carries the very form they sent (its
//! fields hidden, its `req` kept, so sending it twice still applies it once)
//! with one button to send it again after a moment. Issue 10: before, the
//! form routes skipped the socket's rate limits altogether.

use maud::{Markup, html};

use crate::i18n::Lang;

/// The page for a form over its rate: `action` and `fields` are the form as
/// it was posted; `per_network` when the client IP (not this browser) is
/// over its rate.
pub fn too_fast(lang: Lang, per_network: bool, action: &str, fields: &[(&str, &str)]) -> Markup {
    let what = match (lang, per_network) {
        (Lang::En, false) => {
            "This browser sent more actions at once than the board takes: nothing was applied. Wait a second, then send it again."
        }
        (Lang::Fr, false) => {
            "Ce navigateur a envoyé plus d'actions à la fois que le tableau n'en prend : rien n'a été appliqué. Attendez une seconde, puis renvoyez-le."
        }
        (Lang::En, true) => {
            "Your network sent more actions at once than the board takes: nothing was applied. Wait a second, then send it again."
        }
        (Lang::Fr, true) => {
            "Votre réseau a envoyé plus d'actions à la fois que le tableau n'en prend : rien n'a été appliqué. Attendez une seconde, puis renvoyez-le."
        }
    };
    super::error_page(
        lang,
        lang.t("Too fast · slotboard", "Trop rapide · slotboard"),
        lang.t("A moment, please", "Un instant, s'il vous plaît"),
        html! {
            p { (what) }
            form method="post" action=(action) {
                @for (name, value) in fields {
                    input type="hidden" name=(name) value=(value);
                }
                button type="submit" { (lang.t("Send it again", "Renvoyer")) }
            }
            (super::back_to_events(lang))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_keeps_the_form_and_says_to_wait_in_both_languages() {
        let fields = [("title", "Rust <&> \"you\""), ("req", "f-1")];
        let en = too_fast(Lang::En, false, "/e/camp/claim", &fields).into_string();
        assert!(en.contains("Wait a second"));
        assert!(en.contains(r#"action="/e/camp/claim""#));
        assert!(en.contains(r#"name="req" value="f-1""#));
        assert!(
            en.contains("Rust &lt;&amp;&gt; &quot;you&quot;"),
            "escaped: {en}"
        );
        let fr = too_fast(Lang::Fr, true, "/e/camp/vote", &fields).into_string();
        assert!(fr.contains("Votre réseau") && fr.contains("Renvoyer"));
    }
}
