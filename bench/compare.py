"""Times batch validation of the same NDJSON archive, per vendor, by hookschema, ajv and Python's
jsonschema, each as its own process, as a user would run it; prints a Markdown table of the
best of several runs and the ratios. Run through bench/compare.sh, which installs the tools and
builds the release binary first."""

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDORS = {"comfydeploy": "comfydeploy/workflow-run-webhook-body", "kaizen": "kaizen/webhook-event"}
RUNS = {"hookschema": 15, "hookschema --jobs 1": 15, "ajv": 15, "python jsonschema": 3}


def archive(vendor, count, path):
    """`count` deliveries, one per line: the vendor's valid examples in turn, each with its own
    ids, as an archive of real deliveries would have."""
    examples = [json.loads(p.read_text(encoding="utf-8"))
                for p in sorted((ROOT / "schemas" / vendor / "examples" / "valid").glob("*.json"))]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            payload = json.loads(json.dumps(examples[i % len(examples)]))
            if vendor == "kaizen":
                payload["data"]["id"] = f"exec_{i:08d}"
            else:
                payload["run_id"] = f"3f0c6a52-8d1e-4b7a-9c51-{i:012d}"
            out.write(json.dumps(payload, separators=(",", ":"), ensure_ascii=False) + "\n")


def commands(schema, path):
    hookschema = [str(ROOT / "target" / "release" / "hookschema"), "validate", "--schema", schema,
                  "--ndjson", "--format", "json", str(path)]
    return {
        "hookschema": hookschema,
        "hookschema --jobs 1": [*hookschema, "--jobs", "1"],
        "ajv": ["node", str(ROOT / "bench" / "ajv_ndjson.mjs"), schema, str(path)],
        "python jsonschema": [str(ROOT / "tools" / ".venv" / "bin" / "python"),
                              str(ROOT / "bench" / "jsonschema_ndjson.py"), schema, str(path)],
    }


def run_once(command, expect_lines):
    start = time.perf_counter()
    output = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if output.returncode != 0:
        sys.exit(f"{command[0]} failed ({output.returncode}): {output.stderr or output.stdout}")
    summary = json.loads(output.stdout.strip().splitlines()[-1])["summary"]
    if summary != {"lines": expect_lines, "valid": expect_lines, "invalid": 0}:
        sys.exit(f"{command[0]} judged differently: {summary}")
    return elapsed


def best_times(commands, expect_lines):
    """The best wall time of each command. Runs are interleaved, round by round, so that a
    busy moment of the machine slows every tool alike instead of one."""
    best = {}
    for round_ in range(max(RUNS.values())):
        for name, command in commands.items():
            if round_ < RUNS[name]:
                elapsed = run_once(command, expect_lines)
                best[name] = min(best.get(name, elapsed), elapsed)
    return best


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for name, command in (("rustc", ["rustc", "--version"]), ("node", ["node", "--version"])):
        versions.append(subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip() or name)
    versions.append(f"Python {platform.python_version()}")
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}; {'; '.join(versions)}"


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    print(f"Machine: {machine()}\n")
    print(f"{count} payloads per vendor; wall time of the whole process, best of several runs. "
          "`hookschema` validates on every core (two here); `--jobs 1` on one.\n")
    print("| Vendor | Validator | Time | µs/payload | MB/s | hookschema is faster by |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for vendor, schema in VENDORS.items():
            path = Path(tmp) / f"{vendor}.ndjson"
            archive(vendor, count, path)
            size = path.stat().st_size
            times = best_times(commands(schema, path), count)
            ours = times["hookschema"]
            for name, seconds in times.items():
                ratio = "" if name == "hookschema" else f"{seconds / ours:.1f}×"
                print(f"| {vendor} | {name} | {seconds * 1000:.0f} ms | {seconds / count * 1e6:.2f} | "
                      f"{size / seconds / 1e6:.0f} | {ratio} |")


if __name__ == "__main__":
    main()
