"""The boxes, arrows and clusters of a diagram, and a node per layer to start from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import networkx as nx

from ..compiler.graph import ordered_inputs, record
from ..layers import CORE


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
    ports: str = ""  # the source's further outputs it carries ("h, c" for an initial state), shown as its label


@dataclass
class Cluster:
    id: str
    label: str
    nodes: list
    parent: str | None


def layer_nodes(spec) -> dict:
    graph = spec.graph
    nodes = {}
    for name in [*spec.flat.inputs, *(layer.name for layer in spec.flat.layers)]:
        layer = record(graph, name)
        sources = ordered_inputs(graph, name)
        nodes[name] = Node(
            id=name,
            kind=layer.kind,
            type=layer.type,
            family=layer.family,
            args=layer.label or _opaque_args(layer),
            members=[name],
            heads=[name],
            in_shape=record(graph, sources[0]).output_shape if sources else None,
            shape=layer.output_shape,
            params=layer.params,
            block=layer.block,
            signature=(signature(graph, name),),
        )
    return nodes


def _opaque_args(layer) -> str:
    """A layer without netspec rules (shapes come from Keras) shows its arguments as given."""
    if layer.kind != "layer" or layer.type in CORE:
        return ""
    text = ", ".join(f"{k}={json.dumps(v)}" for k, v in layer.args.items())
    return text if len(text) <= 40 else text[:39] + "…"


def signature(graph: nx.DiGraph, name: str) -> tuple:
    layer = record(graph, name)
    return (layer.type, json.dumps(layer.args, sort_keys=True, default=str))


def add(a, b):
    return None if a is None or b is None else a + b


def owner_map(nodes: dict) -> dict:
    return {member: node.id for node in nodes.values() for member in node.members}
