//! Who is who: participant tokens and the organiser secret.
//!
//! A participant is a random bearer token (128 bits). The token itself stays
//! between the participant and the server (cookie or `hello.token`); the
//! board, the journal and every broadcast only ever see its [`public_id`],
//! a one-way derivation that cannot be turned back into the token.
//!
//! The organiser secret is never stored in plain text: the config holds
//! `sha256:<salt hex>:<digest hex>` (what `slotboard hash-token` prints), or the
//! secret comes from the `SLOTBOARD_ORGANISER_TOKEN` environment variable and
//! is hashed with a fresh salt as soon as it is read. A candidate is checked
//! by hashing it with the same salt and comparing the digests in constant
//! time, so the comparison leaks nothing about how many bytes matched.
//!
//! An organiser's session cookie, and the book of sessions the server
//! revoked, are in [`session`]; the failure budget of wrong secrets per
//! address and event is [`budget`].

pub mod budget;
mod session;

pub use session::{ORGANISER_SESSION_SECS, SessionBook, SessionClaims};

use std::fmt;

use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Bytes of randomness in a participant token (128 bits).
const TOKEN_BYTES: usize = 16;
/// Bytes of salt in an organiser hash.
const SALT_BYTES: usize = 16;
/// Bytes of a SHA-256 digest.
const DIGEST_BYTES: usize = 32;
/// Domain separation for public ids, so they cannot collide with any other
/// SHA-256 use of the same token.
const PUBLIC_ID_DOMAIN: &str = "slotboard/participant/";
/// The scheme tag that starts every organiser hash.
const HASH_SCHEME: &str = "sha256";

/// A fresh participant token: 128 random bits from the thread-local CSPRNG
/// (ChaCha, seeded and periodically reseeded from the operating system), as
/// 32 lowercase hex characters.
pub fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rng().fill(&mut bytes);
    hex::encode(bytes)
}

/// A fresh id of a participant's calendar feed (`/e/{event}/my/{feed}.ics`):
/// 128 random bits as 32 hex characters, drawn apart from the token, so a
/// feed's address says nothing of whose it is.
pub fn new_feed_id() -> String {
    new_token()
}

/// Whether `s` has the shape of a feed id made by [`new_feed_id`].
pub fn valid_feed_id(s: &str) -> bool {
    s.len() == TOKEN_BYTES * 2
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Whether `s` has the shape of a participant token: 22 to 128 characters of
/// `[A-Za-z0-9_-]`. Tokens issued by [`new_token`] always pass; longer or
/// base64url tokens from third-party clients are accepted too, as long as
/// they carry at least ~128 bits.
pub fn valid_token(s: &str) -> bool {
    (22..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The public id of a participant: `"p_"` and the first 16 hex characters of
/// SHA-256(`"slotboard/participant/"` + token). This is the only form of a
/// participant's identity that is ever broadcast, journaled or archived.
pub fn public_id(token: &str) -> String {
    let digest = Sha256::new()
        .chain_update(PUBLIC_ID_DOMAIN.as_bytes())
        .chain_update(token.as_bytes())
        .finalize();
    let mut id = String::with_capacity(2 + 16);
    id.push_str("p_");
    id.push_str(&hex::encode(&digest[..8]));
    id
}

/// A generated organiser secret for `slotboard hash-token --generate`: 24
/// characters from an alphabet without look-alikes (no `0/O`, `1/l/I`), so it
/// can be read aloud or copied from a screen. 24 symbols of 56 is ~139 bits.
pub fn generate_secret() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..24)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Hashes `secret` with a fresh random salt and returns the string to paste
/// into `organiser_token_hash` in the config.
pub fn hash_secret(secret: &str) -> String {
    OrganiserSecret::from_plain(secret).hash_string()
}

/// The organiser secret, as a salted SHA-256 digest. The plain secret is
/// never kept; [`fmt::Debug`] shows neither the salt nor the digest.
#[derive(Clone, PartialEq, Eq)]
pub struct OrganiserSecret {
    salt: [u8; SALT_BYTES],
    digest: [u8; DIGEST_BYTES],
}

impl OrganiserSecret {
    /// Parses `sha256:<32 hex salt>:<64 hex digest>`, as printed by
    /// `slotboard hash-token`. The error says what is wrong with the string.
    pub fn parse(s: &str) -> Result<Self, String> {
        const HOW: &str = "expected \"sha256:<32 hex characters of salt>:<64 hex characters of digest>\" \
                           as printed by `slotboard hash-token`";
        let s = s.trim();
        let mut parts = s.split(':');
        let (Some(scheme), Some(salt), Some(digest), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("malformed organiser hash; {HOW}"));
        };
        if scheme != HASH_SCHEME {
            return Err(format!(
                "unsupported hash scheme {:?}; {HOW}",
                truncate(scheme, 16)
            ));
        }
        let salt: [u8; SALT_BYTES] = decode_hex_exact(salt)
            .ok_or_else(|| format!("the salt is not 32 hex characters; {HOW}"))?;
        let digest: [u8; DIGEST_BYTES] = decode_hex_exact(digest)
            .ok_or_else(|| format!("the digest is not 64 hex characters; {HOW}"))?;
        Ok(OrganiserSecret { salt, digest })
    }

    /// Hashes a plain secret (from `SLOTBOARD_ORGANISER_TOKEN`) with a fresh
    /// random salt. The plain text is not kept.
    pub fn from_plain(secret: &str) -> Self {
        let mut salt = [0u8; SALT_BYTES];
        rand::rng().fill(&mut salt);
        OrganiserSecret {
            salt,
            digest: digest(&salt, secret),
        }
    }

    /// The `sha256:<salt hex>:<digest hex>` form, for the config file.
    pub fn hash_string(&self) -> String {
        format!(
            "{HASH_SCHEME}:{}:{}",
            hex::encode(self.salt),
            hex::encode(self.digest)
        )
    }

    /// Whether `candidate` is the organiser secret. The candidate is hashed
    /// with the stored salt and the digests are compared in constant time.
    pub fn verify(&self, candidate: &str) -> bool {
        let computed = digest(&self.salt, candidate);
        computed.ct_eq(&self.digest).into()
    }
}

impl fmt::Debug for OrganiserSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OrganiserSecret(sha256:<redacted>)")
    }
}

/// SHA-256(salt || secret).
fn digest(salt: &[u8; SALT_BYTES], secret: &str) -> [u8; DIGEST_BYTES] {
    Sha256::new()
        .chain_update(salt)
        .chain_update(secret.as_bytes())
        .finalize()
        .into()
}

/// Decodes exactly `N` bytes of hex (either case), or `None`.
fn decode_hex_exact<const N: usize>(s: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// At most `max` characters of `s`, for error messages that quote input.
fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_tokens_are_32_lowercase_hex_and_distinct() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        assert_ne!(a, b);
        assert!(valid_token(&a));
    }

    #[test]
    fn token_shape_is_checked() {
        assert!(valid_token(&"a".repeat(22)));
        assert!(valid_token(&"A-_9".repeat(32)));
        assert!(!valid_token(&"a".repeat(21)));
        assert!(!valid_token(&"a".repeat(129)));
        assert!(!valid_token(""));
        assert!(!valid_token(&format!("{}!", "a".repeat(30))));
        assert!(!valid_token(&format!("{} ", "a".repeat(30))));
        assert!(!valid_token(&"é".repeat(20)));
    }

    #[test]
    fn public_id_is_stable_prefixed_and_hides_the_token() {
        let token = "0123456789abcdef0123456789abcdef";
        let id = public_id(token);
        assert_eq!(id, public_id(token));
        assert_eq!(id.len(), 18);
        assert!(id.starts_with("p_"));
        assert!(!id.contains(&token[..8]));
        assert_ne!(id, public_id("0123456789abcdef0123456789abcdee"));
        // SHA-256("slotboard/participant/" + token), first 8 bytes.
        let expected =
            hex::encode(&Sha256::digest(format!("slotboard/participant/{token}").as_bytes())[..8]);
        assert_eq!(id, format!("p_{expected}"));
    }

    #[test]
    fn organiser_secret_round_trips_and_verifies() {
        let hash = hash_secret("demo-organiser-2026");
        let secret = OrganiserSecret::parse(&hash).unwrap();
        assert_eq!(secret.hash_string(), hash);
        assert!(secret.verify("demo-organiser-2026"));
        assert!(!secret.verify("demo-organiser-2027"));
        assert!(!secret.verify(""));
        assert!(!secret.verify("demo-organiser-2026 "));
    }

    #[test]
    fn from_plain_salts_each_time() {
        let a = OrganiserSecret::from_plain("s3cret");
        let b = OrganiserSecret::from_plain("s3cret");
        assert_ne!(a.hash_string(), b.hash_string());
        assert!(a.verify("s3cret") && b.verify("s3cret"));
    }

    #[test]
    fn known_vector_verifies() {
        // salt = 16 zero bytes, secret = "abc".
        let salt = [0u8; 16];
        let mut input = salt.to_vec();
        input.extend_from_slice(b"abc");
        let s = format!(
            "sha256:{}:{}",
            hex::encode(salt),
            hex::encode(Sha256::digest(&input))
        );
        let secret = OrganiserSecret::parse(&s).unwrap();
        assert!(secret.verify("abc"));
        // Upper-case hex is accepted too.
        assert!(
            OrganiserSecret::parse(&s.to_uppercase().replacen("SHA256", "sha256", 1))
                .unwrap()
                .verify("abc")
        );
    }

    #[test]
    fn malformed_hashes_are_refused_with_a_reason() {
        let good = hash_secret("x");
        let (_, rest) = good.split_once(':').unwrap();
        let (salt, digest) = rest.split_once(':').unwrap();
        let cases = [
            ("", "malformed"),
            ("demo-organiser-2026", "malformed"),
            ("sha256:abcd", "malformed"),
            (&format!("{good}:extra"), "malformed"),
            (&format!("md5:{salt}:{digest}"), "unsupported hash scheme"),
            (&format!("sha256:{}:{digest}", &salt[2..]), "salt"),
            (&format!("sha256:zz{}:{digest}", &salt[2..]), "salt"),
            (&format!("sha256:{salt}:{}", &digest[1..]), "digest"),
            (&format!("sha256:{salt}:{digest}00"), "digest"),
        ];
        for (input, want) in cases {
            let err = OrganiserSecret::parse(input).unwrap_err();
            assert!(err.contains(want), "{input:?}: {err}");
            assert!(err.contains("slotboard hash-token"), "{err}");
        }
    }

    #[test]
    fn debug_does_not_print_the_digest() {
        let secret = OrganiserSecret::from_plain("hunter2");
        let hash = secret.hash_string();
        let (_, rest) = hash.split_once(':').unwrap();
        let (salt, digest) = rest.split_once(':').unwrap();
        let shown = format!("{secret:?}");
        assert!(!shown.contains(digest) && !shown.contains(salt), "{shown}");
        assert!(!shown.contains(&digest[..8]));
    }

    #[test]
    fn generated_secrets_are_24_unambiguous_characters() {
        let s = generate_secret();
        assert_eq!(s.chars().count(), 24);
        assert!(s.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(!s.contains(['0', 'O', '1', 'l', 'I']));
        assert_ne!(s, generate_secret());
    }
}
