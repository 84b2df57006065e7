//! The phone view.

use maud::{Markup, html};

use super::{Page, announcement, grid, lang_for, lang_switch, layout, offered};
use crate::config::EventConfig;
use crate::hub::Snapshot;
use crate::i18n::Lang;

/// `/e/{event}`: the grid, one table per day.
pub fn page(lang: Lang, event: &EventConfig, snap: &Snapshot) -> Markup {
    let lang = lang_for(event, lang);
    let langs = offered(event);
    let page = Page {
        lang,
        title: &event.title,
        class: "phone",
        styles: &[],
        scripts: &[],
        languages: &langs,
    };
    layout(
        &page,
        html! {
            header {
                h1 { (event.title) }
                (lang_switch(lang, &langs))
                @if !snap.board.is_open() {
                    p role="status" { (lang.t("The board is closed for now.", "Le tableau est fermé pour l'instant.")) }
                }
            }
            main {
                (announcement(&snap.board))
                (grid(lang, event, &snap.board))
            }
            footer class="muted" {
                a href={ "/e/" (event.slug) "/wall" } { (lang.t("Wall view", "Vue murale")) }
                " · " a href={ "/e/" (event.slug) "/schedule.ics" } { (lang.t("Calendar (.ics)", "Agenda (.ics)")) }
            }
        },
    )
}
