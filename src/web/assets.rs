//! The files of `assets/`, embedded in the binary at build time.

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::i18n::Lang;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// `GET /assets/{file}`: the file with its type, a strong ETag (its SHA-256)
/// and a one-hour cache; compression is the router's.
pub async fn serve(Path(file): Path<String>, headers: HeaderMap, lang: Lang) -> Response {
    let Some(asset) = Assets::get(&file) else {
        return super::not_found(lang).await;
    };
    let etag = format!("\"{}\"", hex::encode(asset.metadata.sha256_hash()));
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mime = asset.metadata.mimetype().to_owned();
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
        ],
        asset.data.into_owned(),
    )
        .into_response()
}
