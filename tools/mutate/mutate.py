#!/usr/bin/env python3
"""./l2 mutate: the mutation campaign of the reference (issue 10, item 8).

  ./l2 mutate [--mechanism M ...] [--budget SECONDS] [--tests survivors|all|none] [--test-binaries REGEX]
              [--jobs N] [--report DIR] [--list]

1. Schemata (schemata.py): the reference headers are rewritten once, every mutation point behind a
   run-time selector, into a copy of the tree (build-mutants/source). Only files whose content
   changed are written, so the build below is incremental.
2. One build (build-mutants/build): l2spec and the mechanisms' test binaries, from the copy, so
   every translation unit sees the same schematized headers. The build takes the shared build
   lock (/tmp/l2-build.lock, or $L2_BUILD_LOCK).
3. Vectors: `l2spec mutate` replays the committed vectors on the reference under each mutant, in a
   forked child per mutant. A mutant is killed when a step's outcome changes (or the replay
   crashes or hangs).
4. Tests: for the mutants the vectors leave alive (`--tests all`: for every mutant), the
   mechanism's test binaries run with L2_MUTANT=<id>, each test only where it reaches the
   mutant's point (coverage measured once per build, with L2_MUTANT_TRACE). The static_assert
   suites are not run: constant evaluation never sees a mutant.
5. Equivalent mutants are the ones a mechanism's spec argues equivalent, one line each, in its
   section "Mutation campaign" (the mutant's key in backquotes). They leave the denominator; if
   anything kills one, the argument is wrong and the campaign fails.

The report goes to build-mutants/report/mutants.{json,md}. Exit 0 when every mechanism run kills
at least 95% of its non-equivalent mutants with the vectors alone, no argued-equivalent mutant is
killed, and every mutant ran within the budget; 1 otherwise; 2 on a usage or build error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import schemata  # noqa: E402

TARGET_RATE = 0.95
OPERATORS = r"(?:negate|drop|flip|height\+1|height-1|error-prev|error-next|skip|swap)"
KEY_IN_SPEC = re.compile(r"`([^`\s]+/" + OPERATORS + r"/[0-9a-f]{6}(?:-\d+)?)`")
# A mechanism's test binaries are named <m>_*; the primitives' also include the reflection and
# encoding tests.
EXTRA_TEST_PREFIXES = {"primitives": ["reflect_"]}


def test_prefixes(mechanism: str) -> list[str]:
    return [mechanism + "_"] + EXTRA_TEST_PREFIXES.get(mechanism, [])


# The folders whose tests run under mutants: static/ holds static_assert suites, which never see a
# mutant; vectors/ replays the vectors, which step 3 does.
TEST_FOLDERS = ["unit", "property", "per_backend"]
RAPIDCHECK_PARAMS = "seed=20261205"  # one seed, so a property test's coverage is reproducible


def log(line: str) -> None:
    print(f"[mutate] {line}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# The schematized copy of the tree


def sync_tree(source: Path, copy: Path, generated: dict[str, str]) -> int:
    """Makes `copy` equal to `source` (minus build directories and .git) with the `generated`
    files (relative path -> text) on top. Writes only what differs; returns the files written."""
    written = 0
    wanted: set[str] = set()
    for root, dirs, files in os.walk(source):
        rel_root = Path(root).relative_to(source)
        if rel_root == Path("."):
            dirs[:] = [d for d in dirs if d != ".git" and not d.startswith("build")]
        for name in files:
            rel = str(rel_root / name) if rel_root != Path(".") else name
            wanted.add(rel)
            if rel in generated:
                continue
            src, dst = source / rel, copy / rel
            data = src.read_bytes()
            if not dst.exists() or dst.read_bytes() != data:
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_bytes(data)
                written += 1
    for rel, text in generated.items():
        wanted.add(rel)
        dst = copy / rel
        if not dst.exists() or dst.read_text() != text:
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text(text)
            written += 1
    for root, _dirs, files in os.walk(copy):
        for name in files:
            rel = str(Path(root, name).relative_to(copy))
            if rel not in wanted:
                Path(root, name).unlink()
    return written


def test_binaries(source: Path, mechanisms: list[str], only: str | None = None) -> dict[str, list[str]]:
    """Per mechanism, its test binaries (those matching the regular expression `only`, if given)."""
    out: dict[str, list[str]] = {}
    for mechanism in mechanisms:
        names = []
        for folder in TEST_FOLDERS:
            for path in sorted((source / "tests" / folder).glob("*.cpp")):
                if any(path.stem.startswith(p) for p in test_prefixes(mechanism)) and (
                        only is None or re.search(only, path.stem)):
                    names.append(path.stem)
        out[mechanism] = names
    return out


def build(copy: Path, build_dir: Path, targets: list[str]) -> None:
    if not (build_dir / "build.ninja").exists():
        log(f"configuring {build_dir}")
        subprocess.run(["cmake", "-S", str(copy), "-B", str(build_dir), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                        "-DCMAKE_CXX_COMPILER=g++-12", "-DL2_WERROR=OFF", "-DL2_BUILD_BENCH=OFF"],
                       check=True, stdout=subprocess.DEVNULL)
    lock = os.environ.get("L2_BUILD_LOCK", "/tmp/l2-build.lock")
    jobs = str(os.cpu_count() or 2)
    # One target at a time, each under the shared build lock, so that other builds can interleave.
    for target in targets:
        command = ["cmake", "--build", str(build_dir), "-j", jobs, "--target", target]
        if shutil.which("flock"):
            command = ["flock", lock, *command]
        log(f"building {target} in {build_dir}")
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stdout[-20000:], result.stderr[-5000:], file=sys.stderr)
            raise subprocess.CalledProcessError(result.returncode, command)


# ------------------------------------------------------------------------------------------------
# Equivalence arguments in the specs


def argued_equivalent(source: Path, mechanism: str) -> dict[str, str]:
    """Key -> the spec's one-line argument, from the section "Mutation campaign" of spec/<m>.md."""
    path = source / "spec" / f"{mechanism}.md"
    if not path.exists():
        return {}
    text = path.read_text()
    at = text.find("## Mutation campaign")
    if at < 0:
        return {}
    section = text[at:]
    following = re.search(r"\n## ", section[3:])
    if following:
        section = section[: following.start() + 3]
    out = {}
    for line in section.splitlines():
        for key in KEY_IN_SPEC.findall(line):
            out[key] = line.strip()
    return out


# ------------------------------------------------------------------------------------------------
# Vectors


def run_vectors(l2spec: Path, vectors: Path, plan: list[dict], work: Path, jobs: int, deadline: float) -> tuple[dict, dict]:
    plan_path = work / "run-plan.json"
    plan_path.write_text(json.dumps({"mutants": [{"id": m["id"], "mechanism": m["mechanism"]} for m in plan]}))
    command = [str(l2spec), "mutate", "--plan", str(plan_path), "--vectors", str(vectors), "--jobs", str(jobs),
               "--deadline", str(deadline)]
    results, baseline = {}, {}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            record = json.loads(line)
            if "baseline" in record:
                baseline = record["baseline"]
            else:
                results[record["id"]] = record
    if process.returncode != 0:
        raise RuntimeError(f"l2spec mutate exited with {process.returncode}")
    return results, baseline


# ------------------------------------------------------------------------------------------------
# Tests


def list_tests(binary: Path) -> list[str]:
    output = subprocess.run([str(binary), "--gtest_list_tests"], capture_output=True, text=True, check=True).stdout
    tests, suite = [], ""
    for line in output.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            suite = line.split("#")[0].strip()
        else:
            tests.append(suite + line.split("#")[0].strip())
    return tests


def test_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("L2_MUTANT", "L2_MUTANT_TRACE")}
    env["RC_PARAMS"] = RAPIDCHECK_PARAMS
    env.update(extra)
    return env


def coverage(binary: Path, source_copy: Path, cache_dir: Path, deadline: float) -> dict | None:
    """Per test of `binary`: the mutation points it reaches and its time, measured once per build."""
    stat = binary.stat()
    cache = cache_dir / f"{binary.name}.json"
    stamp = f"{stat.st_mtime_ns}:{stat.st_size}"
    if cache.exists():
        cached = json.loads(cache.read_text())
        if cached.get("stamp") == stamp:
            return cached
    tests = {}
    names = list_tests(binary)
    log(f"measuring the coverage of {binary.name}: {len(names)} tests")
    for name in names:
        if time.time() > deadline:
            return None
        trace = cache_dir / f"{binary.name}.trace"
        trace.unlink(missing_ok=True)
        start = time.time()
        result = subprocess.run([str(binary), f"--gtest_filter={name}"], capture_output=True,
                                env=test_env({"L2_MUTANT_TRACE": str(trace), "L2_SOURCE_DIR": str(source_copy)}))
        seconds = time.time() - start
        reached = sorted({int(x) for x in trace.read_text().split()}) if trace.exists() else []
        tests[name] = {"seconds": seconds, "reached": reached, "passes": result.returncode == 0}
    record = {"stamp": stamp, "tests": tests}
    cache.write_text(json.dumps(record))
    return record


def run_tests(mutant_id: int, binaries: dict[str, dict], bin_dir: Path, source_copy: Path) -> dict | None:
    """Runs every passing test that reaches the mutant; the first failing binary kills it."""
    ran = False
    for binary, record in binaries.items():
        chosen = [name for name, t in record["tests"].items() if t["passes"] and mutant_id in t["reached"]]
        if not chosen:
            continue
        ran = True
        budget = 10 + 5 * sum(record["tests"][name]["seconds"] for name in chosen)
        try:
            result = subprocess.run([str(bin_dir / binary), "--gtest_filter=" + ":".join(chosen), "--gtest_fail_fast"],
                                    capture_output=True, text=True, timeout=budget,
                                    env=test_env({"L2_MUTANT": str(mutant_id), "L2_SOURCE_DIR": str(source_copy)}))
        except subprocess.TimeoutExpired:
            return {"status": "killed", "by": binary, "reason": "timeout"}
        if result.returncode != 0:
            failed = re.findall(r"\[  FAILED  \] (\S+)", result.stdout)
            return {"status": "killed", "by": f"{binary} {failed[0] if failed else ''}".strip(),
                    "reason": f"exit {result.returncode}"}
    return {"status": "survived" if ran else "not_reached"}


# ------------------------------------------------------------------------------------------------
# The report


def rate(killed: int, total: int) -> float | None:
    return killed / total if total else None


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def summarize(mutants: list[dict], mechanisms: list[str]) -> dict:
    summary = {}
    for mechanism in mechanisms:
        own = [m for m in mutants if m["mechanism"] == mechanism]
        ran = [m for m in own if m["vectors"] not in ("not_run", None)]
        equivalent = [m for m in ran if m["equivalent"]]
        counted = [m for m in ran if not m["equivalent"]]
        by_vectors = [m for m in counted if m["vectors"] != "survived"]
        tests_known = [m for m in counted if m["vectors"] != "survived" or m.get("tests") in ("killed", "survived", "not_reached")]
        by_suite = [m for m in counted if m["vectors"] != "survived" or m.get("tests") == "killed"]
        tests_alone = [m for m in counted if m.get("tests") in ("killed", "survived", "not_reached")]
        rules: dict[str, dict] = {}
        for m in own:
            row = rules.setdefault(m["scope"], {"mutants": 0, "equivalent": 0, "killed_by_vectors": 0, "killed_by_suite": 0})
            row["mutants"] += 1
            row["equivalent"] += m["equivalent"]
            if not m["equivalent"] and m["vectors"] not in ("survived", "not_run", None):
                row["killed_by_vectors"] += 1
            if not m["equivalent"] and (m["vectors"] not in ("survived", "not_run", None) or m.get("tests") == "killed"):
                row["killed_by_suite"] += 1
        summary[mechanism] = {
            "mutants": len(own),
            "run": len(ran),
            "not_run": len(own) - len(ran),
            "equivalent": len(equivalent),
            "killed_by_vectors": len(by_vectors),
            "vector_kill_rate": rate(len(by_vectors), len(counted)),
            "killed_by_suite": len(by_suite),
            "suite_kill_rate": rate(len(by_suite), len(counted)) if len(tests_known) == len(counted) else None,
            "suite_measured_on": len(tests_known),
            "tests_alone_kill_rate": rate(sum(m.get("tests") == "killed" for m in tests_alone), len(tests_alone)),
            "tests_alone_measured_on": len(tests_alone),
            "survivors": [m["key"] for m in counted if m["vectors"] == "survived"],
            "survivors_of_the_suite": [m["key"] for m in counted if m["vectors"] == "survived" and m.get("tests") != "killed"],
            "killed_but_argued_equivalent": [m["key"] for m in equivalent if m["vectors"] != "survived" or m.get("tests") == "killed"],
            "rules": rules,
        }
    return summary


def markdown(report: dict) -> str:
    lines = ["# Mutation campaign", "", f"Generated {report['generated']} from {report['source']}.", ""]
    lines += ["| mechanism | mutants | equivalent | killed by the vectors | vectors | whole suite | tests alone |",
              "|---|---|---|---|---|---|---|"]
    for name, s in report["mechanisms"].items():
        lines.append(f"| {name} | {s['mutants']} ({s['not_run']} not run) | {s['equivalent']} | {s['killed_by_vectors']} | "
                     f"{percent(s['vector_kill_rate'])} | {percent(s['suite_kill_rate'])} | "
                     f"{percent(s['tests_alone_kill_rate'])} of {s['tests_alone_measured_on']} |")
    lines += ["", "Times (seconds): " + ", ".join(f"{k} {v:.0f}" for k, v in report["seconds"].items()), ""]
    by_key = {m["key"]: m for m in report["mutants"]}
    for name, s in report["mechanisms"].items():
        lines += [f"## {name}", "", "| rule or body | mutants | equivalent | killed by the vectors | by the suite |", "|---|---|---|---|---|"]
        for scope, row in sorted(s["rules"].items()):
            lines.append(f"| {scope} | {row['mutants']} | {row['equivalent']} | {row['killed_by_vectors']} | {row['killed_by_suite']} |")
        if s["survivors"]:
            lines += ["", "Survivors of the vectors (not argued equivalent):", ""]
            for key in s["survivors"]:
                m = by_key[key]
                state = "not reached" if not m.get("reached") else "reached, never infected" if not m.get("infected") else "infected"
                tests = m.get("tests") or "not run"
                by = f" by {m['test_killer']}" if m.get("test_killer") else ""
                lines.append(f"- `{key}` {m['file']}:{m['line']} {m['function']}: {m['description']} "
                             f"({state}; tests: {tests}{by})")
        if s["killed_but_argued_equivalent"]:
            lines += ["", "Argued equivalent in the spec but killed (the argument is wrong):", ""]
            lines += [f"- `{key}`" for key in s["killed_but_argued_equivalent"]]
        lines.append("")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------


def main() -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=here.parent.parent, help="the source tree (default: this one)")
    parser.add_argument("--mechanism", action="append", choices=schemata.MECHANISMS,
                        help="only this mechanism's mutants (repeatable; default: all)")
    parser.add_argument("--budget", type=float, default=3600, help="seconds for the mutant runs, the build aside (default 3600)")
    parser.add_argument("--tests", choices=["survivors", "all", "none"], default="survivors",
                        help="run the test binaries on the vectors' survivors (default), on every mutant, or not at all")
    parser.add_argument("--test-binaries", metavar="REGEX",
                        help="run only the test binaries whose name matches (default: all of the mechanism's)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants replayed at once (default 1)")
    parser.add_argument("--build", type=Path, help="work directory (default: <source>/build-mutants)")
    parser.add_argument("--report", type=Path, help="report directory (default: <build>/report)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = parser.parse_args()

    source = args.source.resolve()
    work = (args.build or source / "build-mutants").resolve()
    report_dir = (args.report or work / "report").resolve()
    mechanisms = args.mechanism or schemata.MECHANISMS
    seconds: dict[str, float] = {}
    started = time.time()

    if not args.list:
        check = subprocess.run([sys.executable, str(here / "test_schemata.py")], capture_output=True, text=True)
        if check.returncode != 0:
            log("the schemata's own tests fail:\n" + check.stderr)
            return 2
    texts, mutants = schemata.schematize_tree(source / "reference" / "include" / "l2" / "ref")
    seconds["schemata"] = time.time() - started
    selected = [m for m in mutants if m.mechanism in mechanisms]
    if args.list:
        for m in selected:
            print(f"{m.id}\t{m.key}\t{m.file}:{m.line}\t{m.function}\t{m.description}")
        return 0
    log(f"{len(mutants)} mutants, {len(selected)} selected ({', '.join(mechanisms)})")

    copy, build_dir = work / "source", work / "build"
    generated = {f"reference/include/l2/ref/{name}": text for name, text in texts.items()}
    generated["reference/include/l2/ref/mutant.hpp"] = (here / "mutant.hpp").read_text()
    t = time.time()
    written = sync_tree(source, copy, generated)
    work.mkdir(parents=True, exist_ok=True)
    (work / "plan.json").write_text(json.dumps([m.__dict__ | {"scope": m.scope} for m in mutants], indent=1))
    log(f"schematized tree {copy}: {written} files written")
    binaries = test_binaries(source, mechanisms, args.test_binaries) if args.tests != "none" else {m: [] for m in mechanisms}
    try:
        build(copy, build_dir, ["l2_optimized", "l2_invariants", "l2_vectors", "l2spec",
                                *sorted({b for names in binaries.values() for b in names})])
    except subprocess.CalledProcessError as error:
        log(f"the schematized build failed: {error}")
        return 2
    seconds["build"] = time.time() - t

    deadline = time.time() + args.budget
    plan = [m.__dict__ | {"scope": m.scope} for m in selected]
    t = time.time()
    vector_results, baseline = run_vectors(build_dir / "tools" / "l2spec", source / "vectors", plan, work, args.jobs, deadline)
    seconds["vectors"] = time.time() - t
    if baseline.get("failing"):
        log(f"{len(baseline['failing'])} cases fail on the unmutated reference and cannot kill: "
            + ", ".join(f["case"] for f in baseline["failing"][:5]))

    equivalent = {}
    for mechanism in mechanisms:
        equivalent.update(argued_equivalent(source, mechanism))
    for m in plan:
        r = vector_results.get(m["id"], {"status": "not_run"})
        m["vectors"] = r["status"]
        m["vector_case"] = r.get("case")
        m["vector_reason"] = r.get("reason")
        m["reached"] = r.get("reached")
        m["infected"] = r.get("infected")
        m["equivalent"] = m["key"] in equivalent
        m["argument"] = equivalent.get(m["key"])

    t = time.time()
    if args.tests != "none":
        coverage_dir = work / "coverage"
        coverage_dir.mkdir(exist_ok=True)
        for mechanism in mechanisms:
            own = [m for m in plan if m["mechanism"] == mechanism and m["vectors"] != "not_run"]
            wanted = [m for m in own if args.tests == "all" or m["vectors"] == "survived"]
            if not wanted:
                continue
            records = {}
            for binary in binaries[mechanism]:
                record = coverage(build_dir / "tests" / binary, copy, coverage_dir, deadline)
                if record is not None:
                    records[binary] = record
            if len(records) < len(binaries[mechanism]):
                log(f"{mechanism}: the budget ran out while measuring test coverage")
                continue
            for i, m in enumerate(wanted, 1):
                if time.time() > deadline:
                    log(f"{mechanism}: the budget ran out after {i - 1} of {len(wanted)} mutants' tests")
                    break
                result = run_tests(m["id"], records, build_dir / "tests", copy)
                m["tests"] = result["status"]
                m["test_killer"] = result.get("by")
                if i % 25 == 0 or i == len(wanted):
                    log(f"  {mechanism} tests: mutant {i} of {len(wanted)}, {time.time() - t:.0f} s")
    seconds["tests"] = time.time() - t
    seconds["total"] = time.time() - started

    report = {
        "generated": time.strftime("%Y-%m-%d %H:%M:%S"),
        "source": str(source),
        "budget_seconds": args.budget,
        "seconds": seconds,
        "baseline": baseline,
        "mechanisms": summarize(plan, mechanisms),
        "mutants": plan,
        "notes": ["static_assert suites (tests/static) never see a mutant: constant evaluation takes the original path",
                  "the vectors' own test binary (tests/vectors) is step 3 itself and is not rerun"],
    }
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "mutants.json").write_text(json.dumps(report, indent=1))
    (report_dir / "mutants.md").write_text(markdown(report))

    ok = True
    print()
    print(f"{'mechanism':<18} {'mutants':>7} {'run':>5} {'equiv':>5} {'vectors':>8} {'suite':>8} {'tests':>8}  survivors")
    for name, s in report["mechanisms"].items():
        print(f"{name:<18} {s['mutants']:>7} {s['run']:>5} {s['equivalent']:>5} {percent(s['vector_kill_rate']):>8} "
              f"{percent(s['suite_kill_rate']):>8} {percent(s['tests_alone_kill_rate']):>8}  {len(s['survivors'])}")
        ok = ok and s["not_run"] == 0 and not s["killed_but_argued_equivalent"]
        ok = ok and (s["vector_kill_rate"] is None or s["vector_kill_rate"] >= TARGET_RATE)
    print(f"\nreport: {report_dir}/mutants.md; {seconds['total']:.0f} s in all "
          f"(build {seconds['build']:.0f} s, vectors {seconds['vectors']:.0f} s, tests {seconds['tests']:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
