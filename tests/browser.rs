//! The pages in a real browser: Debian's headless Chromium through
//! chromedriver, against the real server in this process.
//!
//! Without Chromium and chromedriver these tests say SKIPPED on stderr and
//! pass, unless `CI` is set (then they fail). axe-core comes from `npm ci`.

mod kit;

#[path = "browser/bulk.rs"]
mod bulk;
#[path = "browser/device_qr.rs"]
mod device_qr;
#[path = "browser/door.rs"]
mod door;
#[path = "browser/flood.rs"]
mod flood;
#[path = "browser/grid.rs"]
mod grid;
#[path = "browser/grid_forms.rs"]
mod grid_forms;
#[path = "browser/harness.rs"]
mod harness;
#[path = "browser/my_day.rs"]
mod my_day;
#[path = "browser/pages.rs"]
mod pages;
#[path = "browser/pitch.rs"]
mod pitch;
#[path = "browser/pitch_day.rs"]
mod pitch_day;
#[path = "browser/venue.rs"]
mod venue;
#[path = "browser/wall_pitch.rs"]
mod wall_pitch;
