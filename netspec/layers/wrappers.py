"""Wrappers around one nested layer, written as `layer: {LSTM: {units: 8}}`.

Bidirectional runs a recurrent layer forwards and backwards; TimeDistributed applies a layer
to every step of the first axis. The nested layer's arguments are checked by its own schema and
its figures come from its own rules.
"""

from __future__ import annotations

from dataclasses import replace

from . import args as A
from .base import LayerType, ShapeError, fmt_shape

RECURRENT = ("SimpleRNN", "LSTM", "GRU", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")


def nested(table: dict, given) -> tuple:
    """(LayerType, full arguments) of the nested layer mapping {Type: args}."""
    ((type_name, raw),) = given.items()
    inner = table[type_name]
    return inner, inner.with_defaults(written(inner, raw))


def written(inner: LayerType, raw) -> dict:
    """The nested layer's arguments as a mapping: null and the shorthand value resolved."""
    if raw is None:
        return {}
    return raw if isinstance(raw, dict) else {inner.positional: raw}


def _layer_schema(names, doc: str) -> dict:
    """One {Type: args} item; each type's arguments by reference to the spec schema's `$defs/args`."""
    return {
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "properties": {name: {"$ref": f"#/$defs/args/{name}"} for name in names},
        "additionalProperties": False,
        "description": doc,
    }


def _defs(table: dict, names):
    return lambda: {"args": {name: table[name].schema() for name in names}}


def _inner_figures(table, a, shape):
    inner, args = nested(table, a["layer"])
    inner.check_rank([shape])
    out = inner.shape(args, [shape])
    return inner, args, out, inner.weights(args, [shape]), inner.macs(args, [shape], out)


def bidirectional(table: dict) -> LayerType:
    def shape(a, inputs):
        _, _, out, _, _ = _inner_figures(table, a, inputs[0])
        return (*out[:-1], 2 * out[-1]) if a["merge_mode"] == "concat" else out

    def weights(a, inputs):
        _, _, _, inner, _ = _inner_figures(table, a, inputs[0])
        return {f"{way}_{k}": w for way in ("forward", "backward") for k, w in inner.items()}

    def macs(a, inputs, out):
        inner = _inner_figures(table, a, inputs[0])[4]
        return None if inner is None else 2 * inner

    def states(a):
        inner, args = nested(table, a["layer"])
        return tuple(f"{way}_{state}" for way in ("forward", "backward") for state in inner.states(args))

    def returns_state(a):
        inner, args = nested(table, a["layer"])
        return inner.returns_state(args)

    def state_shape(a, inputs):
        inner, args = nested(table, a["layer"])
        return inner.state_shape(args, inputs[:1])

    merge_mode = A.enum(["concat", "sum", "mul", "ave"], "How the two directions are merged.", default="concat")
    return _wrapper(
        table,
        RECURRENT,
        LayerType(
            name="Bidirectional",
            family="recurrent",
            doc="Runs a recurrent layer forwards and a copy backwards, and merges their outputs. With the "
            "nested layer's return_state the states are further outputs layer:forward_h, (layer:forward_c,) "
            "layer:backward_h (, layer:backward_c); further inputs after the sequence are the initial states, "
            "forward then backward.",
            args={"layer": "The recurrent layer, e.g. {LSTM: {units: 64}}.", "merge_mode": merge_mode},
            shape=shape,
            weights=weights,
            macs=macs,
            states=states,
            returns_state=returns_state,
            state_shape=state_shape,
        ),
    )


def _label(table, a) -> str:
    inner, args = nested(table, a["layer"])
    text = inner.label(args)
    return f"{inner.name}" + (f" {text}" if text else "")


def time_distributed(table: dict) -> LayerType:
    names = [n for n, lt in table.items() if not lt.merge and lt.family != "augmentation" and lt.nested_arg is None]

    def split(x):
        if len(x) < 2:
            raise ShapeError(f"TimeDistributed needs (steps, ...) inputs of rank 3 or more; received {fmt_shape(x)}")
        return x[0], x[1:]

    def shape(a, inputs):
        steps, rest = split(inputs[0])
        return (steps, *_inner_figures(table, a, rest)[2])

    def weights(a, inputs):
        return _inner_figures(table, a, split(inputs[0])[1])[3]

    def macs(a, inputs, out):
        steps, rest = split(inputs[0])
        inner = _inner_figures(table, a, rest)[4]
        return None if steps is None or inner is None else steps * inner

    return _wrapper(
        table,
        names,
        LayerType(
            name="TimeDistributed",
            family="reshape",
            doc="Applies the nested layer to every step of the first axis (one set of weights for all steps).",
            args={"layer": "The layer applied per step, e.g. {Dense: 10}."},
            shape=shape,
            weights=weights,
            macs=macs,
        ),
    )


def _wrapper(table: dict, names, draft: LayerType) -> LayerType:
    """`draft` completed as a wrapper of one of `names`: its `layer` argument's schema, label and build."""
    args = {**draft.args, "layer": _layer_schema(names, draft.args["layer"])}
    return replace(
        draft,
        args=args,
        required=("layer",),
        positional="layer",
        label=lambda a: _label(table, a),
        nested_arg="layer",
        defs=_defs(table, names),
    )


def wrappers(table: dict) -> list[LayerType]:
    """The wrapper types over the layer types of `table`."""
    return [bidirectional(table), time_distributed(table)]
