//! How many WebSockets the process can hold: each is an open file, so the
//! server raises its soft open-file limit to the hard one at start and keeps
//! a reserve of descriptors for everything that is not a WebSocket. Beyond
//! that budget upgrades get 503 instead of the accept loop failing. The same
//! budget, without `max_connections`, bounds every TCP connection
//! (`tcp.rs`), so plain HTTP cannot take the descriptors either.

/// Raises the soft open-file limit to the hard limit and returns the soft
/// limit now in force (`None` where there is no such limit or it cannot be
/// read).
pub fn raise_nofile_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let (_, hard) = rlimit::Resource::NOFILE.get().ok()?;
        match rlimit::increase_nofile_limit(hard) {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!(error = %e, "cannot raise the open-file limit");
                rlimit::Resource::NOFILE.get().ok().map(|(soft, _)| soft)
            }
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The soft open-file limit in force, without changing it (`None` where
/// there is none or it cannot be read).
pub fn nofile_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rlimit::Resource::NOFILE.get().ok().map(|(soft, _)| soft)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// How many WebSockets the process can hold: the open-file limit less the
/// descriptors kept for everything else (the listener, journals, snapshots,
/// plain HTTP requests), capped by `configured` when it is set. The reserve
/// takes at most half of a small limit, so some connections are always let in.
pub fn connection_budget(nofile: Option<u64>, reserved: u64, configured: Option<usize>) -> usize {
    let from_fds = nofile.map_or(usize::MAX, |n| {
        usize::try_from(n - reserved.min(n / 2)).unwrap_or(usize::MAX)
    });
    configured.map_or(from_fds, |c| c.min(from_fds))
}
