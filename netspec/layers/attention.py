"""Attention layers over (steps, ..., features) inputs listed as `inputs: [query, value]` or
`[query, value, key]` (self-attention: `inputs: [x, x]`).

MACs follow the registry's convention: multiply-accumulates with the layer's weights, i.e. the
projections; the score and weighted-sum products between activations are not counted.
"""

from __future__ import annotations

from . import args as A
from .base import LayerType, ShapeError, Weight, fmt_shape, ntuple, prod


def _roles(name: str, inputs: list) -> tuple:
    """(query, value, key) shapes from one to three inputs; the key defaults to the value."""
    if len(inputs) > 3:
        raise ShapeError(f"{name} takes [query, value] or [query, value, key]; received {len(inputs)} inputs")
    query = inputs[0]
    value = inputs[1] if len(inputs) > 1 else query
    key = inputs[2] if len(inputs) > 2 else value
    for role, shape in (("query", query), ("value", value), ("key", key)):
        if shape[-1] is None:
            raise ShapeError(f"{name} needs a known feature size for its {role}; received {fmt_shape(shape)}")
    return query, value, key


def _projected(shape, features: int):
    """MACs of projecting every position of `shape` onto `features` outputs; None if the length is unknown."""
    size = prod(shape)
    return None if size is None else size * features


def _sum(*parts):
    return None if any(p is None for p in parts) else sum(parts)


def _bias(a, shape: tuple) -> dict:
    return {"bias": Weight(shape)} if a["use_bias"] else {}


def _projection(a, d_in: int, heads: int, size: int) -> list:
    return [Weight((d_in, heads, size)), *_bias(a, (heads, size)).values()]


# MultiHeadAttention


def _mha_out(a, query) -> tuple:
    return ntuple(a["output_shape"], 1) if a["output_shape"] is not None else (query[-1],)


def _mha_shape(a, inputs):
    query, _, _ = _roles("MultiHeadAttention", inputs)
    return (*query[:-1], *_mha_out(a, query))


def _mha_weights(a, inputs):
    query, value, key = _roles("MultiHeadAttention", inputs)
    h, kd = a["num_heads"], a["key_dim"]
    vd = a["value_dim"] or kd
    out = _mha_out(a, query)
    ws = _projection(a, query[-1], h, kd)
    if a["use_gate"]:
        ws += _projection(a, query[-1], h, vd)
    ws += _projection(a, key[-1], h, kd) + _projection(a, value[-1], h, vd)
    ws += [Weight((h, vd, *out)), *_bias(a, out).values()]
    return {f"w{i}": w for i, w in enumerate(ws)}


def _mha_macs(a, inputs, out):
    query, value, key = _roles("MultiHeadAttention", inputs)
    h, kd = a["num_heads"], a["key_dim"]
    vd = a["value_dim"] or kd
    gate = _projected(query[:-1], query[-1] * h * vd) if a["use_gate"] else 0
    return _sum(
        _projected(query[:-1], query[-1] * h * kd),
        gate,
        _projected(key[:-1], key[-1] * h * kd),
        _projected(value[:-1], value[-1] * h * vd),
        _projected(query[:-1], h * vd * prod(_mha_out(a, query))),
    )


_OPTIONAL_INT = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}], "default": None}
_WEIGHTS = {
    "use_bias": A.boolean("Add biases to the projections.", default=True),
    **A.weight_args("kernel", "bias"),
    "activity_regularizer": A.ACTIVITY_REGULARIZER,
    "use_gate": A.boolean("Gate the attention output with a sigmoid projection of the query.", default=False),
    "sliding_window": {**_OPTIONAL_INT, "description": "Attend only this far (a mask)."},
    "seed": A.SEED,
}

MULTI_HEAD_ATTENTION = LayerType(
    name="MultiHeadAttention",
    family="attention",
    doc="Multi-head scaled dot-product attention with learned query, key, value and output projections. "
    "Inputs: [query, value] or [query, value, key] (self-attention: [x, x]). MACs count the projections only.",
    args={
        "num_heads": A.pos_int("Number of heads."),
        "key_dim": A.pos_int("Size of each head for query and key."),
        "value_dim": {**_OPTIONAL_INT, "description": "Size of each head for value (default: key_dim)."},
        "dropout": A.rate("Dropout of the attention weights.", default=0.0),
        "output_shape": {
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1},
                {"type": "null"},
            ],
            "default": None,
            "description": "Output feature shape (default: the query's feature size).",
        },
        "attention_axes": {
            "anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}, {"type": "null"}],
            "default": None,
            "description": "Axes attended over (default: all but batch, heads and features).",
        },
        "flash_attention": {
            "enum": [True, False, None],
            "default": None,
            "description": "Use flash attention where available.",
        },
        **_WEIGHTS,
    },
    required=("num_heads", "key_dim"),
    shape=_mha_shape,
    weights=_mha_weights,
    macs=_mha_macs,
    label=lambda a: f"{a['num_heads']} heads × {a['key_dim']}",
    merge=True,
    call="query_value_key",
)


# GroupQueryAttention


def _gqa_check(a, inputs):
    query, value, key = _roles("GroupQueryAttention", inputs)
    if a["num_query_heads"] % a["num_key_value_heads"]:
        raise ShapeError(
            f"GroupQueryAttention num_query_heads={a['num_query_heads']} must be a multiple of "
            f"num_key_value_heads={a['num_key_value_heads']}"
        )
    if query[-1] != value[-1]:
        raise ShapeError(
            f"GroupQueryAttention needs query and value of equal feature size; received "
            f"query {fmt_shape(query)}, value {fmt_shape(value)}"
        )
    return query, value, key


def _gqa_weights(a, inputs):
    query, value, key = _gqa_check(a, inputs)
    nq, nkv, hd = a["num_query_heads"], a["num_key_value_heads"], a["head_dim"]
    ws = _projection(a, query[-1], nq, hd)
    if a["use_gate"]:
        ws += _projection(a, query[-1], nq, hd)
    ws += _projection(a, key[-1], nkv, hd) + _projection(a, value[-1], nkv, hd)
    ws += [Weight((nq, hd, query[-1])), *_bias(a, (query[-1],)).values()]
    return {f"w{i}": w for i, w in enumerate(ws)}


def _gqa_macs(a, inputs, out):
    query, value, key = _gqa_check(a, inputs)
    nq, nkv, hd = a["num_query_heads"], a["num_key_value_heads"], a["head_dim"]
    return _sum(
        _projected(query[:-1], query[-1] * nq * hd * (2 if a["use_gate"] else 1)),
        _projected(key[:-1], key[-1] * nkv * hd),
        _projected(value[:-1], value[-1] * nkv * hd),
        _projected(query[:-1], nq * hd * query[-1]),
    )


GROUP_QUERY_ATTENTION = LayerType(
    name="GroupQueryAttention",
    family="attention",
    doc="Grouped-query attention: several query heads share each key/value head. "
    "Inputs: [query, value] or [query, value, key]. MACs count the projections only.",
    args={
        "head_dim": A.pos_int("Size of each head."),
        "num_query_heads": A.pos_int("Number of query heads."),
        "num_key_value_heads": A.pos_int("Number of key and value heads (divides num_query_heads)."),
        "dropout": A.rate("Dropout of the attention weights.", default=0.0),
        "flash_attention": {
            "enum": [True, False, None],
            "default": None,
            "description": "Use flash attention where available.",
        },
        **_WEIGHTS,
    },
    required=("head_dim", "num_query_heads", "num_key_value_heads"),
    shape=lambda a, inputs: _gqa_check(a, inputs)[0],
    weights=_gqa_weights,
    macs=_gqa_macs,
    label=lambda a: f"{a['num_query_heads']}/{a['num_key_value_heads']} heads × {a['head_dim']}",
    merge=True,
    call="query_value_key",
)


# Attention and AdditiveAttention: no projections, scores between query and key.


def _dot_shape(name: str):
    def shape(a, inputs):
        query, value, key = _roles(name, inputs)
        if query[-1] != key[-1]:
            raise ShapeError(
                f"{name} scores query and key of equal feature size; received "
                f"query {fmt_shape(query)}, key {fmt_shape(key)}"
            )
        return (*query[:-1], value[-1])

    return shape


def _attention_weights(a, inputs):
    w = {"scale": Weight(())} if a["use_scale"] else {}
    if a["score_mode"] == "concat":
        w["concat_score_weight"] = Weight(())
    return w


ATTENTION = LayerType(
    name="Attention",
    family="attention",
    doc="Dot-product (Luong-style) attention of a query over a value (and key): inputs [query, value(, key)]. "
    "No weight products, so 0 MACs by the convention.",
    args={
        "use_scale": A.boolean("Learn a scalar that scales the scores.", default=False),
        "score_mode": A.enum(["dot", "concat"], "How query and key are scored.", default="dot"),
        "dropout": A.rate("Dropout of the attention weights.", default=0.0),
        "seed": A.SEED,
    },
    shape=_dot_shape("Attention"),
    weights=_attention_weights,
    merge=True,
)

ADDITIVE_ATTENTION = LayerType(
    name="AdditiveAttention",
    family="attention",
    doc="Additive (Bahdanau-style) attention of a query over a value (and key): inputs [query, value(, key)]. "
    "No weight products, so 0 MACs by the convention.",
    args={
        "use_scale": A.boolean("Learn a scale per feature.", default=True),
        "dropout": A.rate("Dropout of the attention weights.", default=0.0),
        "seed": A.SEED,
    },
    shape=_dot_shape("AdditiveAttention"),
    weights=lambda a, inputs: {"scale": Weight((inputs[0][-1],))} if a["use_scale"] else {},
    merge=True,
)

LAYERS = [MULTI_HEAD_ATTENTION, GROUP_QUERY_ATTENTION, ATTENTION, ADDITIVE_ATTENTION]
