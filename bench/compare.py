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
RUNS = 7
"""Runs of each tool, the same for all; the best is kept."""
INVALID_EVERY = 12
"""One payload in this many is one of the vendor's invalid examples (about 8 %), so the error
path is timed too and a validator that accepted everything would be caught."""


def archive(vendor, count, path):
    """`count` deliveries, one per line: the vendor's valid examples in turn, each with its own
    ids, as an archive of real deliveries would have, and every INVALID_EVERY-th one of its
    invalid examples that are JSON. Returns the numbers of the lines that must be reported."""
    schema = VENDORS[vendor]
    examples = ROOT / "schemas" / vendor / "examples" / schema.split("/")[1]
    valid = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((examples / "valid").glob("*.json"))]
    invalid = []
    for p in sorted((examples / "invalid").glob("*.json")):
        try:
            invalid.append(json.loads(p.read_text(encoding="utf-8")))
        except ValueError:
            continue
    reported = set()
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            if i % INVALID_EVERY == INVALID_EVERY - 1:
                payload = invalid[(i // INVALID_EVERY) % len(invalid)]
                reported.add(i + 1)
            else:
                payload = json.loads(json.dumps(valid[i % len(valid)]))
                if vendor == "kaizen":
                    payload["data"]["id"] = f"exec_{i:08d}"
                else:
                    payload["run_id"] = f"3f0c6a52-8d1e-4b7a-9c51-{i:012d}"
            out.write(json.dumps(payload, separators=(",", ":"), ensure_ascii=False) + "\n")
    return reported


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


def run_once(command, count, reported):
    """The wall time of one run, after checking it reported exactly the invalid lines."""
    start = time.perf_counter()
    output = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if output.returncode not in (0, 1):
        sys.exit(f"{command[0]} failed ({output.returncode}): {output.stderr or output.stdout}")
    lines = [json.loads(line) for line in output.stdout.strip().splitlines()]
    summary = lines[-1]["summary"]
    found = {line["line"] for line in lines[:-1]}
    expected = {"lines": count, "payloads": count, "valid": count - len(reported), "invalid": len(reported)}
    if summary != expected or found != reported:
        wrong = sorted(found ^ reported)[:5]
        sys.exit(f"{command[0]} judged differently: {summary}, lines {wrong} …")
    return elapsed


def best_times(commands, count, reported):
    """The best wall time of each command. Runs are interleaved, round by round, so that a
    busy moment of the machine slows every tool alike instead of one."""
    best = {}
    for _ in range(RUNS):
        for name, command in commands.items():
            elapsed = run_once(command, count, reported)
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
    print(f"{count} payloads per vendor, one in {INVALID_EVERY} invalid; wall time of the whole "
          f"process, best of {RUNS} runs each. `hookschema` validates on every core "
          f"({os.cpu_count()} here); `--jobs 1` on one, as ajv and Python do.\n")
    print("| Vendor | Validator | Time | µs/payload | MB/s | hookschema is faster by | on one core |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for vendor, schema in VENDORS.items():
            path = Path(tmp) / f"{vendor}.ndjson"
            reported = archive(vendor, count, path)
            size = path.stat().st_size
            times = best_times(commands(schema, path), count, reported)
            ours, one_core = times["hookschema"], times["hookschema --jobs 1"]
            for name, seconds in times.items():
                ratios = ("", "") if name.startswith("hookschema") else \
                    (f"{seconds / ours:.1f}×", f"{seconds / one_core:.1f}×")
                print(f"| {vendor} | {name} | {seconds * 1000:.0f} ms | {seconds / count * 1e6:.2f} | "
                      f"{size / seconds / 1e6:.0f} | {ratios[0]} | {ratios[1]} |")


if __name__ == "__main__":
    main()
