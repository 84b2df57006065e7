//! One text frame from one actor: `protocol::parse`, then `Board::execute`,
//! then the board's invariants. Input: a control byte (actor and start
//! board), then the frame. See docs/fuzzing.md.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    slotboard_fuzz::run_frame(data);
});
