"""Convolution layers: Conv1D/2D/3D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D."""

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


def _channels(name: str, shape) -> int:
    if shape[-1] is None:
        raise ShapeError(f"{name} needs a known channel count; received {fmt_shape(shape)}")
    return shape[-1]


def _spatial(a: dict, shape, n: int, name: str) -> tuple:
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


def _conv(n: int) -> LayerType:
    name = f"Conv{n}D"

    def shape(a, inputs):
        x = inputs[0]
        c = _channels(name, x)
        g = a["groups"]
        if c % g or a["filters"] % g:
            raise ShapeError(
                f"{name} groups={g} must divide both the input channels ({c}) and filters ({a['filters']})"
            )
        return (*_spatial(a, x, n, name), a["filters"])

    def weights(a, inputs):
        c = inputs[0][-1]
        w = {"kernel": Weight((*ntuple(a["kernel_size"], n), c // a["groups"], a["filters"]))}
        if a["use_bias"]:
            w["bias"] = Weight((a["filters"],))
        return w

    def macs(a, inputs, out):
        c = inputs[0][-1]
        return (prod(out) or 0) * math.prod(ntuple(a["kernel_size"], n)) * (c // a["groups"])

    paddings = ["valid", "same", "causal"] if n == 1 else ["valid", "same"]
    return LayerType(
        name=name,
        family="convolution",
        doc=f"{n}-D convolution over the spatial axes of a channels-last input.",
        args={
            "filters": A.pos_int("Number of output channels."),
            "kernel_size": A.int_or_tuple(n, "Window size (an int, or one per spatial axis)."),
            "strides": A.int_or_tuple(n, "Step of the window.", default=1),
            "padding": A.enum(
                paddings, "valid: no padding; same: output size = ceil(input / stride).", default="valid"
            ),
            "data_format": A.DATA_FORMAT,
            "dilation_rate": A.int_or_tuple(n, "Spacing between kernel taps.", default=1),
            "groups": A.pos_int("Number of channel groups.", default=1),
            "activation": A.ACTIVATION,
            "use_bias": A.boolean("Add a bias per filter.", default=True),
            **A.weight_args("kernel", "bias"),
            "activity_regularizer": A.ACTIVITY_REGULARIZER,
        },
        required=("filters", "kernel_size"),
        shape=shape,
        weights=weights,
        macs=macs,
        label=lambda a: _label(a, n),
        ranks=(n + 1,),
    )


def _transpose_shape(a, inputs):
    x = inputs[0]
    _channels("Conv2DTranspose", x)
    k, s, d = (ntuple(a[key], 2) for key in ("kernel_size", "strides", "dilation_rate"))
    op = ntuple(a["output_padding"], 2) if a["output_padding"] is not None else (None, None)
    hw = tuple(transpose_out(x[i], k[i], s[i], a["padding"], d[i], op[i]) for i in range(2))
    return (*hw, a["filters"])


def _transpose_weights(a, inputs):
    w = {"kernel": Weight((*ntuple(a["kernel_size"], 2), a["filters"], inputs[0][-1]))}
    if a["use_bias"]:
        w["bias"] = Weight((a["filters"],))
    return w


def _transpose_macs(a, inputs, out):
    x = inputs[0]
    return (prod(x) or 0) * math.prod(ntuple(a["kernel_size"], 2)) * a["filters"]


CONV2D_TRANSPOSE = LayerType(
    name="Conv2DTranspose",
    family="convolution",
    doc="Transposed 2-D convolution (learned upsampling).",
    args={
        "filters": A.pos_int("Number of output channels."),
        "kernel_size": A.int_or_tuple(2, "Window size."),
        "strides": A.int_or_tuple(2, "Upsampling factor.", default=1),
        "padding": A.enum(["valid", "same"], "same: output = input x stride.", default="valid"),
        "output_padding": {
            "anyOf": [A.int_or_tuple(2, "", minimum=0), {"type": "null"}],
            "default": None,
            "description": "Extra rows/columns on one side of the output.",
        },
        "data_format": A.DATA_FORMAT,
        "dilation_rate": A.int_or_tuple(2, "Spacing between kernel taps.", default=1),
        "activation": A.ACTIVATION,
        "use_bias": A.boolean("Add a bias per filter.", default=True),
        **A.weight_args("kernel", "bias"),
        "activity_regularizer": A.ACTIVITY_REGULARIZER,
    },
    required=("filters", "kernel_size"),
    shape=_transpose_shape,
    weights=_transpose_weights,
    macs=_transpose_macs,
    label=lambda a: _label(a, 2),
    ranks=(3,),
)


def _depthwise_shape(a, inputs):
    x = inputs[0]
    c = _channels("DepthwiseConv2D", x)
    return (*_spatial(a, x, 2, "DepthwiseConv2D"), c * a["depth_multiplier"])


def _depthwise_weights(a, inputs):
    c = inputs[0][-1]
    w = {"kernel": Weight((*ntuple(a["kernel_size"], 2), c, a["depth_multiplier"]))}
    if a["use_bias"]:
        w["bias"] = Weight((c * a["depth_multiplier"],))
    return w


DEPTHWISE_CONV2D = LayerType(
    name="DepthwiseConv2D",
    family="convolution",
    doc="Depthwise 2-D convolution: one spatial filter per input channel.",
    args={
        "kernel_size": A.int_or_tuple(2, "Window size."),
        "strides": A.int_or_tuple(2, "Step of the window.", default=1),
        "padding": A.enum(["valid", "same"], "valid or same.", default="valid"),
        "depth_multiplier": A.pos_int("Output channels per input channel.", default=1),
        "data_format": A.DATA_FORMAT,
        "dilation_rate": A.int_or_tuple(2, "Spacing between kernel taps.", default=1),
        "activation": A.ACTIVATION,
        "use_bias": A.boolean("Add a bias per output channel.", default=True),
        **A.weight_args("depthwise", "bias"),
        "activity_regularizer": A.ACTIVITY_REGULARIZER,
    },
    required=("kernel_size",),
    shape=_depthwise_shape,
    weights=_depthwise_weights,
    macs=lambda a, inputs, out: (prod(out) or 0) * math.prod(ntuple(a["kernel_size"], 2)),
    label=lambda a: _label(a, 2),
    ranks=(3,),
)


def _separable_shape(a, inputs):
    x = inputs[0]
    _channels("SeparableConv2D", x)
    return (*_spatial(a, x, 2, "SeparableConv2D"), a["filters"])


def _separable_weights(a, inputs):
    c, m = inputs[0][-1], a["depth_multiplier"]
    w = {
        "depthwise_kernel": Weight((*ntuple(a["kernel_size"], 2), c, m)),
        "pointwise_kernel": Weight((1, 1, c * m, a["filters"])),
    }
    if a["use_bias"]:
        w["bias"] = Weight((a["filters"],))
    return w


def _separable_macs(a, inputs, out):
    c, m = inputs[0][-1], a["depth_multiplier"]
    pixels = prod(out[:-1]) or 0
    return pixels * c * m * (math.prod(ntuple(a["kernel_size"], 2)) + a["filters"])


SEPARABLE_CONV2D = LayerType(
    name="SeparableConv2D",
    family="convolution",
    doc="Depthwise-separable 2-D convolution: a depthwise then a 1x1 pointwise convolution.",
    args={
        "filters": A.pos_int("Number of output channels."),
        "kernel_size": A.int_or_tuple(2, "Window size."),
        "strides": A.int_or_tuple(2, "Step of the window.", default=1),
        "padding": A.enum(["valid", "same"], "valid or same.", default="valid"),
        "data_format": A.DATA_FORMAT,
        "dilation_rate": A.int_or_tuple(2, "Spacing between kernel taps.", default=1),
        "depth_multiplier": A.pos_int("Depthwise channels per input channel.", default=1),
        "activation": A.ACTIVATION,
        "use_bias": A.boolean("Add a bias per filter.", default=True),
        **A.weight_args("depthwise", "pointwise", "bias"),
        "activity_regularizer": A.ACTIVITY_REGULARIZER,
    },
    required=("filters", "kernel_size"),
    shape=_separable_shape,
    weights=_separable_weights,
    macs=_separable_macs,
    label=lambda a: _label(a, 2),
    ranks=(3,),
)

LAYERS = [_conv(1), _conv(2), _conv(3), CONV2D_TRANSPOSE, DEPTHWISE_CONV2D, SEPARABLE_CONV2D]
