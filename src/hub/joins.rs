//! Joins: what a new connection gets (`welcome`, the whole state) or a
//! reconnecting one (`resumed`, the changes it missed, when they are all
//! still in memory).
//!
//! A join is served by the actor after a batch's broadcast, so the state a
//! client receives and the first event it receives next follow each other
//! without a gap or an overlap; the rule of when a resume is possible is its
//! own concern, kept apart from the loop that calls it.

use crate::board::ParticipantId;

use super::{Hub, Joined};

impl Hub {
    pub(super) fn join(&mut self, since: Option<u64>, who: &ParticipantId) -> Joined {
        let rev = self.board.rev();
        if let Some(since) = since {
            // Resumable when every change after `since` is still in memory.
            let oldest_kept = self.recent.front().and_then(|f| f.rev).unwrap_or(rev + 1);
            if since <= rev && since + 1 >= oldest_kept {
                let missed = self
                    .recent
                    .iter()
                    .filter(|f| f.rev.is_some_and(|r| r > since))
                    .cloned()
                    .collect();
                return Joined::Resumed {
                    since,
                    rev,
                    missed,
                    rx: self.broadcast.subscribe(),
                    votes: self.board.votes_of(who).cloned().collect(),
                };
            }
        }
        Joined::Welcome {
            snapshot: self.current(),
            rx: self.broadcast.subscribe(),
        }
    }
}
