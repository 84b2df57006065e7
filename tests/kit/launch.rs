//! The real server in this test's runtime, on a free port with its own data
//! folder: started, restarted (on a new or the same port), stopped, and
//! joined as a participant, an organiser or a wall.

use std::path::PathBuf;

use slotboard::config::{Config, Overrides};
use slotboard::server::Server;
use tokio::net::TcpListener;

use crate::kit::client::Client;
use crate::kit::cmd::Cmd;
use crate::kit::config::config_text;
use crate::kit::wait::{PATIENCE, wait_for};

/// The real server, in this test's runtime, on a free port.
pub struct TestServer {
    pub addr: std::net::SocketAddr,
    server: Option<Server>,
    pub data: tempfile::TempDir,
    extra: String,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with("").await
    }

    /// With extra `[server]` settings, e.g. `"broadcast_buffer = 4"`.
    pub async fn start_with(extra_server: &str) -> TestServer {
        let data = tempfile::tempdir().expect("temp dir");
        let mut t = TestServer {
            addr: "127.0.0.1:0".parse().unwrap(),
            server: None,
            data,
            extra: extra_server.to_owned(),
        };
        t.boot().await;
        t
    }

    pub fn config(&self) -> Config {
        let text = config_text(self.data.path(), &self.extra);
        Config::from_toml_str(&text, "test.toml", &Overrides::default()).expect("test config")
    }

    async fn boot(&mut self) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = Server::start(self.config(), listener)
            .await
            .expect("server starts");
        self.addr = server.addr();
        self.server = Some(server);
    }

    /// A clean shutdown, then a new server on the same data folder.
    pub async fn restart(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.expect("clean shutdown");
        }
        self.boot().await;
    }

    pub fn http(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/e/camp/ws", self.addr)
    }

    pub fn event_dir(&self) -> PathBuf {
        self.data.path().join("events").join("camp")
    }

    /// A new participant with a fresh token, past `welcome`.
    pub async fn participant(&self) -> Client {
        Client::join(&self.ws_url(), Cmd::hello()).await
    }

    /// Another connection of the same participant.
    pub async fn same_person(&self, c: &Client) -> Client {
        Client::join(&self.ws_url(), Cmd::hello().token(&c.token)).await
    }

    pub async fn organiser(&self) -> Client {
        Client::join(&self.ws_url(), Cmd::hello_organiser()).await
    }

    pub async fn viewer(&self) -> Client {
        Client::join(&self.ws_url(), Cmd::hello_viewer()).await
    }

    /// A socket that has not said hello yet.
    pub async fn raw(&self) -> Client {
        Client::connect(&self.ws_url()).await
    }

    // -----------------------------------------------------------------------
    // A server that goes away and comes back on the same address, so that
    // open pages (the browser tests) find it again by themselves.

    /// Whether the server is running (false between [`TestServer::stop`] and
    /// [`TestServer::start_again`]).
    pub fn is_running(&self) -> bool {
        self.server.is_some()
    }

    /// A clean shutdown (sockets closed with 1001, snapshot written); the
    /// address stays reserved for [`TestServer::start_again`].
    pub async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.expect("clean shutdown");
        }
    }

    /// A new server on the same data folder and the same address as before,
    /// retrying the bind for a bounded time (the old sockets may linger).
    pub async fn start_again(&mut self) {
        assert!(self.server.is_none(), "stop the server first");
        let addr = self.addr;
        let listener = wait_for(&format!("{addr} to be free again"), PATIENCE, || async {
            TcpListener::bind(addr).await.ok()
        })
        .await;
        let server = Server::start(self.config(), listener)
            .await
            .expect("server starts again");
        assert_eq!(server.addr(), self.addr);
        self.server = Some(server);
    }

    /// [`TestServer::restart`], but on the same port.
    pub async fn restart_same_port(&mut self) {
        self.stop().await;
        self.start_again().await;
    }
}

/// The `welcome` of a fresh viewer: the board as a client sees it right now.
pub async fn fresh_welcome(camp: &TestServer) -> serde_json::Value {
    camp.viewer().await.welcome
}
