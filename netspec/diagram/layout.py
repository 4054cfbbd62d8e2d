"""Graphviz layouts for the explorer: each group's children laid out once by `dot`, every group in one run.

A group's graph holds its children as boxes of the size the page draws them (folded), the edges between
them, and a port for each neighbour outside the group (sources on top, targets at the bottom). The page
places an open group's own layout inside the box and moves the rest of its parent's picture aside, so
unfolding never reshuffles what surrounds it.
"""

from __future__ import annotations

import json

from .dot import quote
from .dot_program import run_dot
from .explore import ROOT, Tree, shape_label
from .labels import params_text, shape_text

CHAR = 6.62  # px per character of the page's 11 px monospace font (0.602 em)
SMALL_CHAR = 6.02  # the 10 px figures line
LINE = 14
PAD_X, PAD_Y = 16, 10
NODESEP, RANKSEP = 0.25, 0.3  # inches, as the static view


def local(name: str, block: str | None) -> str:
    """`name` without the enclosing block instance's `block.` prefix (on both ends of a run's name)."""
    if not block:
        return name
    return " … ".join(part.removeprefix(block + ".") for part in name.split(" … "))


def enclosing_block(tree: Tree, item_id: str) -> str | None:
    parent = tree.items[item_id].parent
    while parent and parent != ROOT:
        if tree.items[parent].kind == "block":
            return parent
        parent = tree.items[parent].parent
    return None


def texts(tree: Tree, item_id: str) -> list[str]:
    """The lines a folded node shows: name and type, key arguments, output shape and parameters."""
    item = tree.items[item_id]
    params = None if item.trainable is None or item.non_trainable is None else item.trainable + item.non_trainable
    figures = " · ".join(p for p in (shape_text(item.shape), params_text(params)) if p)
    return [f"{local(item.id, enclosing_block(tree, item_id))}  {item.type}", item.detail, figures]


def box_size(lines: list[str]) -> tuple[float, float]:
    title, detail, figures = lines
    width = max(len(title) * CHAR, len(detail) * CHAR, len(figures) * SMALL_CHAR) + PAD_X
    return round(width, 1), PAD_Y + LINE * (3 if detail else 2)


def group_graphs(tree: Tree, index: dict) -> dict:
    """Group id -> (children, edges {(source, target): [shape, shortcut]}, in-ports, out-ports)."""
    graphs = {i: ([index[c] for c in item.children], {}, [], []) for i, item in tree.items.items() if item.group}
    for source, target, shape, skip in tree.edges:
        up, down = tree.chains[source], tree.chains[target]
        ancestors = set(up)
        j = next(k for k in range(1, len(down)) if down[k] in ancestors)
        common = down[j]
        i = up.index(common)
        tail, head = up[i - 1], down[j - 1]
        _link(graphs[common][1], index[tail], index[head], shape, skip)
        for k in range(1, j):  # groups holding the target but not the source: an edge from a port on top
            key = "^" * (j - 1 - k) + str(index[tail])
            _port(graphs[down[k]], 2, key)
            _link(graphs[down[k]][1], key, index[down[k - 1]], None, skip)
        for k in range(1, i):  # groups holding the source but not the target: an edge to a port at the bottom
            key = "^" * (i - 1 - k) + str(index[head])
            _port(graphs[up[k]], 3, key)
            _link(graphs[up[k]][1], index[up[k - 1]], key, None, skip)
    return graphs


def _link(edges: dict, source, target, shape, skip: bool) -> None:
    edge = edges.setdefault((source, target), [shape, skip])
    edge[1] = edge[1] and skip  # a shortcut only if every tensor it stands for is one


def _port(graph: tuple, slot: int, key: str) -> None:
    if key not in graph[slot]:
        graph[slot].append(key)


def _dot_source(gid: int, graph: tuple, sizes: dict, direction: str) -> str:
    children, edges, ins, outs = graph
    ports = {key: f"p{k}" for k, key in enumerate([*ins, *outs])}
    lines = [
        f"digraph g{gid} {{",
        f"graph [rankdir={direction}, nodesep={NODESEP}, ranksep={RANKSEP}, margin=0];",
        'node [shape=box, fixedsize=true, label=""];',
        'edge [fontname="DejaVu Sans Mono", fontsize=9];',
    ]
    for child in children:
        width, height = sizes[child]
        lines.append(f"n{child} [width={width / 72:.3f}, height={height / 72:.3f}];")
    for keys, rank in ((ins, "source"), (outs, "sink")):
        if keys:
            lines.append(f"{{rank={rank}; " + " ".join(f"{ports[k]} [shape=point, width=0.04];" for k in keys) + "}")
    for (source, target), (shape, skip) in edges.items():
        ends = [ports[e] if isinstance(e, str) else f"n{e}" for e in (source, target)]
        attrs = ["weight=0" if skip else "weight=4"]
        if shape is not None:
            attrs.append(f"label={quote(' ' + shape_label(shape))}")
        lines.append(f"{ends[0]} -> {ends[1]} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines)


def _point(text: str, height: float) -> list[float]:
    x, y = text.split(",")[-2:]
    return [round(float(x), 1), round(height - float(y), 1)]


def _parse(result: dict, graph: tuple) -> dict:
    """One dot result as the page reads it: y down, ports by key, edges by child index or port key."""
    height = float(result["bb"].split(",")[3])
    width = float(result["bb"].split(",")[2])
    children, edges, ins, outs = graph
    keys = [*ins, *outs]
    names = {}
    nodes, ports = {}, {}
    for obj in result.get("objects", []):
        if "pos" not in obj:  # a rank subgraph
            continue
        name, pos = obj["name"], _point(obj["pos"], height)
        if name.startswith("n"):
            nodes[int(name[1:])] = pos
            names[obj["_gvid"]] = int(name[1:])
        else:
            ports[keys[int(name[1:])]] = pos
            names[obj["_gvid"]] = keys[int(name[1:])]
    found = {(names[e["tail"]], names[e["head"]]): e for e in result.get("edges", [])}
    placed = []
    for (source, target), (shape, skip) in edges.items():
        edge = found[(source, target)]
        points, end = [], None
        for token in edge["pos"].split():
            if token.startswith("e,"):
                end = _point(token, height)
            elif not token.startswith("s,"):
                points += _point(token, height)
        label = _point(edge["lp"], height) if "lp" in edge else None
        placed.append([source, target, points, end, shape_label(shape), label, skip])
    return {"w": round(width, 1), "h": round(height, 1), "n": nodes, "p": ports, "e": placed}


def layouts(tree: Tree, index: dict, sizes: dict, direction: str = "TB") -> dict:
    """Group index -> its layout, from one run of `dot` over every group's graph."""
    graphs = {index[g]: graph for g, graph in group_graphs(tree, index).items()}
    order = [g for g, graph in graphs.items() if graph[0]]
    source = "\n".join(_dot_source(g, graphs[g], sizes, direction) for g in order)
    text = run_dot(source, "json0").decode("utf-8")
    decoder, results, at = json.JSONDecoder(), [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            break
        result, at = decoder.raw_decode(text, at)
        results.append(result)
    return {g: _parse(result, graphs[g]) for g, result in zip(order, results, strict=True)}
