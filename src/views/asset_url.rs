//! The files of `assets/`, embedded in the binary at build time, and the
//! versioned URL a page links each by.
//!
//! It sits in `views` (not `web`) because the pages' layout must name each
//! asset with its version (`/assets/phone.js?v=<hash>`) and views may not use
//! the web layer; the route that serves the files (`web::assets`) reads the
//! same embedded files from here. The version is a short prefix of the
//! file's SHA-256: a new build with a changed file gives a new URL, so the
//! served copy of a versioned URL can be cached for a year.

use std::collections::HashMap;
use std::sync::LazyLock;

use rust_embed::RustEmbed;

/// The embedded `assets/` folder.
#[derive(RustEmbed)]
#[folder = "assets/"]
pub struct Assets;

/// Hex digits of the SHA-256 a version carries.
const VERSION_LEN: usize = 12;

/// Every asset's version, computed once.
static VERSIONS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    Assets::iter()
        .filter_map(|name| {
            let file = Assets::get(&name)?;
            let hash = hex::encode(file.metadata.sha256_hash());
            Some((name.into_owned(), hash[..VERSION_LEN].to_owned()))
        })
        .collect()
});

/// The version of asset `name` (a prefix of its SHA-256), if it exists.
pub fn version(name: &str) -> Option<&'static str> {
    VERSIONS.get(name).map(String::as_str)
}

/// The URL a page links asset `name` by: `/assets/{name}?v={version}`, or
/// the plain `/assets/{name}` for a name that is not embedded.
pub fn versioned(name: &str) -> String {
    match version(name) {
        Some(v) => format!("/assets/{name}?v={v}"),
        None => format!("/assets/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_gets_a_short_hash_and_others_stay_plain() {
        let url = versioned("phone.js");
        let v = url.strip_prefix("/assets/phone.js?v=").expect("versioned");
        assert_eq!(v.len(), VERSION_LEN);
        assert!(v.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(versioned("nope.js"), "/assets/nope.js");
    }
}
