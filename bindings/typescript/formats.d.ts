/** Whether `text` is an RFC 3339 date-time as JSON Schema means `date-time`. */
export function isDateTime(text: string): boolean;

/** Whether `text` is a UUID in its 8-4-4-4-12 hexadecimal form, in either case. */
export function isUuid(text: string): boolean;

/** What `useStrictFormats` needs of an ajv instance. */
export interface FormatRegistry {
  addFormat(name: string, format: { type: "string"; validate: (text: string) => boolean }): unknown;
}

/** Registers `date-time` and `uuid` on `ajv` as hookschema means them; returns `ajv`. */
export function useStrictFormats<A extends FormatRegistry>(ajv: A): A;
