//! `GET /assets/{file}`: the embedded files of `assets/`, each compressed
//! once and served as the request asks.
//!
//! At the opening a thousand phones fetch the same few files within a
//! minute; compressing them again on every request (as the router's
//! `CompressionLayer` did) cost the server most of its CPU at the moment the
//! board is busiest. So each file's brotli (quality 11) and gzip (best)
//! bodies are made once, at the file's first request, and kept with the
//! plain one; a request gets br, gzip or identity by its `Accept-Encoding`
//! (the highest q, br before gzip on a tie, never a coding at q=0), with
//! `Content-Encoding`, `Vary: Accept-Encoding` and a strong ETag per coding
//! (`If-None-Match` answers 304). The router's `CompressionLayer` leaves a
//! response that already has a `Content-Encoding` alone, so nothing is
//! compressed twice.
//!
//! A URL carrying the file's version (`?v=<hash>`, the one
//! `views::asset_url::versioned` writes into every page) is cached for a
//! year (`immutable`); any other URL for an hour.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, LazyLock, OnceLock};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::coding::{Coding, negotiate};
use crate::i18n::Lang;
use crate::views::asset_url::{self, Assets};

/// The cache lifetime of a versioned URL: a year, never revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The cache lifetime of a URL without the current version.
const SHORT: &str = "public, max-age=3600";

/// `GET /assets/{file}`: the file with its type, in the coding the request
/// asks, with its ETag and cache lifetime.
pub async fn serve(
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    lang: Lang,
) -> Response {
    let Some(asset) = encoded(&file) else {
        return super::not_found(lang).await;
    };
    let coding = negotiate(headers.get(header::ACCEPT_ENCODING));
    let variant = asset.variant(coding);
    let versioned = query.as_deref().is_some_and(|q| {
        q.split('&')
            .any(|p| p.strip_prefix("v=") == Some(asset.version))
    });
    let cache = HeaderValue::from_static(if versioned { IMMUTABLE } else { SHORT });
    let vary = HeaderValue::from_static("accept-encoding");
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| etag_matches(v, &variant.etag))
    {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, variant.etag.clone()),
                (header::CACHE_CONTROL, cache),
                (header::VARY, vary),
            ],
        )
            .into_response();
    }
    let mut response = (
        [
            (header::CONTENT_TYPE, asset.mime.clone()),
            (header::ETAG, variant.etag.clone()),
            (header::CACHE_CONTROL, cache),
            (header::VARY, vary),
        ],
        variant.body.clone(),
    )
        .into_response();
    if let Some(name) = variant.coding.name() {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    response
}

/// Whether an `If-None-Match` names `etag` (weak comparison, as RFC 9110
/// asks of `If-None-Match`; `*` matches any).
fn etag_matches(header: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = header.to_str() else {
        return false;
    };
    let ours = etag.as_bytes();
    list.split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag).as_bytes() == ours)
}

/// One body of a file, in one coding, with its ETag.
struct Variant {
    coding: Coding,
    body: Bytes,
    etag: HeaderValue,
}

/// A file's bodies: identity always, br and gzip when they are smaller.
struct Encoded {
    mime: HeaderValue,
    version: &'static str,
    identity: Variant,
    brotli: Option<Variant>,
    gzip: Option<Variant>,
}

impl Encoded {
    /// The body for `coding`, falling back to identity when that coding
    /// would not be smaller.
    fn variant(&self, coding: Coding) -> &Variant {
        let wanted = match coding {
            Coding::Brotli => self.brotli.as_ref().or(self.gzip.as_ref()),
            Coding::Gzip => self.gzip.as_ref(),
            Coding::Identity => None,
        };
        wanted.unwrap_or(&self.identity)
    }
}

/// One slot per embedded file, filled at its first request.
static ENCODED: LazyLock<HashMap<String, OnceLock<Option<Arc<Encoded>>>>> = LazyLock::new(|| {
    Assets::iter()
        .map(|name| (name.into_owned(), OnceLock::new()))
        .collect()
});

/// The bodies of `file`, compressed at its first request; `None` when there
/// is no such file.
fn encoded(file: &str) -> Option<Arc<Encoded>> {
    ENCODED.get(file)?.get_or_init(|| encode(file)).clone()
}

/// Compresses `file` once in each coding.
fn encode(file: &str) -> Option<Arc<Encoded>> {
    let asset = Assets::get(file)?;
    let version = asset_url::version(file)?;
    let mime = HeaderValue::from_str(asset.metadata.mimetype()).ok()?;
    let plain = asset.data.into_owned();
    let smaller = |coding: Coding, body: Vec<u8>, suffix: &str| {
        (body.len() < plain.len()).then(|| Variant {
            coding,
            body: Bytes::from(body),
            etag: etag(version, suffix),
        })
    };
    let brotli = smaller(Coding::Brotli, brotli_body(&plain), "-br");
    let gzip = smaller(Coding::Gzip, gzip_body(&plain), "-gz");
    Some(Arc::new(Encoded {
        mime,
        version,
        identity: Variant {
            coding: Coding::Identity,
            body: Bytes::from(plain),
            etag: etag(version, ""),
        },
        brotli,
        gzip,
    }))
}

/// A strong ETag: the file's version and its coding.
fn etag(version: &str, suffix: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}{suffix}\"")).expect("hex digits and a suffix")
}

/// `data` as brotli at its best quality (done once per file).
fn brotli_body(data: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    // Reading from a slice into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &data[..], &mut out, &params);
    out
}

/// `data` as gzip at its best level (done once per file).
fn gzip_body(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists() {
        let ours = HeaderValue::from_static("\"abc-br\"");
        let m = |t: &'static str| etag_matches(&HeaderValue::from_static(t), &ours);
        assert!(m("\"abc-br\""));
        assert!(m("W/\"abc-br\""));
        assert!(m("\"x\", \"abc-br\""));
        assert!(m("*"));
        assert!(!m("\"abc\""));
        assert!(!m("\"abc-gz\""));
    }

    #[test]
    fn every_coding_decodes_to_the_file() {
        let asset = encoded("phone.js").expect("embedded");
        let plain = &asset.identity.body;
        let br = &asset.brotli.as_ref().expect("smaller").body;
        let mut unbr = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut unbr).unwrap();
        assert_eq!(&unbr[..], &plain[..]);
        let gz = &asset.gzip.as_ref().expect("smaller").body;
        let mut ungz = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut ungz).unwrap();
        assert_eq!(&ungz[..], &plain[..]);
        assert!(encoded("nope.js").is_none());
    }
}
