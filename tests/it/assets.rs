//! The embedded assets through the real server: compressed once and served
//! in the coding the request asks (br, gzip, identity; q=0 honoured), with a
//! strong ETag per coding, a year's cache for a versioned URL, and pages
//! that link their assets by version.

use std::io::Read as _;

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, ETAG, IF_NONE_MATCH, VARY,
};

use crate::kit::*;

/// GET `path` with the given `Accept-Encoding` (none for `None`).
async fn fetch(camp: &TestServer, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut r = http_client().get(camp.http(path));
    if let Some(a) = accept {
        r = r.header(ACCEPT_ENCODING, a);
    }
    r.send().await.expect("asset")
}

fn header(r: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

fn unbrotli(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &body[..], &mut out).expect("brotli");
    out
}

fn ungzip(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut out)
        .expect("gzip");
    out
}

/// The versioned URL of `name` as the phone page links it.
async fn linked(camp: &TestServer, name: &str) -> String {
    let page = NoJs::new().get(camp, "/e/camp").await;
    let key = format!("/assets/{name}?v=");
    let at = page
        .body
        .find(&key)
        .unwrap_or_else(|| panic!("{key} in the page"));
    let rest = &page.body[at..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn each_coding_decodes_to_the_same_bytes_as_identity() {
    let camp = TestServer::start().await;
    for name in ["phone.js", "phone.css", "live.js", "style.css", "common.js"] {
        let path = format!("/assets/{name}");
        let plain = fetch(&camp, &path, None).await;
        assert_eq!(plain.status(), StatusCode::OK);
        assert_eq!(header(&plain, CONTENT_ENCODING), None, "{name}: identity");
        assert_eq!(header(&plain, VARY).as_deref(), Some("accept-encoding"));
        let plain_tag = header(&plain, ETAG).unwrap();
        let plain = plain.bytes().await.unwrap().to_vec();
        assert!(!plain.is_empty());

        let br = fetch(&camp, &path, Some("gzip, deflate, br, zstd")).await;
        assert_eq!(
            header(&br, CONTENT_ENCODING).as_deref(),
            Some("br"),
            "{name}"
        );
        let br_tag = header(&br, ETAG).unwrap();
        let br = br.bytes().await.unwrap();
        assert!(br.len() < plain.len(), "{name}: brotli is smaller");
        assert_eq!(unbrotli(&br), plain, "{name}: brotli decodes to the file");

        let gz = fetch(&camp, &path, Some("gzip")).await;
        assert_eq!(
            header(&gz, CONTENT_ENCODING).as_deref(),
            Some("gzip"),
            "{name}"
        );
        let gz_tag = header(&gz, ETAG).unwrap();
        let gz = gz.bytes().await.unwrap();
        assert_eq!(ungzip(&gz), plain, "{name}: gzip decodes to the file");

        // One strong ETag per coding.
        for tag in [&plain_tag, &br_tag, &gz_tag] {
            assert!(tag.starts_with('"') && !tag.starts_with("W/"), "{tag}");
        }
        assert_ne!(plain_tag, br_tag);
        assert_ne!(plain_tag, gz_tag);
        assert_ne!(br_tag, gz_tag);
    }
}

#[tokio::test]
async fn q_zero_is_respected() {
    let camp = TestServer::start().await;
    let r = fetch(&camp, "/assets/phone.js", Some("br;q=0, gzip")).await;
    assert_eq!(header(&r, CONTENT_ENCODING).as_deref(), Some("gzip"));
    let r = fetch(&camp, "/assets/phone.js", Some("gzip;q=0, br;q=0")).await;
    assert_eq!(header(&r, CONTENT_ENCODING), None, "neither coding");
    let plain = fetch(&camp, "/assets/phone.js", None)
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap(), plain);
    let r = fetch(&camp, "/assets/phone.js", Some("*;q=0")).await;
    assert_eq!(header(&r, CONTENT_ENCODING), None);
    let r = fetch(&camp, "/assets/phone.js", Some("gzip;q=1, br;q=0.5")).await;
    assert_eq!(
        header(&r, CONTENT_ENCODING).as_deref(),
        Some("gzip"),
        "the higher q"
    );
}

#[tokio::test]
async fn the_etag_of_each_coding_answers_304() {
    let camp = TestServer::start().await;
    for accept in [None, Some("br"), Some("gzip")] {
        let first = fetch(&camp, "/assets/live.js", accept).await;
        let tag = header(&first, ETAG).unwrap();
        let mut r = http_client()
            .get(camp.http("/assets/live.js"))
            .header(IF_NONE_MATCH, &tag);
        if let Some(a) = accept {
            r = r.header(ACCEPT_ENCODING, a);
        }
        let again = r.send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{accept:?}");
        assert_eq!(header(&again, ETAG).as_deref(), Some(tag.as_str()));
        assert!(again.bytes().await.unwrap().is_empty());
    }
    // The identity ETag does not match the brotli body: a full answer.
    let plain_tag = header(&fetch(&camp, "/assets/live.js", None).await, ETAG).unwrap();
    let r = http_client()
        .get(camp.http("/assets/live.js"))
        .header(IF_NONE_MATCH, &plain_tag)
        .header(ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, CONTENT_ENCODING).as_deref(), Some("br"));
}

#[tokio::test]
async fn a_versioned_url_is_immutable_and_others_are_short() {
    let camp = TestServer::start().await;
    let url = linked(&camp, "phone.js").await;
    let r = fetch(&camp, &url, Some("br")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        header(&r, CACHE_CONTROL).as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    for short in ["/assets/phone.js", "/assets/phone.js?v=0000"] {
        let r = fetch(&camp, short, Some("br")).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            header(&r, CACHE_CONTROL).as_deref(),
            Some("public, max-age=3600"),
            "{short}"
        );
    }
}

#[tokio::test]
async fn pages_link_their_assets_by_version() {
    let camp = TestServer::start().await;
    let page = NoJs::new().get(&camp, "/e/camp").await;
    for name in ["style.css", "phone.css", "phone.js", "live.js"] {
        let url = linked(&camp, name).await;
        let v = url.rsplit("?v=").next().unwrap();
        assert!(
            v.len() >= 8 && v.bytes().all(|b| b.is_ascii_hexdigit()),
            "{url}"
        );
    }
    assert!(
        !page.body.contains("\"/assets/phone.js\""),
        "no unversioned link"
    );
    let wall = NoJs::new().get(&camp, "/e/camp/wall").await;
    assert!(wall.body.contains("/assets/wall.js?v="));
}

#[tokio::test]
async fn an_unknown_asset_is_still_a_404() {
    let camp = TestServer::start().await;
    let r = fetch(&camp, "/assets/nope.js?v=abc", Some("br")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
