"""Dense and Embedding: the layers that map the last axis through a weight matrix."""

from __future__ import annotations

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
    },
    required=("input_dim", "output_dim"),
    shape=_embedding_shape,
    weights=lambda a, inputs: {"embeddings": Weight((a["input_dim"], a["output_dim"]))},
    label=lambda a: f"{a['input_dim']}→{a['output_dim']}",
    ranks=(1, 2),
)

LAYERS = [DENSE, EMBEDDING]
