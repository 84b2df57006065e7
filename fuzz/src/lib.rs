//! The harness of the fuzz targets. It lives in `harness.rs` so that the
//! regression tests (`tests/it/fuzz_regressions.rs`) include the very same
//! checks and replay the corpus on the stable toolchain in `cargo test`.

#[path = "harness.rs"]
mod harness;

pub use harness::{run_frame, run_sequence};
