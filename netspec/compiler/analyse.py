"""Analyse stage: shapes, weights, MACs and memory of every layer, without TensorFlow.

Results are recorded on the graph's nodes and returned as an Analysis.
MACs follow the convention in layers/base.py (FLOPs = 2 x MACs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

from ..layers import CORE, ShapeError, lookup
from ..problems import Problem, SpecError
from .expand import FlatSpec
from .graph import build_order, ordered_inputs
from .numbers import check_count

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "int32": 4, "int64": 8, "uint8": 1}
OPTIMIZER_SLOTS = {
    "Adam": 2,
    "AdamW": 2,
    "Nadam": 2,
    "Adamax": 2,
    "Adadelta": 2,
    "Ftrl": 2,
    "RMSprop": 1,
    "Adagrad": 1,
    "Lion": 1,
    "SGD": 0,
}


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

    @property
    def static(self) -> bool:
        return self.output_shape is not None and self.trainable is not None

    @property
    def params(self) -> int | None:
        return None if self.trainable is None else self.trainable + self.non_trainable

    @property
    def activations(self) -> int | None:
        """Elements of this layer's output, per example."""
        if self.output_shape is None or any(d is None for d in self.output_shape):
            return None
        return math.prod(self.output_shape)


@dataclass
class Analysis:
    """Every layer's figures, in declaration order, with totals."""

    name: str
    inputs: dict
    rows: list
    outputs: list
    optimizer: str = "Adam"
    dynamic: list = field(default_factory=list)

    def total(self, attr: str) -> int:
        return sum(getattr(r, attr) or 0 for r in self.rows)

    @property
    def complete(self) -> bool:
        return all(r.static for r in self.rows)

    def training_memory(self, batch_size: int) -> dict:
        """Estimated bytes to train with float32 weights at this batch size.

        weights + gradients + optimizer slots (per trainable weight) + the
        outputs of every layer and input kept for the backward pass.
        """
        slots = OPTIMIZER_SLOTS.get(self.optimizer, 2)
        trainable = self.total("trainable")
        params = trainable + self.total("non_trainable")
        inputs = sum(
            math.prod(d or 1 for d in t["shape"]) * DTYPE_BYTES.get(t.get("dtype", "float32"), 4)
            for t in self.inputs.values()
        )
        acts = 4 * self.total("activations") + inputs
        memory = {
            "weights": 4 * params,
            "gradients": 4 * trainable,
            "optimizer": 4 * trainable * slots,
            "activations": batch_size * acts,
        }
        memory["total"] = sum(memory.values())
        return memory


def _optimizer_name(train: dict) -> str:
    opt = train.get("optimizer", "Adam")
    return next(iter(opt)) if isinstance(opt, dict) else str(opt)


def analyse(spec: FlatSpec, graph: nx.DiGraph) -> Analysis:
    """Compute every static figure; raise SpecError naming the layer and shapes on a mismatch."""
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
        sources = ordered_inputs(graph, node)
        shapes = [graph.nodes[s].get("output_shape") for s in sources]
        row = _analyse_layer(layer, shapes, spec, problems)
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
        )
    if problems:
        raise SpecError(problems)
    ordered = [rows[layer.name] for layer in spec.layers]
    dynamic = [r.name for r in ordered if not r.static]
    return Analysis(spec.name, spec.inputs, ordered, list(spec.outputs), _optimizer_name(spec.train), dynamic)


def _analyse_layer(layer, shapes, spec, problems) -> Row:
    core = CORE.get(layer.type)
    family = core.family if core else (lookup(layer.type).family if lookup(layer.type) else "other")
    row = Row(layer.name, layer.type, [], None, None, None, None, family=family, block=layer.block)
    if core is None:
        return row
    args = core.with_defaults(layer.args)
    try:
        row.label = core.label(args)
    except (KeyError, TypeError, ValueError):
        row.label = ""
    if any(s is None for s in shapes):
        return row
    try:
        core.check_rank(shapes)
        out = core.shape(args, shapes)
        weights = core.weights(args, shapes)
        macs = core.macs(args, shapes, out)
    except ShapeError as exc:
        where = spec.doc.problem(layer.type_origin, "")
        problems.append(Problem(where.path, where.line, where.col, f"layer '{layer.name}': {exc}"))
        return row
    row.output_shape = tuple(out)
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
