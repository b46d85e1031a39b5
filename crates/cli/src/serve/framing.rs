//! Requests that declare their body's length twice, with `Content-Length` and with
//! `Transfer-Encoding`: the shape of request smuggling, where a proxy in front reads the body by
//! one header and the receiver by the other, and a request hidden in the body reaches the
//! receiver unseen by the proxy. RFC 9112 §6.1 lets a server refuse such a request; the
//! receiver does, with 400.
//!
//! hyper reads such a request by `Transfer-Encoding` (and closes the connection after it), but
//! takes `Content-Length` out of the head it hands on, so the request alone cannot tell. The
//! connection's bytes are therefore followed as hyper reads them ([`HeadCheck`]): each head's
//! header names are looked at, and each body skipped by its own framing, so that the next head
//! is found where hyper finds it ([`Framing`], told of every read). The first head that carries
//! both headers is noted by its number on the connection ([`Smuggled`]), which the request with
//! that number is refused by.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::tap::Listen;

/// The number (from 0) of a connection's first request head carrying both `Content-Length` and
/// `Transfer-Encoding`, if one came.
#[derive(Debug)]
pub struct Smuggled(AtomicU64);

impl Default for Smuggled {
    fn default() -> Self {
        Smuggled(AtomicU64::new(u64::MAX))
    }
}

impl Smuggled {
    /// Whether the connection's request number `head` carried both headers.
    pub fn is(&self, head: u64) -> bool {
        self.0.load(Ordering::Relaxed) == head
    }
}

/// The longest line of a head, or of a chunk's size, followed: hyper refuses longer heads.
const MAX_LINE: usize = 64 * 1024;

/// Where in the request stream the next byte falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A head's lines.
    Head,
    /// A body of this many bytes still to come.
    Fixed(u64),
    /// A chunk's size line.
    ChunkSize,
    /// A chunk's data, this many bytes still to come.
    ChunkData(u64),
    /// The line break after a chunk's data.
    ChunkEnd,
    /// The trailer lines after the last chunk.
    Trailers,
    /// Framing hyper refuses (a malformed length, a line too long): it closes the connection,
    /// and nothing after is followed.
    Lost,
}

/// What one head says of its body.
#[derive(Debug, Default)]
struct Head {
    /// The request line was read (empty lines before it are skipped, as hyper skips them).
    started: bool,
    length: Option<u64>,
    /// `Transfer-Encoding` was sent, and whether `chunked` is its last coding.
    encoding: Option<bool>,
}

/// A request stream's framing, followed byte by byte as it is read.
#[derive(Debug)]
pub struct Framing {
    state: State,
    /// The line being read, for the states that read lines.
    line: Vec<u8>,
    head: Head,
    /// Heads read so far.
    heads: u64,
    smuggled: Arc<Smuggled>,
}

impl Framing {
    pub fn new(smuggled: Arc<Smuggled>) -> Self {
        Framing {
            state: State::Head,
            line: Vec::new(),
            head: Head::default(),
            heads: 0,
            smuggled,
        }
    }

    /// Follows `bytes`, the next ones read from the connection.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            match self.state {
                State::Lost => return,
                State::Fixed(left) | State::ChunkData(left) => {
                    let skipped = left.min(bytes.len() as u64);
                    bytes = &bytes[skipped as usize..];
                    self.state = match (self.state, left - skipped) {
                        (State::Fixed(_), 0) => State::Head,
                        (State::Fixed(_), left) => State::Fixed(left),
                        (_, 0) => State::ChunkEnd,
                        (_, left) => State::ChunkData(left),
                    };
                }
                State::Head | State::ChunkSize | State::ChunkEnd | State::Trailers => {
                    let end = memchr::memchr(b'\n', bytes);
                    let taken = end.map_or(bytes.len(), |at| at + 1);
                    self.line.extend_from_slice(&bytes[..taken]);
                    bytes = &bytes[taken..];
                    if self.line.len() > MAX_LINE {
                        self.state = State::Lost;
                    } else if end.is_some() {
                        let mut line = std::mem::take(&mut self.line);
                        self.state = self.line_read(trim_break(&line));
                        line.clear();
                        self.line = line;
                    }
                }
            }
        }
    }

    /// The state after a whole `line` (without its line break) was read.
    fn line_read(&mut self, line: &[u8]) -> State {
        match self.state {
            State::Head => self.head_line(line),
            State::ChunkSize => {
                let size = line.split(|b| *b == b';').next().unwrap_or_default();
                match parse_number(trim(size), 16) {
                    Some(0) => State::Trailers,
                    Some(size) => State::ChunkData(size),
                    None => State::Lost,
                }
            }
            State::ChunkEnd if line.is_empty() => State::ChunkSize,
            State::Trailers if line.is_empty() => State::Head,
            State::Trailers => State::Trailers,
            _ => State::Lost,
        }
    }

    /// The state after a line of a head.
    fn head_line(&mut self, line: &[u8]) -> State {
        let head = &mut self.head;
        if !head.started {
            head.started = !line.is_empty();
            return State::Head;
        }
        if !line.is_empty() {
            let Some(colon) = memchr::memchr(b':', line) else {
                return State::Head;
            };
            let (name, value) = (trim(&line[..colon]), trim(&line[colon + 1..]));
            if name.eq_ignore_ascii_case(b"content-length") {
                match (parse_number(value, 10), head.length) {
                    (Some(length), None) => head.length = Some(length),
                    (Some(length), Some(before)) if length == before => {}
                    _ => return State::Lost,
                }
            } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
                let last = value.rsplit(|b| *b == b',').next().unwrap_or_default();
                head.encoding = Some(trim(last).eq_ignore_ascii_case(b"chunked"));
            }
            return State::Head;
        }
        // The head's end: its body follows, framed as it says.
        let head = std::mem::take(&mut self.head);
        let number = self.heads;
        self.heads += 1;
        match (head.encoding, head.length) {
            (Some(chunked), length) => {
                if length.is_some() {
                    let _ = self.smuggled.0.compare_exchange(
                        u64::MAX,
                        number,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    );
                }
                if chunked {
                    State::ChunkSize
                } else {
                    State::Lost
                }
            }
            (None, Some(0) | None) => State::Head,
            (None, Some(length)) => State::Fixed(length),
        }
    }
}

/// `line` without its line break: `\n`, or `\r\n`.
fn trim_break(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `text` without spaces and tabs around it.
fn trim(text: &[u8]) -> &[u8] {
    let start = text.iter().position(|b| !matches!(b, b' ' | b'\t'));
    let end = text.iter().rposition(|b| !matches!(b, b' ' | b'\t'));
    match (start, end) {
        (Some(start), Some(end)) => &text[start..=end],
        _ => &[],
    }
}

/// Digits in `radix` and nothing else, as a number that fits 64 bits.
fn parse_number(digits: &[u8], radix: u32) -> Option<u64> {
    let text = std::str::from_utf8(digits).ok()?;
    if text.is_empty() || !text.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(text, radix).ok()
}

/// A connection's (plaintext) stream has its framing followed as it is read.
impl Listen for Framing {
    fn read(&mut self, read: Option<&[u8]>) {
        if let Some(bytes) = read {
            self.feed(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The number of the first head with both headers, after `stream` is read in pieces of
    /// `piece` bytes; and how many heads were read.
    fn followed(stream: &[u8], piece: usize) -> (Option<u64>, u64) {
        let smuggled = Arc::new(Smuggled::default());
        let mut framing = Framing::new(Arc::clone(&smuggled));
        for chunk in stream.chunks(piece.max(1)) {
            framing.feed(chunk);
        }
        let first = smuggled.0.load(Ordering::Relaxed);
        ((first != u64::MAX).then_some(first), framing.heads)
    }

    fn fixed(body: &str) -> String {
        format!(
            "POST /kaizen HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    fn chunked(chunks: &[&str]) -> String {
        let mut text =
            "POST /kaizen HTTP/1.1\r\nHost: x\r\ntransfer-encoding: gzip, Chunked\r\n\r\n"
                .to_owned();
        for chunk in chunks {
            text.push_str(&format!("{:x};ext=1\r\n{chunk}\r\n", chunk.len()));
        }
        text + "0\r\nX-Trailer: 1\r\n\r\n"
    }

    /// A body whose bytes look like a head with both headers: only framing tells it is a body.
    const DECOY: &str =
        "x\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n";

    #[test]
    fn heads_are_found_where_hyper_finds_them_however_the_bytes_are_read() {
        let stream = [
            "\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".to_owned(),
            fixed(DECOY),
            chunked(&[DECOY, "{}"]),
            fixed(""),
            "GET / HTTP/1.1\nHost: x\n\n".to_owned(),
        ]
        .concat();
        for piece in [1, 2, 3, 7, 64, stream.len()] {
            assert_eq!(followed(stream.as_bytes(), piece), (None, 5), "{piece}");
        }
    }

    #[test]
    fn the_first_head_with_both_lengths_is_named() {
        let both = "POST /kaizen HTTP/1.1\r\nContent-Length: 4\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n";
        let reversed = "POST /kaizen HTTP/1.1\r\ntransfer-encoding: chunked\r\ncontent-length: 99\r\n\r\n0\r\n\r\n";
        for piece in [1, 5, 1000] {
            let stream = [
                fixed(DECOY),
                chunked(&["{}"]),
                both.to_owned(),
                reversed.to_owned(),
            ]
            .concat();
            assert_eq!(followed(stream.as_bytes(), piece), (Some(2), 4), "{piece}");
            assert_eq!(followed(reversed.as_bytes(), piece).0, Some(0));
        }
    }

    #[test]
    fn framing_hyper_refuses_stops_the_following() {
        for stream in [
            "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        ] {
            let (smuggled, heads) = followed(
                format!(
                    "{stream}{}",
                    "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
                )
                .as_bytes(),
                3,
            );
            assert_eq!(smuggled, None, "{stream}");
            assert!(heads <= 1, "{stream}");
        }
    }

    /// A request of the stream: its framing, and a body of text made of `pieces`, which may
    /// look like heads, chunk sizes or line breaks.
    #[derive(Debug, Clone)]
    enum Sent {
        Fixed(Vec<String>),
        Chunked(Vec<String>),
        NoBody,
    }

    fn sent() -> impl proptest::strategy::Strategy<Value = Sent> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just(DECOY.to_owned()),
            Just("\r\n".to_owned()),
            Just("0\r\n\r\n".to_owned()),
            Just("\n\n".to_owned()),
            "[a-f0-9 {}\":,]{0,40}",
        ];
        let pieces = proptest::collection::vec(piece, 0..6);
        prop_oneof![
            pieces.clone().prop_map(Sent::Fixed),
            pieces.prop_map(Sent::Chunked),
            Just(Sent::NoBody),
        ]
    }

    impl Sent {
        fn text(&self) -> String {
            match self {
                Sent::Fixed(pieces) => fixed(&pieces.concat()),
                Sent::Chunked(pieces) => {
                    let pieces: Vec<&str> = pieces
                        .iter()
                        .map(String::as_str)
                        .filter(|p| !p.is_empty())
                        .collect();
                    chunked(&pieces)
                }
                Sent::NoBody => "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".to_owned(),
            }
        }
    }

    proptest::proptest! {
        /// Any stream of well-framed requests, whatever their bodies hold and however it is
        /// read, is followed head by head; a request with both lengths put anywhere in it is
        /// named by its number.
        #[test]
        fn every_head_is_followed_and_only_the_one_with_two_lengths_is_named(
            requests in proptest::collection::vec(sent(), 0..8),
            piece in 1usize..300,
            at in 0usize..8,
        ) {
            let stream: String = requests.iter().map(Sent::text).collect();
            proptest::prop_assert_eq!(
                followed(stream.as_bytes(), piece),
                (None, requests.len() as u64)
            );
            let at = at.min(requests.len());
            let both = "POST /kaizen HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
            let before: String = requests[..at].iter().map(Sent::text).collect();
            let after: String = requests[at..].iter().map(Sent::text).collect();
            let stream = format!("{before}{both}{after}");
            proptest::prop_assert_eq!(
                followed(stream.as_bytes(), piece),
                (Some(at as u64), requests.len() as u64 + 1)
            );
        }
    }
}
