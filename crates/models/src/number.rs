//! Numbers as sent: the models keep a `type: number` value as a `serde_json::Number`, which
//! writes back `2` for `2` and `2.0` for `2.0`.

use serde_json::Number;

/// A schema's `default` for a number, which typify writes as an `f64`, as the number a field
/// holds: an integral default is an integer, as a schema writes `"default": 0`.
pub(crate) fn default(value: f64) -> Number {
    let integral = value.fract() == 0.0 && value.abs() < 2f64.powi(53);
    match (integral, Number::from_f64(value)) {
        // Within ±2^53, the float holds the integer exactly.
        (true, _) => Number::from(value as i64),
        (false, Some(number)) => number,
        // A schema's default is a JSON number, never NaN or infinite.
        (false, None) => Number::from(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_integral_default_is_an_integer_and_a_fraction_a_float() {
        assert_eq!(default(0.0).to_string(), "0");
        assert_eq!(default(-3.0).to_string(), "-3");
        assert_eq!(default(0.5).to_string(), "0.5");
    }
}
