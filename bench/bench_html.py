"""Benchmark: the interactive page (`netspec diagram -o x.html`), written and opened in headless Chromium.

1. Writing: ResNet-50's page against the static pictures a user would otherwise draw (`-o x.svg`, plain
   and `--compact --collapse-blocks`), end to end (process start to file written).
2. Opening: two generated 5,000-layer specs (a plain chain as bench_summary.py builds it, which opens flat,
   and 1,000 residual blocks, which open folded), from navigation start to the first complete render (two
   animation frames after the page's first paint), against opening the static SVG of the same spec.
3. Responsiveness on those pages: opening a group, search, heat map, panning far, open all, fold all, each
   timed in the page from the event to the next painted frame.

    python bench/bench_html.py [--repeats N]

Writes the `html` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench_summary import chain_spec
from report import machine, median, time_command, write_section

import netspec
from netspec.diagram.html import page_html

ROOT = Path(__file__).resolve().parent.parent
RESNET = ROOT / "specs" / "resnet50.yaml"
RESIDUAL = """\
netspec: 1
name: residual_5000
input: {shape: [16]}
blocks:
  res:
    layers:
      - Dense: {units: 16, activation: relu}
        name: d1
      - LayerNormalization:
        name: ln
      - Dense: 16
        name: d2
      - Add:
        inputs: [in, d2]
      - Activation: relu
        name: out
layers:
  - res:
    repeat: 1000
  - Dense: 10
    name: head
"""

# Each action runs in the page; the figure is the time from the call to the second animation frame after it.
TIMED = """
const done = arguments[arguments.length - 1];
const t0 = performance.now();
(function () { %s })();
requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
"""
ACTIONS = {
    "residual_5000": [
        ("open the run of 1,000 blocks", "netspecExplorer.open('res_1 … res_1000')"),
        ("open one block in it", "netspecExplorer.open('res_500')"),
        ("search 'res_700.ln' (reveal, select, centre)", "find('res_700.ln')"),
        ("heat map by MACs", "colour('macs')"),
        ("pan to the far end", "netspecExplorer.moveTo(1)"),
        ("open all (5,001 nodes)", "netspecExplorer.openAll()"),
        ("fold all", "netspecExplorer.foldAll()"),
    ],
    "chain_5000": [
        ("search 'dense_1600' (select, centre)", "find('dense_1600')"),
        ("heat map by parameters", "colour('params')"),
        ("pan to the far end", "netspecExplorer.moveTo(1)"),
        ("zoom out to the whole chain", "netspecExplorer.fitAll()"),
    ],
}
HELPERS = """
window.find = (q) => { const s = document.getElementById('search'); s.value = q;
  s.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'})); };
window.colour = (m) => { const s = document.getElementById('colour'); s.value = m;
  s.dispatchEvent(new Event('change')); };
"""


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_script_timeout(120)
    return driver


def open_time(driver, path: Path, page: bool) -> float:
    """Milliseconds from navigation start to two animation frames after the first complete render."""
    driver.get("about:blank")
    driver.get(path.as_uri())
    if page:
        while not driver.execute_script("return document.documentElement.dataset.ready"):
            time.sleep(0.01)
        return driver.execute_script("return netspecExplorer.paintedAt")
    return driver.execute_async_script(
        "const done = arguments[0];requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now())));"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    command = shutil.which("netspec")
    prefix = [command] if command else [sys.executable, "-m", "netspec"]
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        writing = time_routes(prefix, tmp, repeats)
        specs = {"chain_5000": tmp / "chain_5000.yaml", "residual_5000": tmp / "residual_5000.yaml"}
        specs["chain_5000"].write_text(chain_spec(5000))
        specs["residual_5000"].write_text(RESIDUAL)
        written, sizes = {}, {}
        for name, spec in specs.items():
            for suffix in ("html", "svg"):
                out = tmp / f"{name}.{suffix}"
                written[(name, suffix)] = time_command([*prefix, "diagram", str(spec), "-o", str(out)], 1)[0]
                sizes[(name, suffix)] = out.stat().st_size
        driver = browser()
        try:
            opening = {key: [] for key in written}
            for _ in range(repeats):
                for name, suffix in written:
                    opening[(name, suffix)].append(open_time(driver, tmp / f"{name}.{suffix}", suffix == "html"))
            actions = {}
            for name, steps in ACTIONS.items():
                for label, _ in steps:
                    actions[(name, label)] = []
                for _ in range(repeats):
                    open_time(driver, tmp / f"{name}.html", True)
                    driver.execute_script(HELPERS)
                    for label, js in steps:
                        actions[(name, label)].append(driver.execute_async_script(TIMED % js))
        finally:
            driver.quit()
    load.append(os.getloadavg()[0])
    section = report(writing, written, sizes, opening, actions, repeats, load)
    write_section("html", section)
    print(section)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_routes(prefix: list, tmp: Path, repeats: int) -> dict:
    """Wall and CPU seconds (the process and its children: dot) of each route, alternating."""
    routes = {
        "netspec diagram resnet50.yaml -o r.html": [*prefix, "diagram", str(RESNET), "-o", "r.html"],
        "netspec diagram resnet50.yaml -o r.svg": [*prefix, "diagram", str(RESNET), "-o", "r.svg"],
        "netspec diagram resnet50.yaml --compact --collapse-blocks -o c.svg": [
            *prefix,
            "diagram",
            str(RESNET),
            "--compact",
            "--collapse-blocks",
            "-o",
            "c.svg",
        ],
        "netspec summary resnet50.yaml (start-up floor, no drawing)": [*prefix, "summary", str(RESNET)],
    }
    times: dict = {name: ([], []) for name in routes}
    for _ in range(repeats):
        for name, argv in routes.items():
            before = _children_cpu()
            times[name][0].extend(time_command(argv, 1, cwd=tmp))
            times[name][1].append(_children_cpu() - before)
    spec = netspec.load(RESNET)
    inside = []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time() + _children_cpu()
        page_html(spec)
        inside.append((time.perf_counter() - start, time.process_time() + _children_cpu() - cpu))
    times["page_html(spec) in Python: tree, dot and page of the loaded spec"] = (
        [wall for wall, _ in inside],
        [cpu for _, cpu in inside],
    )
    return times


def report(writing, written, sizes, opening, actions, repeats, load) -> str:
    rows = [
        "| route | median wall (s) | min (s) | max (s) | median CPU (s) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, (values, cpu) in writing.items():
        rows.append(f"| `{name}` | {median(values):.2f} | {min(values):.2f} | {max(values):.2f} | {median(cpu):.2f} |")
    opened = [
        "| spec | file | written in (s) | size (MiB) | open to first complete render, median (s) | min (s) | max (s) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (name, suffix), values in opening.items():
        kind = "interactive page" if suffix == "html" else "static SVG (`-o x.svg`)"
        opened.append(
            f"| {name} | {kind} | {written[(name, suffix)]:.1f} | {sizes[(name, suffix)] / 2**20:.1f} | "
            f"{median(values) / 1000:.2f} | {min(values) / 1000:.2f} | {max(values) / 1000:.2f} |"
        )
    acted = ["| page | action | median (ms) | max (ms) |", "| --- | --- | ---: | ---: |"]
    for (name, label), values in actions.items():
        acted.append(f"| {name} | {label} | {median(values):.0f} | {max(values):.0f} |")
    return "\n".join(
        [
            "## Interactive page: `netspec diagram -o x.html`",
            "",
            f"Writing ResNet-50's page against the static pictures, end to end, {repeats} runs of each route, "
            "alternating:",
            "",
            *rows,
            "",
            "CPU is user + system time of the process and its children (dot), which machine load does not inflate "
            "as it does wall time.",
            "",
            "Opening in headless Chromium (`--headless=new`, 1400×900 window), from navigation start to two "
            "animation frames after the first complete render, "
            f"{repeats} loads each: `chain_5000` is bench_summary.py's generated chain (Dense, Dropout, "
            "LayerNormalization; no blocks, so it opens flat), `residual_5000` is 1,000 residual blocks of five "
            "layers and a head (5,001 layers; it opens folded). The static SVG is what `netspec diagram -o x.svg` "
            "draws of the same spec, opened in the same browser.",
            "",
            *opened,
            "",
            "Responsiveness on the same pages, each action timed in the page from the call to the second "
            "animation frame after it (the page repaints only what is near the window):",
            "",
            *acted,
            "",
            f"1-minute load average {load[0]:.1f} at the start, {load[1]:.1f} at the end (other jobs share the "
            "machine, so wall times are upper bounds).",
            "",
            f"Machine: {machine()}; {chromium_version()}.",
        ]
    )


def chromium_version() -> str:
    import subprocess

    return subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
