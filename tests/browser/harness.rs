//! The browser harness: Debian's headless Chromium, driven through
//! chromedriver with `fantoccini` over plain HTTP.
//!
//! - [`driver`] starts one chromedriver per test on a free port (killed on
//!   drop), or, when Chromium or chromedriver is missing, skips the test with
//!   a loud line on stderr; under `CI=true` a missing browser fails instead.
//! - [`Driver::browser`] opens a headless Chromium with a fresh profile
//!   (JavaScript on or off), quit on drop.
//! - Waiting is always for a condition, polled with a bounded timeout
//!   ([`Browser::wait_js`], [`Browser::wait_for`]); never a fixed sleep.
//!
//! The methods panic with what they were doing: a test fails with a message,
//! not a `Result`.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// How long a page may take to reach a state it must reach. Generous: CI
/// machines are slow and shared; a passing test never waits this long.
pub const WAIT: Duration = Duration::from_secs(10);

/// How often a condition is polled.
const POLL: Duration = Duration::from_millis(25);

/// The W3C name of an element reference in WebDriver JSON (what a script
/// returns for an element).
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Whether this run is CI, where a missing browser is a failure.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim().to_ascii_lowercase();
        !v.is_empty() && v != "false" && v != "0"
    })
}

/// A program named by an environment variable (then only there), else found
/// on `PATH` or at a usual place.
fn program(var: &str, names: &[&str], fallback: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .chain([PathBuf::from(fallback)])
        .find(|p| p.is_file())
}

/// Chromium and chromedriver, from `$CHROMIUM` / `$CHROMEDRIVER` or `PATH`.
fn programs() -> Option<(PathBuf, PathBuf)> {
    let chromium = program(
        "CHROMIUM",
        &["chromium", "chromium-browser"],
        "/usr/bin/chromium",
    )?;
    let driver = program("CHROMEDRIVER", &["chromedriver"], "/usr/bin/chromedriver")?;
    Some((chromium, driver))
}

/// A line on the real stderr, past the test harness's capture, so that a
/// skipped test is seen in a plain `cargo test`.
pub fn shout(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "\n*** {line} ***\n");
}

/// A chromedriver for this test, or `None` (after a loud line on stderr) when
/// the browser is not installed and this is not CI.
pub async fn driver(test: &str) -> Option<Arc<Driver>> {
    let Some((chromium, chromedriver)) = programs() else {
        if under_ci() {
            panic!(
                "{test}: Chromium or chromedriver is missing and CI is set: \
                 install chromium and chromium-driver (apt-get install -y chromium chromium-driver)"
            );
        }
        shout(&format!(
            "{test}: SKIPPED (no browser): install chromium and chromium-driver to run the browser tests"
        ));
        return None;
    };
    Some(Arc::new(Driver::start(chromium, chromedriver).await))
}

/// A running chromedriver, killed when the last [`Browser`] and the test
/// let go of it.
pub struct Driver {
    child: Child,
    pub url: String,
    chromium: PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Driver {
    async fn start(chromium: PathBuf, chromedriver: PathBuf) -> Driver {
        let verbose = std::env::var_os("SLOTBOARD_BROWSER_LOG").is_some();
        let stdio = || {
            if verbose {
                Stdio::inherit()
            } else {
                Stdio::null()
            }
        };
        // The port was free a moment ago; another process may take it in
        // between, so a driver that does not come up is tried again elsewhere.
        for _attempt in 0..3 {
            let port = free_port();
            let mut child = Command::new(&chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(stdio())
                .stderr(stdio())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", chromedriver.display()));
            // Ready when it listens (at most 10 s), unless it died first.
            let start = Instant::now();
            while start.elapsed() < WAIT && matches!(child.try_wait(), Ok(None)) {
                if tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
                    && matches!(child.try_wait(), Ok(None))
                {
                    let url = format!("http://127.0.0.1:{port}");
                    return Driver {
                        child,
                        url,
                        chromium,
                    };
                }
                tokio::time::sleep(POLL).await;
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("chromedriver did not start (tried 3 ports)");
    }

    /// A new headless Chromium with a fresh profile.
    pub async fn browser(self: &Arc<Self>, opts: Opts) -> Browser {
        let profile = tempfile::tempdir().expect("a profile dir");
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--no-default-browser-check".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-extensions".into(),
            // Pages in other windows of the same browser keep their timers.
            "--disable-background-timer-throttling".into(),
            "--disable-renderer-backgrounding".into(),
            "--disable-backgrounding-occluded-windows".into(),
            format!("--window-size={},{}", opts.width, opts.height),
            format!("--user-data-dir={}", profile.path().display()),
            format!("--lang={}", opts.lang),
        ];
        args.extend(opts.extra_args.iter().cloned());
        let mut prefs = json!({ "intl": { "accept_languages": opts.lang } });
        if !opts.javascript {
            prefs["profile"] = json!({ "managed_default_content_settings": { "javascript": 2 } });
        }
        let caps = json!({
            "browserName": "chrome",
            "unhandledPromptBehavior": "ignore",
            "timeouts": { "implicit": 0, "pageLoad": 30000, "script": 30000 },
            "goog:chromeOptions": {
                "binary": self.chromium.display().to_string(),
                "args": args,
                "prefs": prefs,
            }
        });
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("Chromium did not start: {e}"));
        let b = Browser {
            client,
            driver: self.clone(),
            _profile: profile,
            javascript: opts.javascript,
        };
        b.set_viewport(opts.width, opts.height).await;
        b
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How to open a browser.
#[derive(Clone, Debug)]
pub struct Opts {
    pub width: u32,
    pub height: u32,
    pub javascript: bool,
    /// `Accept-Language`, e.g. "en" or "fr".
    pub lang: String,
    pub extra_args: Vec<String>,
}

impl Opts {
    /// A phone: 390x844, JavaScript on, English.
    pub fn phone() -> Opts {
        Opts {
            width: 390,
            height: 844,
            javascript: true,
            lang: "en".into(),
            extra_args: vec![],
        }
    }

    /// A projector or a laptop: 1920x1080.
    pub fn wide() -> Opts {
        Opts {
            width: 1920,
            height: 1080,
            ..Opts::phone()
        }
    }

    pub fn no_js(mut self) -> Opts {
        self.javascript = false;
        self
    }
}

/// An element of the current page, with how it was found (for messages).
#[derive(Debug, Clone)]
pub struct Elem {
    pub el: Element,
    pub what: String,
}

/// chromedriver's `POST /session/{id}/goog/cdp/execute`: one Chrome
/// DevTools command, which WebDriver itself has no word for. (`reqwest`
/// re-exports the `url` and `http` types of fantoccini's trait.)
#[derive(Debug)]
struct Cdp(Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &reqwest::Url,
        session: Option<&str>,
    ) -> Result<reqwest::Url, <reqwest::Url as std::str::FromStr>::Err> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or("")
        ))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (reqwest::Method, Option<String>) {
        (reqwest::Method::POST, Some(self.0.to_string()))
    }
}

/// One headless Chromium (one WebDriver session), quit on drop.
pub struct Browser {
    pub client: Client,
    driver: Arc<Driver>,
    _profile: tempfile::TempDir,
    pub javascript: bool,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Quit Chromium before its driver goes (the driver would leave it
        // running), also while a panic unwinds: fantoccini's own close on
        // drop is spawned, and the test's runtime may end before it runs.
        // (Blocking needs the multi-thread runtime the tests use.)
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if rt.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
            return;
        }
        let client = self.client.clone();
        tokio::task::block_in_place(|| {
            rt.block_on(async {
                let _ = tokio::time::timeout(Duration::from_secs(20), client.close()).await;
            })
        });
    }
}

impl Browser {
    /// Loads a page and waits for it to load.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot load {url}: {e}"));
    }

    pub async fn current_url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(String::from)
            .unwrap_or_else(|e| format!("(unknown: {e})"))
    }

    /// The viewport (not the window) at exactly this size, as on a device:
    /// WebDriver sizes the window, so the viewport is set through DevTools.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        let _ = self.client.set_window_size(width, height).await;
        let metrics = json!({
            "cmd": "Emulation.setDeviceMetricsOverride",
            "params": { "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768 }
        });
        self.client
            .issue_cmd(Cdp(metrics))
            .await
            .unwrap_or_else(|e| panic!("cannot set the viewport to {width}x{height}: {e}"));
    }

    /// Runs a script (a function body: `return ...`) in the page; panics
    /// with the script on failure.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// The element a script returned, if it returned one.
    pub fn elem(&self, what: &str, v: &Value) -> Option<Elem> {
        let id = v.get(ELEMENT_KEY)?.as_str()?;
        Some(Elem {
            el: Element::from_element_id(self.client.clone(), id.to_owned().into()),
            what: what.to_owned(),
        })
    }

    /// Runs a script that returns an element (or null).
    pub async fn js_elem(&self, what: &str, script: &str, args: Vec<Value>) -> Option<Elem> {
        self.elem(what, &self.js(script, args).await)
    }

    /// Polls `check` until it gives `Some`, for at most `timeout`; on a
    /// timeout, `Err` with the last thing `check` reported.
    async fn poll<T, F, Fut>(timeout: Duration, mut check: F) -> Result<T, String>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, String>>,
    {
        let start = Instant::now();
        loop {
            let last = match check().await {
                Ok(v) => return Ok(v),
                Err(last) => last,
            };
            if start.elapsed() > timeout {
                return Err(last);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Polls a script until it returns something truthy, for at most
    /// `timeout`; that value, or the last one (or error) in `Err`.
    async fn poll_truthy(
        &self,
        timeout: Duration,
        script: &str,
        args: &[Value],
    ) -> Result<Value, String> {
        Self::poll(timeout, || async {
            match self.client.execute(script, args.to_vec()).await {
                Ok(v) if truthy(&v) => Ok(v),
                Ok(v) => Err(v.to_string()),
                Err(e) => Err(format!("error: {e}")),
            }
        })
        .await
    }

    /// Polls a script until it returns something truthy (not null, false,
    /// 0 or ""), for at most `timeout`; returns that value.
    pub async fn wait_js(
        &self,
        what: &str,
        timeout: Duration,
        script: &str,
        args: Vec<Value>,
    ) -> Value {
        match self.poll_truthy(timeout, script, &args).await {
            Ok(v) => v,
            Err(last) => panic!(
                "timed out after {timeout:?} waiting for {what}; last: {last}; page: {}",
                self.current_url().await
            ),
        }
    }

    /// Polls a script until it returns something truthy, for at most
    /// `timeout`; false if it never did.
    pub async fn poll_js(&self, timeout: Duration, script: &str, args: Vec<Value>) -> bool {
        self.poll_truthy(timeout, script, &args).await.is_ok()
    }

    /// The first element matching a CSS selector, if any.
    pub async fn try_find(&self, css: &str) -> Option<Elem> {
        match self.client.find(Locator::Css(css)).await {
            Ok(el) => Some(Elem {
                el,
                what: css.to_owned(),
            }),
            Err(e) if e.is_no_such_element() => None,
            Err(e) => panic!("cannot look for {css}: {e}"),
        }
    }

    /// The first element matching a CSS selector, which must be there.
    pub async fn find(&self, css: &str) -> Elem {
        match self.try_find(css).await {
            Some(e) => e,
            None => panic!("no element {css} on {}", self.current_url().await),
        }
    }

    pub async fn find_all(&self, css: &str) -> Vec<Elem> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("cannot look for {css}: {e}"))
            .into_iter()
            .map(|el| Elem {
                el,
                what: css.to_owned(),
            })
            .collect()
    }

    /// Waits (bounded) until an element matches the selector.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Elem {
        match self
            .client
            .wait()
            .at_most(timeout)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(el) => Elem {
                el,
                what: css.to_owned(),
            },
            Err(CmdError::WaitTimeout) => panic!(
                "timed out after {timeout:?} waiting for {css} on {}",
                self.current_url().await
            ),
            Err(e) => panic!("cannot wait for {css}: {e}"),
        }
    }

    /// Waits (bounded) until an element matches and is visible.
    pub async fn wait_visible(&self, css: &str, timeout: Duration) -> Elem {
        let found = Self::poll(timeout, || async {
            match self.try_find(css).await {
                Some(e) if self.displayed(&e).await => Ok(e),
                _ => Err(String::new()),
            }
        })
        .await;
        match found {
            Ok(e) => e,
            Err(_) => panic!(
                "timed out after {timeout:?} waiting for a visible {css} on {}",
                self.current_url().await
            ),
        }
    }

    pub async fn try_click(&self, e: &Elem) -> Result<(), CmdError> {
        e.el.click().await
    }

    /// Clicks like a person (the element must be visible and not covered).
    pub async fn click(&self, e: &Elem) {
        e.el.click()
            .await
            .unwrap_or_else(|err| panic!("cannot click {}: {err}", e.what));
    }

    /// Clears a text field and types into it.
    pub async fn fill(&self, e: &Elem, text: &str) {
        e.el.clear()
            .await
            .unwrap_or_else(|err| panic!("cannot clear {}: {err}", e.what));
        e.el.send_keys(text)
            .await
            .unwrap_or_else(|err| panic!("cannot type into {}: {err}", e.what));
    }

    /// The rendered text of an element (as a person sees it).
    pub async fn text(&self, e: &Elem) -> String {
        e.el.text()
            .await
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", e.what))
    }

    /// An attribute of an element (`None` when absent).
    pub async fn attr(&self, e: &Elem, name: &str) -> Option<String> {
        e.el.attr(name)
            .await
            .unwrap_or_else(|err| panic!("cannot read {name} of {}: {err}", e.what))
    }

    pub async fn displayed(&self, e: &Elem) -> bool {
        e.el.is_displayed().await.unwrap_or(false)
    }

    pub async fn tag(&self, e: &Elem) -> String {
        e.el.tag_name()
            .await
            .unwrap_or_else(|err| panic!("cannot read the tag of {}: {err}", e.what))
            .to_ascii_lowercase()
    }

    /// Saves a PNG of the viewport.
    pub async fn save_screenshot(&self, path: &Path) {
        let png = self.client.screenshot().await.expect("a screenshot");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, png).expect("write screenshot");
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// Where the screenshots go: `target/screenshots/` (or under
/// `$CARGO_TARGET_DIR`).
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("screenshots")
}

// ---------------------------------------------------------------------------
// axe-core

/// The source of axe-core from `node_modules/` (installed by `npm ci`), or
/// `None` after a loud line when it is missing and this is not CI.
pub fn axe_source(test: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) if under_ci() => panic!(
            "{test}: cannot read {} ({e}) and CI is set: run `npm ci` first",
            path.display()
        ),
        Err(_) => {
            shout(&format!(
                "{test}: axe SKIPPED (no axe-core): run `npm ci` at the repo root to check accessibility"
            ));
            None
        }
    }
}

/// One axe violation, as much as a person needs to fix it.
#[derive(Debug, serde::Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: String,
    pub help: String,
    pub url: String,
    /// Target, HTML and failure summary of each node.
    pub nodes: Vec<(String, String, String)>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "  [{}] {}: {} ({})",
            self.impact, self.id, self.help, self.url
        )?;
        for (target, html, summary) in &self.nodes {
            writeln!(f, "      at {target}: {html}")?;
            for line in summary.lines() {
                writeln!(f, "        {line}")?;
            }
        }
        Ok(())
    }
}

impl Browser {
    /// Injects axe-core into the current page and runs it; returns every
    /// violation.
    pub async fn axe(&self, axe: &str) -> Vec<Violation> {
        self.client
            .execute(axe, vec![])
            .await
            .unwrap_or_else(|e| panic!("cannot inject axe-core: {e}"));
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ["violations"] }).then(
              (r) => done(JSON.stringify(r.violations.map((v) => ({
                id: v.id, impact: v.impact || "", help: v.help, url: v.helpUrl,
                nodes: v.nodes.map((n) => [JSON.stringify(n.target), n.html, n.failureSummary || ""]),
              })))),
              (e) => done("ERROR " + e));
        "#;
        let out = self
            .client
            .execute_async(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("axe did not run: {e}"));
        let text = out.as_str().unwrap_or_default();
        assert!(!text.starts_with("ERROR"), "axe failed: {text}");
        serde_json::from_str(text).unwrap_or_else(|e| panic!("axe results: {e}: {text}"))
    }
}
