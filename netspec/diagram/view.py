"""What a diagram shows, decided once for every output format: nodes, edges and block clusters.

A node stands for one layer, or in compact mode for a layer with the
activation and dropout layers that follow it folded in, or for a run of
identical layers (×N); with collapsed blocks, for a whole block instance.
Node ids are layer (or block instance) names, so the output is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..compiler.graph import ordered_inputs, record
from ..compiler.ports import state_edges
from .blocks import block_clusters, collapse_instances, instance_types, merge_block_runs
from .compact import fold_into_previous, merge_runs
from .nodes import Edge, layer_nodes, owner_map


@dataclass
class View:
    name: str
    title: str
    direction: str
    totals: str
    description: str
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
    nodes = layer_nodes(spec)
    block_types = instance_types(spec)
    if compact:
        nodes = merge_runs(fold_into_previous(nodes, graph), graph)
    if collapse_blocks:
        nodes = collapse_instances(nodes, graph, block_types)
        if compact:
            nodes = merge_runs(nodes, graph)
    runs: dict = {}
    if compact and blocks and not collapse_blocks:
        nodes, runs = merge_block_runs(nodes, graph)
    edges = _edges(nodes, graph, runs)
    clusters = block_clusters(nodes, block_types, runs, graph) if (blocks and not collapse_blocks) else []
    analysis = spec.summary()
    params = analysis.total("trainable") + analysis.total("non_trainable")
    totals = f"{len(analysis.rows)} layers · {f'{params:,}' if analysis.complete else '?'} parameters"
    title = title if title is not None else spec.name
    return View(spec.name, title, direction, totals, spec.flat.description, nodes, edges, clusters)


def _edges(nodes: dict, graph: nx.DiGraph, runs: dict) -> list[Edge]:
    owner = owner_map(nodes)
    shortcuts = _shortcuts(graph)
    copy = {m: (first, k) for first, instances in runs.items() for k, inst in enumerate(instances) for m in inst}
    seen = set()
    edges = []
    for node in nodes.values():
        for member in node.members:
            for source in ordered_inputs(graph, member):
                pair = (owner[source], node.id)
                # within one run of identical instances, copy k feeding copy k + 1 is the ×N itself
                between_copies = (
                    source in copy
                    and member in copy
                    and copy[source][0] == copy[member][0]
                    and copy[source][1] != copy[member][1]
                )
                if pair[0] == pair[1] or pair in seen or between_copies:
                    continue
                seen.add(pair)
                src = nodes[pair[0]]
                tensor = record(graph, source).output_shape
                changed = src.kind == "input" or tensor != src.in_shape
                ports = state_edges(graph, source, member)
                shape = tensor if changed and not ports else None
                edges.append(Edge(pair[0], pair[1], shape, (source, member) in shortcuts, ports))
    return edges


def _shortcuts(graph: nx.DiGraph) -> set[tuple[str, str]]:
    """The edges source -> target where target is also reached through another successor of source.

    One search per layer with two successors or more, from all of them at once: the target is a
    shortcut exactly when the search reaches it. The search goes no further (in topological
    order) than the farthest successor, and stops once every successor but the nearest (which
    no other can reach) has been reached. So parallel branches cost one pass, a residual block
    is searched only as far as its own merge, and a chain whose every layer also feeds one
    final layer finds that layer at the first step.
    """
    position = {name: i for i, name in enumerate(nx.topological_sort(graph))}
    found = set()
    for source in graph:
        targets = sorted(graph.successors(source), key=position.__getitem__)
        if len(targets) < 2:
            continue
        limit = position[targets[-1]]
        wanted = set(targets[1:])
        missing = len(wanted)
        seen: set = set()
        stack = [v for u in targets for v in graph.successors(u) if position[v] <= limit]
        while stack and missing:
            v = stack.pop()
            if v not in seen:
                seen.add(v)
                missing -= v in wanted
                stack.extend(w for w in graph.successors(v) if position[w] <= limit and w not in seen)
        found.update((source, t) for t in wanted & seen)
    return found
