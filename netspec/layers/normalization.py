"""Normalisation layers: per-channel scale and offset."""

from __future__ import annotations

from . import args as A
from .base import LayerType, ShapeError, Weight, fmt_shape


def _axis_size(name: str, a, shape) -> int:
    axis = a["axis"]
    rank = len(shape) + 1
    if not -rank <= axis < rank or axis == 0 or axis == -rank:
        raise ShapeError(f"{name} axis={axis} is not a feature axis of input {fmt_shape(shape)}")
    size = shape[axis - 1 if axis > 0 else axis]
    if size is None:
        raise ShapeError(f"{name} needs a known size on axis {axis}; received {fmt_shape(shape)}")
    return size


def _bn_weights(a, inputs):
    c = _axis_size("BatchNormalization", a, inputs[0])
    w = {}
    if a["scale"]:
        w["gamma"] = Weight((c,))
    if a["center"]:
        w["beta"] = Weight((c,))
    w["moving_mean"] = Weight((c,), trainable=False)
    w["moving_variance"] = Weight((c,), trainable=False)
    return w


def _scale_center_weights(name: str):
    def weights(a, inputs):
        c = _axis_size(name, a, inputs[0])
        w = {}
        if a["scale"]:
            w["gamma"] = Weight((c,))
        if a["center"]:
            w["beta"] = Weight((c,))
        return w

    return weights


def _shape_checked(name):
    def shape(a, inputs):
        _axis_size(name, a, inputs[0])
        return inputs[0]

    return shape


_SCALE_CENTER = {
    "center": A.boolean("Learn an offset (beta).", default=True),
    "scale": A.boolean("Learn a scale (gamma).", default=True),
    "beta_initializer": A.initializer("Initializer of beta.", "zeros"),
    "gamma_initializer": A.initializer("Initializer of gamma.", "ones"),
    "beta_regularizer": A.optional_object("Regularizer of beta."),
    "gamma_regularizer": A.optional_object("Regularizer of gamma."),
    "beta_constraint": A.optional_object("Constraint on beta."),
    "gamma_constraint": A.optional_object("Constraint on gamma."),
}

BATCH_NORMALIZATION = LayerType(
    name="BatchNormalization",
    family="normalization",
    doc="Normalises each channel with batch statistics (moving averages at inference).",
    args={
        "axis": A.axis("The channel axis."),
        "momentum": A.number("Momentum of the moving averages.", default=0.99, minimum=0, maximum=1),
        "epsilon": A.number("Added to the variance.", default=0.001, exclusiveMinimum=0),
        **_SCALE_CENTER,
        "moving_mean_initializer": A.initializer("Initializer of the moving mean.", "zeros"),
        "moving_variance_initializer": A.initializer("Initializer of the moving variance.", "ones"),
        "synchronized": A.boolean("Synchronise statistics across replicas.", default=False),
    },
    shape=_shape_checked("BatchNormalization"),
    weights=_bn_weights,
)

LAYER_NORMALIZATION = LayerType(
    name="LayerNormalization",
    family="normalization",
    doc="Normalises each example over its last axis.",
    args={
        "axis": A.axis("The normalised axis."),
        "epsilon": A.number("Added to the variance.", default=0.001, exclusiveMinimum=0),
        **_SCALE_CENTER,
        "rms_scaling": A.enum(
            [False], "Deprecated by Keras (it scales by the variance): use RMSNormalization.", default=False
        ),
    },
    shape=_shape_checked("LayerNormalization"),
    weights=_scale_center_weights("LayerNormalization"),
)


def _group_shape(a, inputs):
    c = _axis_size("GroupNormalization", a, inputs[0])
    if c % a["groups"]:
        raise ShapeError(
            f"GroupNormalization groups={a['groups']} must divide the {c} channels of input {fmt_shape(inputs[0])}"
        )
    return inputs[0]


GROUP_NORMALIZATION = LayerType(
    name="GroupNormalization",
    family="normalization",
    doc="Normalises each example over groups of channels.",
    args={
        "groups": A.pos_int("Number of channel groups (must divide the channels).", default=32),
        "axis": A.axis("The channel axis."),
        "epsilon": A.number("Added to the variance.", default=0.001, exclusiveMinimum=0),
        **_SCALE_CENTER,
    },
    shape=_group_shape,
    weights=_scale_center_weights("GroupNormalization"),
)


def _unit_shape(a, inputs):
    axes = a["axis"] if isinstance(a["axis"], list) else [a["axis"]]
    for axis in axes:
        _axis_size("UnitNormalization", {"axis": axis}, inputs[0])
    return inputs[0]


UNIT_NORMALIZATION = LayerType(
    name="UnitNormalization",
    family="normalization",
    doc="Scales each example to unit L2 norm over `axis`.",
    args={
        "axis": {
            "anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}, "minItems": 1}],
            "default": -1,
            "description": "Axis or axes to normalise over.",
        }
    },
    positional="axis",
    shape=_unit_shape,
)

RMS_NORMALIZATION = LayerType(
    name="RMSNormalization",
    family="normalization",
    doc="Divides each example by its root mean square over `axis`, then applies a learned scale.",
    args={
        "axis": A.axis("The normalised axis."),
        "epsilon": A.number("Added to the mean square.", default=1e-6, exclusiveMinimum=0),
    },
    shape=_shape_checked("RMSNormalization"),
    weights=lambda a, inputs: {"scale": Weight((_axis_size("RMSNormalization", a, inputs[0]),))},
)

LAYERS = [BATCH_NORMALIZATION, LAYER_NORMALIZATION, GROUP_NORMALIZATION, UNIT_NORMALIZATION, RMS_NORMALIZATION]
