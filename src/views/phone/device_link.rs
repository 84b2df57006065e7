//! The pages of a device link (`web::device_link`): the question asked
//! before this device takes another's identity, and the page that says why
//! a link cannot be used and what to do.
//!
//! Opening a link never switches the device by itself: a QR code stuck on a
//! wall must not be able to take over every phone that scans it. So the
//! page asks, says what is lost (the identity this device has now and its
//! sessions), and only its same-origin form makes the switch.

use maud::{Markup, html};

use super::super::{Page, layout};
use crate::config::EventConfig;
use crate::i18n::Lang;

/// Why a device link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// Not the shape of a link (cut, mangled).
    Malformed,
    /// Not made by this server for this event, or changed since.
    Forged,
    /// Older than its few minutes.
    Expired,
    /// Used already, or replaced by a newer link.
    Used,
    /// The old form `?t={token}`, no longer accepted.
    RawToken,
}

/// What the question page shows.
pub struct Confirm<'a> {
    pub lang: Lang,
    pub event: &'a EventConfig,
    /// The public id the link signs in as.
    pub id: &'a str,
    /// This device is that participant already.
    pub already: bool,
    /// This device has an identity of its own now.
    pub has_identity: bool,
    /// The sessions of that identity.
    pub sessions: usize,
    /// The link's `l`, posted back by the form.
    pub link: &'a str,
    pub req: String,
}

/// A public id as people can compare it: the core's one rule.
pub use crate::board::labels::short_id;

fn page(lang: Lang, title: &str, body: Markup) -> Markup {
    let page = Page {
        lang,
        title,
        class: "phone device-link",
        styles: &["phone.css"],
        scripts: &[],
        languages: &[],
    };
    layout(&page, body)
}

/// "Use this phone as p_1a2b3c?" with the form that does it.
pub fn confirm(c: &Confirm<'_>) -> Markup {
    let lang = c.lang;
    let slug = &c.event.slug;
    let short = short_id(c.id);
    let title = lang.t(
        "Use this device as you? · slotboard",
        "Utiliser cet appareil ? · slotboard",
    );
    page(
        lang,
        title,
        html! {
            header { h1 { (c.event.title) } }
            main {
                @if c.already {
                    p role="status" {
                        (lang.t("This device is already ", "Cet appareil est déjà "))
                        code { (short) } "."
                    }
                } @else {
                    h2 { (lang.t("Use this device as ", "Utiliser cet appareil en tant que ")) code { (short) } " ?" }
                    p class="warning" {
                        "⚠ "
                        @if c.has_identity {
                            (lang.t(
                                "The identity this device has now will be replaced",
                                "L'identité que cet appareil a maintenant sera remplacée",
                            ))
                            " (" (c.sessions) " "
                            (if c.sessions == 1 { lang.t("session", "session") } else { lang.t("sessions", "sessions") })
                            "). "
                            (lang.t(
                                "Its sessions stay on the board, but this device will no longer be able to edit them.",
                                "Ses sessions restent au tableau, mais cet appareil ne pourra plus les modifier.",
                            ))
                        } @else {
                            (lang.t(
                                "This device will act as that participant: it can edit and release their sessions.",
                                "Cet appareil agira au nom de ce participant : il pourra modifier et libérer ses sessions.",
                            ))
                        }
                    }
                    p { (lang.t(
                        "Continue only if you opened this link yourself, from your own other device.",
                        "Continuez seulement si vous avez ouvert ce lien vous-même, depuis votre autre appareil.",
                    )) }
                    form method="post" action={ "/e/" (slug) "/me" } {
                        input type="hidden" name="l" value=(c.link);
                        input type="hidden" name="req" value=(c.req);
                        button type="submit" { (lang.t("Use this device as ", "Utiliser cet appareil en tant que ")) (short) }
                    }
                }
                p { a href={ "/e/" (slug) } { (lang.t("Cancel: back to the board", "Annuler : retour au tableau")) } }
            }
        },
    )
}

impl LinkProblem {
    /// Its word, for a script or a line of text (`RawToken` is malformed).
    pub fn code(self) -> &'static str {
        match self {
            LinkProblem::Malformed | LinkProblem::RawToken => "malformed",
            LinkProblem::Forged => "forged",
            LinkProblem::Expired => "expired",
            LinkProblem::Used => "used",
        }
    }

    /// What is wrong with the link, in a sentence.
    pub fn why(self, lang: Lang) -> &'static str {
        match self {
            LinkProblem::Malformed => lang.t(
                "This device link is incomplete or damaged.",
                "Ce lien d'appareil est incomplet ou abîmé.",
            ),
            LinkProblem::Forged => lang.t(
                "This device link was not made by this board, or it was changed.",
                "Ce lien d'appareil n'a pas été fait par ce tableau, ou il a été modifié.",
            ),
            LinkProblem::Expired => lang.t(
                "This device link has expired: a link works for a few minutes only.",
                "Ce lien d'appareil a expiré : un lien ne marche que quelques minutes.",
            ),
            LinkProblem::Used => lang.t(
                "This device link was used already, or a newer one replaced it: a link works once.",
                "Ce lien d'appareil a déjà servi, ou un plus récent l'a remplacé : un lien ne sert qu'une fois.",
            ),
            LinkProblem::RawToken => lang.t(
                "This is an old kind of sign-in link, no longer accepted.",
                "C'est un ancien type de lien de connexion, qui n'est plus accepté.",
            ),
        }
    }
}

/// Why the link cannot be used, and to ask for a new one.
pub fn refused(lang: Lang, slug: &str, p: LinkProblem) -> Markup {
    let why = p.why(lang);
    page(
        lang,
        lang.t(
            "Link not usable · slotboard",
            "Lien inutilisable · slotboard",
        ),
        html! {
            header { h1 { (lang.t("This link cannot be used", "Ce lien est inutilisable")) } }
            main {
                p role="alert" data-problem=(format!("{p:?}").to_lowercase()) { (why) }
                p { (lang.t(
                    "Nothing changed on this device. Ask for a new link: on the device where you are signed in, open the board, then “Use on another device”.",
                    "Rien n'a changé sur cet appareil. Demandez un nouveau lien : sur l'appareil où vous êtes connecté, ouvrez le tableau, puis « Utiliser sur un autre appareil ».",
                )) }
                p { a href={ "/e/" (slug) } { (lang.t("Back to the board", "Retour au tableau")) } }
            }
        },
    )
}
