//! A sequence of frames, one a line, each from the actor its control byte
//! names, applied to one board so that state builds up; at the end the
//! accepted changes, replayed through JSON as the journal holds them, must
//! rebuild the same board. See docs/fuzzing.md.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    slotboard_fuzz::run_sequence(data);
});
