//! The "new event" form of the venue's page, and its preview.
//!
//! The form holds text as the venue typed it ([`Draft`]); the web layer
//! turns it into an `[[events]]` table with the grid builder
//! (`config::builder`) and the one validation of config.toml. "Preview"
//! sends the same form back with the event it would make ([`Preview`]): the
//! slug suggested from the title, the rooms with their ids, every slot of
//! every day; "Create" makes it. Without JavaScript, that is all it needs.

use maud::{Markup, html};

use super::EventRow;
use crate::config::created::FieldError;
use crate::i18n::Lang;

/// The form's fields, as typed (each a text field of the same name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    /// Empty: suggested from the title.
    pub slug: String,
    pub timezone: String,
    /// `fr,en`, `en,fr`, `fr` or `en`: the first is the default.
    pub languages: String,
    /// `2027-01-16, 2027-01-17`.
    pub days: String,
    /// One per line, `Name, capacity`.
    pub rooms: String,
    /// `generate` or `copy`.
    pub grid: String,
    /// The slug of the event to copy from.
    pub from: String,
    pub first_start: String,
    pub last_end: String,
    pub slot_minutes: String,
    pub break_minutes: String,
    pub lunch_start: String,
    pub lunch_minutes: String,
}

impl Draft {
    /// An empty form, with the server's timezone and a usual BarCamp day.
    pub fn new(timezone: &str) -> Draft {
        Draft {
            title: String::new(),
            slug: String::new(),
            timezone: timezone.to_owned(),
            languages: "fr,en".to_owned(),
            days: String::new(),
            rooms: String::new(),
            grid: "generate".to_owned(),
            from: String::new(),
            first_start: "09:30".to_owned(),
            last_end: "17:30".to_owned(),
            slot_minutes: "45".to_owned(),
            break_minutes: "15".to_owned(),
            lunch_start: "12:30".to_owned(),
            lunch_minutes: "60".to_owned(),
        }
    }
}

/// The event a draft makes, for the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub slug: String,
    /// (id, name, capacity).
    pub rooms: Vec<(String, String, u32)>,
    /// (date, the slots as `09:30–10:15`).
    pub days: Vec<(String, Vec<String>)>,
}

const LANGUAGES: [(&str, &str, &str); 4] = [
    ("fr,en", "French, then English", "français, puis anglais"),
    ("en,fr", "English, then French", "anglais, puis français"),
    ("fr", "French only", "français seulement"),
    ("en", "English only", "anglais seulement"),
];

/// A text field with its label, a hint, and its error when it is the one
/// to fix.
fn field(
    name: &str,
    label: &str,
    value: &str,
    hint: &str,
    error: Option<&FieldError>,
    required: bool,
) -> Markup {
    let wrong = error.filter(|e| e.field == name || e.field.starts_with(&format!("{name}[")));
    let hint_id = format!("{name}-hint");
    let err_id = format!("{name}-error");
    let described = if wrong.is_some() {
        format!("{hint_id} {err_id}")
    } else {
        hint_id.clone()
    };
    html! {
        p {
            label for=(name) { (label) }
            input type="text" id=(name) name=(name) value=(value) required[required]
                aria-invalid=[wrong.map(|_| "true")] aria-describedby=(described);
            br;
            small id=(hint_id) class="muted" { (hint) }
            @if let Some(e) = wrong {
                br;
                strong id=(err_id) class="error" { (e.message) }
            }
        }
    }
}

/// The creation form, filled with `draft`, with what to fix and the
/// preview.
pub fn create_form(
    lang: Lang,
    draft: &Draft,
    error: Option<&FieldError>,
    preview: Option<&Preview>,
    events: &[EventRow<'_>],
) -> Markup {
    let rooms_wrong = error.filter(|e| e.field.starts_with("rooms"));
    let other_error = error.filter(|e| {
        ![
            "title",
            "slug",
            "timezone",
            "languages",
            "days",
            "rooms",
            "from",
            "first_start",
            "last_end",
            "slot_minutes",
            "break_minutes",
            "lunch_start",
            "lunch_minutes",
        ]
        .iter()
        .any(|f| e.field == *f || e.field.starts_with(&format!("{f}[")))
    });
    html! {
        section aria-labelledby="create-h" {
            h2 id="create-h" { (lang.t("Create an event", "Créer un événement")) }
            @if let Some(e) = error {
                p class="notice error" role="alert" id="create-error" {
                    (lang.t("Nothing was created. Fix", "Rien n'a été créé. Corrigez")) " "
                    code { (e.field) } " : " (e.message)
                }
            }
            form id="create" method="post" action="/admin/events" {
                fieldset {
                    legend { (lang.t("The event", "L'événement")) }
                    (field("title", lang.t("Title", "Titre"), &draft.title,
                        lang.t("As people will see it, e.g. BarCamp Rennes 2027", "Tel que les gens le verront, ex. BarCamp Rennes 2027"), error, true))
                    (field("slug", lang.t("Address (slug)", "Adresse (slug)"), &draft.slug,
                        lang.t("Its address: /e/barcamp-rennes-2027. Leave it empty to take the one suggested from the title.",
                               "Son adresse : /e/barcamp-rennes-2027. Laissez vide pour prendre celle proposée d'après le titre."), error, false))
                    (field("timezone", lang.t("Timezone", "Fuseau horaire"), &draft.timezone,
                        lang.t("An IANA name, e.g. Europe/Paris", "Un nom IANA, ex. Europe/Paris"), error, true))
                    p {
                        label for="languages" { (lang.t("Languages", "Langues")) }
                        select id="languages" name="languages" {
                            @for (value, en, fr) in LANGUAGES {
                                option value=(value) selected[draft.languages == value] { (lang.t(en, fr)) }
                            }
                        }
                    }
                    (field("days", lang.t("Days", "Jours"), &draft.days,
                        lang.t("Dates as YYYY-MM-DD, separated by commas: 2027-01-16, 2027-01-17",
                               "Dates en AAAA-MM-JJ, séparées par des virgules : 2027-01-16, 2027-01-17"), error, true))
                    p {
                        label for="rooms" { (lang.t("Rooms", "Salles")) }
                        textarea id="rooms" name="rooms" rows="5" cols="40"
                            aria-invalid=[rooms_wrong.map(|_| "true")] aria-describedby="rooms-hint" { (draft.rooms) }
                        br;
                        small id="rooms-hint" class="muted" { (lang.t(
                            "One per line: name, seats (Amphi, 120). Leave empty to copy the rooms of the event below.",
                            "Une par ligne : nom, places (Amphi, 120). Laissez vide pour copier les salles de l'événement ci-dessous.")) }
                        @if let Some(e) = rooms_wrong { br; strong class="error" { (e.message) } }
                    }
                }
                fieldset {
                    legend { (lang.t("The time slots", "Les créneaux")) }
                    p {
                        input type="radio" id="grid-generate" name="grid" value="generate" checked[draft.grid != "copy"];
                        label for="grid-generate" class="inline" { (lang.t("Make each day from these times", "Construire chaque jour à partir de ces horaires")) }
                    }
                    (field("first_start", lang.t("First slot starts at", "Premier créneau à"), &draft.first_start, "HH:MM", error, false))
                    (field("last_end", lang.t("Last slot ends by", "Dernier créneau fini à"), &draft.last_end, "HH:MM", error, false))
                    (field("slot_minutes", lang.t("Slot length (minutes)", "Durée d'un créneau (minutes)"), &draft.slot_minutes, "45", error, false))
                    (field("break_minutes", lang.t("Break between slots (minutes)", "Pause entre créneaux (minutes)"), &draft.break_minutes, "15", error, false))
                    (field("lunch_start", lang.t("Lunch starts at", "Déjeuner à"), &draft.lunch_start,
                        lang.t("HH:MM; empty for no lunch", "HH:MM ; vide pour aucun déjeuner"), error, false))
                    (field("lunch_minutes", lang.t("Lunch length (minutes)", "Durée du déjeuner (minutes)"), &draft.lunch_minutes, "60", error, false))
                    p {
                        input type="radio" id="grid-copy" name="grid" value="copy" checked[draft.grid == "copy"];
                        label for="grid-copy" class="inline" { (lang.t("Copy the slot times of an earlier event", "Copier les horaires d'un événement précédent")) }
                    }
                    p {
                        label for="from" { (lang.t("Earlier event", "Événement précédent")) }
                        select id="from" name="from" {
                            option value="" selected[draft.from.is_empty()] { "—" }
                            @for e in events {
                                option value=(e.slug) selected[draft.from == e.slug] { (e.title) " (" (e.slug) ")" }
                            }
                        }
                        @if let Some(e) = error.filter(|e| e.field == "from") { br; strong class="error" { (e.message) } }
                    }
                }
                @if let Some(e) = other_error {
                    p class="error" { code { (e.field) } " : " (e.message) }
                }
                p {
                    button type="submit" name="action" value="preview" data-action="preview" { (lang.t("Preview", "Aperçu")) }
                    " "
                    button type="submit" name="action" value="create" { (lang.t("Create the event", "Créer l'événement")) }
                }
            }
            @if let Some(p) = preview { (preview_of(lang, p)) }
        }
    }
}

fn preview_of(lang: Lang, p: &Preview) -> Markup {
    html! {
        section id="preview" aria-labelledby="preview-h" {
            h3 id="preview-h" { (lang.t("Preview: nothing is created yet", "Aperçu : rien n'est encore créé")) }
            p { (lang.t("Address", "Adresse")) " : " code { "/e/" (p.slug) } }
            p { (lang.t("Rooms", "Salles")) " : "
                @for (i, (id, name, cap)) in p.rooms.iter().enumerate() {
                    @if i > 0 { ", " }
                    (name) " (" (cap) ", " code { (id) } ")"
                }
            }
            @for (date, slots) in &p.days {
                p { strong { (date) } " : " (slots.join(" · ")) }
            }
        }
    }
}
