"""Analyse stage: shapes, weights, MACs and memory of every layer, without TensorFlow.

Results are recorded on the graph's nodes and returned as an Analysis.
MACs follow the convention in layers/base.py (FLOPs = 2 x MACs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

from ..layers import CORE, ShapeError, lookup
from ..layers.base import fmt_shape
from ..problems import Problem, SpecError
from ..train_schema import default, optimizer_parts
from .expand import FlatSpec
from .graph import build_order
from .numbers import check_count
from .ports import initial_state_problem, shape_of

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "int32": 4, "int64": 8, "uint8": 1}


@dataclass
class Row:
    """One layer's static figures; None where only Keras can tell."""

    name: str
    type: str
    inputs: list
    output_shape: tuple | None
    trainable: int | None
    non_trainable: int | None
    macs: int | None
    label: str = ""
    family: str = "other"
    block: str | None = None
    state_shapes: dict = field(default_factory=dict)  # port -> shape of each further output (return_state)

    @property
    def static(self) -> bool:
        return self.output_shape is not None and self.trainable is not None

    @property
    def params(self) -> int | None:
        return None if self.trainable is None else self.trainable + self.non_trainable

    @property
    def activations(self) -> int | None:
        """Elements of this layer's outputs (the main one and any states), per example."""
        shapes = [self.output_shape, *self.state_shapes.values()]
        if any(s is None or any(d is None for d in s) for s in shapes):
            return None
        return sum(math.prod(s) for s in shapes)


@dataclass
class Analysis:
    """Every layer's figures, in declaration order, with totals."""

    name: str
    inputs: dict
    rows: list
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
            path = ("input",) if "input" in spec.doc.data else ("inputs", name)
            problems.append(spec.doc.problem((*path, "shape"), f"input '{name}': {too_large}"))
    if problems:
        raise SpecError(problems)
    rows = {}
    for layer in build_order(spec, graph):
        node = layer.name
        data = graph.nodes[node]
        sources = list(layer.inputs)  # duplicates kept: self-attention reads [x, x]
        shapes = [shape_of(graph, s) for s in sources]
        row = _analyse_layer(layer, shapes, spec, problems, infer)
        row.inputs = sources
        rows[node] = row
        data.update(
            output_shape=row.output_shape,
            trainable=row.trainable,
            non_trainable=row.non_trainable,
            params=row.params,
            macs=row.macs,
            label=row.label,
            family=row.family,
            state_shapes=row.state_shapes,
        )
    if problems:
        raise SpecError(problems)
    ordered = [rows[layer.name] for layer in spec.layers]
    dynamic = [r.name for r in ordered if not r.static]
    return Analysis(
        spec.name, spec.inputs, ordered, list(spec.outputs), _optimizer_name(spec.train), dynamic, dict(spec.train)
    )


def _analyse_layer(layer, shapes, spec, problems, infer=None) -> Row:
    core = CORE.get(layer.type)
    family = core.family if core else (lookup(layer.type).family if lookup(layer.type) else "other")
    row = Row(layer.name, layer.type, [], None, None, None, None, family=family, block=layer.block)
    if core is None:
        figures = infer(layer, shapes) if infer is not None else None
        if figures is not None:
            row.output_shape, row.trainable, row.non_trainable = figures
        return row
    args = core.with_defaults(layer.args)
    try:
        row.label = core.label(args)
    except (KeyError, TypeError, ValueError):
        row.label = ""
    if any(s is None for s in shapes):
        return row
    states = core.states(args)
    try:
        core.check_rank(shapes[:1] if states else shapes)  # the further inputs are the initial state
        out = core.shape(args, shapes)
        weights = core.weights(args, shapes)
        macs = core.macs(args, shapes, out)
        state_shape = tuple(core.state_shape(args, shapes[:1])) if states else None
    except ShapeError as exc:
        where = spec.doc.problem(layer.type_origin, "")
        message = _name_the_inputs(str(exc), layer, shapes)
        problems.append(Problem(where.path, where.line, where.col, f"layer '{layer.name}': {message}"))
        return row
    wrong_state = initial_state_problem(layer, shapes)
    if wrong_state:
        problems.append(spec.doc.problem(layer.origin + ("inputs",), wrong_state))
        return row
    row.output_shape = tuple(out)
    row.state_shapes = {port: state_shape for port in core.ports(args)}
    row.trainable = sum(w.size for w in weights.values() if w.trainable)
    row.non_trainable = sum(w.size for w in weights.values() if not w.trainable)
    row.macs = macs
    too_large = (
        check_count("its output's elements", row.activations)
        or check_count("its parameters", row.trainable + row.non_trainable)
        or check_count("its multiply-adds", macs)
    )
    if too_large:
        where = spec.doc.problem(layer.type_origin, "")
        problems.append(Problem(where.path, where.line, where.col, f"layer '{layer.name}': {too_large}"))
        row.output_shape = row.trainable = row.non_trainable = row.macs = None  # unknown: no layer after it is checked
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
