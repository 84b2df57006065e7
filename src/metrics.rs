//! What the server measures, for `/metrics` (Prometheus / OpenMetrics text).
//!
//! One [`Metrics`] per running server: [`crate::server::Server::start`] makes
//! it, hands it to every hub through [`crate::hub::HubOptions`] and to the
//! routes through [`crate::web::AppState`]. It is not a global on purpose:
//! tests run many servers in one process, and each must see only its own
//! numbers.
//!
//! Every series carries the label `event` (the slug). Each hub resolves its
//! own handles once ([`Metrics::event`]), so counting is an atomic add, never
//! a lookup by name on the hot path, except for the per-`op` and per-`code`
//! counters, which are a read-locked hash lookup.
//!
//! The series (all prefixed `slotboard_`):
//!
//! | name | type | labels | what |
//! |---|---|---|---|
//! | `connections` | gauge | event | open WebSocket connections |
//! | `commands_total` | counter | event, op, outcome | commands answered, `ack` or `reject` |
//! | `rejects_total` | counter | event, code | rejects by protocol code |
//! | `changes_total` | counter | event | changes accepted and journaled |
//! | `journal_append_seconds` | histogram | event | one journal write + fdatasync (a batch) |
//! | `ack_seconds` | histogram | event | from the hub taking a command to its answer |
//! | `broadcast_lag_resyncs_total` | counter | event | connections that fell behind and got a fresh `welcome` |
//! | `broadcast_lag_drops_total` | counter | event | connections dropped as hopelessly behind |
//! | `write_stall_drops_total` | counter | event | connections dropped because a write to them stalled for `write_timeout` |
//! | `journal_bytes` | gauge | event | size of `journal.jsonl` (since the last snapshot) |
//! | `journal_healthy` | gauge | event | 1, or 0 while the last journal write failed |

use std::fmt;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::board::RejectCode;

/// The `Content-Type` of [`Metrics::encode`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventLabel {
    event: String,
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
enum Outcome {
    ack,
    reject,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandLabels {
    event: String,
    op: &'static str,
    outcome: Outcome,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RejectLabels {
    event: String,
    code: &'static str,
}

type Histograms = Family<EventLabel, Histogram, fn() -> Histogram>;

/// Latency buckets from 100 µs to about 3.3 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_1, 2.0, 16))
}

/// Every series of one server.
pub struct Metrics {
    registry: Registry,
    connections: Family<EventLabel, Gauge>,
    commands: Family<CommandLabels, Counter>,
    rejects: Family<RejectLabels, Counter>,
    changes: Family<EventLabel, Counter>,
    append_seconds: Histograms,
    ack_seconds: Histograms,
    lag_resyncs: Family<EventLabel, Counter>,
    lag_drops: Family<EventLabel, Counter>,
    write_stall_drops: Family<EventLabel, Counter>,
    journal_bytes: Family<EventLabel, Gauge>,
    journal_healthy: Family<EventLabel, Gauge>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("slotboard");
        let m = Metrics {
            connections: Family::default(),
            commands: Family::default(),
            rejects: Family::default(),
            changes: Family::default(),
            append_seconds: Family::new_with_constructor(latency_histogram),
            ack_seconds: Family::new_with_constructor(latency_histogram),
            lag_resyncs: Family::default(),
            lag_drops: Family::default(),
            write_stall_drops: Family::default(),
            journal_bytes: Family::default(),
            journal_healthy: Family::default(),
            registry: Registry::default(),
        };
        registry.register(
            "connections",
            "Open WebSocket connections",
            m.connections.clone(),
        );
        registry.register(
            "commands",
            "Commands answered, by op and outcome (ack or reject)",
            m.commands.clone(),
        );
        registry.register(
            "rejects",
            "Rejected commands, by protocol reject code",
            m.rejects.clone(),
        );
        registry.register(
            "changes",
            "Changes accepted and journaled",
            m.changes.clone(),
        );
        registry.register(
            "journal_append_seconds",
            "Time to write and fdatasync one batch to the journal",
            m.append_seconds.clone(),
        );
        registry.register(
            "ack_seconds",
            "Time from the hub taking a command to its answer being sent",
            m.ack_seconds.clone(),
        );
        registry.register(
            "broadcast_lag_resyncs",
            "Connections that fell behind the broadcast and got a fresh welcome",
            m.lag_resyncs.clone(),
        );
        registry.register(
            "broadcast_lag_drops",
            "Connections dropped for falling behind the broadcast too often",
            m.lag_drops.clone(),
        );
        registry.register(
            "write_stall_drops",
            "Connections dropped because a write to them stalled for write_timeout",
            m.write_stall_drops.clone(),
        );
        registry.register(
            "journal_bytes",
            "Size of journal.jsonl, the changes since the last snapshot",
            m.journal_bytes.clone(),
        );
        registry.register(
            "journal_healthy",
            "1, or 0 while the last journal write failed",
            m.journal_healthy.clone(),
        );
        Metrics { registry, ..m }
    }

    /// The handles of one event's series.
    pub fn event(&self, slug: &str) -> EventMetrics {
        let label = EventLabel {
            event: slug.to_owned(),
        };
        EventMetrics {
            changes: self.changes.get_or_create(&label).clone(),
            append_seconds: self.append_seconds.get_or_create(&label).clone(),
            ack_seconds: self.ack_seconds.get_or_create(&label).clone(),
            lag_resyncs: self.lag_resyncs.get_or_create(&label).clone(),
            lag_drops: self.lag_drops.get_or_create(&label).clone(),
            write_stall_drops: self.write_stall_drops.get_or_create(&label).clone(),
            journal_bytes: self.journal_bytes.get_or_create(&label).clone(),
            commands: self.commands.clone(),
            rejects: self.rejects.clone(),
            event: label.event,
        }
    }

    /// Sets the gauges that are read from the hubs at scrape time.
    pub fn observe_event(&self, slug: &str, connections: usize, healthy: bool) {
        let label = EventLabel {
            event: slug.to_owned(),
        };
        self.connections
            .get_or_create(&label)
            .set(i64::try_from(connections).unwrap_or(i64::MAX));
        self.journal_healthy
            .get_or_create(&label)
            .set(i64::from(healthy));
    }

    /// Everything, in the OpenMetrics text format (ends with `# EOF`).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String does not fail");
        out
    }
}

/// One event's series; cheap to clone (every handle is shared).
#[derive(Clone, Debug)]
pub struct EventMetrics {
    event: String,
    commands: Family<CommandLabels, Counter>,
    rejects: Family<RejectLabels, Counter>,
    /// Changes accepted and journaled.
    pub changes: Counter,
    /// One journal write with its fdatasync, in seconds.
    pub append_seconds: Histogram,
    /// From the hub taking a command to its answer, in seconds.
    pub ack_seconds: Histogram,
    /// A laggard got a fresh `welcome`.
    pub lag_resyncs: Counter,
    /// A laggard was dropped.
    pub lag_drops: Counter,
    /// A connection whose write stalled for `write_timeout` was dropped.
    pub write_stall_drops: Counter,
    /// Size of `journal.jsonl`.
    pub journal_bytes: Gauge,
}

impl Default for EventMetrics {
    /// Handles that count into a registry nobody reads (for hubs started
    /// without a server, as in unit tests).
    fn default() -> Self {
        Metrics::new().event("")
    }
}

impl EventMetrics {
    /// Counts one answered command: `Ok` for an ack, the reject code otherwise.
    pub fn answered(&self, op: &'static str, outcome: Result<(), RejectCode>) {
        let labels = CommandLabels {
            event: self.event.clone(),
            op,
            outcome: if outcome.is_ok() {
                Outcome::ack
            } else {
                Outcome::reject
            },
        };
        self.commands.get_or_create(&labels).inc();
        if let Err(code) = outcome {
            self.rejected(code);
        }
    }

    /// Counts a reject by its code only (a frame refused before it became a
    /// command, so with no known `op`).
    pub fn rejected(&self, code: RejectCode) {
        let labels = RejectLabels {
            event: self.event.clone(),
            code: code.as_str(),
        };
        self.rejects.get_or_create(&labels).inc();
    }

    /// Sets the journal size gauge.
    pub fn journal_len(&self, bytes: u64) {
        self.journal_bytes
            .set(i64::try_from(bytes).unwrap_or(i64::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_carry_the_event_and_counters_end_in_total() {
        let m = Metrics::new();
        let camp = m.event("camp");
        camp.answered("claim", Ok(()));
        camp.answered("claim", Err(RejectCode::Taken));
        camp.changes.inc();
        camp.append_seconds.observe(0.002);
        m.observe_event("camp", 3, true);
        let text = m.encode();
        for line in [
            r#"slotboard_commands_total{event="camp",op="claim",outcome="ack"} 1"#,
            r#"slotboard_commands_total{event="camp",op="claim",outcome="reject"} 1"#,
            r#"slotboard_rejects_total{event="camp",code="taken"} 1"#,
            r#"slotboard_changes_total{event="camp"} 1"#,
            r#"slotboard_journal_append_seconds_count{event="camp"} 1"#,
            r#"slotboard_connections{event="camp"} 3"#,
            r#"slotboard_journal_healthy{event="camp"} 1"#,
            "# TYPE slotboard_ack_seconds histogram",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in:\n{text}");
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
