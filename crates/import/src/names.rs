//! The names an import gives: schema files and `$defs` entries in kebab case, titles (which
//! become type names) in Pascal case.

use heck::{ToKebabCase, ToUpperCamelCase};

/// A schema's name from its path in the source (`pull_request/opened.schema.json`:
/// `pull-request-opened`) or a component's (`checkout.session`: `checkout-session`): lowercase
/// letters, digits and dashes, starting with a letter, as the catalog's names are.
pub fn kebab(source: &str) -> String {
    let stem = source
        .strip_suffix(".schema.json")
        .or_else(|| source.strip_suffix(".json"))
        .unwrap_or(source);
    let words = stem.replace(['/', '.', '$', '_', ' '], "-").to_kebab_case();
    match words.chars().next() {
        Some(c) if c.is_ascii_lowercase() => words,
        _ => format!("schema-{words}"),
    }
}

/// A title for a schema its source left without one.
pub fn title(name: &str) -> String {
    name.to_upper_camel_case()
}

/// Whether `name` can name a vendor folder or a schema.
pub fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_paths_and_components() {
        assert_eq!(
            kebab("pull_request/opened.schema.json"),
            "pull-request-opened"
        );
        assert_eq!(kebab("ping/event.schema.json"), "ping-event");
        assert_eq!(kebab("checkout.session"), "checkout-session");
        assert_eq!(kebab("PaymentIntent"), "payment-intent");
        assert_eq!(kebab("3ds"), "schema-3ds");
        assert!(is_name(&kebab("issues/opened.schema.json")));
        assert_eq!(title("pull-request-opened"), "PullRequestOpened");
    }
}
