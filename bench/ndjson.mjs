// The line loop the Node runners share, so that ajv compiled in process and ajv's standalone
// module differ only in where `validate` comes from: JSON.parse and validate each line, and print
// what `hookschema validate --ndjson --format json` prints that compare.py checks: {"line": n}
// per invalid line, then the summary.
import { readFileSync } from "node:fs";

/** Validates every line of `file` with `validate` (a function of a parsed value that returns
 * whether it is valid) and prints the report. */
export function validateLines(file, validate) {
  const summary = { lines: 0, payloads: 0, valid: 0, invalid: 0 };
  const report = [];
  const text = readFileSync(file, "utf8");
  (text.endsWith("\n") ? text.slice(0, -1) : text)
    .split("\n")
    .forEach((line, index) => {
      summary.lines += 1;
      if (!line.trim()) return;
      summary.payloads += 1;
      let valid;
      try {
        valid = validate(JSON.parse(line));
      } catch {
        valid = false;
      }
      if (valid) {
        summary.valid += 1;
      } else {
        summary.invalid += 1;
        report.push(JSON.stringify({ line: index + 1 }));
      }
    });
  report.push(JSON.stringify({ summary }));
  console.log(report.join("\n"));
}
