//! The one pass that reads a payload: strict JSON (RFC 8259) straight into the tape the validator
//! walks, in a single scan of the bytes.
//!
//! Strict means: UTF-8; no byte outside the grammar (a NUL, a `NaN`, a leading `+` or zero, a
//! comma too many, text after the document); no control character left unescaped in a string;
//! every escape complete, and a `\uD800`–`\uDFFF` escape only as half of a surrogate pair;
//! numbers within a 64-bit float. That is what serde_json, which the models decode with,
//! accepts when it reads a string into a `String`, so a payload is JSON to the validator exactly
//! when it is JSON to the models. The parser says only *that* input is not JSON: serde_json,
//! reading it again, says what and where (hookschema-validate's `Schema::validate_bytes`).
//!
//! Nesting and repeated keys are judged on the finished tape (hookschema-validate's `wellformed`), where the
//! place of the fault can be named; the parser only says whether that is needed, from the depth
//! it reached and each object's keys (a filter, and a comparison with the earlier keys when the
//! filter has seen one like it), so that a payload without either fault is walked once.

use crate::keys::KeyFilter;
use crate::tape::{Tape, size};

/// The bytes are not one JSON document.
#[derive(Debug, PartialEq, Eq)]
pub struct NotJson;

/// What parsing needs besides the payload, kept from one payload to the next so that a batch
/// does not allocate per payload.
#[derive(Default)]
pub struct Buffers {
    /// Where strings with escapes are written unescaped; a string without any (most) is
    /// borrowed from the payload itself.
    unescaped: Vec<u8>,
    /// The arrays and objects open at the point being read.
    open: Vec<Open>,
}

/// An array or object whose end is still to come.
struct Open {
    /// Its node on the tape.
    at: usize,
    /// Its elements or members read so far.
    len: usize,
    object: bool,
    /// The keys read so far.
    keys: KeyFilter,
}

/// Parses `bytes`, one JSON document, onto `tape` (emptied first). `Ok(true)` when the document
/// may nest deeper than `max_depth` arrays and objects or repeat a key, which a walk of the
/// tape then tells for sure.
pub fn parse<'a>(
    bytes: &'a [u8],
    buffers: &'a mut Buffers,
    tape: &mut Vec<Tape<'a>>,
    max_depth: usize,
) -> Result<bool, NotJson> {
    tape.clear();
    let text = std::str::from_utf8(bytes).map_err(|_| NotJson)?;
    let Buffers { unescaped, open } = buffers;
    open.clear();
    let mut parser = Parser {
        text,
        bytes,
        at: 0,
        unescaped: Spare::Unused(unescaped),
        tape,
        open,
        max_depth,
        suspect: false,
    };
    parser.document()?;
    Ok(parser.suspect)
}

/// Where unescaped strings go: the buffer, sized on the first escape (most payloads have
/// none), then carved one string after another.
enum Spare<'a> {
    Unused(&'a mut Vec<u8>),
    Carving(&'a mut [u8]),
}

struct Parser<'a, 't> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    unescaped: Spare<'a>,
    tape: &'t mut Vec<Tape<'a>>,
    open: &'t mut Vec<Open>,
    /// The deepest an array or object may open without making the document suspect.
    max_depth: usize,
    /// Whether an array or object opened past `max_depth`, or an object's keys collided in
    /// its filter.
    suspect: bool,
}

impl<'a> Parser<'a, '_> {
    fn document(&mut self) -> Result<(), NotJson> {
        'value: loop {
            self.skip_whitespace();
            match self.next()? {
                b'{' => {
                    self.suspect |= self.open.len() >= self.max_depth;
                    self.skip_whitespace();
                    if self.bytes.get(self.at) == Some(&b'}') {
                        self.at += 1;
                        self.tape.push(Tape::Object { len: 0, count: 0 });
                    } else {
                        self.open(true);
                        self.key()?;
                        continue 'value;
                    }
                }
                b'[' => {
                    self.suspect |= self.open.len() >= self.max_depth;
                    self.skip_whitespace();
                    if self.bytes.get(self.at) == Some(&b']') {
                        self.at += 1;
                        self.tape.push(Tape::Array { len: 0, count: 0 });
                    } else {
                        self.open(false);
                        continue 'value;
                    }
                }
                b'"' => {
                    let string = self.string()?;
                    self.tape.push(Tape::String(string));
                }
                b't' => self.literal(b"rue", Tape::Bool(true))?,
                b'f' => self.literal(b"alse", Tape::Bool(false))?,
                b'n' => self.literal(b"ull", Tape::Null)?,
                b'-' | b'0'..=b'9' => {
                    self.at -= 1;
                    let number = self.number()?;
                    self.tape.push(number);
                }
                _ => return Err(NotJson),
            }
            // A value is complete: it is the document, or it continues or closes what holds it
            // (and what closes is itself a complete value).
            loop {
                self.skip_whitespace();
                let Some(holder) = self.open.last_mut() else {
                    return if self.at == self.bytes.len() {
                        Ok(())
                    } else {
                        Err(NotJson)
                    };
                };
                holder.len += 1;
                let object = holder.object;
                match (self.next()?, object) {
                    (b',', true) => {
                        self.skip_whitespace();
                        self.key()?;
                        continue 'value;
                    }
                    (b',', false) => continue 'value,
                    (b'}', true) | (b']', false) => self.close(),
                    _ => return Err(NotJson),
                }
            }
        }
    }

    /// Starts an array or object whose first element follows.
    fn open(&mut self, object: bool) {
        self.open.push(Open {
            at: self.tape.len(),
            len: 0,
            object,
            keys: KeyFilter::default(),
        });
        // Its sizes are known at its end.
        self.tape.push(Tape::Null);
    }

    /// Ends the innermost array or object, now that its end was read.
    fn close(&mut self) {
        let Open {
            at, len, object, ..
        } = self.open.pop().expect("a holder is open");
        let count = self.tape.len() - at - 1;
        self.tape[at] = if object {
            Tape::Object { len, count }
        } else {
            Tape::Array { len, count }
        };
    }

    /// A member's key and its colon, at the key's opening quote.
    fn key(&mut self) -> Result<(), NotJson> {
        if self.next()? != b'"' {
            return Err(NotJson);
        }
        let key = self.string()?;
        self.tape.push(Tape::String(key));
        let holder = self.open.last_mut().expect("an object is open");
        if holder.keys.insert(key) {
            // A fingerprint this object's keys had: the same key, or another that shares it. Up to
            // EXACT_KEYS members, the earlier keys are compared, so only a key truly repeated
            // makes the whole tape be walked; past them, the tape walk tells (with a hash set).
            self.suspect |=
                holder.len >= EXACT_KEYS || repeats(self.tape, holder.at, holder.len, key);
        }
        self.skip_whitespace();
        if self.next()? != b':' {
            return Err(NotJson);
        }
        Ok(())
    }

    fn next(&mut self) -> Result<u8, NotJson> {
        let byte = *self.bytes.get(self.at).ok_or(NotJson)?;
        self.at += 1;
        Ok(byte)
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn literal(&mut self, rest: &[u8], node: Tape<'a>) -> Result<(), NotJson> {
        if !self.bytes[self.at..].starts_with(rest) {
            return Err(NotJson);
        }
        self.at += rest.len();
        self.tape.push(node);
        Ok(())
    }

    /// A string's contents, after its opening quote; borrowed from the payload unless it holds
    /// an escape. Inlined where keys and values are read: strings are most of a payload's
    /// tokens, and most hold no escape, which [`Parser::escaped`] handles out of line.
    #[inline(always)]
    fn string(&mut self) -> Result<&'a str, NotJson> {
        let start = self.at;
        self.at = plain_run(self.bytes, self.at);
        match self.bytes.get(self.at) {
            Some(b'"') => {
                self.at += 1;
                Ok(&self.text[start..self.at - 1])
            }
            Some(b'\\') => self.escaped(start),
            // A control character, or the end of the input.
            _ => Err(NotJson),
        }
    }

    /// The rest of a string that holds an escape, `start` its first byte, written unescaped.
    #[cold]
    #[inline(never)]
    fn escaped(&mut self, start: usize) -> Result<&'a str, NotJson> {
        let spare = match std::mem::replace(&mut self.unescaped, Spare::Carving(&mut [])) {
            Spare::Unused(buffer) => {
                // Unescaped, the strings take at most the bytes they are written with. What an
                // earlier payload left in the buffer is overwritten before it is read, so only
                // growth is zeroed.
                if buffer.len() < self.bytes.len() {
                    buffer.resize(self.bytes.len(), 0);
                }
                buffer.as_mut_slice()
            }
            Spare::Carving(rest) => rest,
        };
        let mut written = 0;
        let mut run = start;
        loop {
            let plain = &self.bytes[run..self.at];
            spare[written..written + plain.len()].copy_from_slice(plain);
            written += plain.len();
            match self.next()? {
                b'"' => break,
                b'\\' => {
                    let ch = self.escape()?;
                    written += ch.encode_utf8(&mut spare[written..]).len();
                }
                _ => return Err(NotJson),
            }
            run = self.at;
            self.at = plain_run(self.bytes, self.at);
        }
        let (string, rest) = spare.split_at_mut(written);
        self.unescaped = Spare::Carving(rest);
        // Copied whole characters of valid UTF-8, and whole characters from escapes.
        std::str::from_utf8(string).map_err(|_| NotJson)
    }

    /// The character an escape stands for, after its backslash.
    fn escape(&mut self) -> Result<char, NotJson> {
        Ok(match self.next()? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                match first {
                    0xD800..=0xDBFF => {
                        if self.next()? != b'\\' || self.next()? != b'u' {
                            return Err(NotJson);
                        }
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(NotJson);
                        }
                        let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        char::from_u32(code).ok_or(NotJson)?
                    }
                    _ => char::from_u32(first).ok_or(NotJson)?,
                }
            }
            _ => return Err(NotJson),
        })
    }

    fn hex4(&mut self) -> Result<u32, NotJson> {
        let digits = self.bytes.get(self.at..self.at + 4).ok_or(NotJson)?;
        self.at += 4;
        digits.iter().try_fold(0, |code, digit| {
            let value = char::from(*digit).to_digit(16).ok_or(NotJson)?;
            Ok(code << 4 | value)
        })
    }

    /// A number, as serde_json reads it: a non-negative integer as `U64`, a negative one as
    /// `I64` (`-0` as the float `-0.0`), anything else, and integers past 64 bits, as a float,
    /// which must be finite.
    fn number(&mut self) -> Result<Tape<'a>, NotJson> {
        let start = self.at;
        let negative = self.bytes[self.at] == b'-';
        if negative {
            self.at += 1;
        }
        let mut integer: Option<u64> = Some(0);
        match self.bytes.get(self.at) {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                while let Some(digit @ b'0'..=b'9') = self.bytes.get(self.at) {
                    integer = integer
                        .and_then(|n| n.checked_mul(10))
                        .and_then(|n| n.checked_add(u64::from(digit - b'0')));
                    self.at += 1;
                }
            }
            _ => return Err(NotJson),
        }
        let mut float = false;
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            self.digits()?;
            float = true;
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            self.digits()?;
            float = true;
        }
        match (float, integer, negative) {
            (false, Some(n), false) => Ok(Tape::U64(n)),
            (false, Some(n @ 1..=0x8000_0000_0000_0000), true) => {
                Ok(Tape::I64(0i64.wrapping_sub_unsigned(n)))
            }
            _ => {
                let value: f64 = self.text[start..self.at].parse().map_err(|_| NotJson)?;
                if value.is_finite() {
                    Ok(Tape::F64(value))
                } else {
                    Err(NotJson)
                }
            }
        }
    }

    /// One or more digits.
    fn digits(&mut self) -> Result<(), NotJson> {
        let first = self.at;
        while let Some(b'0'..=b'9') = self.bytes.get(self.at) {
            self.at += 1;
        }
        if self.at == first {
            Err(NotJson)
        } else {
            Ok(())
        }
    }
}

/// How many members of an object a key is compared with, at most, when its fingerprint was
/// seen: enough for any webhook object, few enough that an object of colliding keys costs a
/// bounded multiple of its length.
const EXACT_KEYS: usize = 64;

/// Whether `key` is one of the first `members` keys of the object whose node is at `object`.
fn repeats(tape: &[Tape<'_>], object: usize, members: usize, key: &str) -> bool {
    let mut at = object + 1;
    for _ in 0..members {
        if tape[at] == Tape::String(key) {
            return true;
        }
        at += 1 + size(&tape[at + 1]);
    }
    false
}

/// Where the run of plain string bytes from `at` ends: at a quote, a backslash, a control
/// character, or the end of the input. Eight bytes are tested at a time: strings (URLs, ids,
/// texts) are most of a webhook body.
#[inline(always)]
fn plain_run(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // The high bit of each byte that is zero (after the XOR, a quote or a backslash) or
        // below 0x20: the classic borrow tricks. A borrow can mark a byte above a marked one,
        // never below, so the lowest mark is exact, and that is the one taken.
        let zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
        let marks = zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
        if marks != 0 {
            return at + (marks.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            break;
        }
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::tape::TapeNode;

    /// serde_json's limit, as hookschema's models set it.
    const MAX_DEPTH: usize = 127;

    /// The document `json` as the parser reads it, or `None` when it refuses it.
    fn read(json: &[u8]) -> Option<Value> {
        let mut buffers = Buffers::default();
        let mut tape = Vec::new();
        parse(json, &mut buffers, &mut tape, MAX_DEPTH).ok()?;
        Some(TapeNode::root(&tape).to_json())
    }

    /// Whether the parser asks for the tape to be checked.
    fn suspect(json: &str) -> bool {
        let mut buffers = Buffers::default();
        parse(json.as_bytes(), &mut buffers, &mut Vec::new(), MAX_DEPTH).unwrap()
    }

    /// serde_json's verdict and value, reading strings into `String`s as the models do.
    fn serde(json: &[u8]) -> Option<Value> {
        serde_json::from_slice(json).ok()
    }

    #[test]
    fn it_accepts_and_reads_what_serde_json_does() {
        let cases: &[&[u8]] = &[
            b"{}",
            b" [ ] ",
            b"0",
            b"-0",
            b"-0.0",
            b"1e3",
            b"1E+3",
            b"2.5e-3",
            b"-9223372036854775808",
            b"-9223372036854775809",
            b"18446744073709551615",
            b"18446744073709551616",
            b"1e-400",
            b"123456789012345678901234567890",
            b"\"\"",
            br#""a\"b\\c\/d\b\f\n\r\t\u00e9\u20ac\ud83d\ude00 \u0000""#,
            "\"déjà vu ☃\"".as_bytes(),
            br#"{"a": [1, 2.5, true, false, null, {"b": "c"}], "d": {}, "e": []}"#,
            br#"[[[[]]], {"x": [{}]}]"#,
            br#"{"esc\u0061ped key": "v", "plain": "a long enough string to take the fast path"}"#,
            b"\t\r\n true \n",
        ];
        for json in cases {
            let ours = read(json);
            assert!(ours.is_some(), "refused {}", String::from_utf8_lossy(json));
            assert_eq!(ours, serde(json), "{}", String::from_utf8_lossy(json));
        }
        // `-0` is a float, as serde_json reads it.
        assert!(read(b"-0").unwrap().is_f64());
        assert!(read(b"-1").unwrap().is_i64());
        assert!(read(b"1").unwrap().is_u64());
    }

    #[test]
    fn it_refuses_what_serde_json_refuses() {
        let cases: &[&[u8]] = &[
            b"",
            b" ",
            b"{",
            b"[1,]",
            b"[,1]",
            b"{\"a\":1,}",
            b"{\"a\" 1}",
            b"{1: 2}",
            b"{\"a\":1 \"b\":2}",
            b"[1 2]",
            b"{}}",
            b"{} x",
            b"\0",
            b"[1]\0",
            b"\"a\0b\"",
            b"\"tab\there\"",
            b"\"unterminated",
            b"\"\\x\"",
            b"\"\\u12\"",
            b"\"\\u12G4\"",
            br#""\ud800""#,
            br#""\ud800x""#,
            br#""\ud800\u0041""#,
            br#""\udc00""#,
            b"01",
            b"-",
            b"-a",
            b"+1",
            b"1.",
            b".5",
            b"1e",
            b"1e+",
            b"1x",
            b"123456789012345678901234567890abc",
            b"1e400",
            b"-1e400",
            b"NaN",
            b"Infinity",
            b"tru",
            b"nul",
            b"truex",
            b"\xef\xbb\xbf{}",
            b"\"\xff\"",
            b"[\"\xc3\"]",
            b"'a'",
        ];
        for json in cases {
            assert_eq!(
                read(json),
                None,
                "accepted {}",
                String::from_utf8_lossy(json)
            );
            assert_eq!(serde(json), None, "{}", String::from_utf8_lossy(json));
        }
    }

    #[test]
    fn the_fast_path_finds_every_stop_in_a_word() {
        for at in 0..16 {
            for stop in [b'"', b'\\', 0x00, 0x1f] {
                let mut bytes = vec![b'a'; 16];
                bytes[at] = stop;
                assert_eq!(plain_run(&bytes, 0), at, "{stop:#x} at {at}");
                // Stops after the first, which the tricks may mark wrongly, do not count.
                for (k, later) in bytes[at + 1..].iter_mut().enumerate() {
                    *later = [0x00, 0x1f, b'"', b'\\'][k % 4];
                }
                assert_eq!(plain_run(&bytes, 0), at, "{stop:#x} at {at}, more after");
            }
            // Bytes just past the stops, and multi-byte characters, do not stop a run.
            let bytes = [b' ', b'#', b']', 0x80, 0xff, 0x7f, b'!', b'['].repeat(2);
            assert_eq!(plain_run(&bytes, at), 16);
        }
    }

    #[test]
    fn a_repeated_key_or_deep_nesting_is_suspected() {
        assert!(!suspect(
            r#"{"a": 1, "b": {"a": 1}, "c": [{"a": 1, "b": 2}]}"#
        ));
        assert!(suspect(r#"{"a": 1, "b": [0, {"x": 1, "y": 2, "x": 3}]}"#));
        // Keys whose fingerprints collide but differ (same length, first and last bytes), after
        // members of every kind, are told apart where they are read.
        let mut filter = KeyFilter::default();
        assert!(!filter.insert("abc") && filter.insert("axc") && !filter.insert("ab"));
        assert!(!suspect(r#"{"abc": {"abc": 1}, "q": [1, {}], "axc": 2}"#));
        assert!(suspect(
            r#"{"abc": {"d": 1}, "q": [1, {}], "axc": 2, "abc": 3}"#
        ));
        // Past EXACT_KEYS members, a collision is left to the tape walk.
        let many = |last: &str| {
            let keys: Vec<String> = (0..EXACT_KEYS).map(|n| format!(r#""k{n}": {n}"#)).collect();
            format!("{{{}, {last}}}", keys.join(", "))
        };
        assert!(suspect(&many(r#""k0": 0"#)));
        let nested = |depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(!suspect(&nested(MAX_DEPTH)));
        assert!(suspect(&nested(MAX_DEPTH + 1)));
        assert!(suspect(&format!(
            "[{}]",
            nested(MAX_DEPTH).replace("[]", "{}")
        )));
    }

    #[test]
    fn counts_and_lengths_describe_each_holder() {
        let mut buffers = Buffers::default();
        let mut tape = Vec::new();
        parse(
            br#"{"a": [1, [2], {}], "b": "x"}"#,
            &mut buffers,
            &mut tape,
            MAX_DEPTH,
        )
        .unwrap();
        assert_eq!(tape[0], Tape::Object { len: 2, count: 8 });
        assert_eq!(tape[2], Tape::Array { len: 3, count: 4 });
        assert_eq!(tape[4], Tape::Array { len: 1, count: 1 });
        assert_eq!(tape[6], Tape::Object { len: 0, count: 0 });
    }
}
