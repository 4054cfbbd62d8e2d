"""Graph stage: the expanded spec as a networkx DiGraph (the IR every emitter reads).

Nodes are input and layer names. A node's one attribute, `layer`, is the layer's record
(compiler/expand/record.Layer: type, arguments, block, and after analysis its shape, the shapes
of any further outputs (`state_shapes`), parameters, MACs, label and family). Edges carry
`index`, the position of the source among the target's inputs, and `ports`: the source's
outputs that the target reads, in order ("" for the main output, "h" for `enc:h`).
"""

from __future__ import annotations

import networkx as nx

from .expand import FlatSpec, Layer
from .ports import split


def build_graph(spec: FlatSpec) -> nx.DiGraph:
    """The DAG of inputs and layers, in declaration order."""
    graph = nx.DiGraph(name=spec.name, outputs=list(spec.outputs))
    for record in [*spec.input_records(), *spec.layers]:
        graph.add_node(record.name, layer=record)
    for layer in spec.layers:
        for index, ref in enumerate(layer.inputs):
            source, port = split(ref)
            ports = graph.edges[source, layer.name]["ports"] if graph.has_edge(source, layer.name) else ()
            graph.add_edge(source, layer.name, index=index, ports=(*ports, port))
    return graph


def record(graph: nx.DiGraph, name: str) -> Layer:
    """The record of layer or input `name` (analysed, once the graph has been through analysis)."""
    return graph.nodes[name]["layer"]


def ordered_inputs(graph: nx.DiGraph, node: str) -> list[str]:
    """The node's input names in the order the layer receives them."""
    return [u for u, _, _ in sorted(graph.in_edges(node, data="index"), key=lambda e: e[2])]


def build_order(spec: FlatSpec, graph: nx.DiGraph) -> list:
    """The spec's layers in the order they are built: topological, ties kept in declaration order."""
    by_name = {layer.name: layer for layer in spec.layers}
    order = {layer.name: i for i, layer in enumerate(spec.layers)}
    nodes = nx.lexicographical_topological_sort(graph, key=lambda n: order.get(n, -1))
    return [by_name[n] for n in nodes if n in by_name]
