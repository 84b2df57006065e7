//! The real `slotboard` binary as a process of its own, for the tests that
//! kill it, restart it, limit its file sizes or watch it exit: a [`Site`] (a
//! data folder and its config) and the [`Running`] process; and
//! [`slotboard_command`], the binary with a clean environment, for the CLI
//! tests that run it to completion.

use std::fs;
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::kit::config::config_text;
use crate::kit::wait::{PATIENCE, poll};

/// Settings of the test runner's own environment that a spawned server must
/// not inherit: each test says what its server gets.
const SERVER_ENV: &[&str] = &[
    "SLOTBOARD_CONFIG",
    "SLOTBOARD_BIND",
    "SLOTBOARD_DATA_DIR",
    "SLOTBOARD_PUBLIC_URL",
    "SLOTBOARD_LOG_FORMAT",
    "SLOTBOARD_ORGANISER_TOKEN",
    "RUST_LOG",
];

/// The binary, without any of the runner's own `SLOTBOARD_*` settings (nor
/// `RUST_LOG`): each test says what its run gets.
pub fn slotboard_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_slotboard"));
    for var in SERVER_ENV {
        cmd.env_remove(var);
    }
    cmd
}

/// A port that was free a moment ago (the listener is dropped at once).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `{base}/healthz` of a spawned server (each try waits for its
/// connection) until it answers 200 while `child` still runs; false if the
/// process exited or never became healthy.
async fn wait_healthy(child: &mut Child, base: &str) -> bool {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let url = format!("{base}/healthz");
    let child = std::cell::RefCell::new(child);
    let healthy = poll(PATIENCE, || async {
        if child.borrow_mut().try_wait().unwrap().is_some() {
            return Some(false);
        }
        // A 200 counts only from a process that is still ours, not from
        // another server that won the race for the port.
        let ok = client
            .get(&url)
            .send()
            .await
            .is_ok_and(|r| r.status().as_u16() == 200);
        (ok && child.borrow_mut().try_wait().unwrap().is_none()).then_some(true)
    })
    .await;
    healthy == Some(true)
}

/// A data folder, its config file and the logs of every run of the binary.
pub struct Site {
    tmp: tempfile::TempDir,
    runs: AtomicUsize,
}

impl Site {
    /// The test camp, with extra `[server]` lines and extra text after the
    /// event (more days, say).
    pub fn new(extra_server: &str, extra_event: &str) -> Site {
        let site = Site {
            tmp: tempfile::tempdir().unwrap(),
            runs: AtomicUsize::new(0),
        };
        fs::create_dir_all(site.data()).unwrap();
        let text = config_text(&site.data(), extra_server) + extra_event;
        fs::write(site.config(), text).unwrap();
        site
    }

    pub fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    pub fn config(&self) -> PathBuf {
        self.tmp.path().join("slotboard.toml")
    }

    pub fn event_dir(&self) -> PathBuf {
        self.data().join("events").join("camp")
    }

    pub fn journal(&self) -> PathBuf {
        self.event_dir().join("journal.jsonl")
    }

    /// Starts the binary on `port` with `env`, through bash: with SIGXFSZ
    /// ignored and, given `max_file_kib`, a *soft* file-size limit, so that a
    /// write past it fails (EFBIG) like a full disk, and raising the limit
    /// from outside ([`Running::lift_file_size_limit`]) is the disk coming
    /// back. The output goes through a pipe, copied to a log file of its own
    /// by this process, so the limit does not apply to the log.
    fn spawn(&self, port: u16, env: &[(&str, &str)], max_file_kib: Option<u64>) -> Running {
        let run = self.runs.fetch_add(1, Ordering::Relaxed);
        let log = self.tmp.path().join(format!("run-{run}.log"));
        let limit = max_file_kib.map_or(String::new(), |k| format!("ulimit -S -f {k}; "));
        let script = format!("trap '' XFSZ; {limit}exec \"$0\" \"$@\" 2>&1");
        let mut cmd = Command::new("bash");
        for var in SERVER_ENV {
            cmd.env_remove(var);
        }
        cmd.envs(env.iter().copied());
        let mut child = cmd
            .arg("-c")
            .arg(script)
            .arg(env!("CARGO_BIN_EXE_slotboard"))
            .arg("--config")
            .arg(self.config())
            .arg("--bind")
            .arg(format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("bash runs the slotboard binary");
        let mut out = child.stdout.take().unwrap();
        let mut file = fs::File::create(&log).unwrap();
        let copier = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let _ = std::io::Write::write_all(&mut file, &buf[..n]);
            }
        });
        Running {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            log,
            copier: Some(copier),
        }
    }

    /// Starts the server and waits until `/healthz` answers 200.
    pub async fn start(&self, env: &[(&str, &str)], max_file_kib: Option<u64>) -> Running {
        let mut last_log = String::new();
        for _ in 0..5 {
            // If someone takes the port first, the binary exits and the next
            // attempt picks another.
            let mut running = self.spawn(free_port(), env, max_file_kib);
            if running.wait_healthy().await {
                return running;
            }
            last_log = running.log_text();
        }
        panic!("the server did not start in 5 attempts; last log:\n{last_log}");
    }

    /// Runs the binary expecting it to stop by itself; returns its status
    /// and everything it printed.
    pub async fn run_to_exit(&self) -> (ExitStatus, String) {
        let mut running = self.spawn(free_port(), &[], None);
        let status = running.wait_exit().await;
        (status, running.log_text())
    }
}

/// A running server process; killed if the test ends without stopping it.
pub struct Running {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
    copier: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// `http://` + its address + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/e/camp/ws", self.addr)
    }

    /// Everything the process printed so far (all of it once it exited).
    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the server is healthy; kills it if it never is.
    async fn wait_healthy(&mut self) -> bool {
        let base = self.url("");
        let ok = wait_healthy(&mut self.child, &base).await;
        if !ok {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        ok
    }

    /// Waits (bounded) for the process to exit, and for its output to be
    /// copied to the log.
    pub async fn wait_exit(&mut self) -> ExitStatus {
        let child = std::cell::RefCell::new(&mut self.child);
        let status = poll(PATIENCE, || async {
            child.borrow_mut().try_wait().unwrap()
        })
        .await;
        let Some(status) = status else {
            let _ = self.child.kill();
            panic!(
                "the process did not exit within {PATIENCE:?}; log:\n{}",
                self.log_text()
            );
        };
        if let Some(c) = self.copier.take() {
            c.join().unwrap();
        }
        status
    }

    /// SIGKILL: no chance to flush, snapshot or say goodbye.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }

    /// SIGTERM: the clean stop.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill(1) runs");
        assert!(status.success());
    }

    /// SIGHUP: read the config file again.
    pub fn hangup(&self) {
        let status = Command::new("kill")
            .arg("-HUP")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill(1) runs");
        assert!(status.success());
    }

    /// The disk comes back: the soft file-size limit is lifted.
    pub fn lift_file_size_limit(&self) {
        let status = Command::new("prlimit")
            .arg("--pid")
            .arg(self.child.id().to_string())
            .arg("--fsize=unlimited")
            .status()
            .expect("prlimit(1) runs");
        assert!(status.success(), "prlimit raised the soft limit");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
