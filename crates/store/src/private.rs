//! Store files hold the deliveries' bodies, which may carry anything a sender knows: a file a
//! store creates is readable and writable by its owner only (0600), whatever the umask. A file
//! that exists already keeps its mode, and so does its folder: they are the operator's.

use std::fs::OpenOptions;

/// Options that create a file readable by its owner only.
pub(crate) fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}
