"""Benchmark: `netspec diagram` against the Keras `plot_model` route, end to end, side by side.

Both routes draw the article's network (specs/cifar_deep15.yaml) with the same Graphviz `dot`.
The Keras route is what the article's reader runs: a script that builds the Sequential model by
hand and calls keras.utils.plot_model(model, to_file="model.png", show_shapes=True), which needs
TensorFlow and pydot. (A .svg `to_file` is written but then raises in a script when IPython is
installed, as plot_model tries to display it.) Runs alternate between the routes so that
machine load hits all of them alike.

    python bench/bench_diagram.py [--repeats N]

Writes the `diagram` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import tempfile
from pathlib import Path

from report import machine, median, time_command, write_section

from netspec.diagram.render import PNG_DPI

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "cifar_deep15.yaml"

# The article's model as its code builds it (bench/article_keras_summary.py, which also prints
# model.summary() as the article does), then drawn the way the article draws it.
KERAS_SCRIPT = """\
import runpy
import sys

import keras

model = runpy.run_path(sys.argv[1])["model"]
keras.utils.plot_model(model, to_file=sys.argv[2], show_shapes=True, dpi=int(sys.argv[3]))
"""
ARTICLE_MODEL = Path(__file__).resolve().parent / "article_keras_summary.py"
KERAS_DPI = 200  # plot_model's default, passed explicitly


def picture_size(path: Path, dpi: int) -> str:
    """Print size of a picture, in inches: an SVG's page size, or a PNG's pixels at the dpi it was drawn at."""
    if path.suffix == ".svg":
        width, height = (int(v) for v in re.search(r'<svg width="(\d+)pt" height="(\d+)pt"', path.read_text()).groups())
        return f"{width / 72:.1f} × {height / 72:.1f}"
    from PIL import Image

    with Image.open(path) as image:
        return f"{image.width / dpi:.1f} × {image.height / dpi:.1f}"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    repeats = parser.parse_args().repeats
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        script = tmp / "plot_article_model.py"
        script.write_text(KERAS_SCRIPT)
        command = shutil.which("netspec")  # the console script a user runs
        prefix = [command] if command else [sys.executable, "-m", "netspec"]
        netspec = [*prefix, "diagram", str(SPEC)]
        routes = {
            "netspec summary (start-up floor, no drawing)": ([*prefix, "summary", str(SPEC)], None, None),
            "netspec diagram -o x.svg": ([*netspec, "-o", "x.svg"], "x.svg", PNG_DPI),
            "netspec diagram -o x.png": ([*netspec, "-o", "x.png"], "x.png", PNG_DPI),
            "netspec diagram --compact -o c.png": ([*netspec, "--compact", "-o", "c.png"], "c.png", PNG_DPI),
            "Keras plot_model(show_shapes=True)": (
                [sys.executable, str(script), str(ARTICLE_MODEL), "model.png", str(KERAS_DPI)],
                "model.png",
                KERAS_DPI,
            ),
        }
        times: dict = {name: [] for name in routes}
        cpu: dict = {name: [] for name in routes}
        load = [os.getloadavg()[0]]
        for _ in range(repeats):
            for name, (argv, _, _) in routes.items():
                before = _children_cpu()
                times[name] += time_command(argv, 1, cwd=tmp)
                cpu[name].append(_children_cpu() - before)
        load.append(os.getloadavg()[0])
        sizes = {name: picture_size(tmp / out, dpi) if out else "—" for name, (_, out, dpi) in routes.items()}
    section = report(times, cpu, sizes, repeats, load)
    write_section("diagram", section)
    print(section)


def report(times: dict, cpu: dict, sizes: dict, repeats: int, load: list) -> str:
    keras = median(times["Keras plot_model(show_shapes=True)"])
    rows = [
        "| route | median wall (s) | min (s) | max (s) | median CPU (s) | plot_model wall / this | picture (in, w × h) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, values in times.items():
        rows.append(
            f"| `{name}` | {median(values):.2f} | {min(values):.2f} | {max(values):.2f} | {median(cpu[name]):.2f} | "
            f"{keras / median(values):.1f} | {sizes[name]} |"
        )
    return "\n".join(
        [
            "## Diagram: `netspec diagram` vs Keras `plot_model`",
            "",
            "Drawing the article's network (`specs/cifar_deep15.yaml`, 41 layers), end to end "
            f"(process start to file written), {repeats} runs of each route, alternating. The Keras route is "
            "the article's: its model built by hand (`bench/article_keras_summary.py`, `model.summary()` included), then "
            f"`keras.utils.plot_model(model, to_file='model.png', show_shapes=True)` ({KERAS_DPI} dpi; needs "
            "TensorFlow, pydot and dot); netspec reads the spec and runs dot, without TensorFlow "
            f"(PNG at {PNG_DPI} dpi). Picture size is the print size: pixels / dpi, or an SVG's page size. "
            "`pydot` is needed only by this benchmark (the `dev` extra).",
            "",
            *rows,
            "",
            "CPU is user + system time of the process and its children (dot), which machine load does not inflate "
            f"as it does wall time; 1-minute load average {load[0]:.1f} at the start, {load[1]:.1f} at the end.",
            "",
            f"Machine: {machine()}.",
        ]
    )


if __name__ == "__main__":
    main()
