//! The layers of `src/`, held by a test (in the manner of rust-analyzer's
//! tidy test).
//!
//! It reads every source file of the library, finds what each one uses of the
//! crate (`use crate::..`, `crate::..` paths, `super::..`) and of a few
//! outside crates, and fails, naming the file and the line, when:
//!
//! - a module uses a module of a layer above its own (ARCHITECTURE.md, "The
//!   layers", is the same table in words);
//! - two modules use each other, directly or through others: between the
//!   top-level modules, and between the files of one module;
//! - one of ARCHITECTURE.md's invariants is broken: the core uses no tokio,
//!   axum, tungstenite, clock, randomness or disk; the hub nothing of the web
//!   layer nor any axum or tungstenite type; views nothing from `store`, no
//!   clock and no random ids; `store` no hub handle;
//! - a file of the library (test files excepted) grows past the size limit.
//!
//! Code under `#[cfg(test)]` and test files (`tests.rs`, `*_tests.rs`,
//! `proptests.rs`) are left out: a test may build its fixtures from anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The layers, bottom first. A module may use the modules of its own layer
/// and of the layers below it; the graph of who uses whom must still have no
/// circle.
const LAYERS: &[(&str, &[&str])] = &[
    ("text tables", &["i18n"]),
    ("the pure core", &["board"]),
    ("identity, time and ids", &["auth", "clock", "ids"]),
    ("configuration", &["config"]),
    ("pure outputs", &["record", "export", "lifecycle"]),
    ("the disk", &["store"]),
    ("the demo's data", &["demo"]),
    ("counting", &["metrics"]),
    ("the writer per event", &["hub"]),
    ("pages and the edge", &["views", "limits"]),
    ("transport", &["web"]),
    ("the process", &["server"]),
];

/// Lines a library file may have.
const MAX_LINES: usize = 520;

/// What a top-level module may not mention at all (outside its tests).
const FORBIDDEN: &[(&str, &[&str], &str)] = &[
    (
        "board",
        &[
            "tokio",
            "axum",
            "tungstenite",
            "std::fs",
            "std::net",
            "rand::",
            "::now()",
            "Instant",
            "SystemTime",
            "hyper",
        ],
        "the core has no IO, no clock and no randomness",
    ),
    (
        "i18n",
        &["tokio", "axum", "std::fs", "::now()", "rand::"],
        "the text tables are pure",
    ),
    (
        "hub",
        &["axum", "tungstenite", "hyper", "crate::web", "crate::views"],
        "the hub deals in bytes and records, never in the web layer's types",
    ),
    (
        "views",
        &[
            "crate::store",
            "crate::web",
            "::now()",
            "rand::",
            "new_token",
            "std::fs",
            "tokio",
        ],
        "views render what they are handed: no disk, no clock, no random ids",
    ),
    (
        "store",
        &["crate::hub", "EventHandle"],
        "the disk is given plain data",
    ),
    (
        "export",
        &["std::fs", "tokio", "::now()"],
        "exports are pure functions of the board",
    ),
    (
        "lifecycle",
        &[
            "std::fs",
            "tokio::",
            "::now()",
            "crate::store",
            "crate::hub",
        ],
        "lifecycle decisions are pure, from a given instant",
    ),
    (
        "record",
        &["std::fs", "tokio", "::now()"],
        "a record is plain data",
    ),
    (
        "auth",
        &[
            "std::fs",
            "tokio",
            "axum",
            "hyper",
            "::now()",
            "crate::store",
        ],
        "identity is arithmetic: the failure budget and the sessions are given \
         the instant, and their file is the store's",
    ),
];

/// One source file of the library.
struct File {
    /// `web::socket`, `board`, `lib`.
    module: String,
    path: PathBuf,
    /// The code, with comments, strings and `#[cfg(test)]` items blanked out
    /// (line numbers kept).
    code: Vec<String>,
    lines: usize,
}

/// One use of a module by another.
#[derive(Clone)]
struct Use {
    from: String,
    to: String,
    path: PathBuf,
    line: usize,
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "tests.rs" || name.ends_with("_tests.rs") || name == "proptests.rs"
}

fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" {
        parts.push(stem.to_owned());
    }
    if parts.is_empty() {
        "lib".to_owned()
    } else {
        parts.join("::")
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Blanks out comments, string and char literals, keeping line breaks, so
/// that what is left is code.
fn strip(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('#') || next == Some('"')) && !ident_before(&b, i) {
            // A raw string: r"..", r#".."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.push('"');
            for _ in i + 1..=j {
                out.push(' ');
            }
            out.pop();
            i = j + 1;
            while i < b.len() {
                if b[i] == '"' && (0..hashes).all(|k| b.get(i + 1 + k) == Some(&'#')) {
                    out.push('"');
                    for _ in 0..hashes {
                        out.push(' ');
                    }
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(b[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' && b.get(i + 1) == Some(&'\\') {
            // An escaped char literal: '\n', '\'', '\u{..}'.
            let mut j = i + 3;
            while j < b.len() && b[j] != '\'' {
                j += 1;
            }
            for _ in i..=j.min(b.len() - 1) {
                out.push(' ');
            }
            i = j + 1;
        } else if c == '\'' && b.get(i + 2) == Some(&'\'') {
            out.push_str("   ");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// Blanks out every item under `#[cfg(test)]` (a `mod tests { .. }` or a
/// single item), keeping line breaks.
fn drop_test_items(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let text: String = out.iter().collect();
    let mut from = 0;
    while let Some(at) = text[from..].find("#[cfg(test)]") {
        let start = from + at;
        let start_c = text[..start].chars().count();
        // The item ends at its first `;` before any `{`, or at the brace
        // that closes its first `{`.
        let mut depth = 0usize;
        let mut end = out.len();
        for (k, ch) in out.iter().enumerate().skip(start_c + "#[cfg(test)]".len()) {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = k + 1;
                    break;
                }
                _ => {}
            }
        }
        for ch in &mut out[start_c..end] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
        from = start + "#[cfg(test)]".len();
    }
    out.into_iter().collect()
}

fn read_files() -> Vec<File> {
    let root = src();
    let mut paths = Vec::new();
    walk(&root, &mut paths);
    paths
        .into_iter()
        .filter(|p| !is_test_file(p))
        .filter(|p| p.file_name().is_some_and(|n| n != "main.rs") || p.parent() != Some(&root))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let rel = path.strip_prefix(&root).unwrap();
            let code = drop_test_items(&strip(&text));
            File {
                module: module_of(rel),
                code: code.lines().map(str::to_owned).collect(),
                lines: text.lines().count(),
                path: rel.to_path_buf(),
            }
        })
        .collect()
}

/// The paths that start at the beginning of `s` (after a `crate::` or
/// `super::`), with `{..}` groups expanded, each as its identifiers.
fn paths_at(s: &str) -> Vec<Vec<String>> {
    let b = s.as_bytes();
    let mut segs = Vec::new();
    let mut i = 0;
    loop {
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        if i == start {
            if b.get(i) == Some(&b'{') {
                return group(&s[i + 1..])
                    .into_iter()
                    .flat_map(|part| paths_at(part.trim()))
                    .map(|tail| segs.iter().cloned().chain(tail).collect())
                    .collect();
            }
            break;
        }
        segs.push(s[start..i].to_owned());
        if s[i..].starts_with("::") {
            i += 2;
        } else {
            break;
        }
    }
    vec![segs]
}

/// The comma-separated parts of a `{..}` group whose `{` was just read.
fn group(s: &str) -> Vec<&str> {
    let mut depth = 0;
    let mut parts = Vec::new();
    let mut from = 0;
    for (k, ch) in s.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => {
                parts.push(&s[from..k]);
                return parts;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[from..k]);
                from = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[from..]);
    parts
}

/// Every module of the crate, by its path.
fn modules(files: &[File]) -> BTreeSet<String> {
    files.iter().map(|f| f.module.clone()).collect()
}

/// The longest module named by a path below `crate`.
fn resolve(path: &[String], known: &BTreeSet<String>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|m| known.contains(m))
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

fn uses(files: &[File]) -> Vec<Use> {
    let known = modules(files);
    let mut out = Vec::new();
    for f in files {
        let joined = f.code.join("\n");
        let starts: Vec<usize> = f
            .code
            .iter()
            .scan(0, |acc, l| {
                let s = *acc;
                *acc += l.len() + 1;
                Some(s)
            })
            .collect();
        let line_of = |byte: usize| starts.partition_point(|&s| s <= byte);
        for key in ["crate::", "super::"] {
            let mut from = 0;
            while let Some(at) = joined[from..].find(key) {
                let pos = from + at;
                from = pos + key.len();
                if pos > 0 {
                    let prev = joined[..pos].chars().next_back().unwrap();
                    if prev.is_alphanumeric() || prev == '_' || (key == "super::" && prev == ':') {
                        continue;
                    }
                }
                // Relative paths start from this file's module.
                let base: Vec<String> = if key == "crate::" {
                    Vec::new()
                } else {
                    let mut b: Vec<String> = f.module.split("::").map(str::to_owned).collect();
                    // A file `a/b.rs` is module a::b; `super` is a.
                    b.pop();
                    let mut rest = &joined[pos + key.len()..];
                    while let Some(r) = rest.strip_prefix("super::") {
                        b.pop();
                        rest = r;
                    }
                    b
                };
                let mut tail = &joined[pos + key.len()..];
                while let Some(r) = tail.strip_prefix("super::") {
                    tail = r;
                }
                for p in paths_at(tail) {
                    let mut full = base.clone();
                    full.extend(p);
                    if let Some(to) = resolve(&full, &known)
                        && to != f.module
                    {
                        out.push(Use {
                            from: f.module.clone(),
                            to,
                            path: f.path.clone(),
                            line: line_of(pos),
                        });
                    }
                }
            }
        }
    }
    out
}

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&top(module)))
}

/// A circle in `graph`, as the list of its nodes, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_owned(), 1);
        stack.push(n.to_owned());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m.as_str()) {
                Some(1) => {
                    let at = stack.iter().position(|s| s == m).unwrap();
                    let mut c = stack[at..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(n.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if !state.contains_key(n.as_str())
            && let Some(c) = visit(n, graph, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// Where `from` uses `to`, for the message.
fn witness(all: &[Use], from: &str, to: &str, same_top: bool) -> String {
    all.iter()
        .find(|u| {
            if same_top {
                u.from == from && u.to == to
            } else {
                top(&u.from) == from && top(&u.to) == to
            }
        })
        .map(|u| format!("src/{}:{}", u.path.display(), u.line))
        .unwrap_or_default()
}

#[test]
fn every_module_sits_in_a_layer() {
    let files = read_files();
    let missing: BTreeSet<&str> = files
        .iter()
        .map(|f| top(&f.module))
        .filter(|m| *m != "lib" && rank(m).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "modules in no layer: {missing:?}; add them to LAYERS here and to ARCHITECTURE.md"
    );
}

#[test]
fn no_module_uses_one_above_it() {
    let files = read_files();
    let mut wrong = String::new();
    for u in uses(&files) {
        let (Some(a), Some(b)) = (rank(&u.from), rank(&u.to)) else {
            continue;
        };
        if b > a {
            let _ = writeln!(
                wrong,
                "src/{}:{}: {} (layer \"{}\") uses {} (layer \"{}\", above it)",
                u.path.display(),
                u.line,
                u.from,
                LAYERS[a].0,
                u.to,
                LAYERS[b].0
            );
        }
    }
    assert!(wrong.is_empty(), "a layer uses one above it:\n{wrong}");
}

#[test]
fn no_two_top_level_modules_use_each_other() {
    let files = read_files();
    let all = uses(&files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for u in &all {
        let (a, b) = (top(&u.from), top(&u.to));
        if a != b && a != "lib" {
            graph.entry(a.to_owned()).or_default().insert(b.to_owned());
        }
    }
    if let Some(c) = circle(&graph) {
        let steps: Vec<String> = c
            .windows(2)
            .map(|w| {
                format!(
                    "{} -> {} ({})",
                    w[0],
                    w[1],
                    witness(&all, &w[0], &w[1], false)
                )
            })
            .collect();
        panic!(
            "modules use each other in a circle:\n  {}",
            steps.join("\n  ")
        );
    }
}

#[test]
fn no_two_files_of_a_module_use_each_other() {
    let files = read_files();
    let all = uses(&files);
    // Within one top-level module; a folder's `mod.rs` declares and
    // re-exports its files, and they may use what it defines, so edges to
    // and from a folder's own root are not counted.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for u in &all {
        let parent_of = |child: &str, parent: &str| {
            child.starts_with(&format!("{parent}::")) && !child[parent.len() + 2..].contains("::")
        };
        if top(&u.from) != top(&u.to) || parent_of(&u.from, &u.to) || parent_of(&u.to, &u.from) {
            continue;
        }
        graph
            .entry(u.from.clone())
            .or_default()
            .insert(u.to.clone());
    }
    if let Some(c) = circle(&graph) {
        let steps: Vec<String> = c
            .windows(2)
            .map(|w| {
                format!(
                    "{} -> {} ({})",
                    w[0],
                    w[1],
                    witness(&all, &w[0], &w[1], true)
                )
            })
            .collect();
        panic!(
            "files use each other in a circle:\n  {}",
            steps.join("\n  ")
        );
    }
}

#[test]
fn the_invariants_of_architecture_md_hold() {
    let files = read_files();
    let mut wrong = String::new();
    for (module, words, why) in FORBIDDEN {
        for f in files.iter().filter(|f| top(&f.module) == *module) {
            for (n, line) in f.code.iter().enumerate() {
                for w in *words {
                    if line.contains(w) {
                        let _ = writeln!(
                            wrong,
                            "src/{}:{}: `{w}` in {module}: {why}",
                            f.path.display(),
                            n + 1
                        );
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "an invariant is broken:\n{wrong}");
}

#[test]
fn library_files_stay_small() {
    let files = read_files();
    let big: Vec<String> = files
        .iter()
        .filter(|f| f.lines > MAX_LINES)
        .map(|f| format!("src/{}: {} lines", f.path.display(), f.lines))
        .collect();
    assert!(
        big.is_empty(),
        "files over {MAX_LINES} lines (split them by concern; tests files are exempt):\n  {}",
        big.join("\n  ")
    );
}

#[test]
fn the_reader_sees_what_a_file_uses() {
    // The parser itself, on the shapes the crate uses.
    let code = strip(
        "use crate::{board::{Board, Cell}, hub::EventHandle};\n\
         // crate::web is only a comment\n\
         let s = \"crate::views\";\n\
         fn f() { crate::store::archive::write(); super::forms::x(); }\n",
    );
    assert!(!code.contains("crate::web") && !code.contains("crate::views"));
    let files = vec![
        file("web/phone.rs", &code),
        file("board/mod.rs", ""),
        file("hub/mod.rs", ""),
        file("store/archive.rs", ""),
        file("web/forms.rs", ""),
    ];
    let got: BTreeSet<(String, usize)> = uses(&files).into_iter().map(|u| (u.to, u.line)).collect();
    let want: BTreeSet<(String, usize)> = [
        ("board".to_owned(), 1),
        ("hub".to_owned(), 1),
        ("store::archive".to_owned(), 4),
        ("web::forms".to_owned(), 4),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
    let tests = drop_test_items("fn a() {}\n#[cfg(test)]\nmod tests {\n use crate::web;\n}\n");
    assert!(!tests.contains("crate::web"));
    assert_eq!(tests.lines().count(), 5);
}

#[test]
fn a_circle_through_three_modules_is_found_and_named() {
    // hub -> lifecycle -> store -> hub, the circle this test was written for.
    let files = vec![
        file("hub/mod.rs", "use crate::lifecycle::ends_at;"),
        file("lifecycle.rs", "fn f() { crate::store::archive::write(); }"),
        file("store/archive.rs", "use crate::hub::EventHandle;"),
        file("board/mod.rs", ""),
    ];
    let all = uses(&files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for u in &all {
        graph
            .entry(top(&u.from).to_owned())
            .or_default()
            .insert(top(&u.to).to_owned());
    }
    let c = circle(&graph).expect("the circle");
    assert_eq!(c.first(), c.last());
    for m in ["hub", "lifecycle", "store"] {
        assert!(c.iter().any(|n| n == m), "{c:?}");
    }
    // And the uses that go up are the ones a layer check names.
    let up: Vec<_> = all
        .iter()
        .filter(|u| rank(&u.to) > rank(&u.from))
        .map(|u| (u.path.display().to_string(), u.line))
        .collect();
    assert_eq!(
        up,
        [
            ("lifecycle.rs".to_owned(), 1),
            ("store/archive.rs".to_owned(), 1)
        ]
    );
}

fn file(rel: &str, code: &str) -> File {
    File {
        module: module_of(Path::new(rel)),
        path: PathBuf::from(rel),
        code: code.lines().map(str::to_owned).collect(),
        lines: code.lines().count(),
    }
}
