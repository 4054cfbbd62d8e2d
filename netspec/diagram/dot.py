"""Graphviz DOT source of a diagram view. Same view, same bytes: ids are layer names, order is declaration order."""

from __future__ import annotations

import math
import textwrap
from html import escape

from ..printable import printable
from .labels import EDGE_COLOUR, MUTED, SHORTCUT_COLOUR, colours, node_detail, node_figures, node_title, shape_text
from .nodes import Cluster, Edge, Node
from .view import View

FONT = "Helvetica,Arial,sans-serif"
DESCRIPTION_WIDTH = 56  # characters per line under the title


def quote(text: str) -> str:
    """A DOT quoted id: printable, one line."""
    return '"' + printable(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _html(text: str) -> str:
    """User text inside an HTML-like label: one line, printable, markup escaped."""
    return escape(printable(text, breaks_as_spaces=True))


def to_dot(view: View, dpi: int | None = None) -> str:
    """The whole graph as DOT text."""
    lines = [f"digraph {quote(view.name)} {{"]
    lines += _graph_attrs(view, dpi)
    in_cluster = {node_id for cluster in view.clusters for node_id in cluster.nodes}
    lines += _clusters(view, parent=None, depth=1)
    lines += [_node(node, 1) for node in view.nodes.values() if node.id not in in_cluster]
    lines += [_edge(edge) for edge in view.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _graph_attrs(view: View, dpi: int | None) -> list[str]:
    graph = (
        f'  graph [rankdir={view.direction}, bgcolor="white", fontname="{FONT}", nodesep=0.3, ranksep=0.3, '
        f"labelloc=t, label=<{_legend(view)}>" + (f", dpi={dpi}" if dpi else "") + "];"
    )
    node = f'  node [shape=box, style="rounded,filled", fontname="{FONT}", fontsize=10, margin="0.12,0.04"];'
    edge = f'  edge [fontname="{FONT}", fontsize=8, fontcolor="{MUTED}", color="{EDGE_COLOUR}", arrowsize=0.6];'
    return [graph, node, edge]


def _legend(view: View) -> str:
    """Title, description, totals and one colour swatch per family present, as an HTML-like table."""
    swatches = "".join(
        f'<td bgcolor="{colours(f)[0]}" color="{colours(f)[1]}" border="1"><font point-size="9">{_html(f)}</font></td>'
        for f in view.families
    )
    lines = [f'<b><font point-size="14">{_html(view.title)}</font></b>']
    if view.description:
        wrapped = "<br/>".join(
            _html(line) for line in _balanced_lines(printable(view.description, breaks_as_spaces=True))
        )
        lines.append(f'<font point-size="10">{wrapped}</font>')
    lines.append(f'<font point-size="9" color="{MUTED}">{_html(view.totals)}</font>')
    lines.append(f'<table border="0" cellspacing="3" cellpadding="3"><tr>{swatches}</tr></table>')
    rows = "".join(f"<tr><td>{line}</td></tr>" for line in lines)
    return f'<table border="0" cellspacing="2" cellpadding="1">{rows}</table>'


def _balanced_lines(text: str) -> list[str]:
    """`text` in lines of about equal length, none much over DESCRIPTION_WIDTH characters."""
    if len(text) <= DESCRIPTION_WIDTH + 8:
        return [text]
    count = math.ceil(len(text) / DESCRIPTION_WIDTH)
    return textwrap.wrap(text, math.ceil(len(text) / count) + 6)


def _node(node: Node, depth: int, in_cluster: bool = False) -> str:
    fill, border = colours(node.family)
    name, kind = node_title(node, in_cluster)
    rows = [f"<b>{_html(name)}</b>  {_html(kind)}"]
    detail = node_detail(node)
    if detail:
        rows.append(_html(detail))
    rows.append(f'<font point-size="8" color="{MUTED}">{_html(node_figures(node))}</font>')
    extra = ", peripheries=2" if node.kind == "block" or node.count > 1 else ""
    return (
        f'{"  " * depth}{quote(node.id)} [label=<{"<br/>".join(rows)}>, fillcolor="{fill}", color="{border}"{extra}];'
    )


def _clusters(view: View, parent: str | None, depth: int) -> list[str]:
    lines = []
    for cluster in view.clusters:
        if cluster.parent == parent:
            lines += _cluster(view, cluster, depth)
    return lines


def _cluster(view: View, cluster: Cluster, depth: int) -> list[str]:
    pad = "  " * depth
    lines = [
        f"{pad}subgraph {quote('cluster_' + cluster.id)} {{",
        f'{pad}  label=<<b>{_html(cluster.label)}</b>>; labeljust=l; fontsize=10; style="rounded,dashed"; '
        f'color="{MUTED}";',
    ]
    lines += _clusters(view, cluster.id, depth + 1)
    lines += [_node(view.nodes[node_id], depth + 1, in_cluster=True) for node_id in cluster.nodes]
    lines.append(f"{pad}}}")
    return lines


def _edge(edge: Edge) -> str:
    attrs = []
    if edge.ports:
        attrs.append(f"label={quote(' ' + edge.ports)}")
    elif edge.shape is not None:
        attrs.append(f"label={quote(' ' + shape_text(edge.shape))}")
    if edge.skip:
        attrs.append(f'color="{SHORTCUT_COLOUR}", penwidth=1.5, weight=0')
    else:
        attrs.append("weight=4")
    return f"  {quote(edge.source)} -> {quote(edge.target)} [{', '.join(attrs)}];"
