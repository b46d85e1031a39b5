//! The drift view: what `hookschema drift` would propose for the stored deliveries, each
//! schema's findings and its widening as a diff of the schema file. Read only: writing the
//! patch stays a command a person runs and reviews (`hookschema drift --write`).

use hookschema_drift::{Proposal, Status};
use maud::{Markup, html};
use similar::{ChangeTag, TextDiff};

/// Each drifted schema's findings and diff, from the newest `window` deliveries;
/// `unattributed` of them named no schema.
pub fn view(proposals: &[(Proposal, String)], unattributed: u64, window: i64) -> Markup {
    let drifted: Vec<&(Proposal, String)> = proposals
        .iter()
        .filter(|(proposal, _)| proposal.drifted())
        .collect();
    html! {
        h1 { "Drift" }
        p { "What " code { "hookschema drift" } " proposes for the newest " (window) " stored deliveries (the command reads them all). To apply it: "
            code { "hookschema --schemas schemas drift --store URL --write" } ", review the diff, "
            code { "cargo xtask codegen" } ", commit." }
        @if drifted.is_empty() {
            p.empty { "No stored delivery drifts from its schema." }
        }
        @for (proposal, original) in drifted {
            section.drift {
                h2 { (proposal.schema) }
                p {
                    (proposal.drifted) " of " (proposal.deliveries) " deliveries drifted"
                    @if let Some((from, to)) = &proposal.version { "; version " (from) " → " (to) }
                    "."
                }
                table.findings {
                    thead { tr { th { "Where" } th { "Kind" } th { "What" } th { "Deliveries" } th { "Seen" } th { "Outcome" } } }
                    tbody {
                        @for entry in &proposal.entries {
                            tr {
                                td { code { (super::pages::pointer(&entry.location)) } }
                                td { (entry.kind.label()) }
                                td {
                                    (entry.what)
                                    @for question in &entry.questions { br; em.question { (question) } }
                                }
                                td { (entry.deliveries) }
                                td { (entry.first_seen.as_deref().unwrap_or("—")) " … " (entry.last_seen.as_deref().unwrap_or("—")) }
                                td { (outcome(&entry.status, entry.change.as_deref())) }
                            }
                        }
                    }
                }
                @for failure in &proposal.failures { p.refused { (failure) } }
                @if let Some(patched) = &proposal.patched {
                    pre.diff { (diff(original, patched)) }
                }
            }
        }
        @if unattributed > 0 {
            p { (unattributed) " deliveries name no schema of the catalog and were not read." }
        }
    }
}

fn outcome(status: &Status, change: Option<&str>) -> Markup {
    match status {
        Status::Proposed => {
            html! { span.valid { "proposed" } @if let Some(change) = change { ": " (change) } }
        }
        Status::Reported => html! { span.invalid { "reported, not patched" } },
        Status::Refused(why) => html! { span.invalid { "refused: " (why) } },
    }
}

/// The lines of `after` that differ from `before`, with three lines of context around each.
fn diff(before: &str, after: &str) -> Markup {
    let diff = TextDiff::from_lines(before, after);
    html! {
        @for (i, group) in diff.grouped_ops(3).iter().enumerate() {
            @if i > 0 { span.gap { "…\n" } }
            @for op in group {
                @for change in diff.iter_changes(op) {
                    @match change.tag() {
                        ChangeTag::Insert => span.add { "+ " (change.value()) },
                        ChangeTag::Delete => span.del { "- " (change.value()) },
                        ChangeTag::Equal => span { "  " (change.value()) },
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_shows_the_changed_lines_in_their_context() {
        let before = "{\n  \"a\": 1,\n  \"enum\": [\"x\"]\n}\n";
        let after = "{\n  \"a\": 1,\n  \"enum\": [\"x\", \"<y>\"]\n}\n";
        let shown = diff(before, after).into_string();
        assert!(
            shown.contains("<span class=\"del\">-   &quot;enum&quot;: [&quot;x&quot;]\n</span>"),
            "{shown}"
        );
        assert!(shown.contains("<span class=\"add\">+   &quot;enum&quot;: [&quot;x&quot;, &quot;&lt;y&gt;&quot;]\n</span>"), "{shown}");
        assert!(shown.contains("<span>  {\n</span>"), "{shown}");
    }
}
