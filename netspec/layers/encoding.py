"""Encoding layers given their vocabulary by arguments: CategoryEncoding, Hashing, Discretization, IntegerLookup.

Layers whose state is learned from data (`adapt()`), such as StringLookup, a Discretization
given only `num_bins` or an IntegerLookup without `vocabulary`, have no static rule: see the registry.
IntegerLookup reading its vocabulary from a file (FILE_ARGS, --allow-files) has one in output_mode int only,
where the file's length does not change the output; in the other modes it is sized by Keras at build (opaque_when).
"""

from __future__ import annotations

from collections import Counter

from . import args as A
from .base import LayerType, ShapeError, fmt_shape

MODES = ["int", "one_hot", "multi_hot", "count"]


def encoded(x, depth: int, mode: str):
    """Output shape of integer ids `x` encoded into `depth` categories, as Keras' encoding layers give it."""
    if mode == "int":
        return tuple(x)
    if mode == "one_hot" and x[-1] != 1:
        return (*x, depth)
    return (*x[:-1], depth)


def _category_shape(a, inputs):
    return encoded(inputs[0], a["num_tokens"], a["output_mode"])


def _output_mode(modes, default: str) -> dict:
    return A.enum(
        modes, "int: ids; one_hot: one vector per id; multi_hot/count: one vector per example.", default=default
    )


_SPARSE = A.enum([False], "Dense output only (a sparse tensor cannot feed the other layers).", default=False)

CATEGORY_ENCODING = LayerType(
    name="CategoryEncoding",
    family="encoding",
    doc="Encodes integer ids in [0, num_tokens) as one-hot, multi-hot or count vectors.",
    args={
        "num_tokens": A.pos_int("Number of categories."),
        "output_mode": _output_mode(MODES[1:], "multi_hot"),
        "sparse": _SPARSE,
    },
    required=("num_tokens",),
    shape=_category_shape,
    label=lambda a: f"{a['output_mode']} {a['num_tokens']}",
    ranks=(1,),
)

HASHING = LayerType(
    name="Hashing",
    family="encoding",
    doc="Hashes values into `num_bins` integer bins.",
    args={
        "num_bins": A.pos_int("Number of bins (including the mask bin if mask_value is set)."),
        "mask_value": {
            "anyOf": [{"type": ["integer", "string"]}, {"type": "null"}],
            "default": None,
            "description": "Value hashed to bin 0.",
        },
        "salt": {
            "anyOf": [
                {"type": "integer"},
                {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
                {"type": "null"},
            ],
            "default": None,
            "description": "Key of the keyed hash (SipHash64).",
        },
        "output_mode": _output_mode(MODES, "int"),
        "sparse": _SPARSE,
    },
    required=("num_bins",),
    shape=lambda a, inputs: encoded(inputs[0], a["num_bins"], a["output_mode"]),
    label=lambda a: f"{a['num_bins']} bins",
    ranks=(1, 2),
)


DISCRETIZATION = LayerType(
    name="Discretization",
    family="encoding",
    doc="Buckets values by `bin_boundaries` (learning the boundaries from data with adapt() has no static rule).",
    args={
        "bin_boundaries": {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 1,
            "description": "Increasing boundaries; n boundaries give n + 1 buckets.",
        },
        "num_bins": {"type": "null", "default": None, "description": "Only for adapt(), which has no static rule."},
        "epsilon": A.number("Error tolerance of adapt().", default=0.01),
        "output_mode": _output_mode(MODES, "int"),
        "sparse": _SPARSE,
    },
    required=("bin_boundaries",),
    shape=lambda a, inputs: encoded(inputs[0], len(a["bin_boundaries"]) + 1, a["output_mode"]),
    label=lambda a: f"{len(a['bin_boundaries']) + 1} buckets",
    ranks=(1, 2),
)


def _lookup_size(a) -> int:
    """The number of indices of IntegerLookup's given vocabulary (OOV and mask ones included), after Keras' checks."""
    vocabulary, mode, mask, oov = a["vocabulary"], a["output_mode"], a["mask_token"], a["oov_token"]
    special = [mask] * (mask is not None and mode == "int") + [oov] * a["num_oov_indices"]
    tokens = vocabulary[len(special) :] if vocabulary[: len(special)] == special else vocabulary
    repeated = sorted(t for t, n in Counter(tokens).items() if n > 1)
    problem = (
        (repeated, f"repeats {repeated}; each term must appear once"),
        (not tokens, f"holds only the special tokens {special}; give at least one term"),
        (mask is not None and mask in tokens, f"holds mask_token={mask}; leave it out (Keras gives it index 0)"),
        (a["invert"] and oov in tokens, f"holds oov_token={oov}, which invert=true returns for unknown indices"),
    )
    for found, message in problem:
        if found:
            raise ShapeError(f"IntegerLookup vocabulary {message}")
    size = len(special) + len(tokens)
    if a["max_tokens"] is not None and size > a["max_tokens"]:
        raise ShapeError(
            f"IntegerLookup vocabulary needs {size} indices with its OOV and mask indices, more than "
            f"max_tokens={a['max_tokens']}; raise max_tokens or shorten the vocabulary"
        )
    return size


def _lookup_checks(a) -> None:
    """Keras' checks of IntegerLookup's arguments that do not read the vocabulary."""
    mode, idf = a["output_mode"], a["idf_weights"]
    if a.get("vocabulary") is None:
        raise ShapeError(
            "IntegerLookup has no vocabulary; write it as a list of integers (vocabulary: [...]): "
            "a vocabulary learned by adapt() has no static rule"
        )
    if a["invert"] and mode != "int":
        raise ShapeError(f"IntegerLookup invert=true needs output_mode int; received output_mode={mode}")
    if (idf is None) == (mode == "tf_idf"):
        raise ShapeError(f"IntegerLookup takes idf_weights with output_mode tf_idf, and only then; received {mode}")
    if idf is not None and isinstance(a["vocabulary"], list) and len(idf) != len(a["vocabulary"]):
        raise ShapeError(
            f"IntegerLookup needs one idf weight per vocabulary term; received {len(idf)} for {len(a['vocabulary'])}"
        )
    if a["pad_to_max_tokens"] and a["max_tokens"] is None:
        raise ShapeError("IntegerLookup pad_to_max_tokens=true needs max_tokens")
    if a["salt"] is not None and a["oov_method"] != "farmhash":
        raise ShapeError("IntegerLookup salt needs oov_method farmhash")


def _lookup_shape(a, inputs):
    """int mode keeps the input's shape, whatever the vocabulary (a file's too); the others add its size."""
    _lookup_checks(a)
    x, mode, vocabulary = inputs[0], a["output_mode"], a["vocabulary"]
    if isinstance(vocabulary, str):  # output_mode int: other modes with a file are opaque (opaque_when)
        return x
    size = _lookup_size(a)
    if mode == "one_hot" and not x:
        raise ShapeError("IntegerLookup output_mode=one_hot needs an input axis after the batch axis")
    if mode in ("multi_hot", "count", "tf_idf") and len(x) != 1:
        # Keras 3 declares (batch, ..., depth) for more axes, but its call drops the first of them.
        raise ShapeError(
            f"IntegerLookup output_mode={mode} encodes one axis of ids per example, (batch, ids); "
            f"received {fmt_shape(x)}: flatten or reshape the ids first"
        )
    return encoded(x, a["max_tokens"] if a["pad_to_max_tokens"] else size, mode)


_TOKEN = {"anyOf": [{"type": "integer"}, {"type": "null"}]}

INTEGER_LOOKUP = LayerType(
    name="IntegerLookup",
    family="encoding",
    doc=(
        "Maps integers to indices in a vocabulary given as a list (OOV and mask indices first), "
        "or back with invert; no weights (tf_idf's idf weights are a constant that Keras does not count)."
    ),
    args={
        "vocabulary": {
            "anyOf": [
                {"type": "array", "items": {"type": "integer"}, "minItems": 1},
                {"type": "string"},
                {"type": "null"},
            ],
            "description": "The terms, as a list of integers; a file path is read by Keras (--allow-files) and sized statically in output_mode int only; adapt() has no rule.",
        },
        "max_tokens": {
            "anyOf": [{"type": "integer", "minimum": 2}, {"type": "null"}],
            "default": None,
            "description": "Most indices, OOV and mask included.",
        },
        "num_oov_indices": {"type": "integer", "minimum": 0, "default": 1, "description": "Indices for unknown terms."},
        "mask_token": {**_TOKEN, "default": None, "description": "Term that means padding (index 0 in int mode)."},
        "oov_token": {"type": "integer", "default": -1, "description": "Term invert returns for an unknown index."},
        "vocabulary_dtype": A.enum(["int64"], "Keras supports int64 only.", default="int64"),
        "idf_weights": {
            "anyOf": [{"type": "array", "items": {"type": "number"}, "minItems": 1}, {"type": "null"}],
            "default": None,
            "description": "One inverse document frequency per vocabulary term (output_mode tf_idf only).",
        },
        "invert": A.boolean("Map indices back to terms.", default=False),
        "output_mode": _output_mode([*MODES, "tf_idf"], "int"),
        "sparse": _SPARSE,
        "pad_to_max_tokens": A.boolean("Encode into max_tokens indices, whatever the vocabulary size.", default=False),
        "oov_method": A.enum(
            ["floormod", "farmhash"], "How unknown terms are spread over the OOV indices.", default="floormod"
        ),
        "salt": HASHING.args["salt"],
    },
    shape=_lookup_shape,
    # a vocabulary file sizes the one_hot/multi_hot/count/tf_idf output, and netspec does not read files
    opaque_when=lambda a: isinstance(a.get("vocabulary"), str) and a["output_mode"] != "int",
    label=lambda a: f"{len(a['vocabulary'])} terms" if isinstance(a.get("vocabulary"), list) else "",
)

LAYERS = [CATEGORY_ENCODING, HASHING, DISCRETIZATION, INTEGER_LOOKUP]
