//! The files of an archive, built in memory from a board and its history:
//! the board's JSON, the history as protocol frames, and the programme in
//! every format of `crate::export`.
//!
//! It is its own file because it touches no disk: what the files say is
//! decided here, and only here, so archiving twice gives the same bytes
//! whether they are installed (`install.rs`) or exported to a folder.

use crate::board::Board;
use crate::config::EventConfig;
use crate::export;
use crate::i18n::Lang;
use crate::record::Record;

use super::FILES;

/// Every file of the archive, built in memory: `(name, bytes)` in the order
/// of [`FILES`].
pub fn render(
    event: &EventConfig,
    board: &Board,
    board_json: &str,
    history: &[Record],
    public_url: &str,
) -> Vec<(&'static str, Vec<u8>)> {
    // The time of the last change stands for "now" wherever a format wants a
    // timestamp: archiving again gives the same bytes.
    let updated = history
        .last()
        .and_then(|r| r.at.parse::<jiff::Timestamp>().ok());
    let mut lines = String::new();
    for r in history {
        // The protocol's `event` frame: no request id, only public ids.
        lines.push_str(&r.to_frame());
        lines.push('\n');
    }
    // The programme in the event's first language.
    let lang = event
        .languages
        .first()
        .and_then(|c| Lang::parse(c))
        .unwrap_or(Lang::Fr);
    let mut files: Vec<(&'static str, Vec<u8>)> = vec![
        ("board.json", board_json.as_bytes().to_vec()),
        ("history.jsonl", lines.into_bytes()),
        (
            "schedule.ics",
            export::ics(event, board, public_url, updated).into_bytes(),
        ),
        ("schedule.csv", export::csv(event, board).into_bytes()),
        (
            "schedule.xml",
            export::frab_xml(event, board, public_url).into_bytes(),
        ),
        (
            "schedule.json",
            export::frab_json(event, board, public_url).into_bytes(),
        ),
        (
            "index.html",
            export::static_html(event, board, lang).into_bytes(),
        ),
    ];
    files.sort_by_key(|(name, _)| FILES.iter().position(|(n, _)| n == name));
    files
}
