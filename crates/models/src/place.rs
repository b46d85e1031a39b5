//! Where in a payload decoding failed, as a JSON Pointer, and how an error raised where serde
//! no longer tracks the path (an envelope's `data`, decoded after its `type` is known) carries
//! its place in its message for [`crate::DecodeError`] to read back.

use std::fmt::Display;

/// How an error raised outside the input's path starts its message: then its JSON Pointer and
/// `: `.
const PLACE_PREFIX: &str = "at ";

/// `error`'s message, placed at `at` (a JSON Pointer).
pub(crate) fn place(at: &str, error: &impl Display) -> String {
    format!("{PLACE_PREFIX}{at}: {error}")
}

/// The place and the message of a message [`place`] wrote; `None` for any other message.
pub(crate) fn unplace(message: &str) -> Option<(&str, &str)> {
    message
        .strip_prefix(PLACE_PREFIX)
        .and_then(|rest| rest.split_once(": "))
        .filter(|(at, _)| at.starts_with('/'))
}

/// serde_path_to_error's path as a JSON Pointer.
pub(crate) fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
