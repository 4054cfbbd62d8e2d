"""Regularisation layers: active in training only, shape-preserving, weightless."""

from __future__ import annotations

from . import args as A
from .base import LayerType, same_shape

_NOISE_SHAPE = {
    "anyOf": [{"type": "array", "items": {"type": ["integer", "null"]}}, {"type": "null"}],
    "default": None,
    "description": "Shape of the dropout mask (batch included).",
}


def _rate_layer(name: str, doc: str, ranks=None, **extra) -> LayerType:
    return LayerType(
        name=name,
        family="regularization",
        doc=doc,
        args={"rate": A.rate("Fraction to drop, in [0, 1)."), **extra, "seed": A.SEED},
        required=("rate",),
        positional="rate",
        shape=same_shape,
        label=lambda a: f"{a['rate']:g}",
        ranks=ranks,
    )


def _spatial_dropout(n: int) -> LayerType:
    extra = {"data_format": A.DATA_FORMAT} if n > 1 else {}
    return _rate_layer(f"SpatialDropout{n}D", "Drops whole feature maps (channels) during training.", (n + 1,), **extra)


LAYERS = [
    _rate_layer("Dropout", "Sets a random fraction `rate` of inputs to 0 during training.", noise_shape=_NOISE_SHAPE),
    *(_spatial_dropout(n) for n in (1, 2, 3)),
    _rate_layer("GaussianDropout", "Multiplies inputs by 1-centred Gaussian noise of variance rate / (1 - rate)."),
    _rate_layer("AlphaDropout", "Dropout that keeps SELU's mean and variance.", noise_shape=_NOISE_SHAPE),
    LayerType(
        name="GaussianNoise",
        family="regularization",
        doc="Adds zero-centred Gaussian noise during training.",
        args={"stddev": A.number("Standard deviation of the noise.", minimum=0), "seed": A.SEED},
        required=("stddev",),
        positional="stddev",
        shape=same_shape,
        label=lambda a: f"σ={a['stddev']:g}",
    ),
    LayerType(
        name="ActivityRegularization",
        family="regularization",
        doc="Adds an L1/L2 penalty on its input to the loss; passes the input through.",
        args={
            "l1": A.number("L1 factor.", default=0.0, minimum=0),
            "l2": A.number("L2 factor.", default=0.0, minimum=0),
        },
        shape=same_shape,
    ),
]
