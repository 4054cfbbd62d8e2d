"""Block instances: one cluster each (--blocks), one node each (--collapse-blocks), identical neighbours drawn once."""

from __future__ import annotations

import networkx as nx

from ..compiler.graph import ordered_inputs, record
from .compact import chained
from .nodes import Cluster, Node, add, signature


def instance_types(spec) -> dict:
    """Block instance name -> the name of the block it instantiates."""
    return {
        layer.block: layer.origin[1]
        for layer in spec.flat.layers
        if layer.block and len(layer.origin) > 1 and layer.origin[0] == "blocks"
    }


def collapse_instances(nodes: dict, graph: nx.DiGraph, block_types: dict) -> dict:
    """One node per top-level block instance."""
    out: dict = {}
    for node in nodes.values():
        if not node.block:
            out[node.id] = node
            continue
        instance = node.block.split(".")[0]  # instances nest as outer.inner
        box = out.get(instance)
        if box is None:
            out[instance] = Node(
                id=instance,
                kind="block",
                type=block_types.get(instance, "block"),
                family="block",
                args="",
                members=list(node.members),
                heads=[instance],
                in_shape=node.in_shape,
                shape=node.shape,
                params=node.params,
                block=None,
            )
            continue
        box.members += node.members
        box.params = add(box.params, node.params)
        box.shape = node.shape
    for box in out.values():
        if box.kind == "block":
            box.shape = _block_output_shape(box, graph)
            box.signature = (box.type, _structure(box.members, box.id, graph))
    return out


def _structure(members: list, instance: str, graph: nx.DiGraph) -> tuple:
    """A block instance's layers and wiring, with names relative to the instance: equal for identical copies."""

    def local(name):
        return name.removeprefix(instance + ".") if name in inside else "<in>"

    inside = set(members)
    return tuple((local(m), signature(graph, m), tuple(local(p) for p in ordered_inputs(graph, m))) for m in members)


def _block_output_shape(box: Node, graph: nx.DiGraph):
    inside = set(box.members)
    leaving = [m for m in box.members if any(s not in inside for s in graph.successors(m))]
    last = leaving[-1] if leaving else box.members[-1]
    return record(graph, last).output_shape


def _instances(nodes: dict) -> dict:
    """Block instance -> its nodes, in order of appearance."""
    found: dict = {}
    for node in nodes.values():
        if node.block:
            found.setdefault(node.block, []).append(node)
    return found


def merge_block_runs(nodes: dict, graph: nx.DiGraph) -> tuple[dict, dict]:
    """Draw consecutive identical block instances once: the first copy's nodes stand for the run.

    Returns the nodes left and, for each run, its first instance -> the member layers of each copy.
    """
    runs: dict = {}
    previous = None
    instances = _instances(nodes)
    for name, inst in instances.items():
        members = [m for node in inst for m in node.members]
        nested = any(other.startswith(name + ".") for other in instances)
        if previous is not None and not nested and _same_block(previous, name, members, graph, runs):
            first = runs[previous]
            head = {
                node.heads[0].removeprefix(previous + "."): node for node in nodes.values() if node.block == previous
            }
            for node in inst:
                head[node.heads[0].removeprefix(name + ".")].members += node.members
                del nodes[node.id]
            first.append(members)
            continue
        previous = name
        runs[name] = [members]
    return nodes, {first: copies for first, copies in runs.items() if len(copies) > 1}


def _same_block(previous: str, name: str, members: list, graph: nx.DiGraph, runs: dict) -> bool:
    first = runs[previous][0]
    return _structure(first, previous, graph) == _structure(members, name, graph) and chained(
        graph, runs[previous][-1], members
    )


def block_clusters(nodes: dict, block_types: dict, runs: dict, graph: nx.DiGraph) -> list[Cluster]:
    """One cluster per block instance, nested as the instances are (outer.inner), in order of appearance."""
    members: dict = {}
    for node in nodes.values():
        if node.block:
            parts = node.block.split(".")
            for i in range(1, len(parts) + 1):
                members.setdefault(".".join(parts[:i]), [])
            members[node.block].append(node.id)
    return [
        Cluster(name, _cluster_label(name, block_types, runs, graph), ids, _parent(name))
        for name, ids in members.items()
    ]


def _cluster_label(name: str, block_types: dict, runs: dict, graph: nx.DiGraph) -> str:
    """`instance (block)`, or `first … last ×N (block) · P params` for a run; nested names without their parent's."""
    parent = _parent(name)

    def local(instance):
        return instance.removeprefix(parent + ".") if parent else instance

    kind = f" ({block_types[name]})" if name in block_types else ""
    if name not in runs:
        return local(name) + kind
    copies = runs[name]
    last = record(graph, copies[-1][0]).block or name
    params = sum(record(graph, m).params or 0 for copy in copies for m in copy)
    return f"{local(name)} … {local(last)} ×{len(copies)}{kind} · {params:,} params"


def _parent(name: str) -> str | None:
    return name.rsplit(".", 1)[0] if "." in name else None
