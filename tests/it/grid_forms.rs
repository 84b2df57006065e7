//! The admin page's "Change the grid" forms, as a browser without
//! JavaScript uses them: each form is read from the page with its
//! pre-filled values, posted as is (or edited), and the 303 followed back to
//! the page, which shows the outcome; a refused form says what to fix (the
//! board's own message) and changes nothing.

use serde_json::Value;

use crate::kit::*;

/// A logged-in organiser browser without JavaScript, in English.
async fn organiser(camp: &TestServer) -> NoJs {
    let mut b = NoJs::new();
    b.lang = Some("en");
    let got = b
        .post(camp, "/e/camp/admin/login", &[("secret", ORGANISER)])
        .await;
    assert_eq!(got.status, 303, "{}", got.body);
    b
}

/// The `name=value` pairs of the form `id` of `page`, as a browser would
/// post them (its inputs' pre-filled values).
fn form_fields(page: &str, id: &str) -> Vec<(String, String)> {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no form {id} on the page"));
    let form = &page[start..];
    let form = &form[..form.find("</form>").expect("the form ends")];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let rest = &tag[at..];
        Some(rest[..rest.find('"')?].to_owned())
    };
    form.split("<input")
        .skip(1)
        .filter_map(|tag| {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default()))
        })
        .collect()
}

/// Posts `fields` to `/e/camp/admin/{op}` and follows the 303: the page and
/// the notice's code.
async fn post(
    b: &mut NoJs,
    camp: &TestServer,
    op: &str,
    fields: &[(String, String)],
) -> (String, String) {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let got = b.post(camp, &format!("/e/camp/admin/{op}"), &pairs).await;
    assert_eq!(got.status, 303, "{op}: {}", got.body);
    let to = got.location.expect("a Location");
    let code = to.split("notice=").nth(1).unwrap_or_default().to_owned();
    let page = b.get(camp, &to).await;
    assert_eq!(page.status, 200);
    (page.body, code)
}

fn with(mut fields: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    match fields.iter_mut().find(|(k, _)| k == key) {
        Some(f) => f.1 = value.to_owned(),
        None => fields.push((key.to_owned(), value.to_owned())),
    }
    fields
}

async fn board(camp: &TestServer) -> Value {
    get_json(camp, "/e/camp/board.json").await
}

fn find<'a>(board: &'a Value, list: &str, id: &str) -> Option<&'a Value> {
    board[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
}

#[tokio::test]
async fn an_organiser_adds_renames_and_removes_a_room_by_form() {
    let camp = TestServer::start().await;
    let mut b = organiser(&camp).await;
    let page = b.get(&camp, "/e/camp/admin").await.body;
    assert!(
        page.contains("id=\"grid-edit\""),
        "the page has the grid forms"
    );
    let mut fr = organiser(&camp).await;
    fr.lang = Some("fr");
    let fr_page = fr.get(&camp, "/e/camp/admin").await.body;
    for words in [
        "Modifier la grille",
        "Ajouter une salle",
        "Ajouter un jour",
        "Changer l'horaire",
    ] {
        let escaped = maud::html! { (words) }.into_string();
        assert!(fr_page.contains(&escaped), "{words} in French");
    }
    let add = form_fields(&page, "add-room-form");
    assert!(
        add.contains(&("room".into(), "room-5".into())),
        "a free id is suggested: {add:?}"
    );
    let add = with(with(add, "room", "cafeteria"), "name", "Cafétéria");
    let (page, code) = post(&mut b, &camp, "add_room", &with(add, "capacity", "40")).await;
    assert_eq!(code, "ack");
    assert!(page.contains("Cafétéria"), "the page shows the new room");
    assert_eq!(
        find(&board(&camp).await, "rooms", "cafeteria").unwrap()["capacity"],
        40
    );

    // Rename and resize it with its own pre-filled form.
    let edit = form_fields(&page, "edit-room-cafeteria");
    assert!(
        edit.contains(&("name".into(), "Cafétéria".into())),
        "{edit:?}"
    );
    let edit = with(with(edit, "name", "Cafét'"), "capacity", "60");
    let (page, code) = post(&mut b, &camp, "edit_room", &edit).await;
    assert_eq!(code, "ack");
    let room = find(&board(&camp).await, "rooms", "cafeteria")
        .unwrap()
        .clone();
    assert_eq!(
        (room["name"].as_str(), room["capacity"].as_u64()),
        (Some("Cafét'"), Some(60))
    );

    // An empty name is refused, saying why, and changes nothing.
    let before = board(&camp).await;
    let (page2, code) = post(
        &mut b,
        &camp,
        "edit_room",
        &with(form_fields(&page, "edit-room-cafeteria"), "name", ""),
    )
    .await;
    assert_eq!(code, "invalid");
    assert!(page2.contains("id=\"notice-why\""), "the notice says why");
    assert!(page2.contains("name"), "the reason names the field");
    assert_eq!(board(&camp).await["rev"], before["rev"], "nothing changed");
    // The reason is shown once: the next page has none.
    let again = b.get(&camp, "/e/camp/admin?notice=invalid").await.body;
    assert!(
        !again.contains("id=\"notice-why\""),
        "a reason is shown once"
    );

    // A room holding a session cannot go: the notice names the session.
    let mut sock = camp.participant().await;
    sock.claim_ok("sat-0930", "cafeteria", "Compost").await;
    let remove = vec![("room".to_owned(), "cafeteria".to_owned())];
    let (refused, code) = post(&mut b, &camp, "remove_room", &remove).await;
    assert_eq!(code, "invalid");
    let why = &refused[refused.find("id=\"notice-why\"").expect("a reason")..];
    assert!(
        why[..why.find("</span>").unwrap()].contains("Compost"),
        "names the session: {why}"
    );
    assert!(find(&board(&camp).await, "rooms", "cafeteria").is_some());

    // Once empty, it goes.
    let s_id = board(&camp).await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, code) = post(&mut b, &camp, "release", &[("session".into(), s_id)]).await;
    assert_eq!(code, "ack");
    let (page, code) = post(&mut b, &camp, "remove_room", &remove).await;
    assert_eq!(code, "ack");
    assert!(!page.contains("edit-room-cafeteria"));
    assert!(find(&board(&camp).await, "rooms", "cafeteria").is_none());
}

#[tokio::test]
async fn an_organiser_adds_a_slot_a_day_and_retimes_by_form() {
    let camp = TestServer::start().await;
    let mut b = organiser(&camp).await;
    let page = b.get(&camp, "/e/camp/admin").await.body;
    // The next free time after the day's last slot (11:30-12:15) is offered.
    let add = form_fields(&page, "add-slot-2037-12-05");
    for want in [
        ("slot", "sat-1215"),
        ("day", "2037-12-05"),
        ("start", "12:15"),
        ("end", "13:00"),
    ] {
        assert!(
            add.contains(&(want.0.into(), want.1.into())),
            "{want:?} in {add:?}"
        );
    }
    let (page, code) = post(&mut b, &camp, "add_slot", &add).await;
    assert_eq!(code, "ack");
    assert!(page.contains("12:15–13:00"), "the admin grid shows it");

    // Retime it.
    let edit = with(form_fields(&page, "edit-slot-sat-1215"), "start", "12:30");
    let (page, code) = post(&mut b, &camp, "edit_slot", &edit).await;
    assert_eq!(code, "ack");
    assert_eq!(
        find(&board(&camp).await, "slots", "sat-1215").unwrap()["start"],
        "12:30"
    );

    // A day after the last one.
    let day = form_fields(&page, "add-day");
    assert!(
        day.contains(&("day".into(), "2037-12-06".into())),
        "{day:?}"
    );
    assert!(day.contains(&("slot".into(), "sun-0930".into())), "{day:?}");
    let (page, code) = post(&mut b, &camp, "add_slot", &day).await;
    assert_eq!(code, "ack");
    assert!(
        page.contains("add-slot-2037-12-06"),
        "the new day has its forms"
    );
    assert_eq!(
        find(&board(&camp).await, "slots", "sun-0930").unwrap()["day"],
        "2037-12-06"
    );
}

#[tokio::test]
async fn a_bad_grid_form_says_what_to_fix_and_changes_nothing() {
    let camp = TestServer::start().await;
    let mut b = organiser(&camp).await;
    let before = board(&camp).await;
    let f = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let cases = [
        // Overlaps sat-1030 (10:30-11:15).
        (
            "add_slot",
            f(&[
                ("slot", "x"),
                ("day", "2037-12-05"),
                ("start", "10:00"),
                ("end", "10:45"),
            ]),
            "invalid",
            "overlap",
        ),
        (
            "edit_slot",
            f(&[("slot", "sat-0930"), ("start", "09:30"), ("end", "10:40")]),
            "invalid",
            "overlap",
        ),
        (
            "add_room",
            f(&[("room", "x"), ("name", ""), ("capacity", "10")]),
            "invalid",
            "name",
        ),
        (
            "add_room",
            f(&[("room", "amphi"), ("name", "Again"), ("capacity", "10")]),
            "invalid",
            "amphi",
        ),
        (
            "edit_room",
            f(&[("room", "nowhere"), ("name", "X"), ("capacity", "1")]),
            "not_found",
            "nowhere",
        ),
        (
            "remove_slot",
            f(&[("slot", "nowhere")]),
            "not_found",
            "nowhere",
        ),
        (
            "add_slot",
            f(&[
                ("slot", "y"),
                ("day", "2037-12-05"),
                ("start", "9h"),
                ("end", "10:00"),
            ]),
            "invalid",
            "HH:MM",
        ),
    ];
    for (op, fields, want, says) in cases {
        let (page, code) = post(&mut b, &camp, op, &fields).await;
        assert_eq!(code, want, "{op} {fields:?}");
        let why = page
            .find("id=\"notice-why\"")
            .map(|at| &page[at..])
            .unwrap_or_else(|| panic!("{op}: no reason"));
        let why = &why[..why.find("</span>").unwrap()];
        assert!(
            why.to_lowercase().contains(&says.to_lowercase()),
            "{op}: {why}"
        );
    }
    let after = board(&camp).await;
    assert_eq!(after["rev"], before["rev"], "nothing changed");
    assert_eq!(after["slots"], before["slots"]);
    assert_eq!(after["rooms"], before["rooms"]);
}
