"""Benchmark: the page's layout (Graphviz, one layout per group, placed by the page) against dagre, the
maintained JavaScript layered-layout engine, laying out the same boxes in the same headless Chromium.

For ResNet-50, MobileNetV2 and a U-Net: layout time, picture size and edge crossings with every group
open, and how far the other nodes move when one block is opened in the folded picture (dagre lays out the
new state afresh; the page stretches the old one). dagre comes from the npm registry (`npm pack
@dagrejs/dagre@DAGRE`, MIT licence) into a temporary folder for this benchmark only: the page itself uses
no library.

    python bench/bench_layout.py [--repeats N]

Writes the `layout` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from bench_html import RESIDUAL, browser
from report import machine, median, write_section
from selenium.common.exceptions import JavascriptException

import netspec
from netspec.diagram.explore import ROOT, build_tree
from netspec.diagram.html import page_html
from netspec.diagram.layout import NODESEP, RANKSEP, box_size, layouts, texts

SPECS = Path(__file__).resolve().parent.parent / "specs"
DAGRE = "3.1.3"
UNET = """\
netspec: 1
name: unet
description: U-Net (Ronneberger et al. 2015), three levels, for the layout benchmark
input: {shape: [128, 128, 1]}
blocks:
  double_conv:
    params: [filters]
    layers:
      - Conv2D: {filters: "${filters}", kernel_size: 3, padding: same}
      - BatchNormalization:
      - Activation: relu
      - Conv2D: {filters: "${filters}", kernel_size: 3, padding: same}
      - BatchNormalization:
      - Activation: relu
layers:
  - double_conv: {filters: 32}
    name: enc1
  - MaxPooling2D
  - double_conv: {filters: 64}
    name: enc2
  - MaxPooling2D
  - double_conv: {filters: 128}
    name: enc3
  - MaxPooling2D
  - double_conv: {filters: 256}
    name: bottom
  - Conv2DTranspose: {filters: 128, kernel_size: 2, strides: 2}
    name: up3
  - Concatenate:
    inputs: [up3, enc3]
  - double_conv: {filters: 128}
    name: dec3
  - Conv2DTranspose: {filters: 64, kernel_size: 2, strides: 2}
    name: up2
  - Concatenate:
    inputs: [up2, enc2]
  - double_conv: {filters: 64}
    name: dec2
  - Conv2DTranspose: {filters: 32, kernel_size: 2, strides: 2}
    name: up1
  - Concatenate:
    inputs: [up1, enc1]
  - double_conv: {filters: 32}
    name: dec1
  - Conv2D: {filters: 1, kernel_size: 1, activation: sigmoid}
"""
# spec -> the block opened in the folded picture
CASES = {"resnet50": "conv3_proj", "mobilenet_v2": "block_2", "unet": "enc2", "residual_5000": "res_1 … res_1000"}
CROSSINGS_UP_TO = 1000  # edges; counting is quadratic

DAGRE_LAYOUT = """
const [nodes, edges, sep] = arguments;
const g = new dagre.graphlib.Graph();
g.setGraph({rankdir: 'TB', nodesep: sep[0], ranksep: sep[1], marginx: 0, marginy: 0});
g.setDefaultEdgeLabel(() => ({}));
for (const [id, w, h] of nodes) g.setNode(id, {width: w, height: h});
for (const [s, t] of edges) g.setEdge(s, t);
const t0 = performance.now();
dagre.layout(g);
const ms = performance.now() - t0;
const out = {};
for (const id of g.nodes()) { const n = g.node(id); out[id] = [n.x - n.width / 2, n.y - n.height / 2, n.width, n.height]; }
const lines = g.edges().map((e) => ({pts: g.edge(e).points.flatMap((p) => [p.x, p.y])}));
return {ms, nodes: out, edges: lines, w: g.graph().width, h: g.graph().height};
"""


def fetch_dagre(folder: Path) -> str:
    subprocess.run(["npm", "pack", f"@dagrejs/dagre@{DAGRE}"], cwd=folder, check=True, capture_output=True)
    with tarfile.open(folder / f"dagrejs-dagre-{DAGRE}.tgz") as tar:
        return tar.extractfile("package/dist/dagre.min.js").read().decode("utf-8")


def state(tree, opened: set) -> tuple[list, list]:
    """The nodes (id, w, h) and edges the page shows with the groups in `opened` open."""
    shown = []

    def walk(group):
        for child in tree.items[group].children:
            if child in opened and tree.items[child].group:
                walk(child)
            else:
                shown.append(child)

    walk(ROOT)
    visible = set(shown)
    rep = {layer: next(i for i in reversed(chain) if i in visible) for layer, chain in tree.chains.items()}
    edges = list(dict.fromkeys((rep[u], rep[v]) for u, v, _, _ in tree.edges if rep[u] != rep[v]))
    return [(i, *box_size(texts(tree, i))) for i in shown], edges


def crossings(edges: list) -> int | str:
    """Points where two edges' polylines cross, away from their ends (control polygons for splines)."""
    if len(edges) > CROSSINGS_UP_TO:
        return "not counted"
    segments = []
    for k, edge in enumerate(edges):
        pts = edge["pts"]
        ends = ((pts[0], pts[1]), (pts[-2], pts[-1]))
        for i in range(0, len(pts) - 2, 2):
            segments.append((k, (pts[i], pts[i + 1]), (pts[i + 2], pts[i + 3]), ends))
    count = 0
    for a in range(len(segments)):
        ka, p1, p2, ends_a = segments[a]
        for b in range(a + 1, len(segments)):
            kb, q1, q2, ends_b = segments[b]
            if ka == kb:
                continue
            hit = _intersection(p1, p2, q1, q2)
            if hit and all(math.dist(hit, e) > 4 for e in (*ends_a, *ends_b)):
                count += 1
    return count


def _intersection(p1, p2, q1, q2):
    d = (p2[0] - p1[0]) * (q2[1] - q1[1]) - (p2[1] - p1[1]) * (q2[0] - q1[0])
    if abs(d) < 1e-9:
        return None
    t = ((q1[0] - p1[0]) * (q2[1] - q1[1]) - (q1[1] - p1[1]) * (q2[0] - q1[0])) / d
    u = ((q1[0] - p1[0]) * (p2[1] - p1[1]) - (q1[1] - p1[1]) * (p2[0] - p1[0])) / d
    if 0 < t < 1 and 0 < u < 1:
        return (p1[0] + t * (p2[0] - p1[0]), p1[1] + t * (p2[1] - p1[1]))
    return None


def moved(before: dict, after: dict, anchor: str) -> tuple[float, float]:
    """How far the picture around an opened block changes, the node just above it kept in place: the largest
    movement of a node above it, and the largest movement of a node below it beyond the common shift
    (the median) of the nodes below, in px."""
    top, bottom = before[anchor][1], before[anchor][1] + before[anchor][3]
    above_it = [i for i, b in before.items() if i in after and b[1] + b[3] <= top]
    pin = max(above_it, key=lambda i: before[i][1])  # the node just above the block stays put
    dx, dy = after[pin][0] - before[pin][0], after[pin][1] - before[pin][1]
    shift = {i: (after[i][0] - b[0] - dx, after[i][1] - b[1] - dy) for i, b in before.items() if i in after}
    above = [math.hypot(*shift[i]) for i, b in before.items() if i in shift and b[1] + b[3] <= top]
    below = [shift[i] for i, b in before.items() if i in shift and b[1] >= bottom]
    common = (median([v[0] for v in below]), median([v[1] for v in below])) if below else (0, 0)
    rest = [math.dist(v, common) for v in below]
    return max(above, default=0), max(rest, default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        dagre = fetch_dagre(tmp)
        (tmp / "unet.yaml").write_text(UNET)
        (tmp / "residual_5000.yaml").write_text(RESIDUAL)
        paths = {
            "resnet50": SPECS / "resnet50.yaml",
            "mobilenet_v2": SPECS / "mobilenet_v2.yaml",
            "unet": tmp / "unet.yaml",
            "residual_5000": tmp / "residual_5000.yaml",
        }
        driver = browser()
        try:
            for name, path in paths.items():
                results[name] = measure(driver, dagre, netspec.load(path), CASES[name], tmp, repeats)
        finally:
            driver.quit()
    section = report(results, repeats)
    write_section("layout", section)
    print(section)


def measure(driver, dagre: str, spec, block: str, tmp: Path, repeats: int) -> dict:
    tree = build_tree(spec)
    index = {item_id: k for k, item_id in enumerate(tree.items)}
    sizes = {index[i]: box_size(texts(tree, i)) for i in tree.items if i != ROOT}
    dot_times = []
    for _ in range(repeats):
        start = time.perf_counter()
        layouts(tree, index, sizes)
        dot_times.append(time.perf_counter() - start)
    page = tmp / f"{spec.name}.html"
    page.write_text(page_html(spec))
    driver.get(page.as_uri())
    driver.execute_script("netspecExplorer.openAll()")
    graphviz_open = driver.execute_script("return netspecExplorer.geometry()")
    place = []
    for _ in range(repeats):
        place.append(
            driver.execute_script(
                "const t = performance.now(); netspecExplorer.openAll(); return performance.now() - t;"
            )
        )
    driver.execute_script("netspecExplorer.foldAll()")
    folded = driver.execute_script("return netspecExplorer.geometry()")["nodes"]
    driver.execute_script(f"netspecExplorer.open({block!r})")
    unfolded = driver.execute_script("return netspecExplorer.geometry()")["nodes"]

    driver.get("about:blank")
    driver.execute_script(dagre + ";window.dagre = dagre;")
    sep = [NODESEP * 72, RANKSEP * 72]
    groups = {i for i, item in tree.items.items() if item.group}
    nodes, edges = state(tree, groups)
    try:
        runs = [driver.execute_script(DAGRE_LAYOUT, nodes, edges, sep) for _ in range(repeats)]
    except JavascriptException as exc:  # dagre recurses along long paths
        failed = exc.msg.removeprefix("javascript error: ").split("\n")[0]
        runs = None
    nodes, edges = state(tree, {ROOT})
    dagre_folded = driver.execute_script(DAGRE_LAYOUT, nodes, edges, sep)["nodes"]
    nodes, edges = state(tree, {ROOT, block})
    dagre_unfolded = driver.execute_script(DAGRE_LAYOUT, nodes, edges, sep)["nodes"]
    return {
        "layers": len(spec.flat.layers),
        "groups": len(groups) - 1,
        "graphviz": {
            "ms": f"{median(dot_times) * 1000:.0f} (dot, all groups, once) + {median(place):.0f} (placing, per fold)",
            "size": _size(graphviz_open["nodes"]),
            "crossings": crossings(graphviz_open["edges"]),
            "moved": moved(folded, unfolded, block),
        },
        "dagre": {
            "ms": f"{median([r['ms'] for r in runs]):.0f} (per fold)" if runs else f"fails: {failed}",
            "size": _size(runs[-1]["nodes"]) if runs else "—",
            "crossings": crossings(runs[-1]["edges"]) if runs else "—",
            "moved": moved(dagre_folded, dagre_unfolded, block),
        },
        "block": block,
    }


def _size(boxes: dict) -> str:
    x0 = min(b[0] for b in boxes.values())
    y0 = min(b[1] for b in boxes.values())
    x1 = max(b[0] + b[2] for b in boxes.values())
    y1 = max(b[1] + b[3] for b in boxes.values())
    return f"{x1 - x0:.0f} × {y1 - y0:.0f}"


def report(results: dict, repeats: int) -> str:
    rows = [
        "| model | engine | layout time (ms) | every group open: picture (px, w × h) | edge crossings | "
        "opening one block: largest move above it / below it beyond the common shift (px) |",
        "| --- | --- | --- | ---: | ---: | --- |",
    ]
    for name, r in results.items():
        for engine, label in (("graphviz", "Graphviz per group (the page)"), ("dagre", f"dagre {DAGRE}")):
            m = r[engine]
            above, below = m["moved"]
            rows.append(
                f"| {name} ({r['layers']} layers, {r['groups']} groups) | {label} | {m['ms']} | {m['size']} | "
                f"{m['crossings']} | `{r['block']}`: {above:.0f} / {below:.0f} |"
            )
    return "\n".join(
        [
            "## Layout: Graphviz per group (the page) vs dagre",
            "",
            "The same boxes (the page's sizes), the same node and rank separations, laid out top to bottom. "
            f"Times are medians of {repeats} runs in the same headless Chromium (dagre) or in Python (`dot`, one "
            "process for every group's graph). Crossings count where two edges' lines cross away from their ends "
            "(the splines' control polygons for Graphviz, dagre's polylines; not counted above 1,000 edges). `residual_5000` is "
            "bench_html.py's 1,000 residual blocks. Movement is measured in the folded "
            "picture before and after opening the named block, with the node just above it kept in place: dagre "
            "lays out the new picture afresh, the page stretches the old one around the opened box. The page's "
            "picture is the taller because each open group is drawn as a frame with a header (dagre got a flat graph).",
            "",
            *rows,
            "",
            f"Machine: {machine()}.",
        ]
    )


if __name__ == "__main__":
    main()
