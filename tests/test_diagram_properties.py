"""Invariants of the diagram view over generated specs, for every combination of options (no `dot`, no TensorFlow)."""

from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import example, given, settings
from hypothesis import strategies as st

import netspec
from netspec.diagram import build_view, to_dot, to_mermaid

ITEMS = [
    "  - Conv2D: {filters: 8, kernel_size: 3, padding: same}",
    "  - Conv2D: {filters: 4, kernel_size: 1}",
    "  - Activation: relu",
    "  - ReLU",
    "  - Dropout: 0.5",
    "  - BatchNormalization",
    "  - res: {filters: 8}",
    "  - res: {filters: 4}",
]
HEAD = """\
netspec: 1
name: generated
input: {shape: [8, 8, 4]}
blocks:
  res:
    params: {filters: 8}
    layers:
      - Conv2D: {filters: "${filters}", kernel_size: 3, padding: same}
      - ReLU
      - Conv2D: {filters: "${filters}", kernel_size: 1}
        name: proj
        inputs: in
      - Add:
        inputs: [re_lu_1, proj]
layers:
"""
OPTIONS = [dict(compact=c, blocks=b, collapse_blocks=k) for c, b, k in itertools.product((False, True), repeat=3)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=12))
@example(items=[ITEMS[7], ITEMS[7], ITEMS[6], ITEMS[6]])  # two runs of instances: the arrow between them was lost
def test_every_layer_is_drawn_once_and_the_picture_is_a_dag(items):
    spec = netspec.loads(HEAD + "\n".join(items) + "\n")
    layers = {*spec.flat.inputs, *(layer.name for layer in spec.flat.layers)}
    for options in OPTIONS:
        view = build_view(spec, **options)
        members = [m for node in view.nodes.values() for m in node.members]
        assert sorted(members) == sorted(layers), options  # a partition: nothing lost, nothing twice
        drawn = nx.DiGraph([(e.source, e.target) for e in view.edges])
        drawn.add_nodes_from(view.nodes)
        assert set(drawn) == set(view.nodes), options  # edges join drawn nodes only
        assert nx.is_directed_acyclic_graph(drawn), options
        assert nx.is_weakly_connected(drawn), options
        assert to_dot(view) == to_dot(build_view(spec, **options))  # same spec, same bytes
        assert to_mermaid(view).count("-->") == len(view.edges)
