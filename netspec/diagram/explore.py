"""The explorer's hierarchy: every layer, inside the runs of identical layers (×N), block instances and runs of
identical block instances that hold it. Each group can be shown folded (one node) or open (its children).

Groups come from the static view's own rules (compact.merge_runs, blocks.merge_block_runs), so a ×N run
on the page is the ×N run of `--compact`. Every item records the figures the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..compiler.graph import ordered_inputs, record
from ..compiler.ports import state_edges
from ..layers import CORE
from .blocks import instance_types, merge_block_runs
from .compact import fold_into_previous, merge_runs
from .labels import shape_text
from .nodes import layer_nodes

ROOT = "<root>"


@dataclass
class Item:
    """One thing the page can draw as a node: a layer, an input, or a group of items."""

    id: str
    kind: str  # root, input, layer, block, run, blockrun
    type: str
    family: str
    detail: str  # key arguments of a layer; "N layers" of a group
    members: list  # layer names, in declaration order
    parent: str | None
    line: int | None = None
    args: dict = field(default_factory=dict)
    children: list = field(default_factory=list)
    in_shape: tuple | None = None
    shape: tuple | None = None
    trainable: int | None = 0
    non_trainable: int | None = 0
    macs: int | None = 0
    activation_bytes: int | None = 0
    count: int = 1

    @property
    def group(self) -> bool:
        return self.kind in ("root", "block", "run", "blockrun")


@dataclass
class Tree:
    items: dict  # id -> Item, parents before children
    chains: dict  # layer name -> [its own id, ..., ROOT]
    edges: list  # (source layer, target layer, shape or None, shortcut)


def _sum(a, b):
    return None if a is None or b is None else a + b


def build_tree(spec) -> Tree:
    """Every layer and group of the spec, with each layer's chain of groups up to the root."""
    graph = spec.graph
    run_of, runs = _layer_runs(spec)
    blockrun_of, blockruns = _block_runs(spec)
    block_types = instance_types(spec)
    items = {ROOT: Item(ROOT, "root", "", "block", "", [], None)}
    chains = {}
    for name in [*spec.flat.inputs, *(layer.name for layer in spec.flat.layers)]:
        chain = [name]
        if name in run_of:
            chain.append(run_of[name])
        instance = record(graph, name).block
        while instance:
            chain.append(instance)
            if instance in blockrun_of:
                chain.append(blockrun_of[instance])
            instance = instance.rpartition(".")[0]
        chain.append(ROOT)
        chains[name] = chain
        for child, parent in zip(reversed(chain[:-1]), reversed(chain[1:]), strict=True):
            if child not in items:
                items[child] = _new_item(child, parent, spec, runs, blockruns, block_types)
                items[parent].children.append(child)
        for group in chain[1:]:
            _add_member(items[group], items[name])
    for item in items.values():
        if item.group and item.kind != "root":
            item.detail = (
                f"{len(item.members)} layers"
                if item.count == 1
                else f"{item.count} × {len(item.members) // item.count} layers"
            )
    return Tree(items, chains, _edges(graph, items))


def _layer_runs(spec) -> tuple[dict, dict]:
    """Layer -> its run's id, and run id -> (first and last head, count), for runs of identical layers."""
    graph = spec.graph
    run_of, runs = {}, {}
    for node in merge_runs(fold_into_previous(layer_nodes(spec), graph), graph).values():
        if node.count > 1:
            run_id = f"{node.heads[0]} … {node.heads[-1]}"
            runs[run_id] = (node.type, node.count, node.block)
            for member in node.members:
                run_of[member] = run_id
    return run_of, runs


def _block_runs(spec) -> tuple[dict, dict]:
    """Block instance -> its run's id, for runs of identical consecutive block instances."""
    graph = spec.graph
    _, found = merge_block_runs(layer_nodes(spec), graph)
    blockrun_of, blockruns = {}, {}
    for first, copies in found.items():
        last = record(graph, copies[-1][0]).block
        run_id = f"{first} … {last}"
        blockruns[run_id] = len(copies)
        for copy in copies:
            blockrun_of[record(graph, copy[0]).block] = run_id
    return blockrun_of, blockruns


def _new_item(name, parent, spec, runs, blockruns, block_types) -> Item:
    graph = spec.graph
    if name in runs:
        kind, count, _ = runs[name]
        return Item(
            name,
            "run",
            f"{kind} ×{count}",
            record(graph, name.split(" … ")[0]).family,
            "",
            [],
            parent,
            count=count,
        )
    if name in blockruns:
        first = name.split(" … ")[0]
        kind = block_types.get(first, "block")
        return Item(
            name,
            "blockrun",
            f"{kind} ×{blockruns[name]}",
            "block",
            "",
            [],
            parent,
            count=blockruns[name],
            line=_block_line(spec, kind),
        )
    if name not in graph.nodes:
        kind = block_types.get(name, "block")
        return Item(name, "block", kind, "block", "", [], parent, line=_block_line(spec, kind))
    layer = record(graph, name)
    sources = ordered_inputs(graph, name)
    core = CORE.get(layer.type)
    return Item(
        name,
        layer.kind,
        layer.type,
        layer.family,
        layer.label,
        [],
        parent,
        line=spec.doc.where(layer.type_origin or layer.origin, key=layer.kind == "layer")[0],
        args=core.with_defaults(layer.args) if core else dict(layer.args),
        in_shape=record(graph, sources[0]).output_shape if sources else None,
        shape=layer.output_shape,
        trainable=layer.trainable,
        non_trainable=layer.non_trainable,
        macs=layer.macs,
        activation_bytes=None if layer.activations is None else 4 * layer.activations,
    )


def _block_line(spec, kind: str) -> int | None:
    blocks = spec.doc.data.get("blocks") if isinstance(spec.doc.data, dict) else None
    return spec.doc.where(("blocks", kind), key=True)[0] if isinstance(blocks, dict) and kind in blocks else None


def _add_member(group: Item, layer: Item) -> None:
    if not group.members:
        group.in_shape = layer.in_shape
    group.members.append(layer.id)
    group.shape = layer.shape
    for attr in ("trainable", "non_trainable", "macs", "activation_bytes"):
        setattr(group, attr, _sum(getattr(group, attr), getattr(layer, attr)))


def _edges(graph, items: dict) -> list:
    """Every layer-to-layer edge: the tensor's shape where it changes, and whether it is a shortcut."""
    order = {name: k for k, name in enumerate(nx.topological_sort(graph))}
    edges = []
    for target in graph.nodes:
        for source in ordered_inputs(graph, target):
            src = items[source]
            changed = src.kind == "input" or src.shape != src.in_shape
            skip = any(_reaches(graph, order, s, target) for s in graph.successors(source) if s != target)
            ports = state_edges(graph, source, target)  # an initial state: labelled with its ports, not a shape
            edges.append((source, target, ports or (src.shape if changed else None), skip))
    return edges


def _reaches(graph, order: dict, start: str, target: str) -> bool:
    """Whether a path leads from `start` to `target`; only layers before `target` in topological order can be on it,
    so a block's shortcut costs the size of the block, not of the network."""
    limit, stack, seen = order[target], [start], {start}
    while stack:
        node = stack.pop()
        if node == target:
            return True
        for succ in graph.successors(node):
            if succ not in seen and order[succ] <= limit:
                seen.add(succ)
                stack.append(succ)
    return False


def shape_label(shape) -> str:
    """An edge's label: its tensor's shape, or the ports it carries (a string such as "h, c")."""
    if isinstance(shape, str):
        return shape
    return "" if shape is None else shape_text(shape)


def initial_open(tree: Tree, flat_limit: int) -> list[str]:
    """Groups open when the page loads: all of them for a model of at most `flat_limit` layers, else none."""
    if len(tree.chains) <= flat_limit:
        return [i for i, item in tree.items.items() if item.group]
    return [ROOT]
