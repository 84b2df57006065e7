//! The words for each kind of change, in one table: the audit log the server
//! renders and the lines admin.js adds live both read it.
//!
//! A row names a change's `kind` (and, for the kinds that read two ways, the
//! field and value that pick the row) and a template in both languages whose
//! placeholders say what goes there, by the change's own JSON fields:
//!
//! - `{title:FIELD}`: the quoted title of the session at FIELD (an id, or a
//!   session object with its `id`), as known at that point of the log;
//! - `{cell:FIELD}`: the label of the cell at FIELD (its `slot` and `room`);
//!   `{cell}` is the change's own `slot` and `room`;
//! - `{text:FIELD}`: the text at FIELD, as is;
//! - `{titles:FIELD}`: the quoted titles of the sessions listed at FIELD
//!   (ids or session objects), joined by ", ";
//! - `{count:FIELD}`: how many items the list at FIELD holds.
//!
//! The server fills them in [`describe`]; the table goes to admin.js as data
//! ([`Table`]), and the script fills the same placeholders the same way: it
//! decides nothing about which words a change gets.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::board::labels::cell_label;
use crate::board::{Cell, Change, Grid, RoomId, SessionId, SlotId};
use crate::i18n::Lang;

/// One row of the table.
struct Row {
    kind: &'static str,
    /// The row applies when this field of the change has this value.
    when: Option<(&'static str, When)>,
    en: &'static str,
    fr: &'static str,
}

#[derive(Clone, Copy)]
enum When {
    Is(bool),
    Text(&'static str),
}

impl When {
    fn value(self) -> Value {
        match self {
            When::Is(b) => Value::Bool(b),
            When::Text(t) => Value::from(t),
        }
    }
}

const fn row(kind: &'static str, en: &'static str, fr: &'static str) -> Row {
    Row {
        kind,
        when: None,
        en,
        fr,
    }
}

const fn row_when(
    kind: &'static str,
    field: &'static str,
    when: When,
    en: &'static str,
    fr: &'static str,
) -> Row {
    Row {
        kind,
        when: Some((field, when)),
        en,
        fr,
    }
}

/// The first row that fits a change is its words.
const ROWS: &[Row] = &[
    row(
        "claimed",
        "claimed {cell:session} for {title:session}",
        "a pris {cell:session} pour {title:session}",
    ),
    row(
        "edited",
        "edited {title:session}",
        "a modifié {title:session}",
    ),
    row(
        "released",
        "removed {title:session}",
        "a retiré {title:session}",
    ),
    row(
        "moved",
        "moved {title:session} to {cell}",
        "a déplacé {title:session} vers {cell}",
    ),
    row(
        "swapped",
        "swapped {title:a} and {title:b}",
        "a échangé {title:a} et {title:b}",
    ),
    row("locked", "locked {cell}", "a verrouillé {cell}"),
    row("unlocked", "unlocked {cell}", "a déverrouillé {cell}"),
    row_when(
        "opened",
        "open",
        When::Is(true),
        "opened the board",
        "a ouvert le tableau",
    ),
    row_when(
        "opened",
        "open",
        When::Is(false),
        "closed the board",
        "a fermé le tableau",
    ),
    row_when(
        "announced",
        "text",
        When::Text(""),
        "cleared the announcement",
        "a effacé l'annonce",
    ),
    row(
        "announced",
        "announced “{text:text}”",
        "a annoncé « {text:text} »",
    ),
    row(
        "removed",
        "removed {count:sessions} sessions at once: {titles:sessions}",
        "a retiré {count:sessions} sessions d'un coup : {titles:sessions}",
    ),
    row(
        "restored",
        "put back {count:sessions} sessions: {titles:sessions}",
        "a remis {count:sessions} sessions : {titles:sessions}",
    ),
    row(
        "grid",
        "changed the rooms and slots",
        "a modifié les salles et les créneaux",
    ),
    row(
        "ended",
        "closed the event for good",
        "a clôturé l'événement",
    ),
    row(
        "pitch_queued",
        "joined the pitch queue",
        "s'est inscrit dans la file des pitchs",
    ),
    row(
        "pitch_removed",
        "took pitch {text:pitch} out of the queue",
        "a retiré le pitch {text:pitch} de la file",
    ),
    row(
        "pitch_called",
        "called the next pitch",
        "a appelé le pitch suivant",
    ),
    row(
        "pitch_moved",
        "moved pitch {text:pitch} in the queue",
        "a déplacé le pitch {text:pitch} dans la file",
    ),
    row_when(
        "pitch_opened",
        "open",
        When::Is(true),
        "opened the pitch queue",
        "a ouvert la file des pitchs",
    ),
    row_when(
        "pitch_opened",
        "open",
        When::Is(false),
        "closed the pitch queue",
        "a fermé la file des pitchs",
    ),
    row_when(
        "pitch_hands",
        "big",
        When::Is(true),
        "noted a big show of hands for pitch {text:pitch}",
        "a noté beaucoup de mains levées pour le pitch {text:pitch}",
    ),
    row_when(
        "pitch_hands",
        "big",
        When::Is(false),
        "took back the big show of hands for pitch {text:pitch}",
        "a retiré les mains levées du pitch {text:pitch}",
    ),
    row_when(
        "voted",
        "on",
        When::Is(true),
        "wants to attend {title:session}",
        "veut assister à {title:session}",
    ),
    row_when(
        "voted",
        "on",
        When::Is(false),
        "no longer wants to attend {title:session}",
        "ne veut plus assister à {title:session}",
    ),
];

/// How a title is quoted, `{}` standing for it.
fn quote(lang: Lang) -> &'static str {
    lang.t("“{}”", "« {} »")
}

/// The table in one language, as admin.js gets it.
#[derive(Serialize)]
pub(super) struct Table {
    quote: &'static str,
    rows: Vec<TableRow>,
}

#[derive(Serialize)]
struct TableRow {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<Value>,
    text: &'static str,
}

impl Table {
    pub(super) fn new(lang: Lang) -> Table {
        Table {
            quote: quote(lang),
            rows: ROWS
                .iter()
                .map(|r| TableRow {
                    kind: r.kind,
                    field: r.when.map(|(f, _)| f),
                    value: r.when.map(|(_, w)| w.value()),
                    text: lang.t(r.en, r.fr),
                })
                .collect(),
        }
    }
}

/// What a change did, in words: the "what" of the audit log. `titles` knows
/// the title of every session seen so far (released ones too).
pub fn describe(
    lang: Lang,
    grid: &Grid,
    change: &Change,
    titles: &BTreeMap<SessionId, String>,
) -> String {
    let v = serde_json::to_value(change).unwrap_or(Value::Null);
    let kind = v["kind"].as_str().unwrap_or("");
    let found = ROWS
        .iter()
        .find(|r| r.kind == kind && r.when.is_none_or(|(field, when)| v[field] == when.value()));
    let Some(row) = found else {
        return kind.to_owned();
    };
    fill(lang.t(row.en, row.fr), |what, path| {
        let at = if path.is_empty() { &v } else { &v[path] };
        let title_of = |at: &Value| {
            let id = at.as_str().or_else(|| at["id"].as_str())?;
            let title = titles.get(&SessionId::from(id)).map_or(id, String::as_str);
            Some(quote(lang).replace("{}", title))
        };
        match what {
            "title" => title_of(at),
            "titles" => {
                let all: Option<Vec<String>> = at.as_array()?.iter().map(title_of).collect();
                Some(all?.join(", "))
            }
            "count" => Some(at.as_array()?.len().to_string()),
            "cell" => {
                let cell = Cell {
                    slot: SlotId::from(at["slot"].as_str()?),
                    room: RoomId::from(at["room"].as_str()?),
                };
                Some(cell_label(lang, grid, &cell))
            }
            "text" => Some(at.as_str()?.to_owned()),
            _ => None,
        }
    })
}

/// `template` with each `{what}` or `{what:path}` replaced by `value(what,
/// path)`, in one pass (what is put in is never read as a placeholder);
/// a placeholder without a value stays as written.
fn fill(template: &str, value: impl Fn(&str, &str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find('}') else {
            break;
        };
        let token = &after[1..close];
        let (what, path) = token.split_once(':').unwrap_or((token, ""));
        match value(what, path) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&after[..=close]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{ParticipantId, Room, Slot};

    fn grid() -> Grid {
        Grid {
            rooms: vec![Room {
                id: RoomId::from("amphi"),
                name: "Amphi".into(),
                capacity: 10,
            }],
            slots: vec![Slot {
                id: SlotId::from("a"),
                day: "2026-12-05".parse().unwrap(),
                start: "09:30".parse().unwrap(),
                end: "10:15".parse().unwrap(),
            }],
        }
    }

    fn titles() -> BTreeMap<SessionId, String> {
        BTreeMap::from([(SessionId::from("s_1"), "{cell} Rust".to_owned())])
    }

    #[test]
    fn each_kind_reads_its_row_with_titles_and_cells() {
        let d = |c: Change| describe(Lang::En, &grid(), &c, &titles());
        let moved = Change::Moved {
            session: SessionId::from("s_1"),
            slot: SlotId::from("a"),
            room: RoomId::from("amphi"),
        };
        assert_eq!(
            d(moved),
            "moved “{cell} Rust” to Amphi, Sat 5 Dec 09:30",
            "a title is never read as a placeholder"
        );
        assert_eq!(d(Change::Opened { open: false }), "closed the board");
        assert_eq!(
            d(Change::Announced { text: "".into() }),
            "cleared the announcement"
        );
        assert_eq!(
            d(Change::Announced {
                text: "{text:text}".into()
            }),
            "announced “{text:text}”"
        );
        let vote = Change::Voted {
            session: SessionId::from("s_9"),
            votes: 0,
            voter: ParticipantId::from("p_1"),
            on: false,
        };
        assert_eq!(d(vote), "no longer wants to attend “s_9”", "unknown title");
        let removed = Change::Removed {
            sessions: vec![SessionId::from("s_1"), SessionId::from("s_2")],
        };
        assert_eq!(
            d(removed),
            "removed 2 sessions at once: “{cell} Rust”, “s_2”"
        );
        assert_eq!(
            d(Change::PitchOpened { open: true }),
            "opened the pitch queue"
        );
        assert_eq!(
            d(Change::PitchRemoved {
                pitch: crate::board::PitchId::from("q_3")
            }),
            "took pitch q_3 out of the queue"
        );
        assert_eq!(
            d(Change::PitchHands {
                pitch: crate::board::PitchId::from("q_3"),
                big: true
            }),
            "noted a big show of hands for pitch q_3"
        );
        let fr = describe(Lang::Fr, &grid(), &Change::Ended {}, &titles());
        assert_eq!(fr, "a clôturé l'événement");
    }

    #[test]
    fn every_kind_of_change_has_a_row() {
        let kinds = [
            "claimed",
            "edited",
            "released",
            "moved",
            "swapped",
            "locked",
            "unlocked",
            "opened",
            "announced",
            "voted",
            "ended",
            "removed",
            "restored",
        ];
        for kind in kinds {
            assert!(ROWS.iter().any(|r| r.kind == kind), "{kind}");
        }
        let table = serde_json::to_value(Table::new(Lang::Fr)).unwrap();
        assert_eq!(table["quote"], "« {} »");
        assert_eq!(table["rows"][7]["field"], "open");
        assert_eq!(table["rows"][7]["value"], true);
    }
}
