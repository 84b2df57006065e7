//! HTTP as the tests speak it: one client that follows no redirect (so a
//! test sees each 303), one `get`, one form `post`, one way to say which
//! cookie and which language a request carries, whatever the server is (the
//! in-process [`TestServer`], the [`Running`] binary, or a base URL).

use std::net::SocketAddr;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE};
use serde_json::Value;

use crate::kit::launch::TestServer;
use crate::kit::process::Running;

/// Something that serves HTTP: gives the URL of a path on it.
pub trait Base {
    fn url(&self, path: &str) -> String;
}

impl Base for TestServer {
    fn url(&self, path: &str) -> String {
        self.http(path)
    }
}

impl Base for Running {
    fn url(&self, path: &str) -> String {
        Running::url(self, path)
    }
}

impl Base for SocketAddr {
    fn url(&self, path: &str) -> String {
        format!("http://{self}{path}")
    }
}

/// A base URL such as `http://127.0.0.1:8080`.
impl Base for str {
    fn url(&self, path: &str) -> String {
        format!("{self}{path}")
    }
}

impl Base for String {
    fn url(&self, path: &str) -> String {
        format!("{self}{path}")
    }
}

/// An HTTP client that does not follow redirects.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// `application/x-www-form-urlencoded`, by hand (space as `+`, like a
/// browser).
pub fn form_body(fields: &[(&str, &str)]) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A request being built: its URL, and the cookie and language it carries.
pub struct Request {
    url: String,
    cookie: Option<String>,
    lang: Option<String>,
    accept: Option<String>,
}

/// A request for `path` on `base`, with no cookie and no `Accept-Language`.
pub fn request(base: &(impl Base + ?Sized), path: &str) -> Request {
    Request {
        url: base.url(path),
        cookie: None,
        lang: None,
        accept: None,
    }
}

impl Request {
    /// The `Cookie` header (none for `None`).
    pub fn cookie(mut self, cookie: Option<&str>) -> Request {
        self.cookie = cookie.map(str::to_owned);
        self
    }

    /// The `Accept-Language` header.
    pub fn lang(mut self, lang: &str) -> Request {
        self.lang = Some(lang.to_owned());
        self
    }

    /// The `Accept` header (`application/json` asks a form route for JSON).
    pub fn accept(mut self, accept: &str) -> Request {
        self.accept = Some(accept.to_owned());
        self
    }

    fn headers(&self, mut r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if let Some(a) = &self.accept {
            r = r.header(reqwest::header::ACCEPT, a);
        }
        if let Some(l) = &self.lang {
            r = r.header(ACCEPT_LANGUAGE, l);
        }
        if let Some(c) = &self.cookie {
            r = r.header(COOKIE, c);
        }
        r
    }

    pub async fn get(self) -> reqwest::Response {
        let r = self.headers(http_client().get(&self.url));
        r.send()
            .await
            .unwrap_or_else(|e| panic!("GET {}: {e}", self.url))
    }

    /// GET: the status and the body.
    pub async fn page(self) -> (StatusCode, String) {
        let r = self.get().await;
        (r.status(), r.text().await.expect("body"))
    }

    /// POSTs a form.
    pub async fn post_form(self, fields: &[(&str, &str)]) -> reqwest::Response {
        let r = self
            .headers(http_client().post(&self.url))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form_body(fields));
        r.send()
            .await
            .unwrap_or_else(|e| panic!("POST {}: {e}", self.url))
    }
}

/// GET, following no redirect.
pub async fn get(base: &(impl Base + ?Sized), path: &str) -> reqwest::Response {
    request(base, path).get().await
}

/// GET a page; returns the status and the body.
pub async fn http_get(base: &(impl Base + ?Sized), path: &str) -> (u16, String) {
    let (status, body) = request(base, path).page().await;
    (status.as_u16(), body)
}

/// The test event's `board.json` (`/e/camp/board.json`).
pub async fn board_json(base: &(impl Base + ?Sized)) -> Value {
    get_json(base, "/e/camp/board.json").await
}

/// GET a JSON document that must be there.
pub async fn get_json(base: &(impl Base + ?Sized), path: &str) -> Value {
    let (status, body) = http_get(base, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).expect("JSON body")
}

/// POST a form, with no cookie.
pub async fn post_form(
    base: &(impl Base + ?Sized),
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    request(base, path).post_form(fields).await
}

/// A response header as text (empty when absent).
pub fn header(r: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Every `Set-Cookie` of a response.
pub fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

/// The `name=value` of a Set-Cookie of that name.
pub fn cookie_pair(set: &[String], name: &str) -> Option<String> {
    set.iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
}
