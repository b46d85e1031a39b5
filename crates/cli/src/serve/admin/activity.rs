//! What arrived lately, at a glance: per webhook, its deliveries of the last 24 hours by hour,
//! those that kept their schema and those that broke it, as bars drawn in SVG on the server
//! (the page runs no script). Refusals are not stored, so they are not here: `/metrics` counts
//! them.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, SecondsFormat, Timelike, Utc};
use hookschema_catalog::Catalog;
use hookschema_store::Count;
use maud::{Markup, html};

/// Hours shown.
pub const HOURS: i64 = 24;
/// One bar's width, and the chart's height, in pixels.
const BAR: i64 = 14;
const HEIGHT: u64 = 60;

/// The time the chart starts from: the start of the hour 23 hours before `now`'s.
pub fn since(now: DateTime<Utc>) -> String {
    start(now).to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn start(now: DateTime<Utc>) -> DateTime<Utc> {
    let hour = now
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    hour - Duration::hours(HOURS - 1)
}

/// One webhook's deliveries in each hour: (valid, invalid).
type Hours = BTreeMap<String, (u64, u64)>;

/// The chart of `counts` (since [`since`]`(now)`), one row per webhook of `catalog` that
/// received anything, and one for deliveries of no schema.
pub fn view(catalog: &Catalog, counts: &[Count], now: DateTime<Utc>) -> Markup {
    let webhook_of = |schema: Option<&str>| -> String {
        let Some(schema) = schema else {
            return "(no schema)".to_owned();
        };
        catalog
            .webhooks()
            .find(|webhook| {
                crate::drift::schemas_of(webhook)
                    .iter()
                    .any(|s| s == schema)
            })
            .map_or_else(|| schema.to_owned(), |webhook| webhook.name().to_owned())
    };
    let mut rows: BTreeMap<String, Hours> = BTreeMap::new();
    for count in counts {
        let hours = rows.entry(webhook_of(count.schema.as_deref())).or_default();
        let slot = hours.entry(count.hour.clone()).or_default();
        if count.valid {
            slot.0 += count.deliveries;
        } else {
            slot.1 += count.deliveries;
        }
    }
    let first = start(now);
    let hours: Vec<String> = (0..HOURS)
        .map(|i| {
            (first + Duration::hours(i))
                .format("%Y-%m-%dT%H")
                .to_string()
        })
        .collect();
    html! {
        h1 { "Activity" }
        p { "Deliveries stored in the last " (HOURS) " hours, by hour (UTC): "
            span.valid { "kept their schema" } ", " span.invalid { "broke it" } ". Refusals are counted in "
            code { "/metrics" } "." }
        @if rows.is_empty() {
            p.empty { "Nothing stored in the last " (HOURS) " hours." }
        }
        @for (webhook, counted) in &rows {
            @let total: (u64, u64) = counted.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            section.activity {
                h2 { (webhook) }
                p { (total.0) " valid, " (total.1) " invalid" }
                (chart(&hours, counted))
            }
        }
    }
}

/// Stacked bars, one per hour, scaled to the busiest hour.
fn chart(hours: &[String], counted: &Hours) -> Markup {
    let busiest = counted
        .values()
        .map(|(v, i)| v + i)
        .max()
        .unwrap_or(0)
        .max(1);
    let height = |n: u64| n * HEIGHT / busiest;
    let width = BAR * HOURS;
    html! {
        svg.chart width=(width) height=(HEIGHT + 16) viewBox={ "0 0 " (width) " " (HEIGHT + 16) } role="img" {
            @for (i, hour) in hours.iter().enumerate() {
                @let (valid, invalid) = counted.get(hour).copied().unwrap_or_default();
                @let x = i as i64 * BAR;
                @let (valid_height, invalid_height) = (height(valid), height(invalid));
                g {
                    title { (hour) ":00 — " (valid) " valid, " (invalid) " invalid" }
                    rect.valid x=(x) y=(HEIGHT - valid_height) width=(BAR - 2) height=(valid_height) {}
                    rect.invalid x=(x) y=(HEIGHT - valid_height - invalid_height) width=(BAR - 2) height=(invalid_height) {}
                }
                @if i % 6 == 0 {
                    text x=(x) y=(HEIGHT + 13) { (&hour[11..]) "h" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_stand_for_each_hours_deliveries() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T13:45:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(since(now), "2026-12-06T14:00:00.000Z");
        let counts = [
            Count {
                hour: "2026-12-07T13".into(),
                schema: Some("kaizen/webhook-event".into()),
                valid: true,
                deliveries: 3,
            },
            Count {
                hour: "2026-12-07T13".into(),
                schema: Some("kaizen/webhook-event".into()),
                valid: false,
                deliveries: 1,
            },
            Count {
                hour: "2026-12-07T12".into(),
                schema: None,
                valid: false,
                deliveries: 2,
            },
        ];
        let shown = view(Catalog::embedded(), &counts, now).into_string();
        assert!(
            shown.contains("<h2>kaizen/webhook-event</h2><p>3 valid, 1 invalid</p>"),
            "{shown}"
        );
        assert!(
            shown.contains("<h2>(no schema)</h2><p>0 valid, 2 invalid</p>"),
            "{shown}"
        );
        // The last hour's bars: 3 of the busiest 4 valid, 1 invalid on top.
        assert!(shown.contains("<title>2026-12-07T13:00 — 3 valid, 1 invalid</title><rect class=\"valid\" x=\"322\" y=\"15\" width=\"12\" height=\"45\"></rect><rect class=\"invalid\" x=\"322\" y=\"0\" width=\"12\" height=\"15\"></rect>"), "{shown}");
    }
}
