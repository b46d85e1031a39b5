//! Validating straight from a tape: the payload is parsed ([`crate::parser`]) into one flat
//! vector of nodes borrowing its strings, instead of a `serde_json::Value` tree with an
//! allocation per string and object. For a webhook body, building that tree costs several
//! times what the validation itself does; the tape costs a fraction of it.
//!
//! This implements jsonschema's documented `Json` trait for the tape (checked against
//! jsonschema's conformance suite by the tests), so the same compiled schema logic runs on it.

use std::borrow::Cow;

use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde_json::{Map, Number, Value};

/// One node of a document's tape: a value, or an object's key. An array or object is followed
/// by its contents: for an object, each member's key and then its value's nodes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tape<'a> {
    String(&'a str),
    /// `len` members, written in the `count` nodes that follow.
    Object {
        len: usize,
        count: usize,
    },
    /// `len` elements, written in the `count` nodes that follow.
    Array {
        len: usize,
        count: usize,
    },
    /// A non-negative integer.
    U64(u64),
    /// A negative integer.
    I64(i64),
    /// Any other number: finite, as JSON writes them.
    F64(f64),
    Bool(bool),
    Null,
}

/// The tape representation, for jsonschema.
pub struct JsonTape;

/// A value: the slice of the tape it occupies, itself first.
#[derive(Clone, Copy)]
pub struct TapeNode<'a> {
    nodes: &'a [Tape<'a>],
}

impl<'a> TapeNode<'a> {
    /// The value at the start of `tape`.
    pub fn root(tape: &'a [Tape<'a>]) -> Self {
        TapeNode {
            nodes: &tape[..size(&tape[0])],
        }
    }

    fn head(&self) -> &'a Tape<'a> {
        &self.nodes[0]
    }

    /// The value as a `serde_json::Value`, for what needs one: error reports and FastAPI bodies.
    pub fn to_json(self) -> Value {
        match self.head() {
            Tape::String(s) => Value::String((*s).to_owned()),
            Tape::Array { .. } => {
                Value::Array(elements(self.nodes).map(TapeNode::to_json).collect())
            }
            Tape::Object { .. } => Value::Object(
                members(self.nodes)
                    .map(|(key, value)| (key.to_owned(), value.to_json()))
                    .collect::<Map<_, _>>(),
            ),
            Tape::U64(n) => Value::from(*n),
            Tape::I64(n) => Value::from(*n),
            Tape::F64(n) => Value::Number(float(*n)),
            Tape::Bool(b) => Value::Bool(*b),
            Tape::Null => Value::Null,
        }
    }
}

/// How many tape nodes a value occupies, its own included.
pub fn size(node: &Tape<'_>) -> usize {
    match node {
        Tape::Object { count, .. } | Tape::Array { count, .. } => count + 1,
        _ => 1,
    }
}

/// The elements of the array whose slice is `nodes`.
fn elements<'a>(nodes: &'a [Tape<'a>]) -> Elements<'a> {
    Elements { rest: &nodes[1..] }
}

/// The members of the object whose slice is `nodes`, in document order.
fn members<'a>(nodes: &'a [Tape<'a>]) -> Members<'a> {
    Members { rest: &nodes[1..] }
}

/// An array's elements: each value's slice, one after another.
pub struct Elements<'a> {
    rest: &'a [Tape<'a>],
}

impl<'a> Iterator for Elements<'a> {
    type Item = TapeNode<'a>;

    fn next(&mut self) -> Option<TapeNode<'a>> {
        let first = self.rest.first()?;
        let (value, tail) = self.rest.split_at(size(first));
        self.rest = tail;
        Some(TapeNode { nodes: value })
    }
}

/// An object's members: a key node, then the value's slice, one after another.
pub struct Members<'a> {
    rest: &'a [Tape<'a>],
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, TapeNode<'a>);

    fn next(&mut self) -> Option<(&'a str, TapeNode<'a>)> {
        let (Tape::String(key), tail) = self.rest.split_first()? else {
            return None;
        };
        let (value, tail) = tail.split_at(size(tail.first()?));
        self.rest = tail;
        Some((*key, TapeNode { nodes: value }))
    }
}

impl Json for JsonTape {
    type Node<'a> = TapeNode<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = ();

    /// Objects are scanned, not hashed: a pass over the members beats a lookup per property
    /// for the small objects of webhook bodies.
    const KEYS_PER_LOOKUP: usize = 8;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>(_: &mut (), string: &str, f: impl FnOnce(TapeNode<'_>) -> T) -> T {
        f(TapeNode {
            nodes: &[Tape::String(string)],
        })
    }
}

impl<'a> Node<'a, JsonTape> for TapeNode<'a> {
    type Object = TapeObject<'a>;
    type Array = TapeArray<'a>;
    type Number = TapeNumber;

    fn as_object(&self) -> Option<TapeObject<'a>> {
        match self.head() {
            Tape::Object { len, .. } => Some(TapeObject {
                nodes: self.nodes,
                len: *len,
            }),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<TapeArray<'a>> {
        match self.head() {
            Tape::Array { len, .. } => Some(TapeArray {
                nodes: self.nodes,
                len: *len,
            }),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self.head() {
            Tape::String(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<TapeNumber> {
        match self.head() {
            Tape::I64(n) => Some(TapeNumber::I64(*n)),
            Tape::U64(n) => Some(TapeNumber::U64(*n)),
            Tape::F64(n) => Some(TapeNumber::F64(*n)),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.head() {
            Tape::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.head(), Tape::Null)
    }

    fn json_type(&self) -> JsonType {
        match self.head() {
            Tape::String(_) => JsonType::String,
            Tape::Object { .. } => JsonType::Object,
            Tape::Array { .. } => JsonType::Array,
            Tape::Bool(_) => JsonType::Boolean,
            Tape::Null => JsonType::Null,
            Tape::U64(_) | Tape::I64(_) | Tape::F64(_) => JsonType::Number,
        }
    }

    /// `enum` and `const` compare every status this way: strings, numbers, booleans and null
    /// without building a `Value`.
    fn equals_value(&self, expected: &Value) -> bool {
        match (self.head(), expected) {
            (Tape::String(s), Value::String(e)) => s == e,
            (Tape::String(_), _) | (_, Value::String(_)) => false,
            (Tape::Bool(b), Value::Bool(e)) => b == e,
            (Tape::Null, Value::Null) => true,
            _ => jsonschema::json::cmp::equal(&self.to_value(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(self.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(self.nodes.as_ptr() as usize))
    }
}

pub struct TapeObject<'a> {
    nodes: &'a [Tape<'a>],
    len: usize,
}

impl<'a> Object<'a, JsonTape> for TapeObject<'a> {
    type Node = TapeNode<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        self.len
    }

    fn get(&self, key: &Box<str>) -> Option<TapeNode<'a>> {
        members(self.nodes)
            .find(|(name, _)| *name == &**key)
            .map(|(_, value)| value)
    }

    fn members(&self) -> Members<'a> {
        members(self.nodes)
    }
}

pub struct TapeArray<'a> {
    nodes: &'a [Tape<'a>],
    len: usize,
}

impl<'a> Array<'a, JsonTape> for TapeArray<'a> {
    type Node = TapeNode<'a>;
    type ElementsIter = Elements<'a>;

    fn len(&self) -> usize {
        self.len
    }

    fn elements(&self) -> Elements<'a> {
        elements(self.nodes)
    }
}

/// A number as the parser read it: it refuses numbers beyond a 64-bit float, so a float here is
/// finite.
pub enum TapeNumber {
    I64(i64),
    U64(u64),
    F64(f64),
}

impl JsonNumber for TapeNumber {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            TapeNumber::U64(n) => Some(n),
            TapeNumber::I64(n) => u64::try_from(n).ok(),
            TapeNumber::F64(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            TapeNumber::I64(n) => Some(n),
            TapeNumber::U64(n) => i64::try_from(n).ok(),
            TapeNumber::F64(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            TapeNumber::I64(n) => n as f64,
            TapeNumber::U64(n) => n as f64,
            TapeNumber::F64(n) => n,
        })
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, Number> {
        Cow::Owned(match *self {
            TapeNumber::I64(n) => Number::from(n),
            TapeNumber::U64(n) => Number::from(n),
            TapeNumber::F64(n) => float(n),
        })
    }

    fn is_integer(&self) -> bool {
        match *self {
            TapeNumber::F64(n) => n.fract() == 0.0,
            _ => true,
        }
    }

    /// Only draft 4 asks; a parsed float was written with a fraction or an exponent.
    fn is_written_as_integer(&self) -> bool {
        !matches!(self, TapeNumber::F64(_))
    }
}

/// A parsed float as a JSON number. The parser reads only finite ones, which JSON can write.
fn float(n: f64) -> Number {
    Number::from_f64(n).expect("the parser reads only finite numbers")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_root<T>(json: &[u8], f: impl FnOnce(TapeNode<'_>) -> T) -> T {
        let mut buffers = crate::parser::Buffers::default();
        let mut tape = Vec::new();
        crate::parser::parse(json, &mut buffers, &mut tape, 127).unwrap();
        f(TapeNode::root(&tape))
    }

    #[test]
    fn the_tape_keeps_jsonschemas_contract() {
        let document = jsonschema::json::conformance::document();
        with_root(&serde_json::to_vec(&document).unwrap(), |root| {
            jsonschema::json::conformance::assert_conformance::<JsonTape>(&root);
        });
    }

    #[test]
    fn a_tape_converts_back_to_the_same_json() {
        for fixture in hookschema_fixtures::all() {
            let Ok(sent) = serde_json::from_slice::<Value>(&fixture.bytes) else {
                continue;
            };
            let read = with_root(&fixture.bytes, |root| root.to_json());
            assert_eq!(read, sent, "{fixture}");
        }
    }
}
