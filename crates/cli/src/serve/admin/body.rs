//! A stored body shown as a person reads it: indented, its keys in the order sent and its
//! numbers' digits as sent, each value a violation points at marked with what is wrong. Every
//! piece of it is text in the page (maud escapes it), never markup.

use std::collections::BTreeMap;

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions};
use maud::{Markup, html};

/// Deeper bodies are shown as they were stored, unmarked: following them would take a stack
/// as deep as the sender made them.
const MAX_DEPTH: usize = 128;

/// `body` (JSON, as stored) with the values at `marks`' JSON Pointers marked by their
/// messages.
pub fn marked(body: &str, marks: &BTreeMap<String, Vec<String>>) -> Markup {
    if depth(body) > MAX_DEPTH {
        return html! { (body) };
    }
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_extended_string_escapes: false,
        allow_non_finite_numbers: false,
    };
    match jsonc_parser::parse_to_ast(body, &CollectOptions::default(), &strict) {
        Ok(parsed) => match parsed.value {
            Some(value) => html! { (node(&value, "", 0, marks)) },
            None => html! { (body) },
        },
        Err(_) => html! { (body) },
    }
}

fn node(
    value: &Value<'_>,
    pointer: &str,
    indent: usize,
    marks: &BTreeMap<String, Vec<String>>,
) -> Markup {
    let inner = match value {
        Value::Object(object) if !object.properties.is_empty() => {
            let last = object.properties.len() - 1;
            html! {
                "{\n"
                @for (i, property) in object.properties.iter().enumerate() {
                    @let name = match &property.name {
                        ObjectPropName::String(lit) => lit.value.as_ref(),
                        ObjectPropName::Word(lit) => lit.value,
                    };
                    @let at = format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1"));
                    (pad(indent + 1)) span.key { (quoted(name)) } ": "
                    (node(&property.value, &at, indent + 1, marks))
                    @if i < last { "," } "\n"
                }
                (pad(indent)) "}"
            }
        }
        Value::Array(array) if !array.elements.is_empty() => {
            let last = array.elements.len() - 1;
            html! {
                "[\n"
                @for (i, element) in array.elements.iter().enumerate() {
                    (pad(indent + 1))
                    (node(element, &format!("{pointer}/{i}"), indent + 1, marks))
                    @if i < last { "," } "\n"
                }
                (pad(indent)) "]"
            }
        }
        Value::Object(_) => html! { "{}" },
        Value::Array(_) => html! { "[]" },
        Value::StringLit(text) => html! { span.string { (quoted(&text.value)) } },
        Value::NumberLit(number) => html! { span.number { (number.value) } },
        Value::BooleanLit(boolean) => html! { span.literal { (boolean.value) } },
        Value::NullKeyword(_) => html! { span.literal { "null" } },
    };
    match marks.get(pointer) {
        Some(messages) => html! {
            mark title=(messages.join("\n")) data-pointer=(pointer) { (inner) }
        },
        None => inner,
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a str serialises")
}

fn pad(indent: usize) -> String {
    "  ".repeat(indent)
}

/// How deeply `json`'s arrays and objects nest, read without parsing it.
fn depth(json: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for byte in json.bytes() {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        let mut marks: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (pointer, message) in pairs {
            marks
                .entry((*pointer).to_owned())
                .or_default()
                .push((*message).to_owned());
        }
        marks
    }

    #[test]
    fn values_at_violations_are_marked_and_the_text_kept_as_sent() {
        let body = r#"{"z":1.50,"a/b":[true,{"s":"<b>hi</b>"}],"n":null}"#;
        let shown = marked(
            body,
            &marks(&[("/a~1b/1/s", "not a number"), ("/n", "not null")]),
        )
        .into_string();
        assert!(
            shown.starts_with(
                "{\n  <span class=\"key\">&quot;z&quot;</span>: <span class=\"number\">1.50</span>"
            ),
            "{shown}"
        );
        assert!(shown.contains("<mark title=\"not a number\" data-pointer=\"/a~1b/1/s\"><span class=\"string\">&quot;&lt;b&gt;hi&lt;/b&gt;&quot;</span></mark>"), "{shown}");
        assert!(shown.contains("<mark title=\"not null\" data-pointer=\"/n\"><span class=\"literal\">null</span></mark>"), "{shown}");
        assert!(!shown.contains("<b>"), "{shown}");
    }

    #[test]
    fn the_whole_body_is_marked_at_the_root_pointer() {
        let shown = marked("[]", &marks(&[("", "too short")])).into_string();
        assert_eq!(
            shown,
            "<mark title=\"too short\" data-pointer=\"\">[]</mark>"
        );
    }

    #[test]
    fn a_body_too_deep_to_follow_is_shown_as_stored() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(marked(&deep, &marks(&[("/0", "x")])).into_string(), deep);
        let escaped = marked("\"<script>\"", &BTreeMap::new()).into_string();
        assert_eq!(
            escaped,
            "<span class=\"string\">&quot;&lt;script&gt;&quot;</span>"
        );
    }
}
