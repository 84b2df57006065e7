//! The organiser view.
