"""JSON Schema fragments for the arguments that many layer types share."""

from __future__ import annotations

ACTIVATIONS = sorted(
    """celu elu exponential gelu glu hard_shrink hard_sigmoid hard_silu hard_swish hard_tanh
    leaky_relu linear log_sigmoid log_softmax mish relu relu6 selu sigmoid silu soft_shrink
    softmax softplus softsign sparse_plus sparse_sigmoid sparsemax squareplus swish tanh
    tanh_shrink threshold""".split()
)

_NAME = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}
_CONFIG = {
    "type": "object",
    "properties": {"class_name": _NAME, "config": {"type": "object"}},
    "required": ["class_name"],
    "additionalProperties": False,
}


def pos_int(doc: str, **extra) -> dict:
    return {"type": "integer", "minimum": 1, "description": doc, **extra}


def int_or_tuple(n: int, doc: str, minimum: int = 1, **extra) -> dict:
    item = {"type": "integer", "minimum": minimum}
    return {
        "anyOf": [item, {"type": "array", "items": item, "minItems": n, "maxItems": n}],
        "description": doc,
        **extra,
    }


def enum(values, doc: str, **extra) -> dict:
    return {"enum": list(values), "description": doc, **extra}


def boolean(doc: str, **extra) -> dict:
    return {"type": "boolean", "description": doc, **extra}


def number(doc: str, **extra) -> dict:
    return {"type": "number", "description": doc, **extra}


def rate(doc: str, **extra) -> dict:
    return {"type": "number", "minimum": 0, "exclusiveMaximum": 1, "description": doc, **extra}


def axis(doc: str = "Axis to act on (negative counts from the end).", default=-1) -> dict:
    return {"type": "integer", "default": default, "description": doc}


ACTIVATION = {
    "anyOf": [{"enum": ACTIVATIONS}, {"type": "null"}],
    "default": None,
    "description": "Activation applied to the output (a Keras activation name).",
}
DATA_FORMAT = {
    "enum": ["channels_last", None],
    "default": None,
    "description": "Only channels_last is supported (TensorFlow's fast layout).",
}


def initializer(doc: str, default: str) -> dict:
    return {"anyOf": [_NAME, _CONFIG], "default": default, "description": doc}


def optional_object(doc: str) -> dict:
    """A regularizer or constraint: a Keras name or {class_name, config}."""
    return {"anyOf": [_NAME, _CONFIG, {"type": "null"}], "default": None, "description": doc}


def weight_args(*names: str) -> dict:
    """Initializer, regularizer and constraint arguments for the named weights."""
    out = {}
    for name in names:
        default = "zeros" if name == "bias" else "glorot_uniform"
        out[f"{name}_initializer"] = initializer(f"Initializer of the {name} weights.", default)
        out[f"{name}_regularizer"] = optional_object(f"Regularizer of the {name} weights.")
        out[f"{name}_constraint"] = optional_object(f"Constraint on the {name} weights.")
    return out


ACTIVITY_REGULARIZER = optional_object("Regularizer of the layer's output.")
SEED = {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None, "description": "Random seed."}
