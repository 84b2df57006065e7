//! The command budget of one connection. It is its own file because it is
//! the rule against a client that floods: a plain token bucket on tokio's
//! clock, logged once. The bucket is made when the socket opens, so the
//! frames before `hello` draw on it too (issue 10: junk before `hello` was
//! answered without limit), and `hello` hands it on to the live loop: a
//! connection has one budget for its whole life.
//!
//! A frame that is not a command (junk, before or after `hello`) costs a
//! token to be answered; beyond the budget it is dropped unanswered, except
//! the first refusal of the connection, which gets one `rate_limited` error
//! so the client learns why the answers stopped.

use tokio::time::Instant;

use super::{Connection, End};
use crate::limits::TokenBucket;
use crate::web::protocol::{ErrorCode, Outgoing, Refusal};
use crate::web::wire::Transport;

/// What taking a token gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Take {
    Granted,
    /// Refused, for the first time on this connection.
    FirstRefusal,
    /// Refused again.
    Refused,
}

/// The command budget of one connection: the rate arithmetic is
/// [`TokenBucket`]'s, fed tokio's clock (so paused-time tests drive it).
pub(super) struct Bucket {
    tokens: TokenBucket,
    rate: u32,
    burst: u32,
    /// Whether a refusal happened already: abuse is logged (and told) once
    /// per connection, not once per message.
    refused: bool,
}

impl Bucket {
    pub(super) fn new(rate: u32, burst: u32) -> Self {
        Bucket {
            tokens: TokenBucket::new(rate, burst, Instant::now().into_std()),
            rate,
            burst,
            refused: false,
        }
    }

    /// Takes a token; the first refusal is logged, naming the event and the
    /// participant's public id once it is known (the connection's span is at
    /// debug level).
    pub(super) fn take(&mut self, event: &str, who: Option<&str>) -> Take {
        if self.tokens.take(Instant::now().into_std()) {
            return Take::Granted;
        }
        if self.refused {
            return Take::Refused;
        }
        self.refused = true;
        tracing::info!(
            event,
            id = who.unwrap_or("(before hello)"),
            rate = self.rate,
            burst = self.burst,
            "rate limiting this connection (logged once per connection)"
        );
        Take::FirstRefusal
    }
}

impl Connection {
    /// Answers a frame that is not a command within the connection's budget:
    /// its own refusal while there are tokens, one `rate_limited` error at
    /// the first refusal, then nothing.
    pub(super) async fn refuse_within<S>(
        &self,
        socket: &mut S,
        bucket: &mut Bucket,
        who: Option<&str>,
        refusal: Refusal,
    ) -> Result<(), End>
    where
        S: Transport,
    {
        match bucket.take(&self.event.config.slug, who) {
            Take::Granted => {
                if let Refusal::Reject { rejection, .. } = &refusal {
                    self.event.metrics().rejected(rejection.code);
                }
                self.refuse(socket, refusal).await
            }
            Take::FirstRefusal => {
                let message = format!(
                    "more than {} frames a second; the rest are dropped unanswered, slow down",
                    self.settings.commands_per_sec
                );
                let text = Outgoing::Error {
                    code: ErrorCode::RateLimited,
                    message: &message,
                }
                .to_text();
                self.send(socket, text).await
            }
            Take::Refused => Ok(()),
        }
    }
}
