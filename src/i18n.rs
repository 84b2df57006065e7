//! French and English.
//!
//! Every string a person reads is written in both languages where it is used:
//! `lang.t("Free", "Libre")`. No keys to keep in sync, no string missing in
//! one language: the compiler sees both. The JS of a page gets the strings it
//! needs from the page itself, as a JSON block built the same way.
//!
//! The language is, in order: `?lang=` (the switch on every page, then
//! remembered in a `lang` cookie), the `lang` cookie, the browser's
//! `Accept-Language`, and the event's first language. Reading those from a
//! request is the web layer's job (`web::headers`): this module is pure text,
//! so that the core may name its labels in both languages.

use serde::Serialize;

/// The name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// A language of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// `fr` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the text in this language.
    pub fn t<'a>(self, en: &'a str, fr: &'a str) -> &'a str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    /// The best language for a request.
    pub fn negotiate(
        query: Option<&str>,
        cookie: Option<&str>,
        accept_language: Option<&str>,
        default: Lang,
    ) -> Lang {
        if let Some(l) = query.and_then(Lang::parse) {
            return l;
        }
        if let Some(l) = cookie.and_then(Lang::parse) {
            return l;
        }
        if let Some(header) = accept_language {
            let codes: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
            // Matches "fr-FR" to "fr", in the browser's order of preference.
            for wanted in accept_language::parse(header) {
                let primary = wanted.split('-').next().unwrap_or("");
                if let Some(code) = codes.iter().find(|c| c.eq_ignore_ascii_case(primary)) {
                    if let Some(l) = Lang::parse(code) {
                        return l;
                    }
                }
            }
        }
        default
    }

    /// The `?lang=` of a query string, if it names a language.
    pub fn from_query(query: Option<&str>) -> Option<Lang> {
        query?
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Lang::parse(v))
    }
}

/// Day names: English, its abbreviation, French, its abbreviation.
const WEEKDAYS: [(&str, &str, &str, &str); 7] = [
    ("Monday", "Mon", "lundi", "lun."),
    ("Tuesday", "Tue", "mardi", "mar."),
    ("Wednesday", "Wed", "mercredi", "mer."),
    ("Thursday", "Thu", "jeudi", "jeu."),
    ("Friday", "Fri", "vendredi", "ven."),
    ("Saturday", "Sat", "samedi", "sam."),
    ("Sunday", "Sun", "dimanche", "dim."),
];

/// Month names, the same way.
const MONTHS: [(&str, &str, &str, &str); 12] = [
    ("January", "Jan", "janvier", "janv."),
    ("February", "Feb", "février", "févr."),
    ("March", "Mar", "mars", "mars"),
    ("April", "Apr", "avril", "avr."),
    ("May", "May", "mai", "mai"),
    ("June", "Jun", "juin", "juin"),
    ("July", "Jul", "juillet", "juil."),
    ("August", "Aug", "août", "août"),
    ("September", "Sep", "septembre", "sept."),
    ("October", "Oct", "octobre", "oct."),
    ("November", "Nov", "novembre", "nov."),
    ("December", "Dec", "décembre", "déc."),
];

impl Lang {
    /// `Saturday 5 December` / `samedi 5 décembre`.
    pub fn date(self, d: jiff::civil::Date) -> String {
        let (wd, mo) = names(d);
        match self {
            Lang::En => format!("{} {} {}", wd.0, d.day(), mo.0),
            Lang::Fr => format!("{} {} {}", wd.2, d.day(), mo.2),
        }
    }

    /// `Sat 5 Dec` / `sam. 5 déc.`.
    pub fn date_short(self, d: jiff::civil::Date) -> String {
        let (wd, mo) = names(d);
        match self {
            Lang::En => format!("{} {} {}", wd.1, d.day(), mo.1),
            Lang::Fr => format!("{} {} {}", wd.3, d.day(), mo.3),
        }
    }
}

type Names = (&'static str, &'static str, &'static str, &'static str);

fn names(d: jiff::civil::Date) -> (Names, Names) {
    let wd = usize::from(d.weekday().to_monday_zero_offset().unsigned_abs());
    let mo = usize::from((d.month() - 1).unsigned_abs());
    (WEEKDAYS[wd % 7], MONTHS[mo % 12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_wins_then_the_cookie_then_the_browser() {
        assert_eq!(
            Lang::negotiate(Some("en"), Some("fr"), Some("fr"), Lang::Fr),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(None, Some("en"), Some("fr"), Lang::Fr),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(None, None, Some("en-GB,en;q=0.9,fr;q=0.8"), Lang::Fr),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(None, None, Some("de-DE,fr-FR;q=0.7"), Lang::En),
            Lang::Fr
        );
        assert_eq!(Lang::negotiate(None, None, Some("de"), Lang::En), Lang::En);
        assert_eq!(
            Lang::negotiate(Some("xx"), Some("??"), None, Lang::Fr),
            Lang::Fr
        );
    }

    #[test]
    fn dates_read_naturally_in_both_languages() {
        use jiff::civil::date;
        assert_eq!(Lang::Fr.date(date(2026, 12, 5)), "samedi 5 décembre");
        assert_eq!(Lang::En.date(date(2026, 12, 5)), "Saturday 5 December");
        assert_eq!(Lang::Fr.date_short(date(2027, 2, 1)), "lun. 1 févr.");
        assert_eq!(Lang::En.date_short(date(2027, 2, 1)), "Mon 1 Feb");
    }

    #[test]
    fn the_query_is_read_among_other_parameters() {
        assert_eq!(Lang::from_query(Some("a=1&lang=en")), Some(Lang::En));
        assert_eq!(Lang::from_query(Some("lang=")), None);
        assert_eq!(Lang::from_query(None), None);
    }
}
