//! From findings to a checked patch: each group's smallest widening, tried on the schema one by
//! one and kept only if every example keeps its verdict and `schema-diff` calls it compatible;
//! then the whole patch must accept every delivery it was drawn from, and the `$id` version
//! moves as `schema-diff` requires.

use std::collections::{BTreeMap, BTreeSet};

use hookschema_schema_diff::{Severity, diff, version, version_problem};
use hookschema_validate::Schema;
use serde::Serialize;
use serde_json::{Value, json};

use crate::edit::{Op, set_id, shown};
use crate::examples::{Examples, changed};
use crate::finding::Kind;
use crate::gather::{Group, MAX_VALUES, SchemaDrift};

/// What a schema's patch is checked against, and where its enums' meanings are.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub examples: Examples,
    /// The questions the vendor file asks of each enum, by the enum's name.
    pub meanings: BTreeMap<String, Vec<String>>,
    /// The vendor file, for the questions' wording.
    pub vendor_file: String,
    /// Today, as the notes date the changes (`2026-12-07`).
    pub today: String,
}

/// A schema's drift and the patch proposed for it.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub schema: String,
    /// Deliveries read against the schema, and how many of them drifted.
    pub deliveries: u64,
    pub drifted: u64,
    pub entries: Vec<Entry>,
    /// The `$id` version before and after, when anything is proposed.
    pub version: Option<(String, String)>,
    /// Why the patch as a whole cannot be written (a delivery it still refuses); empty when it
    /// can.
    pub failures: Vec<String>,
    /// The schema file's text with the patch, when there is one and it passed every check.
    #[serde(skip)]
    pub patched: Option<String>,
    /// The deliveries that make the new examples: one per proposed change.
    #[serde(skip)]
    pub examples: Vec<Value>,
}

/// One group of findings and what is done about it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// JSON Pointer into the schema.
    pub location: String,
    #[serde(flatten)]
    pub kind: Kind,
    pub what: String,
    pub deliveries: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub example: Example,
    /// The widening, for people; `None` when there is none.
    pub change: Option<String>,
    #[serde(flatten)]
    pub status: Status,
    /// Questions a person must answer before the change is complete: the vendor file's
    /// meanings of an enum that gained a value.
    pub questions: Vec<String>,
}

/// One delivery that shows a finding.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    /// Its id in the store, or its line in the file.
    pub delivery: String,
    pub instance_path: String,
    pub value: Value,
}

/// What became of a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "why", rename_all = "snake_case")]
pub enum Status {
    /// Its widening passed every check.
    Proposed,
    /// No widening accepts it (a breaking drift, a broken `format` or `pattern`): reported.
    Reported,
    /// Its widening failed a check, which `why` names.
    Refused(String),
}

impl Proposal {
    /// Whether there is anything to report.
    pub fn drifted(&self) -> bool {
        !self.entries.is_empty()
    }

    /// Whether anything found is left undone: reported, refused, or a patch that cannot be
    /// written.
    pub fn unresolved(&self) -> bool {
        !self.failures.is_empty() || self.entries.iter().any(|e| e.status != Status::Proposed)
    }
}

/// The proposal for `drift`'s findings, checked in `context`.
pub fn propose(drift: &SchemaDrift, context: &Context) -> Result<Proposal, String> {
    let original = Schema::compile(&drift.name, &drift.text).map_err(|e| e.to_string())?;
    let baseline = context.examples.verdicts(&original);
    let mut text = drift.text.clone();
    let mut entries = Vec::new();
    let mut accepted = BTreeSet::new();
    for (key, group) in &drift.groups {
        let (delivery, _) = &drift.drawn[group.example.0];
        let mut entry = Entry {
            location: group.location.clone(),
            kind: group.kind.clone(),
            what: group.kind.what(),
            deliveries: group.deliveries,
            first_seen: group.first_seen.clone(),
            last_seen: group.last_seen.clone(),
            example: Example {
                delivery: delivery.id.clone(),
                instance_path: group.example.1.clone(),
                value: group.example.2.clone(),
            },
            change: None,
            status: Status::Reported,
            questions: Vec::new(),
        };
        match widening(group) {
            Err(None) => {}
            Err(Some(why)) => entry.status = Status::Refused(why),
            Ok(op) => {
                entry.change = Some(op.describe());
                entry.questions = questions(drift, group, context);
                match try_op(
                    drift,
                    &op,
                    &text,
                    &note(group, &op, context),
                    context,
                    &baseline,
                ) {
                    Ok(patched) => {
                        text = patched;
                        entry.status = Status::Proposed;
                        accepted.insert(key.clone());
                    }
                    Err(why) => entry.status = Status::Refused(why),
                }
            }
        }
        entries.push(entry);
    }
    let mut proposal = Proposal {
        schema: drift.name.clone(),
        deliveries: drift.read,
        drifted: drift.drawn.len() as u64,
        entries,
        version: None,
        failures: Vec::new(),
        patched: None,
        examples: Vec::new(),
    };
    if accepted.is_empty() {
        return Ok(proposal);
    }
    let patched_schema = Schema::compile(&drift.name, &text).map_err(|e| e.to_string())?;
    for (delivery, keys) in &drift.drawn {
        if keys.iter().all(|key| accepted.contains(key)) {
            for violation in patched_schema.validate(&delivery.body) {
                proposal.failures.push(format!(
                    "delivery {}: the patched schema still refuses it at {}: {}",
                    delivery.id,
                    shown(&violation.instance_path),
                    violation.message
                ));
            }
        }
    }
    let (text, version) = bump(drift, &text)?;
    proposal.version = version;
    let mut used = BTreeSet::new();
    for key in &accepted {
        let index = drift.groups[key].example.0;
        let (delivery, keys) = &drift.drawn[index];
        if keys.iter().all(|key| accepted.contains(key)) && used.insert(index) {
            proposal.examples.push(delivery.body.clone());
        }
    }
    if proposal.failures.is_empty() {
        proposal.patched = Some(text);
    }
    Ok(proposal)
}

/// The smallest widening that accepts a group's every finding; `Err(None)` when no widening
/// can (it is reported), `Err(Some(why))` when one is not proposed.
fn widening(group: &Group) -> Result<Op, Option<String>> {
    let at = group.location.clone();
    let number = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 9e15 {
            json!(n as i64)
        } else {
            json!(n)
        }
    };
    Ok(match &group.kind {
        Kind::Undeclared { property } => Op::AddProperty {
            at,
            name: property.clone(),
            schema: group.shape.schema(),
        },
        Kind::EnumValue if group.values.len() >= MAX_VALUES => {
            return Err(Some(format!(
                "{MAX_VALUES} new values or more: this is no longer an enum"
            )));
        }
        Kind::EnumValue => Op::AppendEnum {
            at,
            values: group.values.clone(),
        },
        Kind::Null => Op::AllowNull { at },
        Kind::Fraction => Op::AllowFraction { at },
        Kind::Bound { keyword } => {
            let to = if keyword.starts_with("min") || keyword == "exclusiveMinimum" {
                group.least
            } else {
                group.most
            };
            Op::Loosen {
                at,
                keyword: keyword.clone(),
                to: number(to),
            }
        }
        Kind::Missing { property } => Op::Unrequire {
            at,
            property: property.clone(),
        },
        Kind::Format { .. } | Kind::Pattern | Kind::Breaking { .. } => return Err(None),
    })
}

/// The note a change's node gains: when, and from how many deliveries, it was inferred.
fn note(group: &Group, op: &Op, context: &Context) -> String {
    let what = match op {
        Op::AddProperty { .. } => "Added".to_owned(),
        other => format!("Widened ({})", other.describe()),
    };
    let when = match (&group.first_seen, &group.last_seen) {
        (Some(first), Some(last)) if first == last => format!(" received {first}"),
        (Some(first), Some(last)) => format!(" received {first} to {last}"),
        _ => String::new(),
    };
    let deliveries = match group.deliveries {
        1 => "1 delivery".to_owned(),
        n => format!("{n} deliveries"),
    };
    format!(
        "{what} by `hookschema drift` on {}, inferred from {deliveries}{when}.",
        context.today
    )
}

/// `text` with `op` written in, if every example keeps its verdict and `schema-diff` calls the
/// change compatible; else why not.
fn try_op(
    drift: &SchemaDrift,
    op: &Op,
    text: &str,
    note: &str,
    context: &Context,
    baseline: &BTreeMap<String, BTreeSet<String>>,
) -> Result<String, String> {
    let patched = op.apply(text, note)?;
    let schema = Schema::compile(&drift.name, &patched)
        .map_err(|error| format!("the patched schema does not compile: {}", error.message))?;
    if let Some(changes) = changed(baseline, &context.examples.verdicts(&schema)) {
        return Err(format!("an example's verdict would change: {changes}"));
    }
    let document: Value = serde_json::from_str(&patched).map_err(|e| e.to_string())?;
    let breaking: Vec<String> = diff(&drift.document, &document)
        .into_iter()
        .filter(|change| change.severity == Severity::Breaking)
        .map(|change| change.to_string())
        .collect();
    if !breaking.is_empty() {
        return Err(format!(
            "schema-diff calls it breaking: {}",
            breaking.join("; ")
        ));
    }
    Ok(patched)
}

/// The patched text with its `$id` version moved as far as `schema-diff` requires, and the
/// versions before and after.
fn bump(drift: &SchemaDrift, text: &str) -> Result<(String, Option<(String, String)>), String> {
    let document: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let changes = diff(&drift.document, &document);
    let (Some(worst), Some(from), Some(id)) = (
        changes.iter().map(|c| c.severity).max(),
        version(&drift.document),
        drift.document["$id"].as_str(),
    ) else {
        return Ok((text.to_owned(), None));
    };
    let to = from.bumped(worst);
    let new_id = format!(
        "{}{to}.json",
        id.strip_suffix(&format!("{from}.json")).unwrap_or(id)
    );
    let text = set_id(text, &new_id)?;
    let bumped: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    if let Some(problem) = version_problem(&changes, Some(from), version(&bumped)) {
        return Err(format!("{}: {problem}", drift.name));
    }
    Ok((text, Some((from.to_string(), to.to_string()))))
}

/// The questions the vendor file asks of the enum that gained values, if it asks any.
fn questions(drift: &SchemaDrift, group: &Group, context: &Context) -> Vec<String> {
    if group.kind != Kind::EnumValue {
        return Vec::new();
    }
    let Some(name) = enum_name(drift, &group.location) else {
        return Vec::new();
    };
    let Some((name, asked)) = context
        .meanings
        .iter()
        .find(|(known, _)| same_name(known, &name))
    else {
        return Vec::new();
    };
    let values: Vec<String> = group.values.iter().map(Value::to_string).collect();
    asked
        .iter()
        .map(|question| {
            format!(
                "classify {} under `meanings.{name}.{question}` in {}: true or false? \
                 `cargo xtask codegen` refuses the enum until every value is classified",
                values.join(", "),
                context.vendor_file
            )
        })
        .collect()
}

/// The name of the enum at `location`: its `$defs` key, or its `title`.
fn enum_name(drift: &SchemaDrift, location: &str) -> Option<String> {
    if let Some(key) = location.strip_prefix("/$defs/")
        && !key.contains('/')
    {
        return Some(key.replace("~1", "/").replace("~0", "~"));
    }
    drift.document.pointer(location)?["title"]
        .as_str()
        .map(str::to_owned)
}

/// Names that differ only in case and separators (`run-status`, `RunStatus`).
fn same_name(a: &str, b: &str) -> bool {
    let plain = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    plain(a) == plain(b)
}
