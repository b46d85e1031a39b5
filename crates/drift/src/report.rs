//! The report, for people: per schema, what drifted, where, how often, since when, one example
//! each, and what is proposed.

use std::fmt::Write;

use crate::edit::shown;
use crate::plan::{Proposal, Status};

/// The text report of `proposals`.
pub fn text(proposals: &[Proposal]) -> String {
    let mut out = String::new();
    for proposal in proposals {
        let _ = writeln!(
            out,
            "{}: {} of {} deliveries drifted",
            proposal.schema, proposal.drifted, proposal.deliveries
        );
        for entry in &proposal.entries {
            let when = match (&entry.first_seen, &entry.last_seen) {
                (Some(first), Some(last)) => format!(", first {first}, last {last}"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {}: {} ({} deliveries{when})",
                shown(&entry.location),
                entry.what,
                entry.deliveries
            );
            let _ = writeln!(
                out,
                "    e.g. delivery {} at {}: {}",
                entry.example.delivery,
                shown(&entry.example.instance_path),
                clipped(&entry.example.value.to_string())
            );
            let change = entry.change.as_deref().unwrap_or("");
            let _ = match &entry.status {
                Status::Proposed => writeln!(out, "    proposed: {change}"),
                Status::Reported => writeln!(
                    out,
                    "    reported: no widening accepts it; a breaking drift to take up with the sender"
                ),
                Status::Refused(why) => writeln!(out, "    not proposed ({change}): {why}"),
            };
            for question in &entry.questions {
                let _ = writeln!(out, "    to answer: {question}");
            }
        }
        for failure in &proposal.failures {
            let _ = writeln!(out, "  the patch is not written: {failure}");
        }
        if let Some((from, to)) = &proposal.version {
            let _ = writeln!(out, "  version: {from} → {to}");
        }
    }
    if proposals.iter().all(|p| !p.drifted()) {
        out.push_str("no drift: every delivery keeps its schema and declares every key\n");
    }
    out
}

/// A value for one line: at most 120 characters.
fn clipped(text: &str) -> String {
    match text.char_indices().nth(120) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
