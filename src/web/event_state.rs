//! An event's upcoming/live/ended as every page shows it: from the live
//! grid once organisers changed it (a day added, the afternoon delayed),
//! else from the config's days, and ended once its board holds `ended`.
//!
//! One function so that `/` and the venue's page cannot disagree; it asks
//! the hub nothing: the handle keeps the grid's span in a watch the hub
//! updates after each write ([`crate::hub::EventHandle::grid_span`]), so a
//! page listing 200 events reads 200 small values, not 200 snapshots.

use super::AppState;
use crate::config::EventConfig;
use crate::lifecycle::{self, State};

/// The state of `event` now, as its running board knows it.
pub(crate) fn event_state(state: &AppState, event: &EventConfig) -> State {
    let now = state.clock.now();
    let Some(handle) = state.events.get(&event.slug) else {
        return lifecycle::state_of(event, false, now);
    };
    let closed = handle.is_ended();
    match handle.grid_span() {
        Some(span) => lifecycle::state_at(span, closed, now),
        None => lifecycle::state_of(event, closed, now),
    }
}
