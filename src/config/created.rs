//! The events the venue creates on its page (`/admin`) or through its JSON
//! API, beside those of config.toml.
//!
//! A created event is the same thing as an `[[events]]` table: the API takes
//! its keys as JSON ([`RawEvent`]), the venue's form builds one, and both are
//! checked by the one validation of config.toml ([`event_of`]), so a created
//! event obeys every rule a configured one does and an error names the same
//! key (`rooms[2].id`). The server makes the organisers' secret; only its hash
//! is kept, in the event's file (`store::venue`), which is read back through
//! the same validation at every start.
//!
//! A slug may be defined once: [`Config::with_created`] refuses a created
//! event whose slug config.toml (or the demo) also has, with a message that
//! names both places.

use serde::{Deserialize, Serialize};

use super::events::{RawEvent, validate_event};
use super::{Config, EventConfig};
use crate::auth::OrganiserSecret;

/// The format of a created event's file that this build writes, and the
/// newest it reads.
pub const FORMAT: u64 = 1;

/// What is wrong with a new event, and where: `field` is the key of the
/// `[[events]]` table (`title`, `rooms[2].id`, `days[0].slots[1].end`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A created event's file: its table, with the hash of its organisers'
/// secret, and when it was created (RFC 3339).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Created {
    pub format: u64,
    pub created: String,
    pub event: RawEvent,
}

/// Checks the table of a new event, as the venue gave it (without a
/// secret), by the rules of config.toml, and gives it `secret`. The table
/// returned is the one to store (with the secret's hash).
pub fn new_event(
    mut table: RawEvent,
    secret: &OrganiserSecret,
) -> Result<(RawEvent, EventConfig), FieldError> {
    if table.organiser_token_hash.is_some() {
        return Err(FieldError::new(
            "organiser_token_hash",
            "the server makes the organisers' secret and shows it once; leave this key out",
        ));
    }
    table.organiser_token_hash = Some(secret.hash_string());
    let event = event_of(&table)?;
    Ok((table, event))
}

/// A created event from its stored table (with its hash), by the rules of
/// config.toml. Its own secret is kept even when `SLOTBOARD_ORGANISER_TOKEN`
/// gives one to the events of the file: the venue handed this one out.
pub fn event_of(table: &RawEvent) -> Result<EventConfig, FieldError> {
    let mut event = validate_event("event", table.clone(), None, false).map_err(|e| {
        let field = e.key.strip_prefix("event.").unwrap_or(&e.key).to_owned();
        FieldError::new(field, e.message)
    })?;
    event.created = true;
    Ok(event)
}

impl Config {
    /// This config with the events the venue created (`file` says where
    /// each one's is, for messages). Refused, naming both places, when a
    /// slug is defined in config.toml or as the demo as well.
    pub fn with_created(
        mut self,
        created: Vec<EventConfig>,
        file: impl Fn(&str) -> String,
    ) -> Result<Config, String> {
        for event in created {
            if let Some(other) = self.slug_owner(&event.slug) {
                return Err(conflict(&event.slug, other, &file(&event.slug)));
            }
            self.events.push(event);
        }
        Ok(self)
    }

    /// Where `slug` is already defined: "config.toml (events[1])", "the
    /// [demo] table", "the venue's page"; `None` when it is free.
    pub fn slug_owner(&self, slug: &str) -> Option<String> {
        let demo = self
            .demo
            .iter()
            .chain(self.events.iter().filter(|e| e.demo));
        if demo.into_iter().any(|d| d.slug == slug) {
            return Some("the [demo] table of config.toml".to_owned());
        }
        let mut file = self.events.iter().filter(|e| !e.created && !e.demo);
        if let Some(i) = file.position(|e| e.slug == slug) {
            return Some(format!("config.toml (events[{i}])"));
        }
        (self.events.iter())
            .any(|e| e.created && e.slug == slug)
            .then(|| "the venue's page".to_owned())
    }
}

/// The message of a slug defined twice.
pub fn conflict(slug: &str, other: String, where_: &str) -> String {
    format!(
        "event {slug:?} is defined twice: in {other} and as an event created on the venue's page \
         ({where_}); a slug is an event's address and must be unique. Rename the event of \
         config.toml (or remove it), then start again"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Overrides, RoomConfig};
    use crate::config::{RawDay, RawSlot};

    fn table() -> RawEvent {
        RawEvent {
            slug: "camp-2027".into(),
            title: "Camp 2027".into(),
            timezone: "Europe/Paris".into(),
            languages: vec!["fr".into(), "en".into()],
            rooms: vec![RoomConfig {
                id: "amphi".into(),
                name: "Amphi".into(),
                capacity: 100,
            }],
            days: vec![RawDay {
                date: "2027-01-16".into(),
                slots: vec![RawSlot {
                    id: "d1-0930".into(),
                    start: "09:30".into(),
                    end: "10:15".into(),
                }],
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_new_event_follows_the_rules_of_the_file_and_names_the_key() {
        let secret = OrganiserSecret::from_plain(&"s".repeat(16));
        let (stored, event) = new_event(table(), &secret).unwrap();
        assert!(event.created && event.organiser.verify(&"s".repeat(16)));
        assert_eq!(event_of(&stored).unwrap().slug, "camp-2027");

        let mut t = table();
        t.days[0].slots[0].end = "09:00".into();
        let e = new_event(t, &secret).unwrap_err();
        assert_eq!(e.field, "days[0].slots[0].end");
        assert!(e.message.contains("must be after the start"), "{e:?}");

        let mut t = table();
        t.slug = "Camp 2027".into();
        assert_eq!(new_event(t, &secret).unwrap_err().field, "slug");

        let mut t = table();
        t.organiser_token_hash = Some(secret.hash_string());
        assert_eq!(
            new_event(t, &secret).unwrap_err().field,
            "organiser_token_hash"
        );
    }

    #[test]
    fn a_slug_of_the_file_and_of_the_venue_is_refused_naming_both() {
        let text = "[[events]]\nslug = \"camp-2027\"\ntitle = \"C\"\ntimezone = \"UTC\"\n\
             [[events.rooms]]\nid = \"r\"\nname = \"R\"\ncapacity = 1\n\
             [[events.days]]\ndate = \"2027-01-16\"\n\
             slots = [{ id = \"s\", start = \"09:30\", end = \"10:15\" }]\n";
        let overrides = Overrides {
            organiser_token: Some("o".repeat(16)),
            ..Default::default()
        };
        let config = Config::from_toml_str(text, "config.toml", &overrides).unwrap();
        let secret = OrganiserSecret::from_plain(&"s".repeat(16));
        let (_, event) = new_event(table(), &secret).unwrap();
        let e = config
            .clone()
            .with_created(vec![event.clone()], |s| {
                format!("data/venue/events/{s}.json")
            })
            .unwrap_err();
        assert!(e.contains("config.toml (events[0])"), "{e}");
        assert!(e.contains("data/venue/events/camp-2027.json"), "{e}");
        let mut other = table();
        other.slug = "other".into();
        let (_, other) = new_event(other, &secret).unwrap();
        let both = config.with_created(vec![other], |_| "x".into()).unwrap();
        assert_eq!(
            both.slug_owner("other").as_deref(),
            Some("the venue's page")
        );
    }
}
