//! An organiser's browser: logged in through the admin form.

use reqwest::StatusCode;

use super::config::ORGANISER;
use super::http::{cookie_pair, request, set_cookies};
use super::launch::TestServer;

/// A logged-in organiser browser: its Cookie header (session and token)
/// and its public id.
pub struct Organiser {
    pub cookie: String,
    pub id: String,
}

pub async fn organiser_login(camp: &TestServer) -> Organiser {
    let r = request(camp, "/e/camp/admin/login")
        .cookie(None)
        .lang("en")
        .post_form(&[("secret", ORGANISER)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = set_cookies(&r);
    let session = cookie_pair(&set, "slotboard_organiser").expect("the organiser cookie");
    let token = cookie_pair(&set, "slotboard_token").expect("a participant token");
    let id = slotboard::auth::public_id(token.split_once('=').unwrap().1);
    Organiser {
        cookie: format!("{session}; {token}"),
        id,
    }
}
