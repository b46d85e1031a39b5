//! `hookschema drift`: what senders really sent, read back from a store (or an NDJSON archive)
//! beside the schemas, grouped by schema location, with the smallest checked widening of each
//! schema that accepts it; `--write` writes the widenings into the schema files.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use hookschema_catalog::{Bodies, Catalog, Webhook};
use hookschema_drift::{
    Context, Delivery, Examples, Keywords, Proposal, SchemaDrift, propose, write,
};
use hookschema_store::{ErrorKind, Location, Selection, StoreError, read};
use hookschema_validate::Schema;
use serde_json::{Value, json};

use crate::outcome::Outcome;

#[derive(Args)]
pub struct DriftArgs {
    /// The store a receiver writes: `sqlite:PATH`, `postgres://…` or `jsonl:PATH`.
    #[arg(
        long,
        value_name = "URL",
        required_unless_present = "from",
        conflicts_with = "from"
    )]
    store: Option<Location>,
    /// A file of payloads, one JSON document per line, instead of a store: an archive a team
    /// already has. Its schema is `--schema`'s, or the one `--webhook`'s bodies name.
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// Only this webhook's deliveries (`kaizen/webhook-event`).
    #[arg(long, value_name = "VENDOR/NAME")]
    webhook: Option<String>,
    /// With --from: the schema every payload is read against (`comfydeploy/workflow-run-webhook-body`).
    #[arg(long, requires = "from")]
    schema: Option<String>,
    /// Only the deliveries received at or after this time (RFC 3339, or a date: `2026-12-01`).
    #[arg(long, value_name = "TIME", value_parser = parse_since)]
    since: Option<DateTime<Utc>>,
    /// How to report.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Write each checked patch into its schema file (layout and descriptions kept, `$id`
    /// version bumped) and add examples made from the deliveries; needs `--schemas DIR`.
    #[arg(long)]
    write: bool,
    /// With --write: the examples' strings become placeholders of the same format and length
    /// class (what the schema constrains, such as an enum's value, is kept).
    #[arg(long, requires = "write")]
    redact: bool,
}

/// How `drift` reports.
#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// For people: per schema, each drift with its count, dates, example and proposal.
    Text,
    /// One JSON document: `{"schemas": [...], "unattributed": n}`.
    Json,
}

fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|date| date.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
        .map_err(|_| format!("`{text}` is neither an RFC 3339 time nor a date (2026-12-01)"))
}

/// The schemas deliveries are read against, by name, and the drift found in each.
struct Reading<'c> {
    catalog: &'c Catalog,
    /// The schemas `--webhook` allows; every schema without it.
    allowed: Option<Vec<String>>,
    since: Option<DateTime<Utc>>,
    drifts: BTreeMap<String, SchemaDrift>,
    keywords: Keywords,
    /// Deliveries that name no schema this catalog has (an event without one, a record from
    /// before records named their schema, a line no schema could be chosen for).
    unattributed: u64,
}

impl Reading<'_> {
    fn add(&mut self, schema: Option<&str>, delivery: Delivery) -> Result<(), String> {
        if let (Some(since), Some(at)) = (self.since, &delivery.received_at)
            && DateTime::parse_from_rfc3339(at).is_ok_and(|at| at < since)
        {
            return Ok(());
        }
        let Some(schema) = schema.and_then(|name| self.catalog.schema(name)) else {
            self.unattributed += 1;
            return Ok(());
        };
        if self
            .allowed
            .as_ref()
            .is_some_and(|allowed| !allowed.iter().any(|a| a == schema.name()))
        {
            return Ok(());
        }
        let drift = match self.drifts.entry(schema.name().to_owned()) {
            std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::btree_map::Entry::Vacant(entry) => {
                entry.insert(SchemaDrift::new(schema.name(), schema.text())?)
            }
        };
        drift.add(delivery, &mut self.keywords);
        Ok(())
    }
}

pub fn run(
    out: &mut impl Write,
    catalog: &Catalog,
    schemas: Option<&Path>,
    args: &DriftArgs,
) -> io::Result<Outcome> {
    match drift(out, catalog, schemas, args) {
        Ok(outcome) => Ok(outcome),
        Err(Failure::Io(error)) => Err(error),
        Err(Failure::Usage(message)) => {
            eprintln!("hookschema drift: {message}");
            Ok(Outcome::Error)
        }
    }
}

enum Failure {
    Usage(String),
    Io(io::Error),
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Usage(message)
    }
}

fn drift(
    out: &mut impl Write,
    catalog: &Catalog,
    schemas: Option<&Path>,
    args: &DriftArgs,
) -> Result<Outcome, Failure> {
    let webhook = match &args.webhook {
        Some(name) => Some(catalog.webhook(name).ok_or_else(|| {
            let known: Vec<&str> = catalog.webhooks().map(Webhook::name).collect();
            format!("unknown webhook `{name}`; known: {}", known.join(", "))
        })?),
        None => None,
    };
    if args.write && schemas.is_none() {
        return Err(Failure::Usage(
            "--write edits schema files: give the folder with --schemas".to_owned(),
        ));
    }
    let mut reading = Reading {
        catalog,
        allowed: webhook.map(schemas_of),
        since: args.since,
        drifts: BTreeMap::new(),
        keywords: Keywords::default(),
        unattributed: 0,
    };
    match (&args.store, &args.from) {
        (Some(store), _) => from_store(&mut reading, store, webhook, None)?,
        (None, Some(file)) => from_file(&mut reading, file, webhook, args.schema.as_deref())?,
        (None, None) => return Err(Failure::Usage("give --store or --from".to_owned())),
    }
    let today = today();
    let proposals = proposals_of(&reading, schemas, &today)?;
    let mut written = Vec::new();
    if args.write
        && let Some(dir) = schemas
    {
        for proposal in &proposals {
            let (vendor, stem) = proposal
                .schema
                .split_once('/')
                .ok_or_else(|| format!("{}: not a catalog schema's name", proposal.schema))?;
            let file = dir.join(vendor).join(format!("{stem}.schema.json"));
            let examples = dir.join(vendor).join("examples").join(stem);
            written.push(write(proposal, &file, &examples, args.redact, &today)?);
        }
    }
    report(out, args.format, &proposals, &written, reading.unattributed).map_err(Failure::Io)?;
    let unresolved = proposals
        .iter()
        .any(|p| p.drifted() && (!args.write || p.unresolved() || p.patched.is_none()));
    Ok(if unresolved {
        Outcome::Invalid
    } else {
        Outcome::Valid
    })
}

/// What `hookschema drift --store` proposes for every schema of the deliveries at `store`
/// stored after the id `after` (all of them without it), and how many deliveries name no
/// schema of the catalog: the admin page's drift view.
pub fn proposed(
    catalog: &Catalog,
    schemas: Option<&Path>,
    store: &Location,
    after: Option<i64>,
) -> Result<(Vec<Proposal>, u64), String> {
    let mut reading = Reading {
        catalog,
        allowed: None,
        since: None,
        drifts: BTreeMap::new(),
        keywords: Keywords::default(),
        unattributed: 0,
    };
    from_store(&mut reading, store, None, after).map_err(|failure| match failure {
        Failure::Usage(message) => message,
        Failure::Io(error) => error.to_string(),
    })?;
    let proposals = proposals_of(&reading, schemas, &today())?;
    Ok((proposals, reading.unattributed))
}

/// Today's date, as the descriptions and example files of a widening name it.
fn today() -> String {
    DateTime::<Utc>::from(std::time::SystemTime::now())
        .format("%Y-%m-%d")
        .to_string()
}

/// Each schema's proposal, checked against its examples in `schemas` (when given).
fn proposals_of(
    reading: &Reading<'_>,
    schemas: Option<&Path>,
    today: &str,
) -> Result<Vec<Proposal>, String> {
    reading
        .drifts
        .values()
        .map(|drift| {
            propose(
                drift,
                &context(reading.catalog, schemas, &drift.name, today)?,
            )
        })
        .collect()
}

/// The names of the schemas a webhook's bodies keep.
pub(crate) fn schemas_of(webhook: &Webhook) -> Vec<String> {
    match &webhook.bodies {
        Bodies::One(schema) => vec![schema.name().to_owned()],
        Bodies::Dispatch(dispatch) => dispatch
            .schemas
            .iter()
            .map(|(_, schema)| schema.name().to_owned())
            .collect(),
    }
}

fn from_store(
    reading: &mut Reading<'_>,
    store: &Location,
    webhook: Option<&Webhook>,
    after: Option<i64>,
) -> Result<(), Failure> {
    let selection = Selection {
        after,
        vendor: webhook.map(|w| w.vendor.as_str()),
    };
    let mut failed = None;
    read(store, &selection, |id, record| {
        let body = match serde_json::from_str(&record.body) {
            Ok(body) => body,
            Err(_) => {
                reading.unattributed += 1;
                return Ok(());
            }
        };
        let delivery = Delivery {
            id: id.to_string(),
            received_at: Some(record.received_at.clone()),
            body,
        };
        reading
            .add(record.schema.as_deref(), delivery)
            .map_err(|message| {
                failed = Some(message);
                StoreError {
                    kind: ErrorKind::Failed,
                    message: "stopped".to_owned(),
                }
            })
    })
    .map_err(|error| {
        failed
            .take()
            .unwrap_or_else(|| format!("cannot read {store}: {error}"))
    })?;
    Ok(())
}

fn from_file(
    reading: &mut Reading<'_>,
    file: &Path,
    webhook: Option<&Webhook>,
    schema: Option<&str>,
) -> Result<(), Failure> {
    let shown = file.display();
    let chosen: Option<Schema> = match schema {
        Some(name) => Some(
            reading
                .catalog
                .schema(name.strip_suffix(".schema.json").unwrap_or(name))
                .cloned()
                .ok_or_else(|| format!("unknown schema `{name}`"))?,
        ),
        None => match webhook.map(|w| &w.bodies) {
            Some(Bodies::One(schema)) => Some(schema.clone()),
            Some(Bodies::Dispatch(_)) => None,
            None => {
                return Err(Failure::Usage(
                    "--from needs --schema, or a --webhook".to_owned(),
                ));
            }
        },
    };
    let lines = BufReader::new(File::open(file).map_err(|e| format!("{shown}: {e}"))?);
    for (n, line) in lines.lines().enumerate() {
        let line = line.map_err(|e| format!("{shown}: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let Ok(body) = serde_json::from_str::<Value>(&line) else {
            reading.unattributed += 1;
            continue;
        };
        // A webhook that dispatches names each line's schema by its body; a part of the event
        // name that is a header is not in an archive of bodies.
        let dispatched = match (&chosen, webhook.map(|w| &w.bodies)) {
            (None, Some(Bodies::Dispatch(dispatch))) => dispatch
                .event(|_| None, line.as_bytes())
                .and_then(|event| dispatch.schema(&event))
                .map(|schema| schema.name().to_owned()),
            _ => None,
        };
        let name = chosen.as_ref().map(|s| s.name().to_owned()).or(dispatched);
        let delivery = Delivery {
            id: format!("line {}", n + 1),
            received_at: None,
            body,
        };
        reading.add(name.as_deref(), delivery)?;
    }
    Ok(())
}

/// What `name`'s patch is checked against: its examples (from the folder, when there is one)
/// and its webhook's meanings.
fn context(
    catalog: &Catalog,
    schemas: Option<&Path>,
    name: &str,
    today: &str,
) -> Result<Context, String> {
    let (vendor, stem) = name.split_once('/').unwrap_or(("", name));
    let examples = match schemas {
        Some(dir) => Examples::read(&dir.join(vendor).join("examples").join(stem))?,
        None => Examples::default(),
    };
    let meanings = catalog
        .webhooks()
        .find(|webhook| schemas_of(webhook).iter().any(|s| s == name))
        .map(|webhook| webhook.meanings.clone())
        .unwrap_or_default();
    Ok(Context {
        examples,
        meanings,
        vendor_file: format!("{vendor}/vendor.json"),
        today: today.to_owned(),
    })
}

fn report(
    out: &mut impl Write,
    format: ReportFormat,
    proposals: &[Proposal],
    written: &[hookschema_drift::Written],
    unattributed: u64,
) -> io::Result<()> {
    match format {
        ReportFormat::Text => {
            out.write_all(hookschema_drift::text(proposals).as_bytes())?;
            for files in written {
                if let Some(schema) = &files.schema {
                    writeln!(out, "wrote {}", schema.display())?;
                }
                for example in &files.examples {
                    writeln!(out, "wrote {}", example.display())?;
                }
            }
            if unattributed > 0 {
                writeln!(
                    out,
                    "{unattributed} deliveries name no schema of the catalog and were not read"
                )?;
            }
        }
        ReportFormat::Json => {
            let mut schemas = Vec::new();
            for (i, proposal) in proposals.iter().enumerate() {
                let mut value = serde_json::to_value(proposal).map_err(io::Error::other)?;
                if let Some(files) = written.get(i) {
                    value["written"] = json!({
                        "schema": files.schema.as_ref().map(|p| p.display().to_string()),
                        "examples": files.examples.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                    });
                }
                schemas.push(value);
            }
            let document = json!({ "schemas": schemas, "unattributed": unattributed });
            serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::other)?;
            writeln!(out)?;
        }
    }
    Ok(())
}
