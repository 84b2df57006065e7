//! The pitch queue: at the opening each proposer pitches a session in a
//! sentence, in turn, then puts it on the board.
//!
//! Its own file because the queue is a small state of its own beside the
//! grid (open or closed, who is pitching now, who waits), with its own six
//! commands and changes; the board holds one [`Pitches`] and `decide.rs` /
//! `apply.rs` hand the pitch commands and changes to the functions here, so
//! the queue's rules and its replay checks sit together.

use serde::{Deserialize, Serialize};

use super::schedule::free_cells;
use super::{
    Actor, Board, Cell, Change, Host, Inconsistent, ParticipantId, PitchId, RejectCode, Rejection,
    SlotId, Title,
};

/// The most pitches that may wait at once: one per participant, but tokens
/// are free, so the queue is bounded like every list a client can grow.
pub const MAX_QUEUE: usize = 500;

/// One proposer's pitch: what they will say and who they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pitch {
    pub id: PitchId,
    pub title: Title,
    pub host: Host,
    pub owner: ParticipantId,
    /// An organiser noted a big show of hands for it (`pitch_hands`): its
    /// phone offers the bigger rooms first. Absent while false, so pitches
    /// written before it read the same.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub big: bool,
}

/// The queue as clients read it (`pitches` of `welcome` and `board.json`)
/// and as a snapshot keeps it. A fresh board's queue is closed and empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pitches {
    pub open: bool,
    pub current: Option<Pitch>,
    pub queue: Vec<Pitch>,
}

/// A pitch command, decided by [`Board::decide`] through [`Board::decide_pitch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PitchOp {
    /// A participant joins the end of the queue.
    Pitch { title: Title, host: Host },
    /// Its owner, or an organiser, takes a pitch out (waiting or current).
    Unpitch { pitch: PitchId },
    /// Organisers: the head of the queue becomes `current`.
    Next,
    /// Organisers: a waiting pitch goes to `position` (0-based).
    Move { pitch: PitchId, position: usize },
    /// Organisers: open or close the queue.
    Open { open: bool },
    /// Organisers: note the show of hands for the pitch being given.
    Hands { pitch: PitchId, big: bool },
}

impl PitchOp {
    /// The protocol's name for this op.
    pub fn op(&self) -> &'static str {
        match self {
            PitchOp::Pitch { .. } => "pitch",
            PitchOp::Unpitch { .. } => "unpitch",
            PitchOp::Next => "pitch_next",
            PitchOp::Move { .. } => "pitch_move",
            PitchOp::Open { .. } => "pitch_open",
            PitchOp::Hands { .. } => "pitch_hands",
        }
    }
}

/// The most free cells a phone is offered to claim from its pitch.
pub const MAX_PITCH_CELLS: usize = 6;

/// Where a participant stands in the queue: the one rule the phone shows
/// ("you're on", "3 before you"); `before` 0 is "you're next".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Place {
    /// Their pitch is `current`: they are pitching now.
    On,
    /// Their pitch waits, with `before` pitches ahead of it.
    Waiting { before: usize },
}

impl Pitches {
    /// The pitch of `who` and where it stands: `current` first (the one
    /// being given), else their waiting pitch; `None` without one.
    pub fn place_of(&self, who: &ParticipantId) -> Option<(&Pitch, Place)> {
        if let Some(p) = self.current.as_ref().filter(|p| &p.owner == who) {
            return Some((p, Place::On));
        }
        self.queue
            .iter()
            .enumerate()
            .find(|(_, p)| &p.owner == who)
            .map(|(before, p)| (p, Place::Waiting { before }))
    }

    /// Whether nothing differs from a fresh board's queue (then a snapshot
    /// leaves it out, as snapshots written before the queue existed do).
    pub fn is_empty(&self) -> bool {
        self == &Pitches::default()
    }

    /// Whether the wall shows the pitch mode (who pitches now, who is next,
    /// the free cells) instead of the board: exactly while the queue is
    /// open. The wall's page and its script both read this one rule.
    pub fn wall_mode(&self) -> bool {
        self.open
    }

    /// The pitch with this id, waiting or current.
    pub fn find(&self, id: &PitchId) -> Option<&Pitch> {
        self.current
            .iter()
            .chain(self.queue.iter())
            .find(|p| &p.id == id)
    }

    /// Where a waiting pitch stands in the queue (0: next to be called).
    pub fn position(&self, id: &PitchId) -> Option<usize> {
        self.queue.iter().position(|p| &p.id == id)
    }

    /// Takes a pitch out, waiting or current.
    pub(super) fn remove(&mut self, id: &PitchId) {
        if self.current.as_ref().is_some_and(|p| &p.id == id) {
            self.current = None;
        }
        self.queue.retain(|p| &p.id != id);
    }

    /// Every id once, and none newer than `rev` (ids are `q_{rev}` of the
    /// queuing, so one from beyond `rev` would be given again).
    pub(super) fn problem(&self, rev: u64) -> Option<String> {
        let mut seen = std::collections::BTreeSet::new();
        for p in self.current.iter().chain(self.queue.iter()) {
            if !seen.insert(&p.id) {
                return Some(format!("pitch {} appears twice", p.id));
            }
            let n =
                p.id.as_str()
                    .strip_prefix("q_")
                    .and_then(|n| n.parse::<u64>().ok());
            if !n.is_some_and(|n| (1..=rev).contains(&n)) {
                return Some(format!("{} is not a pitch this board gave out", p.id));
            }
        }
        None
    }
}

/// The free cells to offer a pitch that is on: those of the slots
/// `upcoming` keeps (the caller's clock says which have not ended), in the
/// board's order; with `big` (a big show of hands) the bigger rooms first.
/// At most [`MAX_PITCH_CELLS`].
pub fn pitch_cells(board: &Board, big: bool, upcoming: impl Fn(&SlotId) -> bool) -> Vec<Cell> {
    let mut cells: Vec<Cell> = free_cells(board)
        .into_iter()
        .filter(|c| upcoming(&c.slot))
        .collect();
    if big {
        let seats = |c: &Cell| board.grid().room(&c.room).map_or(0, |r| r.capacity);
        // Stable: within a size, the earlier slot first.
        cells.sort_by_key(|c| std::cmp::Reverse(seats(c)));
    }
    cells.truncate(MAX_PITCH_CELLS);
    cells
}

fn reject(code: RejectCode, message: impl Into<String>) -> Rejection {
    Rejection::new(code, message)
}

impl Board {
    /// The pitch queue.
    pub fn pitches(&self) -> &Pitches {
        &self.pitches
    }

    /// The pitch `id` if `actor` may use it: its owner, or an organiser.
    pub(super) fn own_pitch(&self, actor: &Actor, id: &PitchId) -> Result<&Pitch, Rejection> {
        let p = self.pitches.find(id).ok_or_else(|| {
            reject(
                RejectCode::NotFound,
                format!("there is no pitch {id} (it may have been removed)"),
            )
        })?;
        if p.owner != actor.id && !actor.is_organiser() {
            return Err(reject(
                RejectCode::Forbidden,
                "only the person who pitched this, or an organiser, can use it",
            ));
        }
        Ok(p)
    }

    /// What a pitch op would change, or why not.
    pub(super) fn decide_pitch(&self, actor: &Actor, op: &PitchOp) -> Result<Change, Rejection> {
        let q = &self.pitches;
        let organiser = |what: &str| {
            if actor.is_organiser() {
                Ok(())
            } else {
                Err(reject(
                    RejectCode::Forbidden,
                    format!("only organisers can {what}"),
                ))
            }
        };
        match op {
            PitchOp::Pitch { title, host } => {
                if !q.open {
                    return Err(reject(
                        RejectCode::Closed,
                        "the pitch queue is closed by the organisers",
                    ));
                }
                if let Some(p) = q.queue.iter().find(|p| p.owner == actor.id) {
                    return Err(reject(
                        RejectCode::Invalid,
                        format!(
                            "you already have a pitch waiting (\"{}\"); leave it first",
                            p.title.as_str()
                        ),
                    ));
                }
                if q.queue.len() >= MAX_QUEUE {
                    return Err(reject(
                        RejectCode::Invalid,
                        format!("the queue is full ({MAX_QUEUE} pitches wait)"),
                    ));
                }
                Ok(Change::PitchQueued {
                    pitch: Pitch {
                        id: PitchId(format!("q_{}", self.rev + 1)),
                        title: title.clone(),
                        host: host.clone(),
                        owner: actor.id.clone(),
                        big: false,
                    },
                })
            }
            PitchOp::Unpitch { pitch } => {
                self.own_pitch(actor, pitch)?;
                Ok(Change::PitchRemoved {
                    pitch: pitch.clone(),
                })
            }
            PitchOp::Next => {
                organiser("call the next pitch")?;
                if q.queue.is_empty() && q.current.is_none() {
                    return Err(reject(RejectCode::Invalid, "nobody is waiting to pitch"));
                }
                Ok(Change::PitchCalled {
                    pitch: q.queue.first().map(|p| p.id.clone()),
                })
            }
            PitchOp::Move { pitch, position } => {
                organiser("reorder the pitch queue")?;
                let Some(at) = q.position(pitch) else {
                    return Err(reject(
                        RejectCode::NotFound,
                        format!("there is no pitch {pitch} waiting in the queue"),
                    ));
                };
                if *position >= q.queue.len() {
                    return Err(reject(
                        RejectCode::Invalid,
                        format!(
                            "position {position} is out of the queue (0 to {})",
                            q.queue.len() - 1
                        ),
                    ));
                }
                if at == *position {
                    return Err(reject(
                        RejectCode::Invalid,
                        "the pitch is already at that place",
                    ));
                }
                Ok(Change::PitchMoved {
                    pitch: pitch.clone(),
                    position: *position,
                })
            }
            PitchOp::Open { open } => {
                organiser("open or close the pitch queue")?;
                if *open == q.open {
                    let state = if q.open { "open" } else { "closed" };
                    return Err(reject(
                        RejectCode::Invalid,
                        format!("the pitch queue is already {state}"),
                    ));
                }
                Ok(Change::PitchOpened { open: *open })
            }
            PitchOp::Hands { pitch, big } => {
                organiser("note a show of hands")?;
                let Some(p) = q.current.as_ref().filter(|p| &p.id == pitch) else {
                    return Err(reject(
                        RejectCode::NotFound,
                        format!("pitch {pitch} is not the one being given"),
                    ));
                };
                if p.big == *big {
                    return Err(reject(
                        RejectCode::Invalid,
                        "this show of hands is already noted",
                    ));
                }
                Ok(Change::PitchHands {
                    pitch: pitch.clone(),
                    big: *big,
                })
            }
        }
    }

    /// Whether a pitch change fits the queue (a journal line may not).
    pub(super) fn check_pitch_change(&self, change: &Change) -> Result<(), Inconsistent> {
        let q = &self.pitches;
        let why = match change {
            Change::PitchQueued { pitch } if q.find(&pitch.id).is_some() => {
                format!("pitch {} exists", pitch.id)
            }
            Change::PitchRemoved { pitch }
            | Change::Claimed {
                pitch: Some(pitch), ..
            } if q.find(pitch).is_none() => format!("unknown pitch {pitch}"),
            Change::PitchCalled { pitch } if pitch.as_ref() != q.queue.first().map(|p| &p.id) => {
                "a call of a pitch that is not the head of the queue".into()
            }
            Change::PitchMoved { pitch, position }
                if q.position(pitch).is_none() || *position >= q.queue.len() =>
            {
                format!("move of pitch {pitch} out of the queue")
            }
            Change::PitchHands { pitch, .. }
                if q.current.as_ref().map(|p| &p.id) != Some(pitch) =>
            {
                format!("a show of hands for pitch {pitch}, which is not current")
            }
            _ => return Ok(()),
        };
        Err(Inconsistent(why))
    }

    /// Applies a pitch change (checked), or the pitch part of a `claimed`.
    pub(super) fn apply_pitch_change(&mut self, change: &Change) {
        let q = &mut self.pitches;
        match change {
            Change::PitchQueued { pitch } => q.queue.push(pitch.clone()),
            Change::PitchRemoved { pitch } => q.remove(pitch),
            Change::PitchCalled { .. } => {
                q.current = (!q.queue.is_empty()).then(|| q.queue.remove(0));
            }
            Change::PitchMoved { pitch, position } => {
                if let Some(at) = q.position(pitch) {
                    let p = q.queue.remove(at);
                    q.queue.insert(*position, p);
                }
            }
            Change::PitchOpened { open } => q.open = *open,
            Change::PitchHands { big, .. } => {
                if let Some(p) = q.current.as_mut() {
                    p.big = *big;
                }
            }
            Change::Claimed {
                pitch: Some(pitch), ..
            } => q.remove(pitch),
            _ => {}
        }
    }
}
