//! The rules: what a command from an actor would change, or why not.
//!
//! [`Board::decide`] reads the board and never changes it; every refusal is
//! a [`Rejection`] built here by the `check_*` rules, so the wording and the
//! codes a participant sees are written in one place.

use super::{
    Actor, Board, Cell, Change, Command, Links, RejectCode, Rejection, Role, Session, SessionId,
    schedule,
};

impl Board {
    /// Decides what a command would change, without changing anything.
    pub fn decide(&self, actor: &Actor, command: &Command) -> Result<Change, Rejection> {
        use RejectCode::*;
        // Links may still come after the end (notes and slides follow the
        // session): `links.rs`. Everything else is refused.
        if self.ended && !command.is_links_only() {
            // The hub adds where the archive is; the board knows no slug.
            return Err(Rejection::new(
                Ended,
                "this event has ended; its programme is in the archive",
            ));
        }
        if actor.role == Role::Viewer {
            return Err(Rejection::new(
                Forbidden,
                "this connection is a viewer; it can only watch",
            ));
        }
        match command {
            Command::Claim {
                cell,
                title,
                host,
                description,
                tags,
            } => {
                self.check_cell(cell)?;
                self.check_open()?;
                self.check_session_cap(actor)?;
                // A new session has no votes yet: any room will do.
                self.check_free(cell)?;
                Ok(Change::Claimed {
                    session: Session {
                        id: SessionId(format!("s_{}", self.rev + 1)),
                        slot: cell.slot.clone(),
                        room: cell.room.clone(),
                        title: title.clone(),
                        host: host.clone(),
                        description: description.clone(),
                        tags: tags.clone(),
                        owner: actor.id.clone(),
                        votes: 0,
                        links: Links::default(),
                    },
                    pitch: None,
                })
            }
            Command::Edit { .. } => self.decide_edit(actor, command, None),
            Command::Release { session } => {
                let s = self.find(session)?;
                self.check_owner(actor, s, true)?;
                Ok(Change::Released {
                    session: s.id.clone(),
                })
            }
            Command::Move { session, to } => {
                let s = self.find(session)?;
                self.check_cell(to)?;
                self.check_owner(actor, s, true)?;
                if &s.cell() == to {
                    return Err(Rejection::new(
                        Invalid,
                        "the session is already in that cell",
                    ));
                }
                self.check_free(to)?;
                Ok(Change::Moved {
                    session: s.id.clone(),
                    slot: to.slot.clone(),
                    room: to.room.clone(),
                })
            }
            Command::Swap { a, b } => {
                self.check_organiser(actor, "swap sessions")?;
                self.find(a)?;
                self.find(b)?;
                if a == b {
                    return Err(Rejection::new(Invalid, "a session cannot swap with itself"));
                }
                Ok(Change::Swapped {
                    a: a.clone(),
                    b: b.clone(),
                })
            }
            Command::Lock { cell } => {
                self.check_organiser(actor, "lock cells")?;
                self.check_cell(cell)?;
                if self.locks.contains(cell) {
                    return Err(Rejection::new(Invalid, "this cell is already locked"));
                }
                Ok(Change::Locked {
                    slot: cell.slot.clone(),
                    room: cell.room.clone(),
                })
            }
            Command::Unlock { cell } => {
                self.check_organiser(actor, "unlock cells")?;
                self.check_cell(cell)?;
                if !self.locks.contains(cell) {
                    return Err(Rejection::new(Invalid, "this cell is not locked"));
                }
                Ok(Change::Unlocked {
                    slot: cell.slot.clone(),
                    room: cell.room.clone(),
                })
            }
            Command::SetOpen { open } => {
                self.check_organiser(actor, "open or close the board")?;
                if *open == self.open {
                    let state = if self.open { "open" } else { "closed" };
                    return Err(Rejection::new(
                        Invalid,
                        format!("the board is already {state}"),
                    ));
                }
                Ok(Change::Opened { open: *open })
            }
            Command::Announce { text } => {
                self.check_organiser(actor, "post announcements")?;
                let current = self.announcement.as_deref().unwrap_or("");
                if text.as_str() == current {
                    return Err(Rejection::new(Invalid, "this is already the announcement"));
                }
                Ok(Change::Announced {
                    text: text.as_str().to_owned(),
                })
            }
            Command::Vote { session, on } => {
                let s = self.find(session)?;
                let has = self
                    .voters
                    .get(session)
                    .is_some_and(|v| v.contains(&actor.id));
                if has == *on {
                    let msg = if *on {
                        "you already want to attend this session"
                    } else {
                        "you had not voted for this session"
                    };
                    return Err(Rejection::new(Invalid, msg));
                }
                let votes = if *on { s.votes + 1 } else { s.votes - 1 };
                Ok(Change::Voted {
                    session: s.id.clone(),
                    votes,
                    voter: actor.id.clone(),
                    on: *on,
                })
            }
            Command::Restore { session } => {
                self.check_organiser(actor, "restore sessions")?;
                let cell = session.cell();
                self.check_cell(&cell)?;
                if self.sessions.contains_key(&session.id) {
                    return Err(Rejection::new(
                        Invalid,
                        format!("session {} is still on the board", session.id),
                    ));
                }
                // Only an id this board gave out: ids are `s_{rev of the
                // claim}`, and one from beyond `rev` would be given again.
                let given = session
                    .id
                    .as_str()
                    .strip_prefix("s_")
                    .and_then(|n| n.parse::<u64>().ok())
                    .is_some_and(|n| (1..=self.rev).contains(&n));
                if !given {
                    return Err(Rejection::new(
                        Invalid,
                        format!("{} is not a session this board gave out", session.id),
                    ));
                }
                // It comes back with no votes: any room will do.
                self.check_free(&cell)?;
                Ok(Change::Claimed {
                    session: Session {
                        votes: 0,
                        ..(**session).clone()
                    },
                    pitch: None,
                })
            }
            Command::RemoveByOwner { owner } => {
                self.check_organiser(actor, "remove sessions in bulk")?;
                self.remove_by_owner(owner)
            }
            Command::RemoveClaimsSince { rev } => {
                self.check_organiser(actor, "remove sessions in bulk")?;
                self.remove_claims_since(*rev)
            }
            Command::RestoreAll { sessions, voters } => {
                self.check_organiser(actor, "restore sessions")?;
                self.restore_all(sessions, voters)
            }
            Command::End => {
                self.check_organiser(actor, "close the event for good")?;
                Ok(Change::Ended {})
            }
            Command::Grid(op) => {
                self.check_organiser(actor, "change the rooms and slots")?;
                self.decide_grid(op)
            }
            Command::Pitch(op) => self.decide_pitch(actor, op),
            Command::WithLinks { links, command } => self.decide_with_links(actor, links, command),
            Command::ClaimPitch { pitch, claim } => {
                if !matches!(**claim, Command::Claim { .. }) {
                    return Err(Rejection::new(Invalid, "only a claim is made from a pitch"));
                }
                self.own_pitch(actor, pitch)?;
                match self.decide(actor, claim)? {
                    Change::Claimed { session, .. } => Ok(Change::Claimed {
                        session,
                        pitch: Some(pitch.clone()),
                    }),
                    other => Ok(other),
                }
            }
        }
    }

    /// An `edit` (a [`Command::Edit`]), with the links that replace the
    /// session's when given.
    pub(super) fn decide_edit(
        &self,
        actor: &Actor,
        edit: &Command,
        links: Option<&Links>,
    ) -> Result<Change, Rejection> {
        let Command::Edit {
            session,
            title,
            host,
            description,
            tags,
        } = edit
        else {
            return Err(Rejection::new(RejectCode::Invalid, "not an edit"));
        };
        let s = self.find(session)?;
        self.check_owner(actor, s, false)?;
        if title.is_none()
            && host.is_none()
            && description.is_none()
            && tags.is_none()
            && links.is_none()
        {
            return Err(Rejection::new(
                RejectCode::Invalid,
                "nothing to edit: give a title, host, description, tags or links",
            ));
        }
        let mut next = s.clone();
        if let Some(t) = title {
            next.title = t.clone();
        }
        if let Some(h) = host {
            next.host = h.clone();
        }
        if let Some(d) = description {
            next.description = d.clone();
        }
        if let Some(t) = tags {
            next.tags = t.clone();
        }
        if let Some(l) = links {
            next.links = l.clone();
        }
        Ok(Change::Edited { session: next })
    }

    /// Decides and applies in one step.
    pub fn execute(&mut self, actor: &Actor, command: &Command) -> Result<Change, Rejection> {
        let change = self.decide(actor, command)?;
        self.apply(&change)
            .expect("a change decided by this board applies to it");
        Ok(change)
    }

    fn find(&self, id: &SessionId) -> Result<&Session, Rejection> {
        self.sessions.get(id).ok_or_else(|| {
            Rejection::new(
                RejectCode::NotFound,
                format!("there is no session {id} (it may have been released)"),
            )
        })
    }

    pub(super) fn check_cell(&self, cell: &Cell) -> Result<(), Rejection> {
        if self.grid.slot(&cell.slot).is_none() {
            return Err(Rejection::new(
                RejectCode::NotFound,
                format!("there is no slot {:?} on this board", cell.slot.as_str()),
            ));
        }
        if self.grid.room(&cell.room).is_none() {
            return Err(Rejection::new(
                RejectCode::NotFound,
                format!("there is no room {:?} on this board", cell.room.as_str()),
            ));
        }
        Ok(())
    }

    fn check_open(&self) -> Result<(), Rejection> {
        if self.open {
            Ok(())
        } else {
            Err(Rejection::new(
                RejectCode::Closed,
                "the board is closed by the organisers",
            ))
        }
    }

    /// Refuses a cell that is locked or taken, offering the free cells
    /// nearest to it ([`schedule::alternatives`]).
    pub(super) fn check_free(&self, cell: &Cell) -> Result<(), Rejection> {
        if self.locks.contains(cell) {
            return Err(Rejection {
                alternatives: schedule::alternatives(self, cell),
                ..Rejection::new(RejectCode::Locked, "the organisers have locked this cell")
            });
        }
        if let Some(s) = self.session_at(cell) {
            return Err(Rejection {
                code: RejectCode::Taken,
                message: format!(
                    "this cell is taken by \"{}\" ({})",
                    s.title.as_str(),
                    s.host.as_str()
                ),
                session: Some(s.id.clone()),
                alternatives: schedule::alternatives(self, cell),
                ..Rejection::new(RejectCode::Taken, "")
            });
        }
        Ok(())
    }

    /// A participant holds at most `session_cap` sessions (issue 10: one
    /// person filled the board); organisers are not capped. Only a claim
    /// gives a participant a session (a restore is an organiser's, and
    /// gives it back to whoever had it).
    fn check_session_cap(&self, actor: &Actor) -> Result<(), Rejection> {
        let Some(max) = self.session_cap else {
            return Ok(());
        };
        if actor.is_organiser() {
            return Ok(());
        }
        let held = u32::try_from(self.held_by(&actor.id)).unwrap_or(u32::MAX);
        if held < max {
            return Ok(());
        }
        let sessions = if held == 1 { "session" } else { "sessions" };
        Err(Rejection {
            held: Some(held),
            max: Some(max),
            ..Rejection::new(
                RejectCode::SessionLimit,
                format!(
                    "You already hold {held} {sessions}, the most one person may hold here \
                     ({max}). Release one first."
                ),
            )
        })
    }

    /// The owner may change their session (release and move only while the
    /// board is open); an organiser may always.
    fn check_owner(&self, actor: &Actor, s: &Session, needs_open: bool) -> Result<(), Rejection> {
        if actor.is_organiser() {
            return Ok(());
        }
        if s.owner != actor.id {
            return Err(Rejection::new(
                RejectCode::Forbidden,
                "only the person who claimed this session, or an organiser, can change it",
            ));
        }
        if needs_open {
            self.check_open()?;
        }
        Ok(())
    }

    fn check_organiser(&self, actor: &Actor, what: &str) -> Result<(), Rejection> {
        if actor.is_organiser() {
            Ok(())
        } else {
            Err(Rejection::new(
                RejectCode::Forbidden,
                format!("only organisers can {what}"),
            ))
        }
    }
}
