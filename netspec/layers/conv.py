"""Convolution layers in 1, 2 and 3 dimensions: plain, transposed, depthwise and separable."""

from __future__ import annotations

import math

from . import args as A
from .base import LayerType, ShapeError, Weight, fmt_shape, ntuple, prod, transpose_out, window_out


def _kernel_text(k: tuple) -> str:
    return "×".join(str(x) for x in k)


def _label(a: dict, n: int) -> str:
    parts = [_kernel_text(ntuple(a["kernel_size"], n))]
    if "filters" in a:
        parts.append(str(a["filters"]))
    strides = ntuple(a.get("strides", 1), n)
    if any(s != 1 for s in strides):
        parts.append("/" + _kernel_text(strides))
    parts.append(a.get("padding", "valid"))
    if a.get("activation"):
        parts.append(a["activation"])
    return ", ".join(parts)


def channels(name: str, shape) -> int:
    """The input's channel count (last axis), which every convolution needs to know."""
    if shape[-1] is None:
        raise ShapeError(f"{name} needs a known channel count; received {fmt_shape(shape)}")
    return shape[-1]


def spatial(a: dict, shape, n: int, name: str) -> tuple:
    """Output sizes of the spatial axes of `shape` (channels last) under a's kernel, strides, dilation, padding."""
    k = ntuple(a["kernel_size"], n)
    s = ntuple(a.get("strides", 1), n)
    d = ntuple(a.get("dilation_rate", 1), n)
    if any(x != 1 for x in s) and any(x != 1 for x in d):
        raise ShapeError(
            f"{name} cannot combine strides {list(s)} with dilation_rate {list(d)}; Keras forbids both > 1"
        )
    out = tuple(window_out(size, k[i], s[i], a["padding"], d[i]) for i, size in enumerate(shape[:-1]))
    if any(o is not None and o < 1 for o in out):
        raise ShapeError(
            f"{name} with kernel {list(k)}, strides {list(s)} and padding '{a['padding']}' "
            f"shrinks input {fmt_shape(shape)} below 1; use padding: same or a smaller kernel"
        )
    return out


def _common(n: int, filters: bool = True, paddings=("valid", "same")) -> dict:
    out = {"filters": A.pos_int("Number of output channels.")} if filters else {}
    out.update(
        {
            "kernel_size": A.int_or_tuple(n, "Window size (an int, or one per spatial axis)."),
            "strides": A.int_or_tuple(n, "Step of the window.", default=1),
            "padding": A.enum(
                list(paddings), "valid: no padding; same: output size = ceil(input / stride).", default="valid"
            ),
            "data_format": A.DATA_FORMAT,
            "dilation_rate": A.int_or_tuple(n, "Spacing between kernel taps.", default=1),
        }
    )
    return out


def _outputs(bias_doc: str, *weights: str) -> dict:
    """The arguments after the window ones: activation, bias, and the weights' initializers and the like."""
    return {
        "activation": A.ACTIVATION,
        "use_bias": A.boolean(bias_doc, default=True),
        **A.weight_args(*weights, "bias"),
        "activity_regularizer": A.ACTIVITY_REGULARIZER,
    }


def _conv_type(name: str, n: int, doc: str, args: dict, shape, weights, macs) -> LayerType:
    """A convolution's registry entry: its rules, and the arguments it takes ("filters" unless depthwise)."""
    return LayerType(
        name=name,
        family="convolution",
        doc=doc,
        args=args,
        required=("filters", "kernel_size") if "filters" in args else ("kernel_size",),
        shape=shape,
        weights=weights,
        macs=macs,
        label=lambda a: _label(a, n),
        ranks=(n + 1,),
    )


def _bias(a: dict, size: int) -> dict:
    return {"bias": Weight((size,))} if a["use_bias"] else {}


def _conv(n: int) -> LayerType:
    name = f"Conv{n}D"

    def shape(a, inputs):
        x = inputs[0]
        c = channels(name, x)
        g = a["groups"]
        if c % g or a["filters"] % g:
            raise ShapeError(
                f"{name} groups={g} must divide both the input channels ({c}) and filters ({a['filters']})"
            )
        return (*spatial(a, x, n, name), a["filters"])

    def weights(a, inputs):
        c = inputs[0][-1]
        kernel = Weight((*ntuple(a["kernel_size"], n), c // a["groups"], a["filters"]))
        return {"kernel": kernel, **_bias(a, a["filters"])}

    def macs(a, inputs, out):
        c = inputs[0][-1]
        return _times(prod(out), math.prod(ntuple(a["kernel_size"], n)) * (c // a["groups"]))

    args = {
        **_common(n, paddings=["valid", "same", "causal"] if n == 1 else ["valid", "same"]),
        "groups": A.pos_int("Number of channel groups.", default=1),
        **_outputs("Add a bias per filter.", "kernel"),
    }
    return _conv_type(
        name, n, f"{n}-D convolution over the spatial axes of a channels-last input.", args, shape, weights, macs
    )


def _times(elements, per_element: int):
    """MACs of `per_element` per output element; None when the output size is unknown."""
    return None if elements is None else elements * per_element


def _transpose(n: int) -> LayerType:
    name = f"Conv{n}DTranspose"

    def shape(a, inputs):
        x = inputs[0]
        channels(name, x)
        k, s, d = (ntuple(a[key], n) for key in ("kernel_size", "strides", "dilation_rate"))
        op = ntuple(a["output_padding"], n) if a["output_padding"] is not None else (None,) * n
        out = tuple(transpose_out(x[i], k[i], s[i], a["padding"], d[i], op[i]) for i in range(n))
        return (*out, a["filters"])

    def weights(a, inputs):
        kernel = Weight((*ntuple(a["kernel_size"], n), a["filters"], inputs[0][-1]))
        return {"kernel": kernel, **_bias(a, a["filters"])}

    def macs(a, inputs, out):
        return _times(prod(inputs[0]), math.prod(ntuple(a["kernel_size"], n)) * a["filters"])

    common = _common(n)
    args = {
        "filters": common["filters"],
        "kernel_size": common["kernel_size"],
        "strides": A.int_or_tuple(n, "Upsampling factor.", default=1),
        "padding": A.enum(["valid", "same"], "same: output = input x stride.", default="valid"),
        "output_padding": {
            "anyOf": [A.int_or_tuple(n, "", minimum=0), {"type": "null"}],
            "default": None,
            "description": "Extra rows/columns on one side of the output.",
        },
        "data_format": A.DATA_FORMAT,
        "dilation_rate": common["dilation_rate"],
        **_outputs("Add a bias per filter.", "kernel"),
    }
    return _conv_type(name, n, f"Transposed {n}-D convolution (learned upsampling).", args, shape, weights, macs)


def _depthwise(n: int) -> LayerType:
    name = f"DepthwiseConv{n}D"

    def shape(a, inputs):
        x = inputs[0]
        c = channels(name, x)
        return (*spatial(a, x, n, name), c * a["depth_multiplier"])

    def weights(a, inputs):
        c, m = inputs[0][-1], a["depth_multiplier"]
        return {"kernel": Weight((*ntuple(a["kernel_size"], n), c, m)), **_bias(a, c * m)}

    args = {
        **_common(n, filters=False),
        "depth_multiplier": A.pos_int("Output channels per input channel.", default=1),
        **_outputs("Add a bias per output channel.", "depthwise"),
    }
    return _conv_type(
        name,
        n,
        f"Depthwise {n}-D convolution: one spatial filter per input channel.",
        args,
        shape,
        weights,
        lambda a, inputs, out: _times(prod(out), math.prod(ntuple(a["kernel_size"], n))),
    )


def _separable(n: int) -> LayerType:
    name = f"SeparableConv{n}D"

    def shape(a, inputs):
        x = inputs[0]
        channels(name, x)
        return (*spatial(a, x, n, name), a["filters"])

    def weights(a, inputs):
        c, m = inputs[0][-1], a["depth_multiplier"]
        return {
            "depthwise_kernel": Weight((*ntuple(a["kernel_size"], n), c, m)),
            "pointwise_kernel": Weight((*(1,) * n, c * m, a["filters"])),
            **_bias(a, a["filters"]),
        }

    def macs(a, inputs, out):
        c, m = inputs[0][-1], a["depth_multiplier"]
        return _times(prod(out[:-1]), c * m * (math.prod(ntuple(a["kernel_size"], n)) + a["filters"]))

    args = {
        **_common(n),
        "depth_multiplier": A.pos_int("Depthwise channels per input channel.", default=1),
        **_outputs("Add a bias per filter.", "depthwise", "pointwise"),
    }
    return _conv_type(
        name,
        n,
        f"Depthwise-separable {n}-D convolution: a depthwise then a pointwise (1-wide) convolution.",
        args,
        shape,
        weights,
        macs,
    )


LAYERS = [
    *(_conv(n) for n in (1, 2, 3)),
    *(_transpose(n) for n in (1, 2, 3)),
    *(_depthwise(n) for n in (1, 2)),
    *(_separable(n) for n in (1, 2)),
]
