"""Compact mode: activation and dropout layers folded into the layer before them; runs of identical nodes as ×N."""

from __future__ import annotations

import networkx as nx

from .nodes import Node, add

FOLDED_FAMILIES = ("activation", "regularization")


def _single_successor(graph: nx.DiGraph, name: str) -> str | None:
    succ = list(graph.successors(name))
    if len(succ) != 1 or name in graph.graph.get("outputs", ()):
        return None
    return succ[0]


def fold_into_previous(nodes: dict, graph: nx.DiGraph) -> dict:
    """Fold each activation/dropout layer into the layer before it, when that layer feeds only it."""
    out: dict = {}
    by_last: dict = {}
    for node in nodes.values():
        preds = list(graph.predecessors(node.id))
        host = by_last.get(preds[0]) if len(preds) == 1 else None
        if (
            host is not None
            and node.family in FOLDED_FAMILIES
            and host.kind == "layer"
            and host.block == node.block
            and _single_successor(graph, host.last) == node.id
        ):
            host.members.append(node.id)
            host.folded.append(_folded_text(node))
            host.shape = node.shape
            host.params = add(host.params, node.params)
            host.signature += node.signature
        else:
            out[node.id] = host = node
        by_last[node.id] = host
    return out


def _folded_text(node: Node) -> str:
    if node.type == "Dropout":
        return f"dropout {node.args}"
    if node.family == "activation" and node.args:
        return node.args
    return f"{node.type} {node.args}".strip()


def merge_runs(nodes: dict, graph: nx.DiGraph) -> dict:
    """Collapse chains of identical layers (or block instances) into one node marked ×N."""
    out: dict = {}
    previous = None
    for node in nodes.values():
        if (
            previous is not None
            and node.kind == previous.kind != "input"
            and node.signature == previous.signature
            and previous.block == node.block
            and chained(graph, previous.members, node.members)
        ):
            previous.members += node.members
            previous.heads.append(node.id)
            previous.shape = node.shape
            previous.params = add(previous.params, node.params)
            continue
        out[node.id] = node
        previous = node
    return out


def chained(graph: nx.DiGraph, first: list, second: list) -> bool:
    """Whether everything `first` produces goes into `second`, and everything `second` takes comes from `first`."""
    a, b = set(first), set(second)
    if a & set(graph.graph.get("outputs", ())):
        return False
    leaving = {v for u in a for v in graph.successors(u)} - a
    entering = {u for v in b for u in graph.predecessors(v)} - b
    return bool(leaving) and leaving <= b and entering <= a
