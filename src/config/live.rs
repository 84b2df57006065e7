//! A value that a reload swaps while readers keep going.
//!
//! SIGHUP reads the config again (`server::reload`); the settings that can
//! change live are read through a [`Live`] by every new request or socket,
//! which takes the current `Arc` and keeps it for as long as it needs it: a
//! socket opened before the reload keeps the settings it opened with, the
//! next one gets the new ones. A read is an uncontended `RwLock` read and an
//! `Arc` clone; the write is once per reload.

use std::sync::{Arc, RwLock};

/// The current value of something a reload may replace.
#[derive(Debug)]
pub struct Live<T>(RwLock<Arc<T>>);

impl<T> Live<T> {
    pub fn new(value: T) -> Live<T> {
        Live(RwLock::new(Arc::new(value)))
    }

    /// The value now; later swaps do not change what the caller holds.
    pub fn get(&self) -> Arc<T> {
        // A poisoned lock still holds a whole value: the writer only
        // replaces an `Arc`.
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces the value for every later [`Live::get`].
    pub fn set(&self, value: T) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(value);
    }
}
