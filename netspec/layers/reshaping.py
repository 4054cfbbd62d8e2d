"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector; padding, cropping and up-sampling in 1-3 D."""

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


def _pairs(value, n: int) -> tuple:
    """Padding or cropping amounts as one (before, after) pair per spatial axis."""
    if isinstance(value, int):
        return ((value, value),) * n
    if n == 1:
        return (tuple(value),)
    return tuple(ntuple(v, 2) for v in value)


def _amounts_shape(name: str, key: str, sign: int, n: int):
    def shape(a, inputs):
        x = inputs[0]
        pairs = _pairs(a[key], n)
        out = tuple(None if d is None else d + sign * sum(p) for d, p in zip(x[:-1], pairs, strict=True))
        if any(d is not None and d < 1 for d in out):
            raise ShapeError(f"{name} {key} {a[key]} removes all of input {fmt_shape(x)}")
        return (*out, x[-1])

    return shape


def _upsampling_shape(n: int):
    def shape(a, inputs):
        x = inputs[0]
        sizes = ntuple(a["size"], n)
        return (*(None if d is None else d * f for d, f in zip(x[:-1], sizes, strict=True)), x[-1])

    return shape


def _amounts_schema(n: int) -> dict:
    """An int, one int per axis (a (before, after) pair for 1-D), or one (before, after) pair per axis."""
    item = {"type": "integer", "minimum": 0}
    pair = {"type": "array", "items": item, "minItems": 2, "maxItems": 2}
    if n == 1:
        return {"anyOf": [item, pair]}
    per_axis = {"type": "array", "items": item, "minItems": n, "maxItems": n}
    return {"anyOf": [item, per_axis, {"type": "array", "items": pair, "minItems": n, "maxItems": n}]}


_AXES = {1: "steps", 2: "rows and columns", 3: "the three spatial axes"}
_FORMS = {1: "int or [before, after]", 2: "int, [rows, cols] or [[top, bottom], [left, right]]"}
_FORMS[3] = "int, [d1, d2, d3] or one [before, after] pair per axis"


def _padding(n: int) -> LayerType:
    name = f"ZeroPadding{n}D"
    extra = {"data_format": A.DATA_FORMAT}
    return LayerType(
        name=name,
        family="reshape",
        doc=f"Pads {_AXES[n]} with zeros: {_FORMS[n]}.",
        args={"padding": {**_amounts_schema(n), "default": 1, "description": "Amount of padding."}, **extra},
        positional="padding",
        shape=_amounts_shape(name, "padding", 1, n),
        label=lambda a: f"pad {a['padding']}",
        ranks=(n + 1,),
    )


def _cropping(n: int) -> LayerType:
    name = f"Cropping{n}D"
    extra = {} if n == 1 else {"data_format": A.DATA_FORMAT}
    default = [1, 1] if n == 1 else 0 if n == 2 else 1  # Keras' defaults differ per class
    return LayerType(
        name=name,
        family="reshape",
        doc=f"Removes {_AXES[n]} at the edges: {_FORMS[n]}.",
        args={"cropping": {**_amounts_schema(n), "default": default, "description": "Amount to crop."}, **extra},
        positional="cropping",
        shape=_amounts_shape(name, "cropping", -1, n),
        label=lambda a: f"crop {a['cropping']}",
        ranks=(n + 1,),
    )


def _upsampling(n: int) -> LayerType:
    extra = {"data_format": A.DATA_FORMAT} if n > 1 else {}
    if n == 2:
        extra["interpolation"] = A.enum(
            ["nearest", "bilinear", "bicubic", "lanczos3", "lanczos5"], "How to fill.", default="nearest"
        )
    size = A.pos_int("Repeat factor.", default=2) if n == 1 else A.int_or_tuple(n, "Factor per axis.", default=2)
    return LayerType(
        name=f"UpSampling{n}D",
        family="reshape",
        doc=f"Repeats {_AXES[n]}.",
        args={"size": size, **extra},
        positional="size",
        shape=_upsampling_shape(n),
        label=lambda a: f"×{a['size']}",
        ranks=(n + 1,),
    )


def _permute_shape(a, inputs):
    x, dims = inputs[0], list(a["dims"])
    if sorted(dims) != list(range(1, len(x) + 1)):
        raise ShapeError(f"Permute dims {dims} must order the axes 1..{len(x)} of input {fmt_shape(x)}")
    return tuple(x[d - 1] for d in dims)


def _repeat_shape(a, inputs):
    return (a["n"], *inputs[0])


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
        name="Permute",
        family="reshape",
        doc="Reorders the axes of each example (`dims` numbers them from 1).",
        args={
            "dims": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1},
                "minItems": 1,
                "description": "The new order of the axes.",
            }
        },
        required=("dims",),
        positional="dims",
        shape=_permute_shape,
        label=lambda a: "axes " + ",".join(map(str, a["dims"])),
    ),
    LayerType(
        name="RepeatVector",
        family="reshape",
        doc="Repeats a vector n times: (features) becomes (n, features).",
        args={"n": A.pos_int("Number of copies.")},
        required=("n",),
        positional="n",
        shape=_repeat_shape,
        label=lambda a: f"×{a['n']}",
        ranks=(1,),
    ),
    *(make(n) for make in (_padding, _cropping, _upsampling) for n in (1, 2, 3)),
]
