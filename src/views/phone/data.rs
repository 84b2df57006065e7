//! What `assets/phone.js` is handed in the page's `phone-data` block: the
//! event, the short label of each slot, the timeline of the clock, and every
//! string it shows, in the page's language.
//!
//! The timeline is the core's ([`Schedule::timeline`]): the script finds the
//! step that has begun and shows its phases and "jump to now" target, so it
//! follows the clock without computing a rule or knowing a timezone.

use maud::{Markup, PreEscaped, html};
use serde_json::{Value, json};

use super::View;
use super::grid::phase_label;
use super::notices::NoticeKind;
use crate::board::Board;
use crate::board::labels::slot_short;
use crate::board::schedule::{Phase, Schedule, bigger_room, free_cells};
use crate::i18n::Lang;

/// The `phone-data` block: the reader's fields (`me`, `host`, and the
/// event's `slug`, `lang` and `limits`, cheap to write) then the board's,
/// written once per revision and language (`shared`).
pub(super) fn block(v: &View<'_>, lang: Lang, shared: &str) -> Markup {
    let own = json!({
        "slug": v.event.slug,
        "me": v.me,
        "lang": lang.code(),
        "host": v.host,
        "limits": {
            "title": v.limits.title, "host": v.limits.host,
            "links": crate::board::MAX_LINKS, "link_url": crate::board::MAX_URL,
            "link_label": crate::board::MAX_LABEL,
        },
    });
    let own = escaped(&own);
    let mut json = String::with_capacity(own.len() + shared.len() + 1);
    json.push_str(own.strip_suffix('}').unwrap_or("{"));
    json.push(',');
    json.push_str(shared);
    json.push('}');
    html! { script type="application/json" id="phone-data" { (PreEscaped(json)) } }
}

/// The board's fields of the `phone-data` block, as JSON members with no
/// braces (`"slots":..,"timeline":..`), escaped for a `<script>` as
/// `json_block` does.
pub(super) fn shared(board: &Board, lang: Lang, schedule: &Schedule) -> String {
    let grid = board.grid();
    let slots: Vec<Value> = grid
        .slots
        .iter()
        .map(|s| json!({ "id": s.id, "short": slot_short(lang, grid, &s.id) }))
        .collect();
    let timeline: Vec<Value> = schedule
        .timeline()
        .iter()
        .map(|step| {
            json!({
                "from": step.from.map(|t| t.as_millisecond()),
                "phases": step.phases.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                "target": step.target,
            })
        })
        .collect();
    let fields = json!({
        "slots": slots,
        "timeline": timeline,
        "bigger": bigger_rooms(board),
        "free": free_cells(board),
        "host_clash": host_clashes(board),
        "strings": strings(lang),
    });
    let text = escaped(&fields);
    text.strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or("")
        .to_owned()
}

/// JSON that a `<script>` cannot end early, as `views::json_block` writes it.
fn escaped(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// For each session whose host name also hosts another session of the
/// same slot (the core's `my_day::host_clashes`), that other session's title
/// and room: the phone warns its owner (a warning, not a refusal).
pub fn host_clashes(board: &Board) -> Value {
    let mut out = serde_json::Map::new();
    for (id, other) in crate::board::my_day::host_clashes(board) {
        if let Some(o) = board.session(&other) {
            let room = crate::board::labels::room_name(board.grid(), &o.room);
            out.insert(
                id.as_str().to_owned(),
                json!({"id": o.id, "title": o.title.as_str(), "host": o.host.as_str(), "room": room}),
            );
        }
    }
    Value::Object(out)
}

/// The bigger room to offer each crowded session (the core's
/// [`bigger_room`]), by session id: in the page's block, and again from
/// `GET /e/{slug}/hints` after a change, so the script shows the hint live
/// without computing it.
pub fn bigger_rooms(board: &Board) -> Value {
    let mut out = serde_json::Map::new();
    for s in board.sessions() {
        if let Some(r) = bigger_room(board, s) {
            out.insert(
                s.id.to_string(),
                json!({ "id": r.id, "name": r.name, "capacity": r.capacity }),
            );
        }
    }
    Value::Object(out)
}

/// `GET /e/{slug}/hints`: what the phone's script asks after a change: the
/// bigger rooms, and the free cells a session may move to (the core's
/// `is_free`, so the script holds no copy of the rule).
pub fn hints(board: &Board) -> Value {
    json!({
        "rev": board.rev(),
        "bigger": bigger_rooms(board),
        "free": free_cells(board),
        "host_clash": host_clashes(board),
    })
}

/// Every string `phone.js` shows, in the page's language.
pub fn strings(lang: Lang) -> Value {
    let t = |en, fr| Value::String(lang.t(en, fr).to_owned());
    let mut notices = serde_json::Map::new();
    for kind in NoticeKind::all() {
        notices.insert(kind.code().to_owned(), Value::from(kind.text(lang, None)));
    }
    notices.insert(
        "session_limit_count".to_owned(),
        Value::from(super::notices::session_limit_template(lang)),
    );
    for op in ["claim", "edit", "release", "move", "vote"] {
        notices.insert(
            format!("ack_{op}"),
            Value::from(NoticeKind::Done.text(lang, Some(op))),
        );
    }
    let mut phases = serde_json::Map::new();
    for p in [Phase::Past, Phase::Now, Phase::Next, Phase::Later] {
        phases.insert(p.as_str().to_owned(), Value::from(phase_label(lang, p)));
    }
    let mut out = json!({
        "notices": notices,
        "phases": phases,
        "conn": {
            "connecting": t("Connecting…", "Connexion…"),
            "live": t("Live", "En direct"),
            "reconnecting": t("Reconnecting…", "Reconnexion…"),
            "offline": t("Offline: your actions will be sent when the network is back", "Hors ligne : vos actions partiront au retour du réseau"),
        },
        "free": t("Free", "Libre"),
        "propose": t("propose a session", "proposer une session"),
        "locked": t("Locked by the organisers", "Verrouillé par l'équipe"),
        "yours": t("yours", "la vôtre"),
        "want": t("I want to go", "J'y vais"),
        "want_count": t("want to go", "y vont"),
        "seats": t("seats", "places"),
        "seat": t("seat", "place"),
        "propose_title": t("Propose a session", "Proposer une session"),
        "title": t("Title", "Titre"),
        "host": t("Hosted by", "Animée par"),
        "send": t("Send", "Envoyer"),
        "sending": t("Sending…", "Envoi…"),
        "cancel": t("Cancel", "Annuler"),
        "pending_cell": t("Waiting to be sent:", "En attente d'envoi :"),
        "pending_count": t("action(s) waiting to be sent", "action(s) en attente d'envoi"),
        "holder": t("It now holds", "Elle accueille maintenant"),
        "server_says": t("Server says:", "Le serveur dit :"),
        "alts": t("Free nearby, one tap to take it:", "Libre à côté, un geste pour la prendre :"),
        "no_alts": t("No free cell nearby, see the board.", "Pas de case libre à côté : voyez le tableau."),
        "take": t("Take", "Prendre"),
        "close": t("OK, close", "OK, fermer"),
        "now": t("now", "en cours"),
        "next": t("next", "à suivre"),
        "over": t("over", "terminé"),
        "jump_now": t("Jump to now", "Aller à maintenant"),
        "jump_next": t("Jump to the next slot", "Aller au prochain créneau"),
        "mine_empty": t(
            "You have not proposed a session yet. Tap a free cell to propose one.",
            "Vous n'avez pas encore proposé de session. Touchez une case libre pour en proposer une.",
        ),
        "edit": t("Edit", "Modifier"),
        "save": t("Save", "Enregistrer"),
        "move": t("Move", "Déplacer"),
        "move_to": t("To the free cell", "Vers la case libre"),
        "no_free": t("No free cell right now.", "Aucune case libre pour l'instant."),
        "release": t("Release (free the cell)", "Libérer la case"),
        "host_clash": t(
            "The same host also holds another session at this time:",
            "Le même animateur tient déjà une autre session à cette heure :",
        ),
        "bigger": t(
            "More people want to go than the room holds. A bigger room is free in the same slot:",
            "Plus de monde veut venir que la salle n'en contient. Une salle plus grande est libre sur ce créneau :",
        ),
        "move_it": t("Move it to", "La déplacer en"),
    });
    // The link fields' words, from the one place the server's forms take them.
    let (legend, address, label) = crate::views::links::words(lang);
    if let Value::Object(map) = &mut out {
        map.insert("links".to_owned(), Value::from(legend));
        map.insert("link_url".to_owned(), Value::from(address));
        map.insert("link_label".to_owned(), Value::from(label));
        map.insert(
            "links_list".to_owned(),
            Value::from(crate::views::links::list_name(lang)),
        );
    }
    out
}
