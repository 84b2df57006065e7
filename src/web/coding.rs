//! Content codings: which one a request asks for, and bodies made of
//! pieces compressed apart, then joined without compressing them again.
//!
//! Why pieces: most of the phone page (the board's tables, the board's half
//! of the script's block) is the same for every reader of a revision, and at
//! the opening a thousand phones ask for it within a minute. Compressing the
//! whole page per request cost more than rendering it. So the shared parts
//! are compressed once per revision, at a good level, and each request only
//! compresses what is its own (a few KB, at a fast level), then joins the
//! pieces into one valid body:
//!
//! - gzip: each piece is raw deflate ended by a sync flush (byte aligned,
//!   no final block), made by a fresh compressor, so it never refers to data
//!   before itself. Pieces are laid end to end between a gzip header and an
//!   empty final block; the trailer's CRC-32 is combined from the pieces'
//!   (`crc32fast`'s `combine`), as pigz does. One gzip member: every browser
//!   reads it.
//! - br: each piece is a "catable" brotli stream (no reference before its
//!   own start); the brotli crate's `BroCatli` joins them into one stream,
//!   rewriting a few bits where they meet.

use axum::http::HeaderValue;

/// A content coding a response can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// Its `Content-Encoding` (none for identity).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Coding::Brotli => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        }
    }
}

/// The coding to answer an `Accept-Encoding` with: br or gzip, whichever has
/// the higher q (br on a tie; `*` stands for one not named), neither at q=0;
/// identity when neither is accepted or the header is absent or unreadable.
pub fn negotiate(accept: Option<&HeaderValue>) -> Coding {
    let Some(text) = accept.and_then(|v| v.to_str().ok()) else {
        return Coding::Identity;
    };
    let (mut br, mut gzip, mut star) = (None, None, None);
    for item in text.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut q = 1.0_f32;
        for param in parts {
            let param = param.trim();
            if let Some(value) = param
                .strip_prefix("q=")
                .or_else(|| param.strip_prefix("Q="))
            {
                q = value.trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 1.0);
            }
        }
        match name.as_str() {
            "br" => br = Some(q),
            "gzip" | "x-gzip" => gzip = Some(q),
            "*" => star = Some(q),
            _ => {}
        }
    }
    let br = br.or(star).unwrap_or(0.0);
    let gzip = gzip.or(star).unwrap_or(0.0);
    if br > 0.0 && br >= gzip {
        Coding::Brotli
    } else if gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// How hard to compress a piece.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    /// Made once and served many times: brotli 5, deflate 6.
    Kept,
    /// Made for one response: brotli 1 with at most a 256 KiB window,
    /// deflate 1.
    Once,
}

/// The brotli window of the joined stream; no piece's may be larger.
const LGWIN: i32 = 22;

/// The largest window of a piece made for one response: a reader with
/// sessions compresses their whole page (some 500 KB on a big board) per
/// request, and a bigger window cost more to set up than it saved (measured
/// on the bench board: 633 pages/s at 256 KiB, 443 at 4 MiB, for 9 % more
/// bytes).
const ONCE_LGWIN: i32 = 18;

/// The window of a piece of `len` bytes: just big enough (a piece never
/// refers before its own start), at least brotli's 64 KiB. A small window
/// is most of the speed of a small piece: the encoder clears a ring buffer
/// and hash tables of the window's size every time.
fn piece_window(len: usize) -> i32 {
    let bits = usize::BITS - len.max(1).leading_zeros();
    (bits as i32).clamp(16, LGWIN)
}

/// A piece of a body, compressed in one coding so that it can be joined to
/// others ([`join`]).
#[derive(Debug, Clone)]
pub struct Piece {
    coding: Coding,
    bytes: Vec<u8>,
    /// For gzip: the CRC-32 and length of the text.
    crc: u32,
    len: u64,
}

impl Piece {
    /// `text` compressed as a piece of a `coding` body (br or gzip; identity
    /// keeps the text).
    pub fn new(coding: Coding, text: &[u8], effort: Effort) -> Piece {
        let bytes = match coding {
            Coding::Brotli => brotli_piece(text, effort),
            Coding::Gzip => deflate_piece(text, effort),
            Coding::Identity => text.to_vec(),
        };
        let crc = match coding {
            Coding::Gzip => crc32fast::hash(text),
            _ => 0,
        };
        Piece {
            coding,
            bytes,
            crc,
            len: text.len() as u64,
        }
    }

    /// Its compressed size.
    #[cfg(test)]
    pub fn size(&self) -> usize {
        self.bytes.len()
    }
}

fn brotli_piece(text: &[u8], effort: Effort) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: if effort == Effort::Kept { 5 } else { 1 },
        lgwin: match effort {
            Effort::Kept => piece_window(text.len()),
            Effort::Once => piece_window(text.len()).min(ONCE_LGWIN),
        },
        catable: true,
        appendable: true,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(text.len() / 4 + 16);
    // Reading from a slice into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &text[..], &mut out, &params);
    out
}

fn deflate_piece(text: &[u8], effort: Effort) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let level = if effort == Effort::Kept { 6 } else { 1 };
    // Raw deflate (no zlib header), ended by a sync flush: byte aligned,
    // no final block, ready for the next piece.
    let mut z = Compress::new(Compression::new(level), false);
    let mut out = Vec::with_capacity(text.len() / 3 + 64);
    loop {
        let taken = z.total_in() as usize;
        if z.compress_vec(&text[taken..], &mut out, FlushCompress::Sync)
            .is_err()
        {
            // Cannot happen with a fresh stream and a slice; an empty
            // stored piece keeps the body valid if it ever did.
            return vec![0, 0, 0, 0xff, 0xff];
        }
        // Done once all is taken and the flush left room in the buffer.
        if z.total_in() as usize == text.len() && out.len() < out.capacity() {
            return out;
        }
        out.reserve(out.capacity().max(64));
    }
}

/// The pieces, in order, as one body of their coding. Every piece must be of
/// `coding`.
pub fn join<'a>(coding: Coding, pieces: impl IntoIterator<Item = &'a Piece>) -> Vec<u8> {
    let pieces: Vec<&Piece> = pieces.into_iter().collect();
    debug_assert!(pieces.iter().all(|p| p.coding == coding));
    match coding {
        Coding::Identity => pieces
            .iter()
            .flat_map(|p| p.bytes.iter().copied())
            .collect(),
        Coding::Gzip => join_gzip(&pieces),
        Coding::Brotli => join_brotli(&pieces),
    }
}

fn join_gzip(pieces: &[&Piece]) -> Vec<u8> {
    let size: usize = pieces.iter().map(|p| p.bytes.len()).sum();
    let mut out = Vec::with_capacity(size + 20);
    // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=unknown
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    let mut crc = crc32fast::Hasher::new();
    let mut len = 0u64;
    for p in pieces {
        out.extend_from_slice(&p.bytes);
        crc.combine(&crc32fast::Hasher::new_with_initial_len(p.crc, p.len));
        len += p.len;
    }
    // The final block: BFINAL=1, fixed Huffman, end of block.
    out.extend_from_slice(&[0x03, 0x00]);
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(&(len as u32).to_le_bytes());
    out
}

fn join_brotli(pieces: &[&Piece]) -> Vec<u8> {
    use brotli::concat::{BroCatli, BroCatliResult};
    let size: usize = pieces.iter().map(|p| p.bytes.len()).sum();
    let mut out = vec![0u8; size + 16];
    let mut at = 0;
    let mut cat = BroCatli::new_with_window_size(LGWIN as u8);
    for p in pieces {
        cat.new_brotli_file();
        let mut read = 0;
        loop {
            match cat.stream(&p.bytes, &mut read, &mut out, &mut at) {
                BroCatliResult::NeedsMoreOutput => out.resize(out.len() * 2, 0),
                // The whole piece was taken.
                BroCatliResult::NeedsMoreInput | BroCatliResult::Success => break,
                // Our own pieces are always catable: an error is a bug, and
                // the body would be broken. Say so loudly in debug builds.
                other => {
                    debug_assert!(false, "a brotli piece would not join: {other:?}");
                    break;
                }
            }
        }
    }
    while cat.finish(&mut out, &mut at) == BroCatliResult::NeedsMoreOutput {
        out.resize(out.len() * 2, 0);
    }
    out.truncate(at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn ask(text: &str) -> Coding {
        negotiate(Some(&HeaderValue::from_str(text).unwrap()))
    }

    #[test]
    fn accept_encoding_picks_br_then_gzip_and_honours_q_zero() {
        assert_eq!(negotiate(None), Coding::Identity);
        assert_eq!(ask("gzip, deflate, br, zstd"), Coding::Brotli);
        assert_eq!(ask("gzip"), Coding::Gzip);
        assert_eq!(ask("br;q=0, gzip"), Coding::Gzip);
        assert_eq!(ask("br;q=0, gzip;q=0"), Coding::Identity);
        assert_eq!(ask("gzip;q=1, br;q=0.5"), Coding::Gzip);
        assert_eq!(ask("*"), Coding::Brotli);
        assert_eq!(ask("*;q=0.5, br;q=0"), Coding::Gzip);
        assert_eq!(ask("identity"), Coding::Identity);
        assert_eq!(ask("br;q=nonsense"), Coding::Identity);
    }

    fn unbr(body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &body[..], &mut out).expect("a valid brotli stream");
        out
    }

    fn ungz(body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        // GzDecoder checks the CRC and the length of the trailer.
        flate2::read::GzDecoder::new(body)
            .read_to_end(&mut out)
            .expect("a valid gzip member");
        // One member: nothing after it.
        let mut d = flate2::bufread::GzDecoder::new(body);
        std::io::copy(&mut d, &mut std::io::sink()).unwrap();
        assert!(
            d.into_inner().is_empty(),
            "a single member, nothing after it"
        );
        out
    }

    /// Texts a page is made of: markup, repeats, accents, an empty piece,
    /// a big one, random bytes.
    fn texts() -> Vec<Vec<u8>> {
        let mut seed = 7u64;
        let noise: Vec<u8> = (0..5000)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                (seed >> 33) as u8
            })
            .collect();
        vec![
            b"<!DOCTYPE html><html lang=\"fr\"><head>".to_vec(),
            Vec::new(),
            "<td data-slot=\"d1-0930\">Salle é ✓</td>"
                .repeat(3000)
                .into_bytes(),
            b"x".to_vec(),
            noise,
            "<p>réservé &amp; « fin »</p></html>".as_bytes().to_vec(),
        ]
    }

    #[test]
    fn pieces_joined_decode_to_the_texts_end_to_end() {
        let texts = texts();
        let whole: Vec<u8> = texts.concat();
        for coding in [Coding::Brotli, Coding::Gzip, Coding::Identity] {
            for efforts in [[Effort::Kept, Effort::Once], [Effort::Once, Effort::Kept]] {
                let pieces: Vec<Piece> = texts
                    .iter()
                    .enumerate()
                    .map(|(i, t)| Piece::new(coding, t, efforts[i % 2]))
                    .collect();
                let body = join(coding, &pieces);
                let back = match coding {
                    Coding::Brotli => unbr(&body),
                    Coding::Gzip => ungz(&body),
                    Coding::Identity => body.clone(),
                };
                assert_eq!(back, whole, "{coding:?} {efforts:?}");
                if coding != Coding::Identity {
                    assert!(body.len() < whole.len() / 2, "{coding:?}: {}", body.len());
                }
            }
        }
    }

    #[test]
    fn a_pieces_window_fits_it() {
        assert_eq!(piece_window(0), 16);
        assert_eq!(piece_window(12_000), 16);
        assert_eq!(piece_window(65_536), 17);
        assert_eq!(piece_window(80_000), 17);
        assert_eq!(piece_window(300_000), 19);
        assert_eq!(piece_window(100_000_000), LGWIN);
    }

    #[test]
    fn one_piece_and_no_piece_are_bodies_too() {
        for coding in [Coding::Brotli, Coding::Gzip] {
            let one = join(coding, [&Piece::new(coding, b"hello", Effort::Once)]);
            let none = join(coding, []);
            let (one, none) = match coding {
                Coding::Brotli => (unbr(&one), unbr(&none)),
                _ => (ungz(&one), ungz(&none)),
            };
            assert_eq!(one, b"hello");
            assert!(none.is_empty());
        }
    }

    #[test]
    fn a_kept_piece_is_no_bigger_than_one_made_once() {
        let text = "<tr><td class=\"free\">Libre · proposer une session</td></tr>".repeat(500);
        for coding in [Coding::Brotli, Coding::Gzip] {
            let kept = Piece::new(coding, text.as_bytes(), Effort::Kept);
            let once = Piece::new(coding, text.as_bytes(), Effort::Once);
            assert!(kept.size() <= once.size(), "{coding:?}");
        }
    }
}
