"""Activation layers: element-wise, shape-preserving, weightless."""

from __future__ import annotations

from . import args as A
from .base import LayerType


def _same(a, inputs):
    return inputs[0]


ACTIVATION = LayerType(
    name="Activation",
    family="activation",
    doc="Applies a named activation function.",
    args={"activation": {"enum": A.ACTIVATIONS, "description": "A Keras activation name."}},
    required=("activation",),
    positional="activation",
    shape=_same,
    label=lambda a: a["activation"],
)

RELU = LayerType(
    name="ReLU",
    family="activation",
    doc="Rectified linear unit with optional cap, slope and threshold.",
    args={
        "max_value": {
            "anyOf": [{"type": "number", "minimum": 0}, {"type": "null"}],
            "default": None,
            "description": "Upper cap (6 gives ReLU6).",
        },
        "negative_slope": A.number("Slope below the threshold.", default=0.0, minimum=0),
        "threshold": A.number("Values below it are damped.", default=0.0),
    },
    shape=_same,
    label=lambda a: "relu" + (f" ≤{a['max_value']:g}" if a.get("max_value") is not None else ""),
)

LEAKY_RELU = LayerType(
    name="LeakyReLU",
    family="activation",
    doc="Leaky rectified linear unit.",
    args={"negative_slope": A.number("Slope for negative inputs.", default=0.3, minimum=0)},
    positional="negative_slope",
    shape=_same,
    label=lambda a: f"α={a['negative_slope']:g}",
)

SOFTMAX = LayerType(
    name="Softmax",
    family="activation",
    doc="Softmax over an axis.",
    args={"axis": A.axis()},
    shape=_same,
    label=lambda a: "softmax",
)

LAYERS = [ACTIVATION, RELU, LEAKY_RELU, SOFTMAX]
