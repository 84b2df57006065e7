//! The device link's QR code in a real browser: the phone page only links
//! it, so loading the page draws no code; opening "Use on another device"
//! shows it in place (phone.js), and without JavaScript the link opens it.

use crate::harness::{self, Opts, WAIT};
use crate::kit::*;

/// How many times the page fetched a QR code, by the browser's own count.
const FETCHED: &str = "return performance.getEntriesByType('resource') \
     .filter(e => e.name.includes('/me/qr.svg')).length;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qr_code_is_drawn_only_when_asked() {
    let Some(driver) = harness::driver("the_qr_code_is_drawn_only_when_asked").await else {
        return;
    };
    let camp = TestServer::start().await;

    let b = driver.browser(Opts::phone()).await;
    b.goto(&camp.http("/e/camp")).await;
    b.wait_for("#conn[data-status=\"live\"]", WAIT).await;
    assert_eq!(
        b.js(FETCHED, vec![]).await,
        0,
        "the page alone fetches no code"
    );
    let summary = b.find("#device summary").await;
    b.click(&summary).await;
    b.wait_js(
        "the QR code drawn in place once the section is open",
        WAIT,
        "const i = document.querySelector('#device .qr img'); \
         return !!i && i.complete && i.naturalWidth > 0 && i.alt === 'QR code of the link' \
           && document.querySelector('#device .qr-link').hidden;",
        vec![],
    )
    .await;
    assert_eq!(b.js(FETCHED, vec![]).await, 1);

    // Without JavaScript: the link to the code, which the browser shows.
    let plain = driver.browser(Opts::phone().no_js()).await;
    plain.goto(&camp.http("/e/camp")).await;
    let summary = plain.wait_for("#device summary", WAIT).await;
    plain.click(&summary).await;
    let link = plain.wait_visible("#device .qr-link", WAIT).await;
    let href = plain.attr(&link, "href").await.unwrap_or_default();
    assert!(href.starts_with("/e/camp/me/qr.svg?l="), "{href}");
    plain.click(&link).await;
    plain
        .wait_js(
            "the code opened on its own",
            WAIT,
            "return location.pathname === '/e/camp/me/qr.svg' && !!document.querySelector('svg path');",
            vec![],
        )
        .await;
}
