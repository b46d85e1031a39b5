// Format assertions as hookschema's schemas mean them: JSON Schema draft 2020-12's `date-time`
// (RFC 3339's `date-time`) and `uuid` (RFC 4122's string form), exactly as hookschema's Rust
// validator and Python's jsonschema with `hookschema_webhooks.formats` judge them.
//
// ajv-formats is more lenient: its `date-time` takes a space for the `T` and an offset without
// its colon, and its `uuid` a `urn:uuid:` prefix. Register these after it:
//
//   addFormats(ajv);        // every format ajv-formats knows,
//   useStrictFormats(ajv);  // with date-time and uuid as hookschema means them.

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether `text` is an RFC 3339 date-time: a real calendar day, a `T`, a time with seconds
 * (a leap second only at 23:59:60 UTC), and `Z` or an offset with its colon. */
export function isDateTime(text) {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const sign = match[7];
  const [offsetHour, offsetMinute] = sign ? [Number(match[8]), Number(match[9])] : [0, 0];
  const leapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leapYear ? 29 : DAYS_IN_MONTH[month - 1];
  if (month < 1 || month > 12 || day < 1 || day > days) return false;
  if (hour > 23 || minute > 59 || second > 60 || offsetHour > 23 || offsetMinute > 59) return false;
  if (second === 60) {
    const offset = (sign === "-" ? -1 : 1) * (offsetHour * 60 + offsetMinute);
    const utcMinute = (((hour * 60 + minute - offset) % 1440) + 1440) % 1440;
    return utcMinute === 23 * 60 + 59;
  }
  return true;
}

/** Whether `text` is a UUID in its 8-4-4-4-12 hexadecimal form, in either case. */
export function isUuid(text) {
  return UUID.test(text);
}

/** Registers `date-time` and `uuid` on `ajv` as hookschema means them; returns `ajv`. */
export function useStrictFormats(ajv) {
  ajv.addFormat("date-time", { type: "string", validate: isDateTime });
  ajv.addFormat("uuid", { type: "string", validate: isUuid });
  return ajv;
}
