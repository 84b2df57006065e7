//! A browser without JavaScript, over plain HTTP: it keeps its cookies,
//! follows no redirect by itself (so a test sees each 303) and posts forms.
//! The one no-JS client of the suite; the real browser with JavaScript off
//! (tests/browser) checks the same pages in Chromium.

use std::collections::BTreeMap;

use crate::kit::http::{Base, request, set_cookies};

/// What a request gave back.
pub struct Got {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub set_cookies: Vec<String>,
}

/// A cookie jar and a language, sent with each request.
pub struct NoJs {
    pub cookies: BTreeMap<String, String>,
    pub lang: Option<&'static str>,
}

impl Default for NoJs {
    fn default() -> Self {
        NoJs::new()
    }
}

impl NoJs {
    pub fn new() -> NoJs {
        NoJs {
            cookies: BTreeMap::new(),
            lang: None,
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, r: reqwest::Response) -> Got {
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let set_cookies = set_cookies(&r);
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap_or_default();
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            let gone = v.is_empty() || c.to_ascii_lowercase().contains("max-age=0");
            if gone {
                self.cookies.remove(k.trim());
            } else {
                self.cookies
                    .insert(k.trim().to_owned(), v.trim().to_owned());
            }
        }
        let body = r.text().await.expect("body");
        assert_ne!(status, 500, "never a 500: {body}");
        Got {
            status,
            location,
            body,
            set_cookies,
        }
    }

    pub async fn get(&mut self, base: &(impl Base + ?Sized), path: &str) -> Got {
        let mut req = request(base, path).cookie(Some(&self.cookie_header()));
        if let Some(l) = self.lang {
            req = req.lang(l);
        }
        let r = req.get().await;
        self.finish(r).await
    }

    pub async fn post(
        &mut self,
        base: &(impl Base + ?Sized),
        path: &str,
        fields: &[(&str, &str)],
    ) -> Got {
        let r = request(base, path)
            .cookie(Some(&self.cookie_header()))
            .post_form(fields)
            .await;
        self.finish(r).await
    }

    /// Posts a form of the phone page and follows its 303 to the page that
    /// shows the outcome.
    pub async fn submit(
        &mut self,
        base: &(impl Base + ?Sized),
        path: &str,
        fields: &[(&str, &str)],
    ) -> Got {
        let got = self.post(base, path, fields).await;
        assert_eq!(
            got.status, 303,
            "a form answers with a redirect: {}",
            got.body
        );
        let to = got.location.expect("a Location");
        assert!(to.starts_with("/e/camp?notice="), "{to}");
        self.get(base, &to).await
    }

    /// The participant token the pages gave this browser.
    pub fn token(&self) -> String {
        self.cookies
            .get("slotboard_token")
            .cloned()
            .expect("the page gave a token")
    }

    /// The public id of that participant.
    pub fn token_id(&self) -> String {
        slotboard::auth::public_id(&self.token())
    }
}
