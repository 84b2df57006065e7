//! The phone page's shared part ([`views::phone::Shared`]: the board's
//! tables and its half of the script's block), kept per event for the
//! snapshot it was built from, so that the readers of one revision render
//! it once between them instead of once each; and kept compressed, so that
//! they compress it once between them too.
//!
//! An entry is the event's current snapshot (held, and compared by pointer:
//! a new revision is a new snapshot, so a change can never be served from
//! an older entry) and the shared parts built from it, one per language and
//! step of the clock, a few at most. The lock is held only to look up or
//! insert an `Arc`: a part is built outside it (two readers that both miss
//! at once both build; the second insert is dropped).
//!
//! A compressed page ([`body`]) is made of pieces (`web::coding`): the
//! tables as nobody reads them and the board's data, compressed at the
//! first request of that coding for the part and kept ([`Kept`]); and, per
//! request, the reader's own text (the page around the tables, and the
//! tables too when they hold the reader's sessions or votes), compressed
//! fast.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::coding::{self, Coding, Effort, Piece};
use crate::hub::Snapshot;
use crate::views::phone::{Parts, Reader, Shared, SharedKey, View};

/// Shared parts kept per snapshot: languages x steps of the clock that are
/// read at once (a step lasts until the next slot starts or ends).
const PER_SNAPSHOT: usize = 4;

/// slug -> the snapshot and its shared parts.
#[derive(Default)]
pub struct PhoneCache {
    events: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    snapshot: Arc<Snapshot>,
    parts: Vec<Arc<Kept>>,
}

/// A shared part, and its pieces compressed in br and in gzip, each made
/// at the first request that asks for it.
pub struct Kept {
    pub shared: Shared,
    brotli: OnceLock<Packed>,
    gzip: OnceLock<Packed>,
}

/// The tables as nobody reads them (what a newcomer, the most of the
/// opening, gets) and the board's data, in one coding.
struct Packed {
    tables: Piece,
    data: Piece,
}

impl Kept {
    fn new(shared: Shared) -> Kept {
        Kept {
            shared,
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        }
    }

    /// The pieces in `coding` (br or gzip).
    fn packed(&self, coding: Coding) -> &Packed {
        let cell = if coding == Coding::Brotli {
            &self.brotli
        } else {
            &self.gzip
        };
        cell.get_or_init(|| {
            let mut tables = String::new();
            self.shared.fill(&Reader::nobody(), &mut tables);
            Packed {
                tables: Piece::new(coding, tables.as_bytes(), Effort::Kept),
                data: Piece::new(coding, self.shared.data().as_bytes(), Effort::Kept),
            }
        })
    }
}

/// `v`'s page in `coding` (br or gzip), from its `parts` and the kept
/// pieces: the same bytes, once decoded, as `views::phone::page_with`.
///
/// A reader whose tables are nobody's gets the kept tables; one with
/// sessions or votes gets theirs compressed with the rest of their own
/// text, in one piece. (Cutting the tables in rows, to keep the others
/// compressed, was tried: rows compressed apart lose what they share, and
/// such a page weighed twice as much.)
pub fn body(kept: &Kept, parts: &Parts, v: &View<'_>, coding: Coding) -> Vec<u8> {
    let packed = kept.packed(coding);
    let reader = Reader::of(v);
    let once = |text: &str| Piece::new(coding, text.as_bytes(), Effort::Once);
    let (tail, data) = (once(&parts.tail), &packed.data);
    if kept.shared.differs(&reader) {
        // (`fill` reserves the tables' room.)
        let mut own = String::with_capacity(parts.head.len() + parts.middle.len());
        own.push_str(&parts.head);
        kept.shared.fill(&reader, &mut own);
        own.push_str(&parts.middle);
        coding::join(coding, [&once(&own), data, &tail])
    } else {
        let (head, middle) = (once(&parts.head), once(&parts.middle));
        coding::join(coding, [&head, &packed.tables, &middle, data, &tail])
    }
}

impl PhoneCache {
    /// The shared part of `slug`'s page for `key` at `snapshot`, built by
    /// `build` if nobody has yet.
    pub fn get(
        &self,
        slug: &str,
        snapshot: &Arc<Snapshot>,
        key: &SharedKey,
        build: impl FnOnce() -> Shared,
    ) -> Arc<Kept> {
        if let Some(found) = self.find(slug, snapshot, key) {
            return found;
        }
        let built = Arc::new(Kept::new(build()));
        let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        let entry = events.entry(slug.to_owned()).or_insert_with(|| Entry {
            snapshot: snapshot.clone(),
            parts: Vec::new(),
        });
        if !Arc::ptr_eq(&entry.snapshot, snapshot) {
            // The last snapshot asked is kept (the current one, but for a
            // reader that got its snapshot just before a change).
            *entry = Entry {
                snapshot: snapshot.clone(),
                parts: Vec::new(),
            };
        }
        if let Some(other) = entry.parts.iter().find(|p| p.shared.key() == key) {
            return other.clone();
        }
        if entry.parts.len() >= PER_SNAPSHOT {
            entry.parts.remove(0);
        }
        entry.parts.push(built.clone());
        built
    }

    fn find(&self, slug: &str, snapshot: &Arc<Snapshot>, key: &SharedKey) -> Option<Arc<Kept>> {
        let events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        let entry = events.get(slug)?;
        if !Arc::ptr_eq(&entry.snapshot, snapshot) {
            return None;
        }
        entry.parts.iter().find(|p| p.shared.key() == key).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::ParticipantId;
    use crate::i18n::Lang;
    use crate::views::phone::cache_tests::{bits, board, event, now, view};
    use crate::views::phone::page_with;
    use std::io::Read as _;

    fn decoded(coding: Coding, body: &[u8]) -> String {
        let mut out = Vec::new();
        match coding {
            Coding::Brotli => brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap(),
            _ => {
                flate2::read::GzDecoder::new(body)
                    .read_to_end(&mut out)
                    .unwrap();
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_compressed_page_decodes_to_the_readers_own_page() {
        let e = event();
        let b = board(&e);
        let kept = Kept::new(Shared::build(&e, &b, Lang::En, now(), None));
        for me in ["p_carol", "p_alice", "p_bob"] {
            let me = ParticipantId::from(me);
            for coding in [Coding::Brotli, Coding::Gzip] {
                let (plain_bits, packed_bits) = (bits(), bits());
                let plain = page_with(
                    &view(&e, &b, &me, Lang::En, None, &plain_bits),
                    &kept.shared,
                )
                .into_string();
                let v = view(&e, &b, &me, Lang::En, None, &packed_bits);
                let parts = crate::views::phone::parts(&v, &kept.shared);
                let body = body(&kept, &parts, &v, coding);
                assert_eq!(decoded(coding, &body), plain, "{me} {coding:?}");
                assert!(body.len() * 2 < plain.len(), "{coding:?}: {}", body.len());
            }
        }
    }
}
