"""Image augmentation and adjustment layers: identity at inference, shape-preserving (RandomCrop aside).

Each works on channels-last images (rank 4, batch included) and has no weights; the random
ones act only in training.
"""

from __future__ import annotations

from . import args as A
from .base import LayerType, ShapeError, fmt_shape, same_shape

_PAIR = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}


def factor(doc: str, **extra) -> dict:
    """A strength: one number (often meaning [-x, x]) or a [low, high] pair."""
    return {"anyOf": [{"type": "number"}, _PAIR], "description": doc, **extra}


def _optional_factor(doc: str) -> dict:
    return {"anyOf": [{"type": "number"}, _PAIR, {"type": "null"}], "default": None, "description": doc}


VALUE_RANGE = {**_PAIR, "default": [0, 255], "description": "Range of the input values, [low, high]."}
FILL_MODE = A.enum(
    ["reflect", "wrap", "constant", "nearest"], "How points outside the image are filled.", default="reflect"
)
INTERPOLATION = A.enum(["bilinear", "nearest"], "How pixels are resampled.", default="bilinear")
FILL_VALUE = A.number("Fill value where fill_mode is constant.", default=0.0)
COMMON = {"data_format": A.DATA_FORMAT, "seed": A.SEED}
GEOMETRY = {"fill_mode": FILL_MODE, "interpolation": INTERPOLATION, "fill_value": FILL_VALUE}


def _image_layer(name: str, doc: str, args: dict, required=(), shape=same_shape, positional=None) -> LayerType:
    return LayerType(
        name=name,
        family="augmentation",
        doc=doc,
        args={**args, **{k: v for k, v in COMMON.items() if k not in args}},
        required=required,
        positional=positional,
        shape=shape,
        ranks=(3,),
    )


def _strength(name: str, doc: str, what: str, default=None, extra=None) -> LayerType:
    """A layer configured by one `factor` and the input's value range."""
    given = {} if default is None else {"default": default}
    args = {"factor": factor(what, **given), "value_range": VALUE_RANGE, **(extra or {})}
    return _image_layer(name, doc, args, required=() if given else ("factor",), positional="factor")


def _crop_shape(a, inputs):
    """In training a random window, at inference the centre; smaller images are resized up first."""
    if inputs[0][-1] is None:
        raise ShapeError(f"RandomCrop needs a known channel count; received {fmt_shape(inputs[0])}")
    return (a["height"], a["width"], inputs[0][-1])


LAYERS = [
    _strength("RandomBrightness", "Shifts brightness by a random amount.", "Fraction of the value range, in [-1, 1]."),
    _strength("RandomContrast", "Scales contrast by a random factor.", "Contrast change, in [0, 1]."),
    _strength("RandomColorDegeneration", "Blends toward the grayscale image by a random amount.", "Blend, in [0, 1]."),
    _strength("RandomHue", "Shifts hue by a random amount.", "Hue shift, in [0, 1]."),
    _strength("RandomSaturation", "Scales saturation by a random factor.", "Saturation change, in [0, 1]."),
    _strength("RandomSharpness", "Sharpens or blurs by a random amount.", "Sharpness change, in [0, 1]."),
    _strength("RandomPosterization", "Reduces the bits per channel at random.", "Bits kept, in [1, 8]."),
    _strength("RandomInvert", "Inverts the image with probability `factor`.", "Probability.", default=1.0),
    _strength(
        "RandomGrayscale",
        "Converts to grayscale (channels kept) with probability `factor`.",
        "Probability.",
        default=0.5,
    ),
    _strength(
        "RandomGaussianBlur",
        "Blurs with a random Gaussian kernel.",
        "Probability and strength.",
        default=1.0,
        extra={
            "kernel_size": A.int_or_tuple(2, "Kernel size.", default=3),
            "sigma": factor("Standard deviation of the kernel.", default=1.0),
        },
    ),
    _strength(
        "RandomErasing",
        "Erases a random rectangle.",
        "Probability.",
        default=1.0,
        extra={
            "scale": {**_PAIR, "default": [0.02, 0.33], "description": "Area of the rectangle, as a fraction."},
            "fill_value": {
                "anyOf": [{"type": "number"}, {"type": "null"}],
                "default": None,
                "description": "Fill (null: random).",
            },
        },
    ),
    _strength(
        "RandomElasticTransform",
        "Distorts the image with a random elastic field.",
        "Probability.",
        default=1.0,
        extra={"scale": factor("Strength of the distortion.", default=1.0), **GEOMETRY},
    ),
    _image_layer(
        "RandomColorJitter",
        "Random brightness, contrast, saturation and hue changes in one layer.",
        {
            "value_range": VALUE_RANGE,
            **{
                f"{k}_factor": _optional_factor(f"{k.capitalize()} change (null: none).")
                for k in ("brightness", "contrast", "saturation", "hue")
            },
        },
    ),
    _image_layer(
        "RandomCrop",
        "Crops a random height x width window in training, the centre at inference.",
        {"height": A.pos_int("Output height."), "width": A.pos_int("Output width.")},
        required=("height", "width"),
        shape=_crop_shape,
    ),
    _image_layer(
        "RandomFlip",
        "Flips horizontally and/or vertically at random.",
        {
            "mode": A.enum(
                ["horizontal", "vertical", "horizontal_and_vertical"], "Which flips.", default="horizontal_and_vertical"
            )
        },
        positional="mode",
    ),
    _image_layer(
        "RandomPerspective",
        "Applies a random perspective transform.",
        {
            "factor": factor("Probability.", default=1.0),
            "scale": A.number("Strength of the distortion.", default=1.0),
            "interpolation": INTERPOLATION,
            "fill_value": FILL_VALUE,
        },
    ),
    _image_layer(
        "RandomRotation",
        "Rotates by a random fraction of a full turn.",
        {"factor": factor("Fraction of 2π: x means [-x, x]."), **GEOMETRY},
        required=("factor",),
        positional="factor",
    ),
    _image_layer(
        "RandomShear",
        "Shears by random amounts.",
        {
            "x_factor": factor("Horizontal shear.", default=0.0),
            "y_factor": factor("Vertical shear.", default=0.0),
            **GEOMETRY,
        },
    ),
    _image_layer(
        "RandomTranslation",
        "Shifts by random fractions of the height and width.",
        {
            "height_factor": factor("Fraction of the height."),
            "width_factor": factor("Fraction of the width."),
            **GEOMETRY,
        },
        required=("height_factor", "width_factor"),
    ),
    _image_layer(
        "RandomZoom",
        "Zooms by random factors.",
        {
            "height_factor": factor("Zoom of the height: negative zooms in."),
            "width_factor": _optional_factor("Zoom of the width (null: keep the aspect ratio)."),
            **GEOMETRY,
        },
        required=("height_factor",),
        positional="height_factor",
    ),
    _image_layer("AutoContrast", "Stretches each channel to the full value range.", {"value_range": VALUE_RANGE}),
    _image_layer(
        "Solarization",
        "Inverts values above a random threshold, after adding a random offset.",
        {
            "addition_factor": factor("Offset, as a fraction of the value range.", default=0.0),
            "threshold_factor": factor("Threshold, as a fraction of the value range.", default=0.0),
            "value_range": VALUE_RANGE,
        },
    ),
    _image_layer(
        "ContrastLimitedAdaptiveHistogramEqualization",
        "Equalises histograms per tile with a contrast limit (CLAHE).",
        {
            "value_range": VALUE_RANGE,
            "clip_limit": A.number("Contrast limit.", default=4.0, exclusiveMinimum=0),
            "tile_grid_size": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1},
                "minItems": 2,
                "maxItems": 2,
                "default": [8, 8],
                "description": "Tiles per row and column.",
            },
        },
    ),
    _image_layer(
        "AugMix",
        "Mixes chains of random augmentations (AugMix).",
        {
            "value_range": VALUE_RANGE,
            "num_chains": A.pos_int("Chains mixed.", default=3),
            "chain_depth": A.int_or_tuple(2, "Operations per chain, or a [low, high] range.", default=3),
            "factor": factor("Strength of the operations.", default=0.3),
            "alpha": A.number("Dirichlet and Beta parameter.", default=1.0, exclusiveMinimum=0),
            "all_ops": A.boolean("Use every operation, colour ones included.", default=True),
            "interpolation": INTERPOLATION,
        },
    ),
    _image_layer(
        "RandAugment",
        "Applies `num_ops` random augmentations (RandAugment).",
        {
            "value_range": VALUE_RANGE,
            "num_ops": A.pos_int("Operations per image.", default=2),
            "factor": factor("Strength of the operations.", default=0.5),
            "interpolation": INTERPOLATION,
        },
    ),
    _image_layer(
        "CutMix", "Pastes patches between the images of a batch.", {"factor": factor("Beta parameter.", default=1.0)}
    ),
    _image_layer(
        "MixUp",
        "Blends the images of a batch pairwise.",
        {"alpha": A.number("Beta parameter.", default=0.2, exclusiveMinimum=0)},
    ),
]
