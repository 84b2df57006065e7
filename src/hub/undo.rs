//! What undo remembers for one event, and the undo button's two questions:
//! what would it take back now, and take it back.
//!
//! The rule (which change is moderation, and its inverse) is the core's
//! [`crate::board::undo`], judged on the board just before each change. So
//! the hub keeps a [`Book`]: its own copy of the board, which follows the
//! changes the hub holds in memory, judging each one on the way, plus the
//! marks of what undo has done (the revs it undid, and the revs of the undo
//! changes themselves, never undone in turn: undo goes back in time, it
//! does not toggle). The book catches up when it is asked, so the writer's
//! loop does no undo work at all.
//!
//! The book lives in the [`EventHandle`] (one per event per server, shared
//! by its clones), not in a process-global: two servers in one process (as
//! in the tests) never see each other's marks. Its lock also makes undos of
//! one event one at a time, so two organisers clicking at once undo two
//! actions, never the same one twice.
//!
//! After a restart the book starts from the snapshot the journal was
//! replayed onto, so the changes journaled since that snapshot can still be
//! undone. The marks are in memory only (as before this module): an undo
//! made before a restart is an ordinary change after it. Changes that left
//! the hub's window of recent frames before the book saw them cannot be
//! undone ("too old").

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use crate::board::undo::Undo;
use crate::board::{Actor, Board, Rejection};
use crate::record::Record;

use super::{Answer, EventHandle, HubGone, Snapshot};

/// What undo knows of one event.
pub(super) struct Book {
    /// The board as of the last change the book has judged.
    board: Board,
    /// The moderation changes still in the hub's window, oldest first, each
    /// with its inverse (or [`Undo::Never`]).
    entries: VecDeque<(u64, Undo)>,
    /// Revs undone by undo.
    undone: BTreeSet<u64>,
    /// Revs of the changes undo made.
    undos: BTreeSet<u64>,
}

/// The shared book of one event.
pub(super) type Shared = Arc<tokio::sync::Mutex<Book>>;

/// A book that starts judging after `board` (the board the journal's recent
/// changes were replayed onto).
pub(super) fn shared(board: Board) -> Shared {
    Arc::new(tokio::sync::Mutex::new(Book {
        board,
        entries: VecDeque::new(),
        undone: BTreeSet::new(),
        undos: BTreeSet::new(),
    }))
}

impl Book {
    /// Judges the changes of `records` (the hub's window, oldest first)
    /// that the book has not seen yet, up to `board`, the current one.
    fn catch_up(&mut self, board: &Board, records: &[Record]) {
        let seen = self.board.rev();
        for r in records.iter().filter(|r| r.rev > seen) {
            if r.rev != self.board.rev() + 1 {
                break; // a gap: the window moved on without the book
            }
            let undo = Undo::of(&self.board, r.by.as_ref(), &r.change);
            if self.board.apply(&r.change).is_err() {
                break;
            }
            if undo != Undo::Skip {
                self.entries.push_back((r.rev, undo));
            }
        }
        if self.board.rev() != board.rev() {
            // What the book missed cannot be judged: start again from now.
            self.board = board.clone();
            self.entries.clear();
        }
        let oldest = records.first().map_or(board.rev() + 1, |r| r.rev);
        while self.entries.front().is_some_and(|(rev, _)| *rev < oldest) {
            self.entries.pop_front();
        }
    }

    /// The newest moderation change not undone yet and not itself an undo.
    fn target(&self) -> Option<&(u64, Undo)> {
        self.entries
            .iter()
            .rev()
            .find(|(rev, _)| !self.undone.contains(rev) && !self.undos.contains(rev))
    }
}

/// The board with the changes the hub holds, and what undo would do now.
pub struct UndoHint {
    pub snapshot: Arc<Snapshot>,
    /// The changes the hub holds in memory, oldest first (the last one is
    /// the board's rev).
    pub records: Vec<Record>,
    /// The rev of the change the undo button would take back.
    pub target: Option<u64>,
    /// The revs of the changes made by undo.
    pub undos: BTreeSet<u64>,
}

/// The outcome of the undo button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undone {
    /// The inverse is on disk at `rev`; it took back the change at `undone`.
    Done { rev: u64, undone: u64 },
    /// No moderation action is left to take back.
    NothingToUndo,
    /// The last moderation action has no inverse any more (or never had).
    TooOld,
    /// The board refused the inverse (someone changed things meanwhile).
    Refused(Rejection),
}

impl EventHandle {
    /// The board, the changes the hub holds, and what undo would take back.
    pub async fn undo_hint(&self) -> Result<UndoHint, HubGone> {
        let mut book = self.undo_book().lock().await;
        let (snapshot, records) = self.caught_up(&mut book).await?;
        Ok(UndoHint {
            target: book.target().map(|(rev, _)| *rev),
            undos: book.undos.clone(),
            snapshot,
            records,
        })
    }

    /// Takes back the last moderation action not undone yet, as `actor`:
    /// its inverse is an ordinary command, journaled and broadcast.
    pub async fn undo(&self, actor: Actor) -> Result<Undone, HubGone> {
        let mut book = self.undo_book().lock().await;
        self.caught_up(&mut book).await?;
        let Some((target, undo)) = book.target() else {
            return Ok(Undone::NothingToUndo);
        };
        let target = *target;
        let Undo::Inverse(command) = undo.clone() else {
            return Ok(Undone::TooOld);
        };
        Ok(match self.command(actor, None, command).await {
            Answer::Ack { rev } => {
                book.undone.insert(target);
                book.undos.insert(rev);
                Undone::Done {
                    rev,
                    undone: target,
                }
            }
            Answer::Reject(r) => Undone::Refused(r),
        })
    }

    /// The current board and the hub's records, with the book caught up.
    async fn caught_up(&self, book: &mut Book) -> Result<(Arc<Snapshot>, Vec<Record>), HubGone> {
        let (snapshot, frames) = self.recent(usize::MAX).await?;
        let records: Vec<Record> = frames
            .iter()
            .filter_map(|f| serde_json::from_str(f.text()).ok())
            .collect();
        book.catch_up(&snapshot.board, &records);
        Ok((snapshot, records))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{Cell, Grid, ParticipantId, Role, Room, RoomId, Slot, SlotId};

    fn board() -> Board {
        Board::new(Grid {
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
        })
    }

    fn orga() -> Actor {
        Actor {
            id: ParticipantId::from("p_orga"),
            role: Role::Organiser,
        }
    }

    fn lock() -> crate::board::Command {
        crate::board::Command::Lock {
            cell: Cell {
                slot: SlotId::from("a"),
                room: RoomId::from("amphi"),
            },
        }
    }

    /// Plays `commands` on `b` as the organiser; the records they make.
    fn play(b: &mut Board, commands: &[crate::board::Command]) -> Vec<Record> {
        commands
            .iter()
            .map(|c| {
                let change = b.execute(&orga(), c).unwrap();
                Record {
                    rev: b.rev(),
                    change,
                    at: "2026-12-05T08:00:00Z".into(),
                    by: Some(orga().id),
                    req: None,
                }
            })
            .collect()
    }

    #[test]
    fn the_book_judges_what_it_has_not_seen_and_forgets_what_left_the_window() {
        let mut b = board();
        let book = shared(b.clone());
        let mut book = book.try_lock().unwrap();
        let open = crate::board::Command::SetOpen { open: false };
        let records = play(&mut b, &[lock(), open]);
        book.catch_up(&b, &records);
        assert_eq!(book.target().map(|t| t.0), Some(2));
        book.undone.insert(2);
        assert_eq!(book.target().map(|t| t.0), Some(1));
        // The window now starts at rev 2: rev 1 is too old to be a target.
        book.catch_up(&b, &records[1..]);
        assert_eq!(book.target(), None);
    }

    #[test]
    fn a_gap_starts_the_book_again_from_the_current_board() {
        let mut b = board();
        let book = shared(b.clone());
        let mut book = book.try_lock().unwrap();
        let records = play(&mut b, &[lock()]);
        // The book never saw rev 1: it cannot judge it.
        book.catch_up(&b, &[]);
        assert_eq!(book.board.rev(), 1);
        assert_eq!(book.target(), None);
        book.catch_up(&b, &records);
        assert_eq!(book.target(), None, "rev 1 was not judged");
        let more = play(&mut b, &[crate::board::Command::SetOpen { open: false }]);
        book.catch_up(&b, &more);
        assert!(matches!(
            book.target(),
            Some((
                2,
                Undo::Inverse(crate::board::Command::SetOpen { open: true })
            ))
        ));
    }
}
