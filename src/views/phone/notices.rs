//! The notice after a command (`#notice`): what happened, in words, and for
//! a taken or locked cell who holds it and the free cells nearby.
//!
//! A notice is typed: [`NoticeKind`] is "done", "this device is you now", or
//! a refusal with its [`RejectCode`], so a new reject code cannot be
//! forgotten here (the match is exhaustive). The free cells nearby are the
//! core's answer ([`crate::board::schedule::alternatives`]), the same the
//! socket's `reject` frame carries.

use maud::{Markup, html};

use super::{View, claim_href, hidden_req};
use crate::board::labels::cell_short;
use crate::board::schedule::alternatives;
use crate::board::{Cell, RejectCode};
use crate::i18n::Lang;

/// What a notice says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// The command was accepted.
    Done,
    /// This device was just signed in with a link.
    Device,
    /// The command was refused.
    Refused(RejectCode),
}

impl NoticeKind {
    /// Every kind, in the order the page's strings list them.
    pub fn all() -> impl Iterator<Item = NoticeKind> {
        [NoticeKind::Done, NoticeKind::Device]
            .into_iter()
            .chain(RejectCode::ALL.into_iter().map(NoticeKind::Refused))
    }

    /// `ack`, `device`, or the reject code: `data-code` and `?notice=`.
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Done => "ack",
            NoticeKind::Device => "device",
            NoticeKind::Refused(code) => code.as_str(),
        }
    }

    /// The kind a `?notice=` names; anything else is ignored.
    pub fn parse(code: &str) -> Option<NoticeKind> {
        NoticeKind::all().find(|k| k.code() == code)
    }

    /// Whether it is good news.
    pub fn ok(self) -> bool {
        matches!(self, NoticeKind::Done | NoticeKind::Device)
    }

    /// The translated sentence; `op` is the command's (`claim`, ...).
    pub fn text(self, lang: Lang, op: Option<&str>) -> &'static str {
        use RejectCode::*;
        match (self, op) {
            (NoticeKind::Done, Some("claim")) => lang.t(
                "Done: your session is on the board.",
                "C'est fait : votre session est au tableau.",
            ),
            (NoticeKind::Done, Some("edit")) => lang.t("Saved.", "Enregistré."),
            (NoticeKind::Done, Some("release")) => lang.t(
                "Released: the cell is free again.",
                "Libérée : la case est de nouveau libre.",
            ),
            (NoticeKind::Done, Some("move")) => lang.t("Moved.", "Déplacée."),
            (NoticeKind::Done, Some("vote")) => lang.t("Noted.", "C'est noté."),
            (NoticeKind::Done, Some("pitch")) => lang.t(
                "You are in the pitch queue: your place is below.",
                "Vous êtes dans la file des pitchs : votre place est ci-dessous.",
            ),
            (NoticeKind::Done, Some("unpitch")) => lang.t(
                "You left the pitch queue.",
                "Vous avez quitté la file des pitchs.",
            ),
            (NoticeKind::Done, _) => lang.t("Done.", "C'est fait."),
            (NoticeKind::Device, _) => lang.t(
                "This device now acts as you: your sessions are here.",
                "Cet appareil agit maintenant en votre nom : vos sessions sont ici.",
            ),
            (NoticeKind::Refused(code), _) => match code {
                Taken => lang.t(
                    "Too late: someone else just took this cell.",
                    "Trop tard : quelqu'un vient de prendre cette case.",
                ),
                Locked => lang.t(
                    "The organisers have locked this cell.",
                    "L'équipe a verrouillé cette case.",
                ),
                Closed => lang.t(
                    "The board is closed for now.",
                    "Le tableau est fermé pour l'instant.",
                ),
                Forbidden => lang.t(
                    "Only the person who proposed this session (or an organiser) can change it.",
                    "Seule la personne qui a proposé cette session (ou l'équipe) peut la modifier.",
                ),
                NotFound => lang.t(
                    "This session, slot or room does not exist (any more).",
                    "Cette session, ce créneau ou cette salle n'existe pas (ou plus).",
                ),
                Invalid => lang.t(
                    "This was not accepted; check what you typed.",
                    "Ce n'a pas été accepté : vérifiez ce que vous avez saisi.",
                ),
                RateLimited => lang.t(
                    "Too many actions at once; wait a moment and try again.",
                    "Trop d'actions à la fois : attendez un instant et réessayez.",
                ),
                Unavailable => lang.t(
                    "The server could not save this; nothing changed. Try again.",
                    "Le serveur n'a pas pu l'enregistrer ; rien n'a changé. Réessayez.",
                ),
                Ended => lang.t(
                    "This event has ended: its board can no longer change.",
                    "Cet événement est terminé : son tableau ne peut plus changer.",
                ),
                Unsupported => lang.t("This was not accepted.", "Ce n'a pas été accepté."),
                SessionLimit => lang.t(
                    "You already hold the most sessions one person may hold here. Release one first.",
                    "Vous avez déjà le maximum de sessions qu'une personne peut tenir ici. Libérez-en une d'abord.",
                ),
            },
        }
    }

    /// The sentence with the counts, when the refusal carried them
    /// (`session_limit`'s `held` and `max`); else [`NoticeKind::text`].
    pub fn text_with(
        self,
        lang: Lang,
        op: Option<&str>,
        held: Option<u32>,
        max: Option<u32>,
    ) -> String {
        match (self, held, max) {
            (NoticeKind::Refused(RejectCode::SessionLimit), Some(held), Some(max)) => {
                let text = session_limit_template(lang)
                    .replace("{held}", &held.to_string())
                    .replace("{max}", &max.to_string());
                if held == 1 {
                    text.replacen("1 sessions", "1 session", 1)
                } else {
                    text
                }
            }
            _ => self.text(lang, op).to_owned(),
        }
    }

    /// Whether the notice offers free cells nearby.
    fn offers_alternatives(self) -> bool {
        matches!(
            self,
            NoticeKind::Refused(RejectCode::Taken | RejectCode::Locked)
        )
    }
}

/// The sentence of a `session_limit` refusal, `{held}` and `{max}` to be
/// filled: by [`NoticeKind::text_with`] here, and by phone.js from the
/// reject's fields (handed to it in its strings).
pub fn session_limit_template(lang: Lang) -> &'static str {
    lang.t(
        "You already hold {held} sessions, the most one person may hold here ({max}). Release one first.",
        "Vous tenez déjà {held} sessions, le maximum pour une personne ici ({max}). Libérez-en une d'abord.",
    )
}

/// The outcome of a command, shown as `#notice`.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: NoticeKind,
    /// The command's op (`claim`, `edit`, ...), when known.
    pub op: Option<String>,
    /// The server's own message (English, as on the socket).
    pub message: Option<String>,
    /// The cell the command was about (for `taken`: the one that was taken).
    pub cell: Option<Cell>,
    /// What the claim asked for, to claim an alternative in one tap.
    pub title: Option<String>,
    pub host: Option<String>,
    /// For `session_limit`: the sessions held and the most allowed.
    pub held: Option<u32>,
    pub max: Option<u32>,
}

/// `#notice`: empty and hidden when there is nothing to say.
pub(super) fn notice(v: &View<'_>, lang: Lang) -> Markup {
    let slug = &v.event.slug;
    let Some(n) = &v.notice else {
        return html! {
            div id="notice" class="notice" tabindex="-1" hidden {}
        };
    };
    let ok = n.kind.ok();
    let holder = match (&n.cell, n.kind) {
        (Some(cell), NoticeKind::Refused(RejectCode::Taken)) => v.board.session_at(cell),
        _ => None,
    };
    let alts = match &n.cell {
        // The same rule as the socket's reject: the core's.
        Some(cell) if n.kind.offers_alternatives() => alternatives(v.board, cell),
        _ => Vec::new(),
    };
    html! {
        div id="notice" class={ "notice " (if ok { "ok" } else { "bad" }) } data-code=(n.kind.code())
            role=(if ok { "status" } else { "alert" }) tabindex="-1" {
            p class="notice-text" {
                (if ok { "✓ " } else { "⚠ " })
                (n.kind.text_with(lang, n.op.as_deref(), n.held, n.max))
            }
            @if let Some(s) = holder {
                p class="holder" {
                    (lang.t("It now holds", "Elle accueille maintenant"))
                    " « " span class="holder-title" { (s.title.as_str()) } " » ("
                    span class="holder-host" { (s.host.as_str()) } ")."
                }
            }
            @if let Some(m) = &n.message {
                @if !ok {
                    p class="server-msg muted" {
                        (lang.t("Server says:", "Le serveur dit :")) " "
                        span lang="en" { (m) }
                    }
                }
            }
            @if n.kind.offers_alternatives() {
                div id="alternatives" {
                    @if alts.is_empty() {
                        p { (lang.t("No free cell nearby, see the board.", "Pas de case libre à côté : voyez le tableau.")) }
                    } @else {
                        p { (lang.t("Free nearby, one tap to take it:", "Libre à côté, un geste pour la prendre :")) }
                        ul class="alts" {
                            @for c in &alts {
                                li { (alternative(v, lang, n, c)) }
                            }
                        }
                    }
                }
            }
            p class="notice-actions" {
                a class="close" href={ "/e/" (slug) } { (lang.t("OK, close", "OK, fermer")) }
            }
        }
    }
}

fn alternative(v: &View<'_>, lang: Lang, n: &Notice, c: &Cell) -> Markup {
    let slug = &v.event.slug;
    let label = cell_short(lang, v.board.grid(), c);
    match (&n.title, &n.host) {
        (Some(title), Some(host)) => html! {
            form class="alt" method="post" action={ "/e/" (slug) "/claim" } data-op="claim"
                data-slot=(c.slot) data-room=(c.room) {
                input type="hidden" name="slot" value=(c.slot);
                input type="hidden" name="room" value=(c.room);
                input type="hidden" name="title" value=(title);
                input type="hidden" name="host" value=(host);
                (hidden_req(v))
                button type="submit" { (lang.t("Take", "Prendre")) " " (label) }
            }
        },
        _ => html! {
            a class="alt" href=(claim_href(slug, c)) data-slot=(c.slot) data-room=(c.room) {
                (lang.t("Take", "Prendre")) " " (label)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_has_its_own_words() {
        for kind in NoticeKind::all() {
            assert_eq!(NoticeKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(NoticeKind::parse("teleported"), None);
        assert_eq!(
            NoticeKind::Refused(RejectCode::Taken).text(Lang::En, Some("claim")),
            "Too late: someone else just took this cell."
        );
        assert_eq!(NoticeKind::Done.text(Lang::Fr, Some("edit")), "Enregistré.");
    }

    #[test]
    fn the_session_limit_says_the_count_in_both_languages() {
        let k = NoticeKind::Refused(RejectCode::SessionLimit);
        let en = k.text_with(Lang::En, Some("claim"), Some(2), Some(2));
        assert!(en.contains("You already hold 2 sessions"), "{en}");
        let fr = k.text_with(Lang::Fr, Some("claim"), Some(3), Some(2));
        assert!(
            fr.contains("Vous tenez déjà 3 sessions") && fr.contains("(2)"),
            "{fr}"
        );
        // Without the counts, the sentence the script also shows.
        assert_eq!(
            k.text_with(Lang::En, None, None, None),
            k.text(Lang::En, None)
        );
    }
}
