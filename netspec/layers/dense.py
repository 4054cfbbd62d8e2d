"""Dense, EinsumDense and Embedding: the layers that map axes through a weight tensor."""

from __future__ import annotations

import math
import re

from . import args as A
from .base import LayerType, ShapeError, Weight, fmt_shape, prod


def _dense_shape(a, inputs):
    x = inputs[0]
    if x[-1] is None:
        raise ShapeError(f"Dense needs a known last dimension; received {fmt_shape(x)}")
    return (*x[:-1], a["units"])


def _dense_weights(a, inputs):
    w = {"kernel": Weight((inputs[0][-1], a["units"]))}
    if a["use_bias"]:
        w["bias"] = Weight((a["units"],))
    return w


def _dense_label(a):
    return f"{a['units']}" + (f", {a['activation']}" if a.get("activation") else "")


DENSE = LayerType(
    name="Dense",
    family="dense",
    doc="Fully connected layer on the last axis.",
    args={
        "units": A.pos_int("Number of output units."),
        "activation": A.ACTIVATION,
        "use_bias": A.boolean("Add a bias per unit.", default=True),
        **A.weight_args("kernel", "bias"),
        "activity_regularizer": A.ACTIVITY_REGULARIZER,
    },
    required=("units",),
    positional="units",
    shape=_dense_shape,
    weights=_dense_weights,
    macs=lambda a, inputs, out: (prod(inputs[0]) or 0) * a["units"],
    label=_dense_label,
    ranks=(1, 2, 3, 4, 5),
)


def _embedding_shape(a, inputs):
    return (*inputs[0], a["output_dim"])


EMBEDDING = LayerType(
    name="Embedding",
    family="embedding",
    doc="Maps integer ids in [0, input_dim) to dense vectors.",
    args={
        "input_dim": A.pos_int("Vocabulary size."),
        "output_dim": A.pos_int("Size of each vector."),
        "embeddings_initializer": A.initializer("Initializer of the table.", "uniform"),
        "embeddings_regularizer": A.optional_object("Regularizer of the table."),
        "embeddings_constraint": A.optional_object("Constraint on the table."),
        "mask_zero": A.boolean("Treat id 0 as padding.", default=False),
        "activity_regularizer": A.ACTIVITY_REGULARIZER,
    },
    required=("input_dim", "output_dim"),
    shape=_embedding_shape,
    weights=lambda a, inputs: {"embeddings": Weight((a["input_dim"], a["output_dim"]))},
    label=lambda a: f"{a['input_dim']}→{a['output_dim']}",
    ranks=(1, 2),
)

_EQUATIONS = (  # Keras' three forms, with "..." written as 0: (pattern, left-elided)
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)"), False),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)"), True),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0"), False),
)


def _einsum(a, x) -> tuple:
    """(kernel shape, bias shape or None, output shape without batch), as Keras' EinsumDense derives them."""
    equation = a["equation"].replace("...", "0")
    match, left = next(((p.match(equation), left) for p, left in _EQUATIONS if p.match(equation)), (None, False))
    if match is None:
        raise ShapeError(
            f"EinsumDense equation '{a['equation']}' is not of the form ab,bc->ac, ...b,bc->...c or ab...,bc->ac..."
        )
    ins, ws, outs = match.groups()
    full = (None, *x)
    elided = len(full) - len(ins)
    if elided < 0:
        raise ShapeError(
            f"EinsumDense equation '{a['equation']}' names {len(ins)} input axes; input {fmt_shape(x)} has {len(full)}"
        )
    given = a["output_shape"]
    out = [None, *([given] if isinstance(given, int) else given)]
    if elided > 0 and left:
        out[1:1] = full[1:elided]
    elif elided > 0:
        out += full[len(full) - elided :]
    in_at = {c: (i + elided if left else i) for i, c in enumerate(ins)}
    out_at = {c: (i + elided if left else i) for i, c in enumerate(outs)}
    if len(out) != len(outs) + elided:
        raise ShapeError(f"EinsumDense output_shape {given} does not fit the output axes '{outs}' of '{a['equation']}'")
    for c in ins:
        if c in out_at and out[out_at[c]] is not None and out[out_at[c]] != full[in_at[c]]:
            raise ShapeError(
                f"EinsumDense axis '{c}' is {full[in_at[c]]} in input {fmt_shape(x)} but {out[out_at[c]]} in output_shape {given}"
            )
    kernel = []
    for c in ws:
        if c not in out_at and c not in in_at:
            raise ShapeError(
                f"EinsumDense weight axis '{c}' of '{a['equation']}' is in neither the input nor the output"
            )
        kernel.append(out[out_at[c]] if c in out_at else full[in_at[c]])
    if any(d is None for d in kernel):
        raise ShapeError(f"EinsumDense needs known sizes for its weight axes '{ws}'; received input {fmt_shape(x)}")
    bias = None
    if a["bias_axes"]:
        if any(c not in outs for c in a["bias_axes"]):
            raise ShapeError(f"EinsumDense bias_axes '{a['bias_axes']}' are not all output axes of '{a['equation']}'")
        first = min(outs.find(c) for c in a["bias_axes"])
        size = {c: out[i + (elided if left else 0)] for i, c in enumerate(outs)}
        bias = [size[c] if c in a["bias_axes"] else 1 for c in outs[first:]]
        if not left:
            bias += [1] * elided
    contracted = math.prod(d for c, d in zip(ws, kernel, strict=True) if c not in outs)
    return tuple(kernel), bias and tuple(bias), tuple(out[1:]), contracted


def _einsum_weights(a, inputs):
    kernel, bias, _, _ = _einsum(a, inputs[0])
    return {"kernel": Weight(kernel), **({"bias": Weight(bias)} if bias else {})}


def _einsum_macs(a, inputs, out):
    """Each output element sums over the kernel's contracted axes."""
    size = prod(out)
    return None if size is None else size * _einsum(a, inputs[0])[3]


EINSUM_DENSE = LayerType(
    name="EinsumDense",
    family="dense",
    doc="A dense layer written as an einsum equation between the input and a kernel.",
    args={
        "equation": {
            "type": "string",
            "description": "e.g. ab,bc->ac or ...b,bc->...c (the first input axis is the batch).",
        },
        "output_shape": {
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {"type": "array", "items": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]}},
            ],
            "description": "Output shape without the batch axis (null where the input gives it).",
        },
        "activation": A.ACTIVATION,
        "bias_axes": {
            "anyOf": [{"type": "string", "pattern": "^[a-zA-Z]+$"}, {"type": "null"}],
            "default": None,
            "description": "Output axes that get a bias.",
        },
        **A.weight_args("kernel", "bias"),
        "activity_regularizer": A.ACTIVITY_REGULARIZER,
    },
    required=("equation", "output_shape"),
    shape=lambda a, inputs: _einsum(a, inputs[0])[2],
    weights=_einsum_weights,
    macs=_einsum_macs,
    label=lambda a: a["equation"],
)

LAYERS = [DENSE, EINSUM_DENSE, EMBEDDING]
