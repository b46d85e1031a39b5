//! Deliveries read one by one, their findings grouped by schema and location: how many
//! deliveries, first and last seen, one example, and everything a widening needs (the values
//! an enum lacks, the shape of a new property, how far past a bound).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::finding::{Finding, Kind};
use crate::keywords::Keywords;
use crate::observe::observe_with;
use crate::shape::Shape;

/// One delivery, as read from a store or a file.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Its id in the store (a line number for a file).
    pub id: String,
    /// When it was received (RFC 3339), when known.
    pub received_at: Option<String>,
    pub body: Value,
}

/// The findings of one kind at one location of one schema.
#[derive(Debug, Clone)]
pub struct Group {
    pub location: String,
    pub kind: Kind,
    /// Deliveries with this finding (a delivery counts once, however often it has it).
    pub deliveries: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// The first delivery with it (an index into the schema's drawn deliveries), where in it,
    /// and the value there.
    pub example: (usize, String, Value),
    /// The distinct values seen (for an enum's new values), at most [`MAX_VALUES`].
    pub values: Vec<Value>,
    /// For an undeclared property: every value it had, merged.
    pub shape: Shape,
    /// The least and the greatest measure seen (a number, a length or a count): for bounds.
    pub least: f64,
    pub most: f64,
    last_delivery: usize,
}

/// Distinct values kept per group: a thousand new statuses are one drift to report, not a
/// thousand-value enum to propose.
pub const MAX_VALUES: usize = 100;

/// What was found in one schema's deliveries.
#[derive(Debug, Clone)]
pub struct SchemaDrift {
    pub name: String,
    /// The schema file's text, as read.
    pub text: String,
    pub document: Value,
    /// Deliveries read against it.
    pub read: u64,
    /// The deliveries with a finding, and which of their findings' groups each has.
    pub drawn: Vec<(Delivery, Vec<(String, Kind)>)>,
    pub groups: BTreeMap<(String, Kind), Group>,
}

impl SchemaDrift {
    /// The drift of the schema `name` whose file reads `text`.
    pub fn new(name: &str, text: &str) -> Result<SchemaDrift, String> {
        let document = serde_json::from_str(text)
            .map_err(|error| format!("{name}: the schema is not JSON: {error}"))?;
        Ok(SchemaDrift {
            name: name.to_owned(),
            text: text.to_owned(),
            document,
            read: 0,
            drawn: Vec::new(),
            groups: BTreeMap::new(),
        })
    }

    /// Reads one delivery: its findings join their groups.
    pub fn add(&mut self, delivery: Delivery, keywords: &mut Keywords) {
        self.read += 1;
        let findings = observe_with(&self.document, &delivery.body, keywords);
        if findings.is_empty() {
            return;
        }
        let index = self.drawn.len();
        let mut keys = Vec::new();
        for Finding {
            location,
            instance_path,
            kind,
            value,
        } in findings
        {
            let key = (location.clone(), kind.clone());
            let group = self.groups.entry(key.clone()).or_insert_with(|| Group {
                location,
                kind: kind.clone(),
                deliveries: 0,
                first_seen: None,
                last_seen: None,
                example: (index, instance_path, value.clone()),
                values: Vec::new(),
                shape: Shape::default(),
                least: f64::MAX,
                most: f64::MIN,
                last_delivery: usize::MAX,
            });
            if group.last_delivery != index {
                group.last_delivery = index;
                group.deliveries += 1;
                keys.push(key);
                if let Some(at) = &delivery.received_at {
                    if group.first_seen.as_ref().is_none_or(|first| at < first) {
                        group.first_seen = Some(at.clone());
                    }
                    if group.last_seen.as_ref().is_none_or(|last| at > last) {
                        group.last_seen = Some(at.clone());
                    }
                }
            }
            if group.values.len() < MAX_VALUES && !group.values.contains(&value) {
                group.values.push(value.clone());
            }
            if let Kind::Undeclared { .. } = kind {
                group.shape.add(&value, keywords);
            }
            if let Kind::Bound { keyword } = &kind
                && let Some(measure) = measure(keyword, &value)
            {
                group.least = group.least.min(measure);
                group.most = group.most.max(measure);
            }
        }
        self.drawn.push((delivery, keys));
    }
}

/// What a bound keyword measures of a value: its length, its count of items, or itself.
fn measure(keyword: &str, value: &Value) -> Option<f64> {
    match (keyword, value) {
        ("minLength" | "maxLength", Value::String(text)) => Some(text.chars().count() as f64),
        ("minItems" | "maxItems", Value::Array(items)) => Some(items.len() as f64),
        (_, Value::Number(number)) => number.as_f64(),
        _ => None,
    }
}
