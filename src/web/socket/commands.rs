//! One command of a joined client: parsed, held to the command budgets,
//! submitted to the hub, and its answer turned into a frame. It is its own
//! file because it is the connection's one way into the board; the live loop
//! only waits for what it queues here.

use std::collections::VecDeque;

use tokio::sync::oneshot;
use tracing::Instrument;

use super::rate::{Bucket, Take};
use super::{Connection, End};
use crate::board::{Actor, RejectCode, Rejection, Role};
use crate::hub::Answer;
use crate::limits::{ConnGuard, claim_refused_message};
use crate::web::protocol::{self, ErrorCode, Incoming, Outgoing, Refusal};
use crate::web::wire::Transport;

/// A command sent to the hub whose answer has not been written yet.
pub(super) struct Pending {
    pub(super) req: String,
    pub(super) op: &'static str,
    /// The command's span: its answer is logged in it.
    pub(super) span: tracing::Span,
    pub(super) rx: oneshot::Receiver<Answer>,
}

impl Connection {
    /// The frame for the hub's answer to `p`; counts and logs it.
    pub(super) fn answer_text(
        &self,
        p: &Pending,
        answer: Result<Answer, oneshot::error::RecvError>,
    ) -> String {
        let _in = p.span.enter();
        match answer {
            Ok(Answer::Ack { rev }) => {
                tracing::debug!(outcome = "ack", rev, "answered");
                Outgoing::Ack { req: &p.req, rev }.to_text()
            }
            Ok(Answer::Reject(r)) => {
                tracing::debug!(outcome = "reject", code = r.code.as_str(), "answered");
                protocol::reject_text(&p.req, &r)
            }
            Err(_) => {
                // The hub stopped without answering (it counted nothing).
                let r = Rejection::new(
                    RejectCode::Unavailable,
                    "the server is shutting down; retry in a moment",
                );
                self.event.metrics().answered(p.op, Err(r.code));
                tracing::debug!(outcome = "reject", code = r.code.as_str(), "answered");
                protocol::reject_text(&p.req, &r)
            }
        }
    }

    /// Whether a claim of `actor` may go on: always for an organiser, and
    /// for a participant while its IP is within its rate of claims (issue
    /// 10: 72 fresh tokens from one address filled the demo board in about
    /// a second). The forms hold to the same bucket (`web::forms::claim_allowed`).
    fn claim_allowed(&self, admission: &ConnGuard, actor: &Actor) -> bool {
        actor.role != Role::Participant || admission.take_claim(self.event.now())
    }

    pub(super) async fn on_text<S>(
        &self,
        socket: &mut S,
        actor: &Actor,
        text: &str,
        bucket: &mut Bucket,
        pending: &mut VecDeque<Pending>,
    ) -> Result<(), End>
    where
        S: Transport,
    {
        match protocol::parse(text, &self.limits) {
            Ok(Incoming::Command { req, command }) => {
                let op = command.op();
                let span = tracing::debug_span!("command", op);
                let over =
                    if bucket.take(&self.event.config.slug, Some(&actor.id.0)) != Take::Granted {
                        Some(format!(
                            "more than {} commands a second; slow down",
                            self.settings.commands_per_sec
                        ))
                    } else if let Some(admission) = &self.admission
                        && !admission.take_command()
                    {
                        Some(format!(
                            "more than {} commands a second from your network; retry in a moment",
                            admission.ip_commands_per_sec()
                        ))
                    } else if let Some(admission) = &self.admission
                        && command.is_joining()
                        && !self.claim_allowed(admission, actor)
                    {
                        Some(claim_refused_message(admission.ip_claims_per_minute()))
                    } else {
                        None
                    };
                if let Some(message) = over {
                    self.event
                        .metrics()
                        .answered(op, Err(RejectCode::RateLimited));
                    span.in_scope(|| {
                        tracing::debug!(outcome = "reject", code = "rate_limited", "answered")
                    });
                    let r = Rejection::new(RejectCode::RateLimited, message);
                    return self.send(socket, protocol::reject_text(&req, &r)).await;
                }
                let rx = self
                    .event
                    .submit(actor.clone(), Some(req.clone()), command)
                    .instrument(span.clone())
                    .await;
                pending.push_back(Pending { req, op, span, rx });
                Ok(())
            }
            Ok(Incoming::Hello(_)) => {
                let r = Refusal::Error {
                    code: ErrorCode::BadJson,
                    message: "hello was already received on this connection".into(),
                };
                self.refuse(socket, r).await
            }
            Err(refusal) => {
                // Junk costs a token too, so a flood of it is answered at
                // most at the command rate.
                self.refuse_within(socket, bucket, Some(&actor.id.0), refusal)
                    .await
            }
        }
    }
}
