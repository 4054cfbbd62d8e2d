"""Preprocessing layers with static rules: rescaling, normalisation with given statistics, resizing, cropping.

Normalization without `mean` and `variance` keeps adapt() state as Keras counts it:
non-trainable `mean` and `variance` of the kept axes' shape, and a scalar `count`
(one weight). With both given, Keras holds them as constants: no weights.
"""

from __future__ import annotations

import math

from . import args as A
from .base import LayerType, ShapeError, Weight, fmt_shape

_NUMBERS = {"anyOf": [{"type": "number"}, {"type": "array", "items": {"type": "number"}, "minItems": 1}]}
_STAT = {**_NUMBERS, "anyOf": [*_NUMBERS["anyOf"], {"type": "null"}], "default": None}


def _same(a, inputs):
    return inputs[0]


def _kept_axes(a, shape) -> tuple:
    """The kept axes of Normalization, batch included in the numbering (as Keras numbers them)."""
    axis = a["axis"]
    axes = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    rank = len(shape) + 1
    kept = []
    for d in axes:
        if not -rank <= d < rank or d % rank == 0:
            raise ShapeError(f"Normalization axis={axis} is not a feature axis of input {fmt_shape(shape)}")
        if shape[d % rank - 1] is None:
            raise ShapeError(f"Normalization needs a known size on axis {d}; received {fmt_shape(shape)}")
        kept.append(d % rank)
    return tuple(sorted(kept))


def _normalization_shape(a, inputs):
    if (a["mean"] is None) != (a["variance"] is None):
        raise ShapeError("Normalization takes both mean and variance, or neither (then adapt() sets them)")
    kept = _kept_axes(a, inputs[0])
    if a["mean"] is not None:
        sizes = [len(v) if isinstance(v, list) else 1 for v in (a["mean"], a["variance"])]
        channels = math.prod(inputs[0][d - 1] for d in kept) if kept else 1
        if sizes[0] != sizes[1] or sizes[0] not in (1, channels):
            raise ShapeError(
                f"Normalization mean and variance need 1 or {channels} values each; received {sizes[0]} and {sizes[1]}"
            )
    return inputs[0]


def _normalization_weights(a, inputs):
    if a["mean"] is not None:
        return {}
    shape = tuple(inputs[0][d - 1] for d in _kept_axes(a, inputs[0]))
    return {
        "mean": Weight(shape, trainable=False),
        "variance": Weight(shape, trainable=False),
        "count": Weight((), trainable=False),
    }


def _image_size(a, inputs):
    return (a["height"], a["width"], inputs[0][-1])


_SIZE = {"height": A.pos_int("Output height."), "width": A.pos_int("Output width.")}


RESCALING = LayerType(
    name="Rescaling",
    family="preprocessing",
    doc="Multiplies inputs by `scale` and adds `offset` (e.g. scale 1/255 for 8-bit images).",
    args={
        "scale": {**_NUMBERS, "description": "The factor (a number, or one per channel)."},
        "offset": {**_NUMBERS, "default": 0.0, "description": "Added after scaling."},
    },
    required=("scale",),
    positional="scale",
    shape=_same,
    label=lambda a: f"x{a['scale']:.4g}" if isinstance(a["scale"], (int, float)) else "",
)

NORMALIZATION = LayerType(
    name="Normalization",
    family="preprocessing",
    doc="(x - mean) / sqrt(variance) per feature; give mean and variance, or call adapt() on data.",
    args={
        "axis": {
            "anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}, {"type": "null"}],
            "default": -1,
            "description": "The axis or axes kept (one statistic each); null: one statistic for everything.",
        },
        "mean": {**_STAT, "description": "Mean per kept feature (null: set by adapt())."},
        "variance": {**_STAT, "description": "Variance per kept feature (null: set by adapt())."},
        "invert": A.boolean("Undo the normalisation instead.", default=False),
    },
    shape=_normalization_shape,
    weights=_normalization_weights,
)

RESIZING = LayerType(
    name="Resizing",
    family="preprocessing",
    doc="Resizes images to height x width.",
    args={
        **_SIZE,
        "interpolation": A.enum(
            ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5"],
            "How pixels are interpolated.",
            default="bilinear",
        ),
        "crop_to_aspect_ratio": A.boolean("Crop to keep the aspect ratio.", default=False),
        "pad_to_aspect_ratio": A.boolean("Pad to keep the aspect ratio.", default=False),
        "fill_mode": A.enum(["constant"], "How padding is filled.", default="constant"),
        "fill_value": A.number("Padding value.", default=0.0),
        "antialias": A.boolean("Antialias when downsampling.", default=False),
        "data_format": A.DATA_FORMAT,
    },
    required=("height", "width"),
    shape=_image_size,
    label=lambda a: f"{a['height']}x{a['width']}",
    ranks=(3,),
)

CENTER_CROP = LayerType(
    name="CenterCrop",
    family="preprocessing",
    doc="Crops the central height x width of images (resizing first when they are smaller).",
    args={**_SIZE, "data_format": A.DATA_FORMAT},
    required=("height", "width"),
    shape=_image_size,
    label=lambda a: f"{a['height']}x{a['width']}",
    ranks=(3,),
)

LAYERS = [RESCALING, NORMALIZATION, RESIZING, CENTER_CROP]
