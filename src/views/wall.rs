//! The wall (projector) view.

use maud::{Markup, html};

use super::{Page, announcement, grid, lang_for, layout, offered};
use crate::config::EventConfig;
use crate::hub::Snapshot;
use crate::i18n::Lang;

/// `/e/{event}/wall`: the same grid, large and high-contrast.
pub fn page(lang: Lang, event: &EventConfig, snap: &Snapshot) -> Markup {
    let lang = lang_for(event, lang);
    let langs = offered(event);
    let title = format!("{} · {}", event.title, lang.t("wall", "mur"));
    let page = Page {
        lang,
        title: &title,
        class: "wall",
        styles: &[],
        scripts: &[],
        languages: &langs,
    };
    layout(
        &page,
        html! {
            header { h1 { (event.title) } }
            main {
                (announcement(&snap.board))
                (grid(lang, event, &snap.board))
            }
        },
    )
}
