"""Benchmark: time and peak memory of `netspec` on every hostile-input case, and the reliability figures.

Run: python bench/bench_hostile.py [--repeats 3]. Each case of tests/hostile/cases.py runs
`--repeats` times in a fresh process (wall time, CPU time and the child's max RSS from
os.wait4); the worst run of each is reported. Writes the "hostile" section of
docs/benchmarks.md and the generated table of docs/reliability.md (between its
`<!-- reliability:figures -->` markers); nothing there is typed by hand.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from report import machine, write_section

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile import data_cases  # noqa: E402
from hostile.cases import BENCH_CASES, CASES, LIMIT_RSS, LIMIT_SECONDS, run_measured  # noqa: E402

RELIABILITY = ROOT / "docs" / "reliability.md"
START, END = "<!-- reliability:figures -->", "<!-- /reliability:figures -->"


messages: dict[str, str] = {}


def measure(repeats: int) -> list[tuple]:
    rows = []
    path = os.pathsep.join([str(ROOT / "tests" / "hostile"), str(ROOT)])  # this checkout's netspec
    for case in CASES + BENCH_CASES:
        runs = []
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as tmp:
                args = case.make(Path(tmp))
                runs.append(run_measured(args, tmp, {"PYTHONPATH": path}))
        codes = {r.code for r in runs}
        rows.append(
            (case, codes, max(r.wall for r in runs), max(r.cpu for r in runs), max(r.rss for r in runs), len(runs))
        )
        messages[case.name] = runs[-1].stderr
    return rows


def measure_data(cases, repeats: int) -> list[tuple]:
    """Cases of tests/hostile/data_cases.py (data files for train, evaluate, predict, augment-preview)."""
    rows = []
    for case in cases:
        runs = []
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(run_measured(case.make(Path(tmp)), tmp, data_cases.ENV, timeout=300))
        codes = {r.code for r in runs}
        rows.append(
            (case, codes, max(r.wall for r in runs), max(r.cpu for r in runs), max(r.rss for r in runs), len(runs))
        )
    return rows


def data_summary(repeats: int) -> list[str]:
    early, late = measure_data(data_cases.CASES, repeats), measure_data(data_cases.TRAIN_CASES, repeats)
    return [
        "Data files (section 5), measured the same way. `predict_fifo` runs `predict` and the last case "
        "`train`, which starts TensorFlow before it reads data; the others run `augment-preview`, which reads "
        "its data before TensorFlow starts.",
        "",
        *table(early + late),
        "",
        f"{len(early + late)} data cases. Before TensorFlow: worst wall time {max(r[2] for r in early):.2f} s, "
        f"worst peak RSS {max(r[4] for r in early) / 2**20:.0f} MiB, against the tested bounds of "
        f"{data_cases.LIMIT_SECONDS:.0f} s and {data_cases.LIMIT_RSS // 2**20} MB. In `train`: "
        f"{max(r[2] for r in late):.2f} s and {max(r[4] for r in late) / 2**20:.0f} MiB, against "
        f"{data_cases.TRAIN_LIMIT_SECONDS:.0f} s and {data_cases.TRAIN_LIMIT_RSS / 2**30:.1f} GB.",
    ]


def figures() -> dict:
    """The limits and test sizes, read from the code that enforces and tests them."""
    import test_atomic_writes
    import test_fuzz

    from netspec import importer, safe_read
    from netspec.compiler import names
    from netspec.compiler.expand import MAX_BLOCK_DEPTH, MAX_LAYERS
    from netspec.compiler.load import MAX_BYTES, MAX_DEPTH, MAX_VALUES
    from netspec.compiler.substitute import MAX_CHAIN

    return {
        "file": f"{MAX_BYTES // 2**20} MiB",
        "values": f"{MAX_VALUES:,}",
        "depth": f"{MAX_DEPTH}",
        "layers": f"{MAX_LAYERS:,}",
        "blocks": f"{MAX_BLOCK_DEPTH}",
        "chain": f"{MAX_CHAIN}",
        "name": f"{names.MAX_LENGTH}",
        "json": safe_read.size_text(importer.CONFIG_MAX_BYTES),
        "json_depth": f"{safe_read.JSON_MAX_DEPTH}",
        "json_digits": f"{safe_read.JSON_MAX_DIGITS}",
        "members": f"{importer.ARCHIVE_MAX_MEMBERS:,}",
        "unpacked": safe_read.size_text(importer.ARCHIVE_MAX_BYTES),
        "fuzz": test_fuzz.EXAMPLES_N,
        "fuzz_keras": test_fuzz.KERAS_EXAMPLES,
        "shipped": len(test_fuzz.SHIPPED),
        "snapshots": test_atomic_writes.SNAPSHOTS,
    }


def table(rows) -> list[str]:
    lines = [
        "| case | input | exit | worst wall time | worst CPU time | worst peak RSS | runs |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for case, codes, wall, cpu, rss, n in rows:
        code = ",".join(str(c) for c in sorted(codes))
        lines.append(
            f"| `{case.name}` | {case.what} | {code} | {wall:.2f} s | {cpu:.2f} s | {rss / 2**20:.0f} MiB | {n} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = measure(args.repeats)
    data_lines = data_summary(args.repeats)
    invalid = len(list((ROOT / "tests" / "cases" / "invalid").glob("*.yaml")))
    worst_wall = max(r[2] for r in rows)
    worst_rss = max(r[4] for r in rows)
    f = figures()
    summary = [
        f"Machine: {machine()}.",
        f"Command: `python bench/bench_hostile.py --repeats {args.repeats}` (each case in a fresh process; "
        "time and the child's own peak RSS from `os.wait4`; worst run shown).",
        "",
        *table(rows),
        "",
        f"{len(CASES)} tested cases and {len(BENCH_CASES)} measured here only ({invalid} specs of tests/cases/invalid/ in the `corpus` case); "
        f"worst wall time {worst_wall:.2f} s and worst peak RSS {worst_rss / 2**20:.0f} MiB, "
        f"against the tested bounds of {LIMIT_SECONDS:.0f} s and {LIMIT_RSS // 2**20} MB.",
    ]
    write_section("hostile", "## Hostile input: time and memory per case\n\n" + "\n".join(summary + [""] + data_lines))
    generated = [
        START,
        "<!-- Written by `python bench/bench_hostile.py`; do not edit by hand. -->",
        "",
        "| limit | value |",
        "|---|--:|",
        f"| spec file size | {f['file']} |",
        f"| YAML values after expanding aliases | {f['values']} |",
        f"| YAML nesting depth | {f['depth']} |",
        f"| layers after expansion (counted before expanding a repeat) | {f['layers']} |",
        f"| block nesting | {f['blocks']} |",
        f"| vars referring to vars | {f['chain']} |",
        "| integers | 64-bit |",
        "| floats | finite (`.inf` and `.nan` only when written so) |",
        f"| name length | {f['name']} characters |",
        f"| JSON model config (import) | {f['json']}, nesting {f['json_depth']}, integers of {f['json_digits']} digits |",
        f"| `.keras` archive (import) | {f['members']} members, {f['unpacked']} unpacked, config.json {f['json']} |",
        "",
        f"Fuzzing per run: {f['fuzz']} random YAML trees, {f['fuzz']} data mutations and {f['fuzz']} text "
        f"mutations of the {f['shipped']} shipped specs, and {f['fuzz_keras']} accepted mutants built in Keras. "
        f"Kill test per run: {f['snapshots']} frozen snapshots and 2 SIGKILLs of two concurrent builders.",
        "",
        "The memory refusal, as printed on this machine:",
        "",
        "```",
        messages["too_big_to_build"].strip(),
        "```",
        "",
        *summary,
        "",
        *data_lines,
        END,
    ]
    text = RELIABILITY.read_text()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{RELIABILITY} has no {START} ... {END} markers")
    tmp = RELIABILITY.with_name(".reliability.md.tmp")
    tmp.write_text(pattern.sub(lambda _: "\n".join(generated), text))
    tmp.replace(RELIABILITY)
    print("\n".join(generated))


if __name__ == "__main__":
    main()
