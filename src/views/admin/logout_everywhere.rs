//! The "log out everywhere" form of the admin page: a plain POST (no
//! JavaScript needed) that ends every organiser session of the event, this
//! browser's included, for when a cookie may have been copied or a laptop
//! left open.

use maud::{Markup, html};

use crate::i18n::Lang;

/// The form, for the page's header beside "Log out".
pub fn form(lang: Lang, slug: &str) -> Markup {
    html! {
        form id="logout-everywhere" method="post" action={ "/e/" (slug) "/admin/logout-everywhere" } {
            button type="submit" title=(lang.t(
                "Ends every organiser session of this event, on every device; everyone logs in again",
                "Termine toutes les sessions organisateur de cet événement, sur tous les appareils ; chacun se reconnecte",
            )) {
                (lang.t("Log out everywhere", "Déconnecter partout"))
            }
        }
    }
}
