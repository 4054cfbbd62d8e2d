"""Regularisation layers: active in training only, shape-preserving, weightless."""

from __future__ import annotations

from . import args as A
from .base import LayerType


def _same(a, inputs):
    return inputs[0]


DROPOUT = LayerType(
    name="Dropout",
    family="regularization",
    doc="Sets a random fraction `rate` of inputs to 0 during training.",
    args={
        "rate": A.rate("Fraction of inputs to drop, in [0, 1)."),
        "noise_shape": {
            "anyOf": [{"type": "array", "items": {"type": ["integer", "null"]}}, {"type": "null"}],
            "default": None,
            "description": "Shape of the dropout mask (batch included).",
        },
        "seed": A.SEED,
    },
    required=("rate",),
    positional="rate",
    shape=_same,
    label=lambda a: f"{a['rate']:g}",
)

SPATIAL_DROPOUT2D = LayerType(
    name="SpatialDropout2D",
    family="regularization",
    doc="Drops whole feature maps (channels) during training.",
    args={"rate": A.rate("Fraction of channels to drop."), "data_format": A.DATA_FORMAT, "seed": A.SEED},
    required=("rate",),
    positional="rate",
    shape=_same,
    label=lambda a: f"{a['rate']:g}",
    ranks=(3,),
)

LAYERS = [DROPOUT, SPATIAL_DROPOUT2D]
