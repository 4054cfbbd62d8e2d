"""Merge layers: combine two or more inputs."""

from __future__ import annotations

from . import args as A
from .base import LayerType, ShapeError, fmt_shape


def _elementwise(name: str):
    def shape(a, inputs):
        out = inputs[0]
        for other in inputs[1:]:
            out = _broadcast(name, out, other, inputs)
        return out

    return shape


def _broadcast(name, s1, s2, inputs):
    if len(s1) != len(s2):
        raise ShapeError(f"{name} needs inputs of equal rank; received {', '.join(map(fmt_shape, inputs))}")
    out = []
    for i, j in zip(s1, s2, strict=True):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1 or i == j:
            out.append(max(i, j) if 1 in (i, j) else i)
        else:
            raise ShapeError(f"{name} needs inputs of the same shape; received {', '.join(map(fmt_shape, inputs))}")
    return tuple(out)


def _concat_shape(a, inputs):
    rank = len(inputs[0])
    if any(len(s) != rank for s in inputs):
        raise ShapeError(f"Concatenate needs inputs of equal rank; received {', '.join(map(fmt_shape, inputs))}")
    axis = a["axis"]
    if not -rank <= axis <= rank or axis == 0:
        raise ShapeError(f"Concatenate axis={axis} is not a feature axis of {fmt_shape(inputs[0])}")
    k = axis - 1 if axis > 0 else rank + axis
    for d in range(rank):
        if d == k:
            continue
        sizes = {s[d] for s in inputs if s[d] is not None}
        if len(sizes) > 1:
            raise ShapeError(
                f"Concatenate on axis {axis} needs all other axes equal; received {', '.join(map(fmt_shape, inputs))}"
            )
    total = None if any(s[k] is None for s in inputs) else sum(s[k] for s in inputs)
    first = list(inputs[0])
    first[k] = total
    for d in range(rank):
        if first[d] is None and d != k:
            first[d] = next((s[d] for s in inputs if s[d] is not None), None)
    return tuple(first)


LAYERS = [
    LayerType(
        name="Add",
        family="merge",
        doc="Element-wise sum of its inputs.",
        args={},
        shape=_elementwise("Add"),
        merge=True,
        label=lambda a: "+",
    ),
    LayerType(
        name="Multiply",
        family="merge",
        doc="Element-wise product of its inputs.",
        args={},
        shape=_elementwise("Multiply"),
        merge=True,
        label=lambda a: "×",
    ),
    LayerType(
        name="Concatenate",
        family="merge",
        doc="Joins its inputs along an axis.",
        args={"axis": A.axis()},
        shape=_concat_shape,
        merge=True,
        label=lambda a: f"axis {a['axis']}",
    ),
]
