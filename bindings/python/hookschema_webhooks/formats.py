"""Format assertions as hookschema's schemas mean them: JSON Schema draft 2020-12's `date-time`
(RFC 3339's `date-time`) and `uuid` (RFC 4122's string form), exactly as hookschema's Rust
validator and ajv with `@hookschema/webhooks/formats` judge them.

jsonschema's own `date-time` check (with rfc3339-validator) refuses leap seconds, which RFC 3339
allows at 23:59:60 UTC; `format_checker()` gives every other format jsonschema knows, with these
two as hookschema means them:

    from jsonschema import Draft202012Validator
    validator = Draft202012Validator(schema, format_checker=format_checker())

Hand-written, and kept by `cargo xtask codegen`, which generates the rest of the package."""

import re

_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?"
    r"(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))"
)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_date_time(text):
    """Whether `text` is an RFC 3339 date-time: a real calendar day, a `T`, a time with seconds
    (a leap second only at 23:59:60 UTC), and `Z` or an offset with its colon. Anything but a
    string passes, as JSON Schema's formats apply to strings only."""
    if not isinstance(text, str):
        return True
    match = _DATE_TIME.fullmatch(text)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    sign = match.group(7)
    offset_hour, offset_minute = (int(match.group(8)), int(match.group(9))) if sign else (0, 0)
    leap_year = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = 29 if month == 2 and leap_year else _DAYS_IN_MONTH[month - 1] if 1 <= month <= 12 else 0
    if not 1 <= day <= days:
        return False
    if hour > 23 or minute > 59 or second > 60 or offset_hour > 23 or offset_minute > 59:
        return False
    if second == 60:
        offset = (-1 if sign == "-" else 1) * (offset_hour * 60 + offset_minute)
        return (hour * 60 + minute - offset) % 1440 == 23 * 60 + 59
    return True


def is_uuid(text):
    """Whether `text` is a UUID in its 8-4-4-4-12 hexadecimal form, in either case. Anything but
    a string passes."""
    return not isinstance(text, str) or _UUID.fullmatch(text) is not None


def format_checker():
    """A `jsonschema.FormatChecker` with every format jsonschema knows, and `date-time` and
    `uuid` as hookschema means them. Needs the `jsonschema` package."""
    from jsonschema import FormatChecker

    checker = FormatChecker()
    checker.checks("date-time")(is_date_time)
    checker.checks("uuid")(is_uuid)
    return checker
