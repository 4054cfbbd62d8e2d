"""What a diagram shows, decided once for every output format: nodes, edges and block clusters.

A node stands for one layer, or in compact mode for a layer with the
activation and dropout layers that follow it folded in, or for a run of
identical layers (×N); with collapsed blocks, for a whole block instance.
Node ids are layer (or block instance) names, so the output is deterministic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import networkx as nx

from ..graph import ordered_inputs
from ..layers import CORE

FOLDED_FAMILIES = ("activation", "regularization")


@dataclass
class Node:
    """One box: the layers it stands for and what is printed on it."""

    id: str
    kind: str  # "input", "layer" or "block"
    type: str
    family: str
    args: str
    members: list
    in_shape: tuple | None
    shape: tuple | None
    params: int | None
    block: str | None
    folded: list = field(default_factory=list)  # labels of folded activation/dropout layers
    heads: list = field(default_factory=list)  # first layer of each copy in a run
    signature: tuple = ()

    @property
    def last(self) -> str:
        return self.members[-1]

    @property
    def count(self) -> int:
        return max(len(self.heads), 1)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    shape: tuple | None  # set where the tensor's shape differs from what entered the source
    skip: bool  # a shortcut: the target is also reached through another path


@dataclass
class Cluster:
    id: str
    label: str
    nodes: list
    parent: str | None


@dataclass
class View:
    name: str
    title: str
    direction: str
    totals: str
    nodes: dict
    edges: list
    clusters: list

    @property
    def families(self) -> list[str]:
        """The families present, in first-appearance order (for the legend)."""
        return list(dict.fromkeys(n.family for n in self.nodes.values() if n.kind != "input"))


def build_view(spec, direction="TB", compact=False, blocks=False, collapse_blocks=False, title=None) -> View:
    """The diagram of a compiled spec (netspec.Spec) with the given options applied."""
    graph = spec.graph
    nodes = _layer_nodes(spec)
    block_types = _block_types(spec)
    if compact:
        nodes = _runs(_fold(nodes, graph), graph)
    if collapse_blocks:
        nodes = _collapse(nodes, graph, block_types)
        if compact:
            nodes = _runs(nodes, graph)
    runs: dict = {}
    if compact and blocks and not collapse_blocks:
        nodes, runs = _block_runs(nodes, graph)
    edges = _edges(nodes, graph, runs)
    clusters = _clusters(nodes, block_types, runs, graph) if (blocks and not collapse_blocks) else []
    analysis = spec.summary()
    params = analysis.total("trainable") + analysis.total("non_trainable")
    totals = f"{len(analysis.rows)} layers · {f'{params:,}' if analysis.complete else '?'} parameters"
    title = title if title is not None else spec.name
    return View(spec.name, title, direction, totals, nodes, edges, clusters)


def _layer_nodes(spec) -> dict:
    graph = spec.graph
    nodes = {}
    for name in [*spec.flat.inputs, *(layer.name for layer in spec.flat.layers)]:
        data = graph.nodes[name]
        sources = ordered_inputs(graph, name)
        in_shape = graph.nodes[sources[0]].get("output_shape") if sources else None
        nodes[name] = Node(
            id=name,
            kind=data["kind"],
            type=data["type"],
            family="input" if data["kind"] == "input" else data.get("family", "other"),
            args=data.get("label") or _opaque_args(data),
            members=[name],
            heads=[name],
            in_shape=in_shape,
            shape=data.get("output_shape"),
            params=0 if data["kind"] == "input" else data.get("params"),
            block=data.get("block"),
            signature=(_signature(graph, name),),
        )
    return nodes


def _opaque_args(data: dict) -> str:
    """A layer without netspec rules (shapes come from Keras) shows its arguments as given."""
    if data["kind"] != "layer" or data["type"] in CORE:
        return ""
    text = ", ".join(f"{k}={json.dumps(v)}" for k, v in data.get("args", {}).items())
    return text if len(text) <= 40 else text[:39] + "…"


def _owner_map(nodes: dict) -> dict:
    return {member: node.id for node in nodes.values() for member in node.members}


def _single_successor(graph: nx.DiGraph, name: str) -> str | None:
    succ = list(graph.successors(name))
    if len(succ) != 1 or name in graph.graph.get("outputs", ()):
        return None
    return succ[0]


def _fold(nodes: dict, graph: nx.DiGraph) -> dict:
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
            host.params = _add(host.params, node.params)
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


def _runs(nodes: dict, graph: nx.DiGraph) -> dict:
    """Collapse chains of identical layers (or block instances) into one node marked ×N."""
    out: dict = {}
    previous = None
    for node in nodes.values():
        if (
            previous is not None
            and node.kind == previous.kind != "input"
            and node.signature == previous.signature
            and previous.block == node.block
            and _chained(graph, previous.members, node.members)
        ):
            previous.members += node.members
            previous.heads.append(node.id)
            previous.shape = node.shape
            previous.params = _add(previous.params, node.params)
            continue
        out[node.id] = node
        previous = node
    return out


def _chained(graph: nx.DiGraph, first: list, second: list) -> bool:
    """Whether everything `first` produces goes into `second`, and everything `second` takes comes from `first`."""
    a, b = set(first), set(second)
    if a & set(graph.graph.get("outputs", ())):
        return False
    leaving = {v for u in a for v in graph.successors(u)} - a
    entering = {u for v in b for u in graph.predecessors(v)} - b
    return bool(leaving) and leaving <= b and entering <= a


def _add(a, b):
    return None if a is None or b is None else a + b


def _block_types(spec) -> dict:
    """Block instance name -> the name of the block it instantiates."""
    return {
        layer.block: layer.origin[1]
        for layer in spec.flat.layers
        if layer.block and len(layer.origin) > 1 and layer.origin[0] == "blocks"
    }


def _collapse(nodes: dict, graph: nx.DiGraph, block_types: dict) -> dict:
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
        box.params = _add(box.params, node.params)
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
    return tuple((local(m), _signature(graph, m), tuple(local(p) for p in ordered_inputs(graph, m))) for m in members)


def _signature(graph: nx.DiGraph, name: str) -> tuple:
    data = graph.nodes[name]
    return (data["type"], json.dumps(data.get("args", {}), sort_keys=True, default=str))


def _block_output_shape(box: Node, graph: nx.DiGraph):
    inside = set(box.members)
    leaving = [m for m in box.members if any(s not in inside for s in graph.successors(m))]
    last = leaving[-1] if leaving else box.members[-1]
    return graph.nodes[last].get("output_shape")


def _edges(nodes: dict, graph: nx.DiGraph, runs: dict) -> list[Edge]:
    owner = _owner_map(nodes)
    copy = {m: (first, k) for first, instances in runs.items() for k, inst in enumerate(instances) for m in inst}
    seen = set()
    edges = []
    for node in nodes.values():
        for member in node.members:
            for source in ordered_inputs(graph, member):
                pair = (owner[source], node.id)
                between_copies = source in copy and member in copy and copy[source] != copy[member]
                if pair[0] == pair[1] or pair in seen or between_copies:
                    continue
                seen.add(pair)
                src = nodes[pair[0]]
                tensor = graph.nodes[source].get("output_shape")
                changed = src.kind == "input" or tensor != src.in_shape
                skip = _is_shortcut(graph, source, member)
                edges.append(Edge(pair[0], pair[1], tensor if changed else None, skip))
    return edges


def _is_shortcut(graph: nx.DiGraph, source: str, target: str) -> bool:
    others = [s for s in graph.successors(source) if s != target]
    return any(nx.has_path(graph, s, target) for s in others)


def _instances(nodes: dict) -> dict:
    """Block instance -> its nodes, in order of appearance."""
    found: dict = {}
    for node in nodes.values():
        if node.block:
            found.setdefault(node.block, []).append(node)
    return found


def _block_runs(nodes: dict, graph: nx.DiGraph) -> tuple[dict, dict]:
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
    return _structure(first, previous, graph) == _structure(members, name, graph) and _chained(
        graph, runs[previous][-1], members
    )


def _clusters(nodes: dict, block_types: dict, runs: dict, graph: nx.DiGraph) -> list[Cluster]:
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
    last = graph.nodes[copies[-1][0]].get("block") or name
    params = sum(graph.nodes[m].get("params") or 0 for copy in copies for m in copy)
    return f"{local(name)} … {local(last)} ×{len(copies)}{kind} · {params:,} params"


def _parent(name: str) -> str | None:
    return name.rsplit(".", 1)[0] if "." in name else None
