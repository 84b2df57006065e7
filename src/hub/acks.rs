//! The first answer to each `(participant, req)`, so that a command sent again
//! after a reconnect is answered, not applied twice.

use std::collections::{HashMap, VecDeque};

use super::Answer;
use crate::board::ParticipantId;
use crate::store::AckedReq;

/// How many answers an event remembers. Retries come within seconds or
/// minutes of the first try; 100,000 covers a whole BarCamp day many times.
pub const CAPACITY: usize = 100_000;

/// How many acked requests a snapshot keeps for retries after a restart:
/// a phone retries within minutes of its first try, not hours.
pub const PERSISTED: usize = 10_000;

/// A bounded map, forgetting the oldest entries first.
pub struct AckCache {
    capacity: usize,
    answers: HashMap<(ParticipantId, String), Answer>,
    order: VecDeque<(ParticipantId, String)>,
}

impl AckCache {
    pub fn new(capacity: usize) -> Self {
        AckCache {
            capacity,
            answers: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    pub fn get(&self, who: &ParticipantId, req: &str) -> Option<&Answer> {
        // A tuple key cannot be looked up by borrowed parts; the clone is
        // small and only paid by commands that carry a req.
        self.answers.get(&(who.clone(), req.to_owned()))
    }

    pub fn insert(&mut self, who: ParticipantId, req: String, answer: Answer) {
        let key = (who, req);
        if self.answers.insert(key.clone(), answer).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.answers.remove(&old);
            }
        }
    }

    pub fn remove(&mut self, who: &ParticipantId, req: &str) {
        let key = (who.clone(), req.to_owned());
        if self.answers.remove(&key).is_some() {
            self.order.retain(|k| k != &key);
        }
    }

    /// The most recent acked requests (at most `limit`), oldest first, for a
    /// snapshot.
    pub fn acked(&self, limit: usize) -> Vec<AckedReq> {
        let skip = self.order.len().saturating_sub(limit);
        self.order
            .iter()
            .skip(skip)
            .filter_map(|k| match self.answers.get(k) {
                Some(Answer::Ack { rev }) => Some(AckedReq {
                    by: k.0.clone(),
                    req: k.1.clone(),
                    rev: *rev,
                }),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgets_the_oldest_first() {
        let mut c = AckCache::new(2);
        let p = ParticipantId::from("p_1");
        for (i, r) in ["a", "b", "c"].into_iter().enumerate() {
            c.insert(p.clone(), r.into(), Answer::Ack { rev: i as u64 });
        }
        assert!(c.get(&p, "a").is_none());
        assert_eq!(c.get(&p, "c"), Some(&Answer::Ack { rev: 2 }));
        assert_eq!(c.acked(10).len(), 2);
        assert_eq!(c.acked(1)[0].req, "c");
    }

    #[test]
    fn answers_are_per_participant() {
        let mut c = AckCache::new(10);
        c.insert("p_1".into(), "r".into(), Answer::Ack { rev: 1 });
        assert!(c.get(&"p_2".into(), "r").is_none());
    }
}
