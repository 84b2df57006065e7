//! The organiser view: `/e/{event}/admin`, its login and its forms.

use axum::Router;

use super::AppState;

/// The cookie that carries an organiser's session (see
/// `auth::OrganiserSecret::new_session`), scoped to the event's path.
pub const ORGANISER_COOKIE: &str = "slotboard_organiser";

pub fn routes() -> Router<AppState> {
    Router::new()
}
