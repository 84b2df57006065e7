//! How a day of the wall is cut into pages when it does not fit on one
//! screen: at most [`MAX_ROOMS`] side by side and [`MAX_SLOTS`] one under
//! the other, split as evenly as possible, every cell shown exactly once.

use std::ops::Range;

/// At most this many rooms side by side on one page of the wall.
pub const MAX_ROOMS: usize = 6;
/// At most this many slots one under the other on one page of the wall.
pub const MAX_SLOTS: usize = 8;
/// How long each page stays on screen when a day needs several.
pub const ROTATE_MS: u64 = 10_000;

/// Splits `n` items into the fewest runs of at most `max`, as even as
/// possible (7 by 6 gives 4 + 3, not 6 + 1). Always at least one run.
pub fn runs(n: usize, max: usize) -> Vec<Range<usize>> {
    let max = max.max(1);
    let count = n.div_ceil(max).max(1);
    let (base, extra) = (n / count, n % count);
    let mut start = 0;
    (0..count)
        .map(|i| {
            let len = base + usize::from(i < extra);
            let r = start..start + len;
            start += len;
            r
        })
        .collect()
}

/// The pages of one day: each shows some rooms for some slots; together they
/// show each cell exactly once (earlier slots first, then rooms left to right).
pub fn pages(rooms: usize, slots: usize) -> Vec<(Range<usize>, Range<usize>)> {
    let room_runs = runs(rooms, MAX_ROOMS);
    runs(slots, MAX_SLOTS)
        .into_iter()
        .flat_map(|s| room_runs.iter().map(move |r| (r.clone(), s.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_split_evenly_and_cover_every_cell_once() {
        assert_eq!(runs(7, 6), vec![0..4, 4..7]);
        assert_eq!(runs(6, 6), vec![0..6]);
        assert_eq!(runs(0, 6), vec![0..0]);
        assert_eq!(runs(13, 6), vec![0..5, 5..9, 9..13]);
        // The demo config fits on one page.
        assert_eq!(pages(6, 7).len(), 1);
        let p = pages(9, 10);
        assert_eq!(p.len(), 4);
        let mut seen = std::collections::BTreeSet::new();
        for (rooms, slots) in &p {
            assert!(rooms.len() <= MAX_ROOMS && slots.len() <= MAX_SLOTS);
            for r in rooms.clone() {
                for s in slots.clone() {
                    assert!(seen.insert((r, s)), "cell shown twice");
                }
            }
        }
        assert_eq!(seen.len(), 90);
    }
}
