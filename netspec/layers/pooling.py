"""Pooling layers: windowed, global and adaptive max/average pooling in 1, 2 and 3 dimensions."""

from __future__ import annotations

from . import args as A
from .base import LayerType, ShapeError, fmt_shape, ntuple, window_out


def _window_pool(kind: str, n: int) -> LayerType:
    name = f"{kind}Pooling{n}D"

    def shape(a, inputs):
        x = inputs[0]
        pool = ntuple(a["pool_size"], n)
        strides = ntuple(a["strides"] if a["strides"] is not None else a["pool_size"], n)
        out = tuple(window_out(size, pool[i], strides[i], a["padding"]) for i, size in enumerate(x[:-1]))
        if any(o is not None and o < 1 for o in out):
            raise ShapeError(
                f"{name} with pool_size {list(pool)} and padding '{a['padding']}' shrinks input "
                f"{fmt_shape(x)} below 1; use padding: same or a smaller pool_size"
            )
        return (*out, x[-1])

    def label(a):
        pool = ntuple(a["pool_size"], n)
        text = "×".join(map(str, pool))
        if a.get("strides") is not None and ntuple(a["strides"], n) != pool:
            text += "/" + "×".join(map(str, ntuple(a["strides"], n)))
        return text + (", same" if a.get("padding") == "same" else "")

    return LayerType(
        name=name,
        family="pooling",
        doc=f"{kind} over {n}-D windows of each channel.",
        args={
            # Keras gives MaxPooling a default window; AveragePooling requires one.
            "pool_size": A.int_or_tuple(n, "Window size.", **({"default": 2} if kind == "Max" else {})),
            "strides": {
                "anyOf": [A.int_or_tuple(n, ""), {"type": "null"}],
                "default": None,
                "description": "Step of the window (default: pool_size).",
            },
            "padding": A.enum(["valid", "same"], "valid or same.", default="valid"),
            "data_format": A.DATA_FORMAT,
        },
        required=() if kind == "Max" else ("pool_size",),
        positional="pool_size",
        shape=shape,
        label=label,
        ranks=(n + 1,),
    )


def _global_pool(kind: str, n: int) -> LayerType:
    def shape(a, inputs):
        x = inputs[0]
        return (*(1,) * n, x[-1]) if a["keepdims"] else (x[-1],)

    return LayerType(
        name=f"Global{kind}Pooling{n}D",
        family="pooling",
        doc=f"{kind} of each channel over all {n} spatial axes.",
        args={
            "data_format": A.DATA_FORMAT,
            "keepdims": A.boolean("Keep the spatial axes with size 1.", default=False),
        },
        shape=shape,
        ranks=(n + 1,),
    )


def _adaptive_pool(kind: str, n: int) -> LayerType:
    def shape(a, inputs):
        return (*ntuple(a["output_size"], n), inputs[0][-1])

    return LayerType(
        name=f"Adaptive{kind}Pooling{n}D",
        family="pooling",
        doc=f"{kind} over the windows that divide each of the {n} spatial axes into `output_size` parts.",
        args={
            "output_size": A.int_or_tuple(n, "Output size of each spatial axis."),
            "data_format": A.DATA_FORMAT,
        },
        required=("output_size",),
        positional="output_size",
        shape=shape,
        label=lambda a: "→" + "×".join(map(str, ntuple(a["output_size"], n))),
        ranks=(n + 1,),
    )


KINDS = ("Max", "Average")
LAYERS = [
    *(_window_pool(k, n) for k in KINDS for n in (1, 2, 3)),
    *(_global_pool(k, n) for k in KINDS for n in (1, 2, 3)),
    *(_adaptive_pool(k, n) for k in KINDS for n in (1, 2, 3)),
]
