//! The device link's QR code through the real server: the phone page holds
//! an `<img>` fetched only when "use on another device" is opened (no inline
//! SVG per page view), the route draws exactly the page's own text link, and
//! it is no open QR generator: a forged, tampered, expired, foreign, missing
//! or oversized link is refused with a 4xx and a line saying which, and
//! fetching the code does not use the link up. Expiry is moved with a
//! `ManualClock`, never waited for.

use jiff::SignedDuration;
use slotboard::clock::ManualClock;
use slotboard::config::{Config, Overrides};
use slotboard::server::{Server, Sources};
use slotboard::web::device_link::LINK_SECS;
use tokio::net::TcpListener;

use crate::device_link::device_link;
use crate::kit::*;

/// A second event, so a link of one can be tried on the other.
const FAIR: &str = r#"
[[events]]
slug = "fair"
title = "Fair"
timezone = "Europe/Paris"
organiser_token_hash = "{hash}"

[[events.rooms]]
id = "hall"
name = "Hall"
capacity = 30

[[events.days]]
date = "2037-12-05"
slots = [{ id = "sat-0930", start = "09:30", end = "10:15" }]
"#;

struct Camp {
    server: Server,
    clock: std::sync::Arc<ManualClock>,
    _data: tempfile::TempDir,
}

impl Camp {
    async fn start() -> Camp {
        let data = tempfile::tempdir().unwrap();
        let hash = slotboard::auth::hash_secret(ORGANISER);
        let text = config_text(data.path(), "") + &FAIR.replace("{hash}", &hash);
        let config = Config::from_toml_str(&text, "test.toml", &Overrides::default()).unwrap();
        let clock = ManualClock::at("2037-12-05T08:00:00Z".parse().unwrap());
        let sources = Sources {
            clock: clock.clone(),
            ..Sources::default()
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = Server::start_with(config, listener, sources).await.unwrap();
        Camp {
            server,
            clock,
            _data: data,
        }
    }

    /// A fresh phone page's text link and the `src` of its QR image.
    async fn page(&self, lang: &'static str) -> (String, String, String) {
        let mut laptop = NoJs::new();
        laptop.lang = Some(lang);
        let page = laptop.get(&self.server.addr(), "/e/camp").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let link = device_link(&page.body);
        let device = element(&page.body, "<details id=\"device\"", "</details>");
        let src = attr(device, "<div class=\"qr\" data-src=\"");
        (link, src, device.to_owned())
    }

    async fn qr(&self, path: &str) -> (u16, String, reqwest::header::HeaderMap) {
        let r = request(&self.server.addr(), path).lang("en").get().await;
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, r.text().await.unwrap(), headers)
    }
}

fn element<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let at = html
        .find(open)
        .unwrap_or_else(|| panic!("no {open}: {html}"));
    let end = html[at..].find(close).expect("closed") + close.len();
    &html[at..at + end]
}

/// The value right after `key` up to the next quote.
fn attr(html: &str, key: &str) -> String {
    let at = html.find(key).unwrap_or_else(|| panic!("no {key}: {html}")) + key.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

fn l_of(link: &str) -> &str {
    link.split_once("?l=").expect("a device link").1
}

#[tokio::test]
async fn the_page_holds_an_image_of_its_own_text_link() {
    let camp = Camp::start().await;
    let (link, src, device) = camp.page("en").await;
    assert!(!device.contains("<svg"), "no inline SVG: {device}");
    assert_eq!(src, format!("/e/camp/me/qr.svg?l={}", l_of(&link)));
    // No image in the page (it would be fetched with it): a link to the
    // code, and what phone.js needs to show it in place.
    assert!(!device.contains("<img"), "{device}");
    assert_eq!(attr(&device, "<a class=\"qr-link\" href=\""), src);
    assert!(
        device.contains("data-alt=\"QR code of the link\""),
        "{device}"
    );
    assert!(
        device.contains(&format!("href=\"{link}\"")),
        "the text link"
    );

    let (status, body, headers) = camp.qr(&src).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["content-type"], "image/svg+xml");
    assert_eq!(headers["cache-control"], "no-store");
    // The route's own, stricter policy is not replaced by the site's.
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe"),
        "{csp}"
    );
    let expected = slotboard::views::qr::svg(&link, Some("QR code of the link")).unwrap();
    assert_eq!(body, expected, "the QR code of the page's own link");
    assert!(
        body.contains("xmlns=\"http://www.w3.org/2000/svg\""),
        "{body}"
    );

    // In French, the image says so.
    let (_, _, device) = camp.page("fr").await;
    assert!(device.contains("data-alt=\"QR code du lien\""), "{device}");
    camp.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn fetching_the_code_does_not_use_the_link_up() {
    let camp = Camp::start().await;
    let (link, src, _) = camp.page("en").await;
    for _ in 0..3 {
        assert_eq!(camp.qr(&src).await.0, 200);
    }
    let mut phone = NoJs::new();
    let path = link.trim_start_matches("http://barcamp.test");
    let asked = phone.get(&camp.server.addr(), path).await;
    assert_eq!(asked.status, 200, "the link still asks: {}", asked.body);
    let done = crate::device_link::confirm(&mut phone, &camp.server.addr(), &asked.body).await;
    assert_eq!(done.status, 303, "and still switches: {}", done.body);
    // Once used, its code is refused too.
    let (status, body, headers) = camp.qr(&src).await;
    assert_eq!(status, 410, "{body}");
    assert!(body.starts_with("used:"), "{body}");
    assert_eq!(headers["cache-control"], "no-store");
    camp.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_replaced_or_expired_link_draws_no_code() {
    let camp = Camp::start().await;
    let (_, first, _) = camp.page("en").await;
    assert_eq!(camp.qr(&first).await.0, 200);
    // The same participant's next page view makes a newer link.
    let mut laptop = NoJs::new();
    let page = laptop.get(&camp.server.addr(), "/e/camp").await;
    let older = attr(&page.body, "<div class=\"qr\" data-src=\"");
    let newer = attr(
        &laptop.get(&camp.server.addr(), "/e/camp").await.body,
        "<div class=\"qr\" data-src=\"",
    );
    assert_ne!(older, newer);
    let (status, body, _) = camp.qr(&older).await;
    assert_eq!(
        (status, body.split(':').next()),
        (410, Some("used")),
        "{body}"
    );
    assert_eq!(camp.qr(&newer).await.0, 200);

    camp.clock
        .advance(SignedDuration::from_secs(LINK_SECS + 60));
    let (status, body, _) = camp.qr(&newer).await;
    assert_eq!(status, 410, "{body}");
    assert!(body.starts_with("expired:"), "{body}");
    camp.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn it_is_no_open_qr_generator() {
    let camp = Camp::start().await;
    let (link, _, _) = camp.page("en").await;
    let l = l_of(&link).to_owned();
    let parts: Vec<&str> = l.split('.').collect();
    assert_eq!(parts.len(), 4, "{l}");
    let flip = |s: &str| {
        let last = if s.ends_with('0') { '1' } else { '0' };
        format!("{}{last}", &s[..s.len() - 1])
    };
    let long = "a".repeat(2048);
    let cases: Vec<(String, u16, &str)> = vec![
        // The signature changed.
        (
            format!(
                "/e/camp/me/qr.svg?l={}.{}.{}.{}",
                parts[0],
                parts[1],
                parts[2],
                flip(parts[3])
            ),
            403,
            "forged",
        ),
        // A later expiry under the old signature.
        (
            format!(
                "/e/camp/me/qr.svg?l={}.{}9.{}.{}",
                parts[0], parts[1], parts[2], parts[3]
            ),
            403,
            "forged",
        ),
        // A link of this event asked of another.
        (format!("/e/fair/me/qr.svg?l={l}"), 403, "forged"),
        // Any text to draw.
        (
            "/e/camp/me/qr.svg?l=https://evil.test/".into(),
            400,
            "malformed",
        ),
        ("/e/camp/me/qr.svg".into(), 400, "malformed"),
        ("/e/camp/me/qr.svg?l=".into(), 400, "malformed"),
        ("/e/camp/me/qr.svg?t=abc".into(), 400, "malformed"),
        (format!("/e/camp/me/qr.svg?l={long}"), 400, "malformed"),
        (
            format!("/e/camp/me/qr.svg?l={l}&l={long}"),
            400,
            "malformed",
        ),
        ("/e/camp/me/qr.svg?l=%FF%FE".into(), 400, "malformed"),
    ];
    for (path, status, word) in &cases {
        let (got, body, headers) = camp.qr(path).await;
        assert_eq!(got, *status, "{path}: {body}");
        assert!(body.starts_with(&format!("{word}:")), "{path}: {body}");
        assert!(!body.contains("<svg"), "{path}: {body}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain"),
            "{path}"
        );
    }
    // An event that does not exist.
    let (status, _, _) = camp.qr(&format!("/e/nowhere/me/qr.svg?l={l}")).await;
    assert_eq!(status, 404);
    // The server is still up and the link still good after all that.
    assert_eq!(camp.qr(&format!("/e/camp/me/qr.svg?l={l}")).await.0, 200);
    camp.server.shutdown().await.unwrap();
}
