//! `/metrics`, in the Prometheus text format (OpenMetrics flavour).
//!
//! The series are described in [`crate::metrics`]. Connections and journal
//! health are read from the hubs at scrape time; the rest is counted as it
//! happens. The route is public like `/healthz`: it holds no secret, only
//! counts per event slug. A proxy may restrict it (docs/operations.md).

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    for e in state.events.iter() {
        state
            .metrics
            .observe_event(e.key(), e.connected(), e.healthy());
    }
    (
        [
            (header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        state.metrics.encode(),
    )
}
