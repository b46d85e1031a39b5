//! The admin page's HTML. maud escapes every value it is given, so what a sender sent (a
//! delivery id, a header, a body) is text in the page whatever it holds.

use std::collections::BTreeMap;

use hookschema_store::{Filter, Shown, Summary};
use maud::{DOCTYPE, Markup, html};

use super::body;

/// The page around `content`, titled `title`.
pub(super) fn layout(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · hookschema" }
                link rel="stylesheet" href="/assets/admin.css";
            }
            body {
                header {
                    a.brand href="/" { "hookschema" }
                    nav { a href="/" { "Deliveries" } " " a href="/activity" { "Activity" } " " a href="/drift" { "Drift" } }
                }
                main { (content) }
            }
        }
    }
}

/// The answer to a request without the token: a form that asks for it.
pub fn refused(why: &str) -> Markup {
    layout(
        "Sign in",
        html! {
            h1 { "Sign in" }
            p.refused { (why) }
            form method="post" action="/login" {
                label { "Admin token " input type="password" name="token" autocomplete="current-password"; }
                button type="submit" { "Sign in" }
            }
        },
    )
}

/// What the list's filter form offers, and the webhook chosen.
pub struct Choices<'a> {
    pub vendors: Vec<&'a str>,
    pub webhooks: Vec<&'a str>,
    pub schemas: Vec<&'a str>,
    pub webhook: Option<&'a str>,
}

/// A page of deliveries, newest first, under the form that filters them; `next` is the link to
/// the page after, when there is one.
pub fn list(
    filter: &Filter<'_>,
    choices: &Choices<'_>,
    found: &[Summary],
    next: Option<String>,
) -> Markup {
    let valid = match filter.valid {
        Some(true) => "valid",
        Some(false) => "invalid",
        None => "",
    };
    layout(
        "Deliveries",
        html! {
            h1 { "Deliveries" }
            form.filter method="get" action="/" {
                (choice("Vendor", "vendor", &choices.vendors, filter.vendor))
                (choice("Webhook", "webhook", &choices.webhooks, choices.webhook))
                (choice("Schema", "schema", &choices.schemas, filter.schema))
                label { "Verdict "
                    select name="verdict" {
                        option value="" { "any" }
                        option value="valid" selected[valid == "valid"] { "valid" }
                        option value="invalid" selected[valid == "invalid"] { "invalid" }
                    }
                }
                label { "Delivery id "
                    input type="search" name="id" value=(filter.id_contains.unwrap_or_default());
                }
                button type="submit" { "Filter" }
            }
            @if found.is_empty() {
                p.empty { "No delivery matches." }
            } @else {
                table.deliveries {
                    thead { tr { th { "#" } th { "Received" } th { "Vendor" } th { "Schema" } th { "Delivery id" } th { "Verdict" } th { "Retries" } } }
                    tbody {
                        @for delivery in found {
                            tr {
                                td { a href={ "/deliveries/" (delivery.id) } { (delivery.id) } }
                                td { (delivery.received_at) }
                                td { (delivery.vendor) }
                                td { (delivery.schema.as_deref().unwrap_or("—")) }
                                td.id { (delivery.delivery_id.as_deref().unwrap_or("—")) }
                                td { (verdict(delivery.violations)) }
                                td { (retries(delivery.duplicates)) }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = next {
                p { a.next href=(next) { "Older deliveries →" } }
            }
        },
    )
}

/// A select of the filter form: `any`, then each of `options`, `chosen` selected.
fn choice(label: &str, name: &str, options: &[&str], chosen: Option<&str>) -> Markup {
    html! {
        label { (label) " "
            select name=(name) {
                option value="" { "any" }
                @for option in options {
                    option value=(option) selected[chosen == Some(*option)] { (option) }
                }
            }
        }
    }
}

/// A JSON Pointer for people: the root, which is empty, is `(root)`.
pub(super) fn pointer(at: &str) -> &str {
    if at.is_empty() { "(root)" } else { at }
}

fn verdict(violations: u64) -> Markup {
    match violations {
        0 => html! { span.valid { "valid" } },
        1 => html! { span.invalid { "1 violation" } },
        n => html! { span.invalid { (n) " violations" } },
    }
}

fn retries(duplicates: Option<u64>) -> String {
    duplicates.map_or_else(|| "not counted".to_owned(), |n| n.to_string())
}

/// One violation as stored: `{"instance_path", "schema_path", "message"}`.
#[derive(serde::Deserialize)]
struct Violation {
    instance_path: String,
    #[serde(default)]
    schema_path: String,
    message: String,
}

/// One delivery: what it is, its headers of record, and its body with each violation marked
/// where it points.
pub fn delivery(shown: &Shown) -> Markup {
    let record = &shown.record;
    let violations: Vec<Violation> = serde_json::from_str(&record.violations).unwrap_or_default();
    let mut marks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for violation in &violations {
        marks
            .entry(violation.instance_path.clone())
            .or_default()
            .push(violation.message.clone());
    }
    let headers: Vec<(String, String)> = record
        .headers
        .as_deref()
        .and_then(|text| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).ok()
        })
        .map(|object| {
            object
                .into_iter()
                .map(|(name, value)| (name, value.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    layout(
        &format!("Delivery {}", shown.id),
        html! {
            h1 { "Delivery " (shown.id) }
            dl.facts {
                dt { "Vendor" } dd { (record.vendor) }
                dt { "Schema" } dd { (record.schema.as_deref().unwrap_or("—")) }
                dt { "Delivery id" } dd.id { (record.delivery_id.as_deref().unwrap_or("—")) }
                dt { "Received" } dd { (record.received_at) }
                dt { "Verdict" } dd { (verdict(violations.len() as u64)) }
                dt { "Retries" } dd { (retries(shown.duplicates)) }
            }
            @if !violations.is_empty() {
                h2 { "Violations" }
                table.violations {
                    thead { tr { th { "Where" } th { "What" } th { "Schema keyword" } } }
                    tbody {
                        @for violation in &violations {
                            tr {
                                td { code { (pointer(&violation.instance_path)) } }
                                td { (violation.message) }
                                td { code { (violation.schema_path) } }
                            }
                        }
                    }
                }
            }
            h2 { "Headers" }
            @if headers.is_empty() {
                p.empty { "Not kept for this delivery." }
            } @else {
                table.headers {
                    tbody {
                        @for (name, value) in &headers {
                            tr { th { (name) } td { code { (value) } } }
                        }
                    }
                }
            }
            h2 { "Body" }
            pre.body { (body::marked(&record.body, &marks)) }
        },
    )
}

/// A page that says what is not there.
pub fn missing(what: &str) -> Markup {
    layout("Not found", html! { h1 { "Not found" } p { (what) } })
}
