"""Analyse stage: shapes, weights, MACs and memory of every layer, without TensorFlow.

Each layer's record comes back as a copy with its figures filled in; the copy replaces the
record on the graph's node, and the Analysis lists them in declaration order.
MACs follow the convention in layers/base.py (FLOPs = 2 x MACs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import networkx as nx

from ..layers import ShapeError, lookup, rule_for
from ..layers.base import fmt_shape
from ..problems import Problem, SpecError
from .expand import FlatSpec, Layer
from .graph import build_order
from .numbers import check_count
from .ports import initial_state_problem, shape_of
from .train_schema import default, optimizer_parts

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "int32": 4, "int64": 8, "uint8": 1}


@dataclass
class Analysis:
    """Every layer's analysed record, in declaration order (the table's rows), with totals."""

    name: str
    inputs: dict
    rows: list  # of Layer
    outputs: list
    optimizer: str = "Adam"
    dynamic: list = field(default_factory=list)
    train: dict = field(default_factory=dict)  # the spec's train: section (optimizer settings, precision)

    def total(self, attr: str) -> int:
        """The sum of the known figures: the exact total when `unknown(attr)` is empty, else a lower bound."""
        return sum(getattr(r, attr) or 0 for r in self.rows)

    def unknown(self, attr: str) -> list[str]:
        """Names of the layers whose figure `attr` is not known statically."""
        return [r.name for r in self.rows if getattr(r, attr) is None]

    def exact(self, attr: str) -> int | None:
        """The total of `attr`, or None when some layer's figure is unknown."""
        return None if self.unknown(attr) else self.total(attr)

    @property
    def complete(self) -> bool:
        return all(r.static for r in self.rows)

    def memory_unknown(self) -> list[str]:
        """Layers that the memory estimate cannot count (weights or output size unknown): it is a lower bound."""
        return [r.name for r in self.rows if r.params is None or r.activations is None]


def _optimizer_name(train: dict) -> str:
    return optimizer_parts(train.get("optimizer", default("optimizer")))[0]


def analyse(spec: FlatSpec, graph: nx.DiGraph, infer=None) -> Analysis:
    """Compute every static figure; raise SpecError naming the layer and shapes on a mismatch.

    `infer(layer, input_shapes)` may give (output shape, trainable, non-trainable) for a layer
    without static rules (from Keras, at the edge); the layers after it are then analysed from it.
    """
    problems: list[Problem] = []
    for name, tensor in spec.inputs.items():
        too_large = check_count("its elements", math.prod(d or 1 for d in tensor["shape"]))
        if too_large:
            problems.append(spec.doc.problem((*spec.input_path(name), "shape"), f"input '{name}': {too_large}"))
    if problems:
        raise SpecError(problems)
    analysed = {}
    for layer in build_order(spec, graph):
        shapes = [shape_of(graph, s) for s in layer.inputs]  # duplicates kept: self-attention reads [x, x]
        analysed[layer.name] = graph.nodes[layer.name]["layer"] = _analyse_layer(layer, shapes, spec, problems, infer)
    if problems:
        raise SpecError(problems)
    ordered = [analysed[layer.name] for layer in spec.layers]
    dynamic = [r.name for r in ordered if not r.static]
    return Analysis(
        spec.name, spec.inputs, ordered, list(spec.outputs), _optimizer_name(spec.train), dynamic, dict(spec.train)
    )


def _analyse_layer(layer: Layer, shapes, spec, problems, infer=None) -> Layer:
    """A copy of `layer` with its static figures (those Keras alone can tell stay None)."""
    core = rule_for(layer.type, layer.args)
    known = lookup(layer.type)
    family = known.family if known else "other"
    blank = replace(layer, output_shape=None, trainable=None, non_trainable=None, macs=None, label="", family=family)
    if core is None:
        figures = infer(layer, shapes) if infer is not None else None
        if figures is None:
            return blank
        output_shape, trainable, non_trainable = figures
        return replace(blank, output_shape=output_shape, trainable=trainable, non_trainable=non_trainable)
    args = core.with_defaults(layer.args)
    try:
        blank.label = core.label(args)
    except (KeyError, TypeError, ValueError):
        pass
    if any(s is None for s in shapes):
        return blank
    states = core.states(args)
    try:
        core.check_rank(shapes[:1] if states else shapes)  # the further inputs are the initial state
        out = core.shape(args, shapes)
        weights = core.weights(args, shapes)
        macs = core.macs(args, shapes, out)
        state_shape = tuple(core.state_shape(args, shapes[:1])) if states else None
    except ShapeError as exc:
        problems.append(layer.problem(spec.doc, f"layer '{layer.name}': {_name_the_inputs(str(exc), layer, shapes)}"))
        return blank
    wrong_state = initial_state_problem(layer, shapes)
    if wrong_state:
        problems.append(spec.doc.problem(layer.origin + ("inputs",), wrong_state))
        return blank
    row = replace(
        blank,
        output_shape=tuple(out),
        state_shapes={port: state_shape for port in core.ports(args)},
        trainable=sum(w.size for w in weights.values() if w.trainable),
        non_trainable=sum(w.size for w in weights.values() if not w.trainable),
        macs=macs,
    )
    too_large = (
        check_count("its output's elements", row.activations)
        or check_count("its parameters", row.params)
        or check_count("its multiply-adds", macs)
    )
    if too_large:
        problems.append(layer.problem(spec.doc, f"layer '{layer.name}': {too_large}"))
        return blank  # unknown: no layer after it is checked
    return row


ELEMENTWISE = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"}


def _name_the_inputs(message: str, layer, shapes) -> str:
    """A shape message of a layer with several inputs names each input with its shape, and suggests a fix."""
    joined = ", ".join(map(fmt_shape, shapes))
    names = layer.inputs
    if len(shapes) < 2 or len(names) != len(shapes) or not message.endswith(joined):
        return message
    named = " vs ".join(f"{name} {fmt_shape(shape)}" for name, shape in zip(names, shapes, strict=True))
    message = f"{message[: -len(joined)]}{named}"
    return message + _merge_hint(layer, names, shapes)


def _merge_hint(layer, names, shapes) -> str:
    if layer.type not in ELEMENTWISE or len({len(s) for s in shapes}) != 1:
        return ""
    if len({s[:-1] for s in shapes}) == 1:  # only the channels differ
        widest = max(s[-1] for s in shapes if s[-1] is not None)
        narrow = [n for n, s in zip(names, shapes, strict=True) if s[-1] != widest]
        project = "a 1x1 convolution" if len(shapes[0]) >= 3 else "a Dense layer"
        return f"; to match, project {', '.join(narrow)} to {widest} channels with {project}, or use Concatenate"
    return "; the other axes differ: check the strides, pooling or padding on one branch"
