//! The rules of the parsed texts, one test per kind of text that must pass
//! or be refused: what a wall would show wrong if the rule were lost.

use super::text::*;

fn l() -> Limits {
    Limits::default()
}

#[test]
fn titles_are_trimmed() {
    assert_eq!(Title::parse("  Rust  ", &l()).unwrap().as_str(), "Rust");
}

#[test]
fn whitespace_only_titles_are_rejected() {
    assert!(Title::parse("   ", &l()).is_err());
    assert!(Host::parse("\t", &l()).is_err());
}

#[test]
fn limits_count_characters_not_bytes() {
    let eighty = "é".repeat(80);
    assert!(Title::parse(&eighty, &l()).is_ok());
    let err = Title::parse(&format!("{eighty}é"), &l()).unwrap_err();
    assert!(err.0.contains("81 characters"), "{err}");
}

#[test]
fn control_characters_are_rejected_everywhere() {
    assert!(Title::parse("a\u{7}b", &l()).is_err());
    assert!(Title::parse("a\nb", &l()).is_err());
    assert!(Host::parse("a\u{85}b", &l()).is_err());
    assert!(Tag::parse("x\u{0}", &l()).is_err());
    assert!(Description::parse("a\u{1b}[31m", &l()).is_err());
    assert!(Title::parse("evil\u{202E}txt", &l()).is_err());
}

#[test]
fn descriptions_keep_line_breaks() {
    let d = Description::parse("line one\r\nline two", &l()).unwrap();
    assert_eq!(d.as_str(), "line one\nline two");
    assert!(Description::parse(&"x".repeat(501), &l()).is_err());
    assert!(Description::parse("", &l()).is_ok());
}

#[test]
fn tags_are_bounded_and_deduplicated() {
    let t = Tags::parse(&["rust", "rust", " web "], &l()).unwrap();
    assert_eq!(
        t.iter().map(Tag::as_str).collect::<Vec<_>>(),
        ["rust", "web"]
    );
    assert!(Tags::parse(&["a", "b", "c", "d", "e", "f"], &l()).is_err());
    assert!(Tags::parse(&["x".repeat(25)], &l()).is_err());
    assert!(Tags::parse(&[""], &l()).is_err());
}

#[test]
fn emoji_and_accents_are_welcome() {
    assert!(Title::parse("Café 🦀 & Crêpes — l'atelier", &l()).is_ok());
    assert!(Title::parse("👩‍💻 ZWJ", &l()).is_ok());
}

/// Titles that render as nothing, each as an attacker would type it.
const INVISIBLE: [(&str, &str); 14] = [
    ("zero-width space", "\u{200B}"),
    ("zero-width joiner and non-joiner", "\u{200D}\u{200C}"),
    ("word joiner", "\u{2060}\u{2060}"),
    ("byte-order mark", "\u{FEFF}"),
    ("only combining marks", "\u{0301}\u{0308}\u{0327}"),
    ("combining grapheme joiner", "\u{034F}"),
    ("variation selectors", "\u{FE0F}\u{FE0E}"),
    ("Hangul filler", "\u{3164}"),
    ("Hangul choseong and jungseong fillers", "\u{115F}\u{1160}"),
    ("halfwidth Hangul filler", "\u{FFA0}"),
    ("braille blank", "\u{2800}\u{2800}"),
    ("left-to-right and right-to-left marks", "\u{200E}\u{200F}"),
    ("Mongolian vowel separator", "\u{180E}"),
    ("soft hyphen and invisible times", "\u{00AD}\u{2062}"),
];

#[test]
fn invisible_titles_and_hosts_are_refused_with_what_to_fix() {
    for (what, text) in INVISIBLE {
        let err = Title::parse(text, &l()).expect_err(what);
        assert!(err.0.starts_with("title "), "{what}: {err}");
        assert!(err.0.contains("visible"), "{what}: {err}");
        let err = Host::parse(&format!(" {text} "), &l()).expect_err(what);
        assert!(err.0.starts_with("host "), "{what}: {err}");
        assert!(Tag::parse(text, &l()).is_err(), "{what}");
        assert!(Announcement::parse(text, &l()).is_err(), "{what}");
    }
    // Tag characters are refused before they are judged invisible.
    let err = Title::parse("\u{E0041}\u{E0042}", &l()).unwrap_err();
    assert!(err.0.contains("tag character (U+E0041)"), "{err}");
}

#[test]
fn line_and_paragraph_separators_are_refused_in_one_line_fields() {
    for sep in ['\u{2028}', '\u{2029}'] {
        let text = format!("one{sep}two");
        let err = Title::parse(&text, &l()).unwrap_err();
        assert!(err.0.contains("separator"), "{err}");
        assert!(err.0.contains("one line"), "{err}");
        assert!(Host::parse(&text, &l()).is_err());
        assert!(Tags::parse(&[text.as_str()], &l()).is_err());
        assert!(Announcement::parse(&text, &l()).is_err());
    }
}

#[test]
fn hidden_tag_text_is_refused_but_subdivision_flags_pass() {
    // "hi" in tag characters after a visible word: the ASCII smuggling trick.
    let err = Title::parse("Rust\u{E0068}\u{E0069}", &l()).unwrap_err();
    assert!(err.0.contains("U+E0068"), "{err}");
    assert!(Tag::parse("a\u{E0001}", &l()).is_err());
    // Scotland, Wales, England.
    for flag in [
        "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
        "🏴\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}",
        "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
    ] {
        assert!(
            Title::parse(&format!("Rust {flag}"), &l()).is_ok(),
            "{flag}"
        );
    }
    // A black flag does not carry a long hidden text, nor one without its end.
    let long: String = "🏴"
        .chars()
        .chain("\u{E0061}".chars().cycle().take(7))
        .collect();
    assert!(Title::parse(&format!("{long}\u{E007F}"), &l()).is_err());
    assert!(Title::parse("🏴\u{E0067}\u{E0062}", &l()).is_err());
    assert!(Title::parse("🏴\u{E0041}\u{E007F}", &l()).is_err());
}

#[test]
fn real_text_in_every_script_keeps_passing() {
    for text in [
        "Café crème, naïveté, Ångström",
        "👩‍💻 pair programming",
        "👨‍👩‍👧‍👦",
        "🇫🇷🇩🇪🇯🇵",
        "❤️",
        "1️⃣",
        "Раураl homoglyphs",
        "Rust 入門とウェブ",
        "مرحبا بالعالم",
        "שלום",
        "नमस्ते",
        "한국어 세션",
        "ㅤRust",
        "e\u{0301}",
        "\u{200B}Rust\u{200D}",
        "\u{E000} private use",
        "-",
        "…",
    ] {
        assert!(Title::parse(text, &l()).is_ok(), "{text}");
        assert!(Host::parse(text, &l()).is_ok(), "{text}");
    }
    assert!(Announcement::parse("", &l()).is_ok());
}

#[test]
fn line_problem_speaks_for_the_config_too() {
    assert_eq!(line_problem("Amphi A"), None);
    assert!(line_problem("Amphi\u{2029}A").unwrap().contains("U+2029"));
    assert!(invisible_problem("\u{3164}").is_some());
    assert_eq!(invisible_problem(""), None);
    assert!(!is_visible('\u{200B}') && is_visible('a') && is_visible('💻'));
}
