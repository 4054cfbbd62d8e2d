"""Activation layers: element-wise, shape-preserving, weightless."""

from __future__ import annotations

from . import args as A
from .base import LayerType, ShapeError, Weight, fmt_shape, same_shape

_same = same_shape

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

ELU = LayerType(
    name="ELU",
    family="activation",
    doc="Exponential linear unit.",
    args={"alpha": A.number("Scale of the negative part.", default=1.0)},
    positional="alpha",
    shape=_same,
    label=lambda a: f"elu α={a['alpha']:g}",
)


def _prelu_weights(a, inputs):
    x = inputs[0]
    shared = set(_shared_axes(a))
    shape = tuple(1 if i + 1 in shared else d for i, d in enumerate(x))
    if any(d is None for d in shape):
        raise ShapeError(f"PReLU needs known sizes on its unshared axes; received {fmt_shape(x)}")
    return {"alpha": Weight(shape)}


def _shared_axes(a) -> list:
    axes = a["shared_axes"]
    return [] if axes is None else [axes] if isinstance(axes, int) else list(axes)


PRELU = LayerType(
    name="PReLU",
    family="activation",
    doc="Leaky ReLU with a learned slope per element (shared along `shared_axes`).",
    args={
        **{k.replace("kernel", "alpha"): v for k, v in A.weight_args("kernel").items()},
        "alpha_initializer": A.initializer("Initializer of the slopes.", "Zeros"),
        "shared_axes": {
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {"type": "array", "items": {"type": "integer", "minimum": 1}},
                {"type": "null"},
            ],
            "default": None,
            "description": "Axes (1 = first after batch) along which one slope is shared, e.g. [1, 2] for images.",
        },
    },
    shape=_same,
    weights=_prelu_weights,
)

LAYERS = [ACTIVATION, RELU, LEAKY_RELU, SOFTMAX, ELU, PRELU]
