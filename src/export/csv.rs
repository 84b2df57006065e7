//! CSV: one row per session, for spreadsheets and scripts.
//!
//! The organiser opens this file in a spreadsheet, and a spreadsheet runs a
//! cell that starts like a formula: a title typed as `=HYPERLINK(...)` or
//! `@SUM(...)` would run on the organiser's machine. So every cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return is neutralised
//! as OWASP's "CSV Injection" page says: a single quote before it, and the
//! cell quoted, so the spreadsheet shows it as text. The live route and the
//! archive both write through [`csv`], so both are neutralised alike.
//!
//! The rows are written here rather than with the `csv` crate: its writer
//! quotes all cells or only those that need it, and OWASP's defence needs
//! one chosen cell quoted. The quoting itself is RFC 4180's, a dozen lines;
//! the tests read the output back with the `csv` crate.

use crate::board::Board;
use crate::config::EventConfig;

/// The columns of `schedule.csv`, in order.
pub const CSV_HEADER: [&str; 11] = [
    "day",
    "start",
    "end",
    "room_id",
    "room",
    "title",
    "host",
    "description",
    "tags",
    "votes",
    "session_id",
];

/// The column appended after [`CSV_HEADER`] when a session of the board
/// has links: its URLs, separated by spaces. Absent otherwise, so the CSV of
/// a board without links (and of every archive written before links) keeps
/// its bytes.
pub const CSV_LINKS: &str = "links";

/// Whether a spreadsheet would read a cell starting so as a formula.
fn looks_like_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// One cell as RFC 4180 writes it: quoted (quotes doubled) when it holds a
/// comma, a quote or a line break, and neutralised when it looks like a
/// formula.
fn push_cell(out: &mut String, cell: &str) {
    let formula = looks_like_formula(cell);
    if formula || cell.contains([',', '"', '\r', '\n']) {
        out.push('"');
        if formula {
            out.push('\'');
        }
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

fn push_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push_str("\r\n");
}

/// The board as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted
/// when they need it): a header row, then one row per session in programme
/// order. Times are local to the event (`2026-12-05`, `09:30`); tags are
/// joined with `", "`. A cell that looks like a formula starts with `'`.
pub fn csv(event: &EventConfig, board: &Board) -> String {
    let labels = super::room_labels(board);
    let mut out = String::new();
    let with_links = board.sessions().any(|s| !s.links.is_empty());
    let links_column = with_links.then_some(CSV_LINKS);
    push_row(&mut out, CSV_HEADER.into_iter().chain(links_column));
    for p in super::programme(event, board, &labels) {
        let s = p.session;
        let links: Vec<&str> = s.links.iter().map(|l| l.url()).collect();
        let links = links.join(" ");
        let links_cell = with_links.then_some(links.as_str());
        push_row(
            &mut out,
            [
                p.slot.day.to_string().as_str(),
                &p.start.strftime("%H:%M").to_string(),
                &p.end.strftime("%H:%M").to_string(),
                p.room.id.as_str(),
                p.room.name.as_str(),
                s.title.as_str(),
                s.host.as_str(),
                s.description.as_str(),
                &super::tags_joined(s),
                &s.votes.to_string(),
                s.id.as_str(),
            ]
            .into_iter()
            .chain(links_cell),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> String {
        let mut out = String::new();
        push_row(&mut out, cells.iter().copied());
        out
    }

    #[test]
    fn formulas_are_neutralised_and_quoted() {
        assert_eq!(
            row(&["=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "+1", "-2"]),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'@SUM(A1)\",\"'+1\",\"'-2\"\r\n"
        );
        assert_eq!(row(&["\tx", "\rx"]), "\"'\tx\",\"'\rx\"\r\n");
    }

    #[test]
    fn other_cells_are_written_as_rfc_4180_says() {
        assert_eq!(
            row(&["a", "", "b,c", "say \"hi\"", "1 = 1"]),
            "a,,\"b,c\",\"say \"\"hi\"\"\",1 = 1\r\n"
        );
        assert_eq!(row(&["x\ny"]), "\"x\ny\"\r\n");
    }

    #[test]
    fn a_neutralised_cell_reads_back_as_the_text_behind_a_quote() {
        let text = row(&["=1+1", "fine"]);
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let rec = reader.records().next().unwrap().unwrap();
        assert_eq!((&rec[0], &rec[1]), ("'=1+1", "fine"));
    }
}
