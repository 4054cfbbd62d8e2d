"""Encoding layers given their vocabulary by arguments: CategoryEncoding, Hashing, Discretization.

Layers whose state is learned from data (`adapt()`), such as StringLookup or a Discretization
given only `num_bins`, have no static rule: see the registry.
"""

from __future__ import annotations

from . import args as A
from .base import LayerType

MODES = ["int", "one_hot", "multi_hot", "count"]


def encoded(x, depth: int, mode: str):
    """Output shape of integer ids `x` encoded into `depth` categories, as Keras' encoding layers give it."""
    if mode == "int":
        return tuple(x)
    if mode == "one_hot" and x[-1] != 1:
        return (*x, depth)
    return (*x[:-1], depth)


def _category_shape(a, inputs):
    return encoded(inputs[0], a["num_tokens"], a["output_mode"])


def _output_mode(modes, default: str) -> dict:
    return A.enum(
        modes, "int: ids; one_hot: one vector per id; multi_hot/count: one vector per example.", default=default
    )


_SPARSE = A.enum([False], "Dense output only (a sparse tensor cannot feed the other layers).", default=False)

CATEGORY_ENCODING = LayerType(
    name="CategoryEncoding",
    family="encoding",
    doc="Encodes integer ids in [0, num_tokens) as one-hot, multi-hot or count vectors.",
    args={
        "num_tokens": A.pos_int("Number of categories."),
        "output_mode": _output_mode(MODES[1:], "multi_hot"),
        "sparse": _SPARSE,
    },
    required=("num_tokens",),
    shape=_category_shape,
    label=lambda a: f"{a['output_mode']} {a['num_tokens']}",
    ranks=(1,),
)

HASHING = LayerType(
    name="Hashing",
    family="encoding",
    doc="Hashes values into `num_bins` integer bins.",
    args={
        "num_bins": A.pos_int("Number of bins (including the mask bin if mask_value is set)."),
        "mask_value": {
            "anyOf": [{"type": ["integer", "string"]}, {"type": "null"}],
            "default": None,
            "description": "Value hashed to bin 0.",
        },
        "salt": {
            "anyOf": [
                {"type": "integer"},
                {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
                {"type": "null"},
            ],
            "default": None,
            "description": "Key of the keyed hash (SipHash64).",
        },
        "output_mode": _output_mode(MODES, "int"),
        "sparse": _SPARSE,
    },
    required=("num_bins",),
    shape=lambda a, inputs: encoded(inputs[0], a["num_bins"], a["output_mode"]),
    label=lambda a: f"{a['num_bins']} bins",
    ranks=(1, 2),
)


DISCRETIZATION = LayerType(
    name="Discretization",
    family="encoding",
    doc="Buckets values by `bin_boundaries` (learning the boundaries from data with adapt() has no static rule).",
    args={
        "bin_boundaries": {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 1,
            "description": "Increasing boundaries; n boundaries give n + 1 buckets.",
        },
        "num_bins": {"type": "null", "default": None, "description": "Only for adapt(), which has no static rule."},
        "epsilon": A.number("Error tolerance of adapt().", default=0.01),
        "output_mode": _output_mode(MODES, "int"),
        "sparse": _SPARSE,
    },
    required=("bin_boundaries",),
    shape=lambda a, inputs: encoded(inputs[0], len(a["bin_boundaries"]) + 1, a["output_mode"]),
    label=lambda a: f"{len(a['bin_boundaries']) + 1} buckets",
    ranks=(1, 2),
)

LAYERS = [CATEGORY_ENCODING, HASHING, DISCRETIZATION]
