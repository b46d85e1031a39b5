"""Times batch validation of the same NDJSON archive, per vendor and archive size, by hookschema
and its peers, each as its own process, as a user would run it; prints a Markdown table per
vendor and size with the wall and CPU time of each, and hookschema's ratios over each peer. Run
through bench/compare.sh, which installs the tools and builds the release binaries first.

Usage: compare.py [--rounds N] [SIZE ...]   (sizes in lines per vendor; 20000 and 200000 by
default)."""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
VENDORS = {"comfydeploy": "comfydeploy/workflow-run-webhook-body", "kaizen": "kaizen/webhook-event"}
SIZES = (20000, 200000)
RUNS = 7
"""Runs of each tool at each size; the best is kept."""
SLOW_RUNS = 3
SLOW_SECONDS = 5.0
"""A tool whose first run at a size takes longer than SLOW_SECONDS runs SLOW_RUNS times there
instead of RUNS: Python's jsonschema takes from half a minute to well over a minute per run on
200,000 lines on a 2-core machine, busy or not (the tables show it), and seven such runs per
vendor would make the whole comparison last far longer than the 25 minutes it is meant to. The
table says which tools ran fewer times, and the run how long it took."""
INVALID_EVERY = 12
"""One payload in this many is invalid (about 8 %), so the error path is timed too and a
validator that accepted everything would be caught."""
CANNOT = 3
"""Exit status by which a runner says it cannot judge the schema as hookschema does
(python_ndjson.py's fastjsonschema on a schema that needs draft 2020-12)."""


def payloads(vendor):
    """The vendor's valid and invalid payloads: its examples (the invalid ones that are JSON), and
    the edge cases of `date-time` and `uuid` that checks/differential/format-probes.json puts into
    one of its valid examples, each with its verdict. The probes make every run check that each
    tool asserts the formats as strictly as hookschema, not only that it finds the broken
    examples."""
    schema = VENDORS[vendor]
    examples = ROOT / "schemas" / vendor / "examples" / schema.split("/")[1]
    valid = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((examples / "valid").glob("*.json"))]
    invalid = []
    for p in sorted((examples / "invalid").glob("*.json")):
        try:
            invalid.append(json.loads(p.read_text(encoding="utf-8")))
        except ValueError:
            continue
    valid_probes = []
    probes = json.loads((ROOT / "checks" / "differential" / "format-probes.json").read_text(encoding="utf-8"))
    for probe in probes["probes"]:
        example = ROOT / probe["example"]
        if example.parent.parent != examples:
            continue
        for case in probe["values"]:
            payload = set_at(json.loads(example.read_text(encoding="utf-8")), probe["pointer"], case["value"])
            (valid_probes if case["valid"] else invalid).append(payload)
    return valid, valid_probes, invalid


def set_at(document, pointer, value):
    """`document` with `value` at the JSON Pointer `pointer` (which the probes keep simple: no
    escapes)."""
    *parents, last = pointer.lstrip("/").split("/")
    node = document
    for step in parents:
        node = node[int(step)] if isinstance(node, list) else node[step]
    node[int(last) if isinstance(node, list) else last] = value
    return document


def archive(vendor, count, path):
    """`count` deliveries, one per line: the valid format probes first, then the vendor's valid
    examples in turn, each with its own ids as an archive of real deliveries would have, and
    every INVALID_EVERY-th line one of the invalid payloads in turn. Returns the numbers of the
    lines that must be reported."""
    valid, valid_probes, invalid = payloads(vendor)
    reported = set()
    valid_lines = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            if i % INVALID_EVERY == INVALID_EVERY - 1:
                payload = invalid[(i // INVALID_EVERY) % len(invalid)]
                reported.add(i + 1)
            else:
                source = valid_probes[valid_lines] if valid_lines < len(valid_probes) else \
                    valid[(valid_lines - len(valid_probes)) % len(valid)]
                valid_lines += 1
                payload = json.loads(json.dumps(source))
                if vendor == "kaizen":
                    payload["data"]["id"] = f"exec_{i:08d}"
                else:
                    payload["run_id"] = f"3f0c6a52-8d1e-4b7a-9c51-{i:012d}"
            out.write(json.dumps(payload, separators=(",", ":"), ensure_ascii=False) + "\n")
    return reported


def commands(schema, path, standalone):
    """Every tool, as the command that validates `path` against `schema`. `standalone` is ajv's
    generated module for the schema."""
    hookschema = [str(TARGET / "release" / "hookschema"), "validate", "--schema", schema,
                  "--ndjson", "--format", "json", str(path)]
    peers = str(TARGET / "release" / "hookschema-bench-peers")
    schema_file = str(ROOT / "schemas" / f"{schema}.schema.json")
    python = [str(ROOT / "tools" / ".venv" / "bin" / "python"), str(ROOT / "bench" / "python_ndjson.py")]
    return {
        "hookschema": hookschema,
        "hookschema --jobs 1": [*hookschema, "--jobs", "1"],
        "ajv, compiled once": ["node", str(ROOT / "bench" / "ajv_ndjson.mjs"), schema, str(path)],
        "ajv, standalone code": ["node", str(ROOT / "bench" / "ajv_standalone_ndjson.mjs"), str(standalone),
                                 str(path)],
        "Python jsonschema": [*python, "jsonschema", schema, str(path)],
        "Python fastjsonschema": [*python, "fastjsonschema", schema, str(path)],
        "Python jsonschema-rs": [*python, "jsonschema-rs", schema, str(path)],
        "Rust jsonschema, serde_json::Value": [peers, "jsonschema", schema_file, str(path)],
        "Rust boon": [peers, "boon", schema_file, str(path)],
    }


class Failed(Exception):
    """A tool that could not judge the archive, or judged it otherwise than it must be judged;
    the message says which and why."""


def run_once(command, count, reported):
    """The wall time and the CPU time (user and system, of the child and anything it waited for)
    of one run, after checking it reported exactly the invalid lines."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # Captured as bytes and decoded once the clock has stopped: Python's text decoding of a
    # tool's report (megabytes, for a tool that says why each line is invalid) is the harness's
    # work, not the tool's.
    output = subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stdout = output.stdout.decode("utf-8", errors="replace")
    stderr = output.stderr.decode("utf-8", errors="replace")
    if output.returncode == CANNOT:
        raise Failed(f"could not run: {stderr.strip()}")
    if output.returncode not in (0, 1):
        raise Failed(f"failed (exit status {output.returncode}): {(stderr or stdout).strip()[:500]}")
    try:
        lines = [json.loads(line) for line in stdout.strip().splitlines()]
        summary = lines[-1]["summary"]
        found = {line["line"] for line in lines[:-1]}
    except (ValueError, KeyError, IndexError, TypeError):
        raise Failed(f"printed something else than a report: {stdout[:200]!r}") from None
    expected = {"lines": count, "payloads": count, "valid": count - len(reported), "invalid": len(reported)}
    if summary != expected or found != reported:
        wrong = sorted(found ^ reported)[:5]
        raise Failed(f"judged differently: {summary}, lines {wrong} …")
    return wall, cpu


def best_times(commands, count, reported, rounds):
    """The best wall time and, separately, the best CPU time of each command, with how many runs
    each made, or why it failed. Runs are interleaved, round by round, so that a busy moment of
    the machine slows every tool alike instead of one."""
    best, runs, failed = {}, {}, {}
    for round_ in range(rounds):
        for name, command in commands.items():
            if name in failed or round_ >= runs.get(name, rounds):
                continue
            try:
                wall, cpu = run_once(command, count, reported)
            except Failed as error:
                failed[name] = str(error)
                best.pop(name, None)
                continue
            if round_ == 0:
                runs[name] = SLOW_RUNS if wall > SLOW_SECONDS and rounds > SLOW_RUNS else rounds
            old = best.get(name, (wall, cpu))
            best[name] = (min(old[0], wall), min(old[1], cpu))
    return best, runs, failed


def versions():
    """The version of every tool compared, from where each is installed."""
    found = []
    for name, command in (("rustc", ["rustc", "--version"]), ("Node", ["node", "--version"])):
        version = subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
        found.append(version if version.startswith(name) else f"{name} {version or 'unknown'}")
    found.append(f"Python {platform.python_version()}")
    for package in ("ajv", "ajv-formats"):
        manifest = ROOT / "tools" / "node_modules" / package / "package.json"
        found.append(f"{package} {json.loads(manifest.read_text(encoding='utf-8'))['version']}")
    for package in ("jsonschema", "fastjsonschema", "jsonschema_rs"):
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            found.append(f"{package} not installed")
    lock = (ROOT / "Cargo.lock").read_text(encoding="utf-8").split("[[package]]")
    for crate in ("jsonschema", "boon", "serde_json"):
        for entry in lock:
            if f'\nname = "{crate}"\n' in entry:
                version = entry.split('version = "')[1].split('"')[0]
                found.append(f"{crate} {version} (crate)")
    return found


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}; {'; '.join(versions())}"


def load():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def table(vendor, count, size, names, best, runs, failed, rounds):
    ours_wall, ours_cpu = best.get("hookschema", (None, None))
    one_core = best.get("hookschema --jobs 1", (None, None))[0]
    print(f"### {vendor}, {count:,} lines ({size / 1e6:.1f} MB)\n")
    print("| Validator | Wall | CPU | µs/payload | MB/s | ÷ hookschema, wall | ÷ `--jobs 1`, wall | "
          "÷ hookschema, CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for name in names:
        if name in failed:
            reason = " ".join(failed[name].split()).replace("|", "\\|")
            print(f"| {name} | {reason} | | | | | | |")
            continue
        wall, cpu = best[name]
        ratios = ["", "", ""]
        if not name.startswith("hookschema") and ours_wall:
            ratios = [f"{wall / ours_wall:.1f}×", f"{wall / one_core:.1f}×" if one_core else "",
                      f"{cpu / ours_cpu:.1f}×"]
        fewer = f" ({runs[name]} runs)" if runs.get(name, rounds) != rounds else ""
        print(f"| {name}{fewer} | {wall * 1000:,.0f} ms | {cpu * 1000:,.0f} ms | {wall / count * 1e6:.2f} | "
              f"{size / wall / 1e6:.0f} | {' | '.join(ratios)} |")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES), help="lines per vendor")
    parser.add_argument("--rounds", type=int, default=RUNS, help="runs of each tool at each size")
    args = parser.parse_args()
    began = time.perf_counter()
    print(f"Machine: {machine()}\n")
    print(f"Load average at the start: {load()}.\n")
    print(f"One line in {INVALID_EVERY} invalid, and every `date-time` and `uuid` edge case of "
          "checks/differential/format-probes.json; every tool must report exactly the invalid lines. "
          f"Each tool is timed as a whole process, start-up included; runs are interleaved round by "
          f"round, and the best wall time and the best CPU time (user + system) of {args.rounds} runs "
          f"are kept, of {SLOW_RUNS} for a tool whose first run at that size took over {SLOW_SECONDS:.0f} s "
          f"(marked). µs/payload and MB/s are from the wall time. `hookschema` validates on every core "
          f"({os.cpu_count()} here), `--jobs 1` on one; the ratios are a peer's time over hookschema's: "
          f"wall over `hookschema`'s wall, wall over `--jobs 1`'s wall, CPU over `hookschema`'s CPU "
          f"(above 1×, hookschema is faster). "
          f"ajv's standalone module is generated before the runs, untimed; every other tool compiles "
          f"its schema in the timed run.\n")
    problems = False
    with tempfile.TemporaryDirectory() as tmp:
        for vendor, schema in VENDORS.items():
            standalone = Path(tmp) / f"{vendor}-ajv-standalone.mjs"
            subprocess.run(["node", str(ROOT / "bench" / "ajv_standalone_build.mjs"), schema, str(standalone)],
                           check=True)
            for count in args.sizes:
                path = Path(tmp) / f"{vendor}-{count}.ndjson"
                reported = archive(vendor, count, path)
                tools = commands(schema, path, standalone)
                best, runs, failed = best_times(tools, count, reported, args.rounds)
                table(vendor, count, path.stat().st_size, list(tools), best, runs, failed, args.rounds)
                problems |= any(not reason.startswith("could not run") for reason in failed.values())
                path.unlink()
    print(f"Load average at the end: {load()}; the comparison took {(time.perf_counter() - began) / 60:.1f} min.")
    if problems:
        sys.exit("A tool failed or judged differently; see the tables.")


if __name__ == "__main__":
    main()
