"""Mermaid flowchart text of a diagram view, for Markdown pages that render Mermaid."""

from __future__ import annotations

import json
import re

from ..printable import printable
from .labels import SHORTCUT_COLOUR, colours, node_detail, node_figures, node_title, shape_text
from .view import View


def _ids(names) -> dict:
    """Mermaid-safe ids (letters, digits, _), one per name, stable and distinct."""
    ids: dict = {}
    taken: set = set()
    for name in names:
        base = "n_" + re.sub(r"[^A-Za-z0-9_]", "_", name)
        candidate, k = base, 1
        while candidate in taken:
            k += 1
            candidate = f"{base}_{k}"
        taken.add(candidate)
        ids[name] = candidate
    return ids


def _text(text: str) -> str:
    """User text inside a quoted Mermaid label: one printable line, entity and markup characters escaped."""
    safe = printable(text, breaks_as_spaces=True).replace("#", "#35;").replace("&", "#amp;").replace('"', "#quot;")
    return safe.replace("<", "#lt;").replace(">", "#gt;").replace("`", "#96;").replace("\\", "#92;")


def to_mermaid(view: View) -> str:
    """The whole graph as a Mermaid flowchart."""
    ids = _ids([*view.nodes, *("cluster_" + c.id for c in view.clusters)])
    title = json.dumps(printable(f"{view.title} ({view.totals})", breaks_as_spaces=True), ensure_ascii=False)
    lines = ["---", f"title: {title}", "---", f"flowchart {view.direction}"]
    for family in dict.fromkeys(n.family for n in view.nodes.values()):
        fill, border = colours(family)
        lines.append(f"  classDef f_{family} fill:{fill},stroke:{border},color:#000")
    in_cluster = {node_id for cluster in view.clusters for node_id in cluster.nodes}
    lines += _subgraphs(view, ids, None, 1)
    lines += [_node(view, ids, node_id, 1) for node_id in view.nodes if node_id not in in_cluster]
    shortcuts = []
    for i, edge in enumerate(view.edges):
        label = f'|"{shape_text(edge.shape)}"|' if edge.shape is not None else ""
        label = f'|"{_text(edge.ports)}"|' if edge.ports else label
        lines.append(f"  {ids[edge.source]} -->{label} {ids[edge.target]}")
        if edge.skip:
            shortcuts.append(str(i))
    if shortcuts:
        lines.append(f"  linkStyle {','.join(shortcuts)} stroke:{SHORTCUT_COLOUR},stroke-width:2px")
    return "\n".join(lines) + "\n"


def _node(view: View, ids: dict, node_id: str, depth: int, in_cluster: bool = False) -> str:
    node = view.nodes[node_id]
    name, kind = node_title(node, in_cluster)
    rows = [
        f"<b>{_text(name)}</b> {_text(kind)}",
        _text(node_detail(node)),
        f"<small>{_text(node_figures(node))}</small>",
    ]
    label = "<br/>".join(r for r in rows if r)
    return f'{"  " * depth}{ids[node_id]}["{label}"]:::f_{node.family}'


def _subgraphs(view: View, ids: dict, parent, depth: int) -> list[str]:
    lines = []
    pad = "  " * depth
    for cluster in view.clusters:
        if cluster.parent != parent:
            continue
        lines.append(f'{pad}subgraph {ids["cluster_" + cluster.id]}["{_text(cluster.label)}"]')
        lines += _subgraphs(view, ids, cluster.id, depth + 1)
        lines += [_node(view, ids, node_id, depth + 1, in_cluster=True) for node_id in cluster.nodes]
        lines.append(f"{pad}end")
    return lines
