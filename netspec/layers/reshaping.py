"""Reshaping layers: Flatten, Reshape, ZeroPadding2D, Cropping2D, UpSampling2D."""

from __future__ import annotations

import math

from . import args as A
from .base import LayerType, ShapeError, fmt_shape, ntuple, prod


def _flatten_shape(a, inputs):
    return (prod(inputs[0]),)


def _reshape_shape(a, inputs):
    x, target = inputs[0], list(a["target_shape"])
    if target.count(-1) > 1:
        raise ShapeError(f"Reshape target_shape {target} may hold at most one -1")
    total = prod(x)
    known = math.prod(d for d in target if d != -1)
    if -1 in target:
        if total is None:
            target[target.index(-1)] = None
        elif known == 0 or total % known:
            raise ShapeError(f"Reshape cannot fit input {fmt_shape(x)} ({total} values) into {a['target_shape']}")
        else:
            target[target.index(-1)] = total // known
    elif total is not None and total != known:
        raise ShapeError(
            f"Reshape target_shape {a['target_shape']} holds {known} values but input {fmt_shape(x)} holds {total}"
        )
    return tuple(target)


def _pairs(value) -> tuple:
    """ZeroPadding2D/Cropping2D amounts as ((top, bottom), (left, right))."""
    if isinstance(value, int):
        return ((value, value), (value, value))
    return tuple(ntuple(v, 2) for v in value)


def _padding_shape(a, inputs):
    (top, bottom), (left, right) = _pairs(a["padding"])
    h, w, c = inputs[0]
    return (None if h is None else h + top + bottom, None if w is None else w + left + right, c)


def _cropping_shape(a, inputs):
    (top, bottom), (left, right) = _pairs(a["cropping"])
    h, w, c = inputs[0]
    out = (None if h is None else h - top - bottom, None if w is None else w - left - right, c)
    if any(d is not None and d < 1 for d in out[:2]):
        raise ShapeError(f"Cropping2D cropping {a['cropping']} removes all of input {fmt_shape(inputs[0])}")
    return out


def _upsampling_shape(a, inputs):
    sh, sw = ntuple(a["size"], 2)
    h, w, c = inputs[0]
    return (None if h is None else h * sh, None if w is None else w * sw, c)


_PAIR = {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2}
_AMOUNTS = {
    "anyOf": [
        {"type": "integer", "minimum": 0},
        {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2},
        {"type": "array", "items": _PAIR, "minItems": 2, "maxItems": 2},
    ],
}

LAYERS = [
    LayerType(
        name="Flatten",
        family="reshape",
        doc="Flattens each example to one axis.",
        args={"data_format": A.DATA_FORMAT},
        shape=_flatten_shape,
    ),
    LayerType(
        name="Reshape",
        family="reshape",
        doc="Reshapes each example (one -1 is inferred).",
        args={
            "target_shape": {
                "type": "array",
                "items": {"type": "integer", "minimum": -1, "not": {"const": 0}},
                "minItems": 1,
                "description": "New shape without the batch axis.",
            }
        },
        required=("target_shape",),
        positional="target_shape",
        shape=_reshape_shape,
        label=lambda a: "→" + "×".join(map(str, a["target_shape"])),
    ),
    LayerType(
        name="ZeroPadding2D",
        family="reshape",
        doc="Pads rows and columns with zeros: int, [rows, cols] or [[top, bottom], [left, right]].",
        args={"padding": {**_AMOUNTS, "default": 1, "description": "Amount of padding."}, "data_format": A.DATA_FORMAT},
        positional="padding",
        shape=_padding_shape,
        label=lambda a: f"pad {a['padding']}",
        ranks=(3,),
    ),
    LayerType(
        name="Cropping2D",
        family="reshape",
        doc="Removes rows and columns: int, [rows, cols] or [[top, bottom], [left, right]].",
        args={"cropping": {**_AMOUNTS, "default": 0, "description": "Amount to crop."}, "data_format": A.DATA_FORMAT},
        positional="cropping",
        shape=_cropping_shape,
        label=lambda a: f"crop {a['cropping']}",
        ranks=(3,),
    ),
    LayerType(
        name="UpSampling2D",
        family="reshape",
        doc="Repeats rows and columns.",
        args={
            "size": A.int_or_tuple(2, "Factor for rows and columns.", default=2),
            "data_format": A.DATA_FORMAT,
            "interpolation": A.enum(
                ["nearest", "bilinear", "bicubic", "lanczos3", "lanczos5"], "How to fill.", default="nearest"
            ),
        },
        positional="size",
        shape=_upsampling_shape,
        label=lambda a: f"×{a['size']}",
        ranks=(3,),
    ),
]
