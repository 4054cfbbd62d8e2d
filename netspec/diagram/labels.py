"""The words and colours on a diagram: node text, shape text, family colours. Shared by DOT and Mermaid."""

from __future__ import annotations

from .nodes import Node

# family -> (fill, border); soft fills so black text stays readable
COLOURS = {
    "input": ("#ffffff", "#666666"),
    "convolution": ("#cfe2f3", "#3d85c6"),
    "pooling": ("#d9ead3", "#6aa84f"),
    "dense": ("#f4cccc", "#cc4125"),
    "normalization": ("#fff2cc", "#bf9000"),
    "regularization": ("#ead1dc", "#a64d79"),
    "merge": ("#fce5cd", "#e69138"),
    "activation": ("#d0e0e3", "#45818e"),
    "reshape": ("#eeeeee", "#999999"),
    "embedding": ("#d9d2e9", "#674ea7"),
    "block": ("#f3f3f3", "#434343"),
    "other": ("#ffffff", "#999999"),
}
SHORTCUT_COLOUR = "#e69138"
EDGE_COLOUR = "#666666"
MUTED = "#555555"


def colours(family: str) -> tuple[str, str]:
    return COLOURS.get(family, COLOURS["other"])


def shape_text(shape) -> str:
    """A shape without the batch axis: 32×32×3; ? for an unknown size."""
    if shape is None:
        return "?"
    return "×".join("?" if d is None else str(d) for d in shape)


def params_text(params) -> str:
    if params is None:
        return "? params"
    if params == 0:
        return ""
    return f"{params:,} param" + ("s" if params != 1 else "")


def node_title(node: Node, in_cluster: bool = False) -> tuple[str, str]:
    """(name, type) as printed on the first line; a run names its first and last layer and its ×N.

    Inside its block's cluster a layer is named without the `instance.` prefix the cluster shows.
    """
    heads = [_local(h, node.block) if in_cluster else h for h in node.heads]
    name = heads[0] if node.count == 1 else f"{heads[0]} … {heads[-1]}"
    kind = node.type if node.count == 1 else f"{node.type} ×{node.count}"
    return name, kind


def _local(name: str, block: str | None) -> str:
    return name.removeprefix(block + ".") if block else name


def node_detail(node: Node) -> str:
    """The key arguments line, with the folded activation/dropout layers after arrows."""
    if node.kind == "block":
        per_copy = len(node.members) // node.count
        return f"{per_copy} layers" if node.count == 1 else f"{node.count} × {per_copy} layers"
    return " → ".join([node.args, *node.folded]) if node.args else "".join(f"→ {p} " for p in node.folded).strip()


def node_figures(node: Node) -> str:
    """Output shape and parameter count."""
    return " · ".join(p for p in (shape_text(node.shape), params_text(node.params)) if p)
