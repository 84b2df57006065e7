//! Random ids for forms, injected.
//!
//! A page rendered with forms gives each form a hidden `req`, so that a
//! double submit is applied once. Views make no random ids themselves: the
//! web layer asks an [`IdSource`] for one base per page and hands it to the
//! view, which numbers its forms from it (`views::FormReqs`). Tests can hand
//! the server a source of their own.

use std::sync::Arc;

/// Where fresh ids come from.
pub trait IdSource: std::fmt::Debug + Send + Sync + 'static {
    /// A fresh, unguessable base for the `req`s of one rendered page.
    fn form_base(&self) -> String;
}

/// Random ids from the participant-token generator: what the server runs on.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn form_base(&self) -> String {
        format!("f-{}", &crate::auth::new_token()[..16])
    }
}

/// Random ids, shared: the default of every server.
pub fn random() -> Arc<dyn IdSource> {
    Arc::new(RandomIds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_bases_differ_and_fit_a_req() {
        let (a, b) = (RandomIds.form_base(), RandomIds.form_base());
        assert_ne!(a, b);
        assert!(a.starts_with("f-") && a.len() < 40);
    }
}
