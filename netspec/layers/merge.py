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


def _subtract_shape(a, inputs):
    if len(inputs) != 2:
        raise ShapeError(f"Subtract takes exactly two inputs; received {len(inputs)}")
    return _elementwise("Subtract")(a, inputs)


def _dot_axes(a, inputs) -> tuple:
    axes = a["axes"]
    pair = (axes, axes) if isinstance(axes, int) else tuple(axes)
    return tuple(ax % (len(s) + 1) for ax, s in zip(pair, inputs, strict=True))


def _dot_shape(a, inputs):
    if len(inputs) != 2:
        raise ShapeError(f"Dot takes exactly two inputs; received {len(inputs)}")
    a1, a2 = _dot_axes(a, inputs)
    s1, s2 = ([None, *s] for s in inputs)
    if 0 in (a1, a2):
        raise ShapeError(f"Dot axes={a['axes']} names the batch axis of {', '.join(map(fmt_shape, inputs))}")
    if s1[a1] is not None and s2[a2] is not None and s1[a1] != s2[a2]:
        raise ShapeError(
            f"Dot axes={a['axes']} pairs sizes {s1[a1]} and {s2[a2]}; received {', '.join(map(fmt_shape, inputs))}"
        )
    out = s1[1:a1] + s1[a1 + 1 :] + s2[1:a2] + s2[a2 + 1 :]
    return tuple(out) if out else (1,)


def _elementwise_type(name: str, doc: str, label: str) -> LayerType:
    return LayerType(
        name=name, family="merge", doc=doc, args={}, shape=_elementwise(name), merge=True, label=lambda a: label
    )


LAYERS = [
    _elementwise_type("Add", "Element-wise sum of its inputs.", "+"),
    _elementwise_type("Multiply", "Element-wise product of its inputs.", "×"),
    _elementwise_type("Average", "Element-wise mean of its inputs.", "mean"),
    _elementwise_type("Maximum", "Element-wise maximum of its inputs.", "max"),
    _elementwise_type("Minimum", "Element-wise minimum of its inputs.", "min"),
    LayerType(
        name="Subtract",
        family="merge",
        doc="First input minus the second.",
        args={},
        shape=_subtract_shape,
        merge=True,
        label=lambda a: "−",
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
    LayerType(
        name="Dot",
        family="merge",
        doc="Dot product of two inputs along `axes` (axis 1 = first after batch).",
        args={
            "axes": {
                "anyOf": [
                    {"type": "integer"},
                    {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
                ],
                "description": "Axis of both inputs, or one per input.",
            },
            "normalize": A.boolean("L2-normalise along the axes first (cosine similarity).", default=False),
        },
        required=("axes",),
        positional="axes",
        shape=_dot_shape,
        merge=True,
        label=lambda a: f"axes {a['axes']}",
    ),
]
