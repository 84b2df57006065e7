//! Waiting for something that must happen: always for a condition, polled
//! with a short yield and bounded by a deadline, failing with a message that
//! names what was awaited. No test sleeps and hopes.

use std::future::Future;
use std::time::Duration;

/// How long a test waits for something that must happen. Generous: machines
/// are shared and noisy; a passing test never waits this long.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The pause between two looks at a condition: short, so that a test goes
/// on soon after the condition holds.
pub const POLL: Duration = Duration::from_millis(20);

/// Polls `check` until it gives `Some`, for at most `timeout`; panics naming
/// `what` when it never does.
#[track_caller]
pub fn wait_for<T, F, Fut>(what: &str, timeout: Duration, check: F) -> impl Future<Output = T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let caller = std::panic::Location::caller();
    let what = what.to_owned();
    wait_for_at(what, timeout, check, caller)
}

async fn wait_for_at<T, F, Fut>(
    what: String,
    timeout: Duration,
    check: F,
    caller: &'static std::panic::Location<'static>,
) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    match poll(timeout, check).await {
        Some(v) => v,
        None => panic!("{caller}: timed out after {timeout:?} waiting for {what}"),
    }
}

/// Polls `check` until it gives `Some`, for at most `timeout`; `None` when
/// it never did, for a caller that has something else to try (another port,
/// a kill and a log in the message).
pub async fn poll<T, F, Fut>(timeout: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Polls `cond` until it holds, for at most `timeout`; panics naming `what`
/// when it never does.
#[track_caller]
pub fn wait_until<F, Fut>(what: &str, timeout: Duration, mut cond: F) -> impl Future<Output = ()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let caller = std::panic::Location::caller();
    let what = what.to_owned();
    let check = move || {
        let fut = cond();
        async move { fut.await.then_some(()) }
    };
    wait_for_at(what, timeout, check, caller)
}
