//! The command budget of one connection. It is its own file because it is
//! the rule against a client that floods: a plain token bucket on tokio's
//! clock, logged once, with nothing of the socket in it.

use tokio::time::Instant;

use crate::board::Actor;
use crate::limits::TokenBucket;

/// The command budget of one connection: the rate arithmetic is
/// [`TokenBucket`]'s, fed tokio's clock (so paused-time tests drive it).
pub(super) struct Bucket {
    tokens: TokenBucket,
    rate: u32,
    burst: u32,
    /// Whether a refusal was logged already: abuse is logged once per
    /// connection, not once per message.
    logged: bool,
}

impl Bucket {
    pub(super) fn new(rate: u32, burst: u32) -> Self {
        Bucket {
            tokens: TokenBucket::new(rate, burst, Instant::now().into_std()),
            rate,
            burst,
            logged: false,
        }
    }

    /// Takes a token; the first refusal is logged, naming the event and the
    /// participant's public id (the connection's span is at debug level).
    pub(super) fn take(&mut self, event: &str, actor: &Actor) -> bool {
        if self.tokens.take(Instant::now().into_std()) {
            return true;
        }
        if !self.logged {
            self.logged = true;
            tracing::info!(
                event,
                id = %actor.id.0,
                rate = self.rate,
                burst = self.burst,
                "rate limiting this connection (logged once per connection)"
            );
        }
        false
    }
}
