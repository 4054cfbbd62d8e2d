"""Recurrent layers: SimpleRNN, LSTM, GRU and ConvLSTM1D/2D/3D over (time, ..., features) inputs.

The main output is the last step, or every step with `return_sequences`. Each layer has states:
`h` (and `c` for LSTM and ConvLSTM), each of shape (units,), or for ConvLSTM the output's spatial
shape with `filters` channels. With `return_state` they are further outputs that a reference
names with a colon, `enc:h`; given as further inputs after the sequence, they are the layer's
initial state (`inputs: [x, enc:h, enc:c]`). States change neither parameters nor MACs.
`stateful` is refused because it needs a fixed batch size.
"""

from __future__ import annotations

import math

from . import args as A
from .base import LayerType, Weight, ntuple, prod
from .conv import channels, spatial

GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def states(name: str) -> tuple:
    """The state names of a recurrent layer type, in Keras' order ([output, h, c] for LSTM)."""
    return ("h", "c") if "LSTM" in name else ("h",)


def _returns_state(a: dict) -> bool:
    return bool(a.get("return_state"))


def _activation(default: str, doc: str) -> dict:
    return {**A.ACTIVATION, "default": default, "description": doc}


def _common(gates: int) -> dict:
    weights = A.weight_args("kernel", "recurrent", "bias")
    weights["recurrent_initializer"] = A.initializer("Initializer of the recurrent weights.", "orthogonal")
    out = {"activation": _activation("tanh", "Activation of the output (and cell).")}
    if gates > 1:
        out["recurrent_activation"] = _activation("sigmoid", "Activation of the gates.")
    out.update(
        {
            "use_bias": A.boolean("Add biases.", default=True),
            **weights,
            "activity_regularizer": A.ACTIVITY_REGULARIZER,
            "dropout": A.rate("Dropout of the inputs.", default=0.0),
            "recurrent_dropout": A.rate("Dropout of the recurrent state.", default=0.0),
            "seed": A.SEED,
            "return_sequences": A.boolean("Output every step, not only the last.", default=False),
            "return_state": A.boolean(
                "Also output the final state"
                + (" and cell state, named layer:h and layer:c." if gates == 4 else ", named layer:h."),
                default=False,
            ),
            "go_backwards": A.boolean("Read the sequence backwards.", default=False),
            "stateful": A.enum([False], "Not supported: a stateful layer needs a fixed batch size.", default=False),
            "unroll": A.boolean("Unroll the loop (needs a known number of steps).", default=False),
            "zero_output_for_mask": A.boolean("Output zeros at masked steps (with return_sequences).", default=False),
        }
    )
    if gates == 4:
        out["unit_forget_bias"] = A.boolean("Start the forget gate's bias at 1.", default=True)
    return out


def _rnn(name: str) -> LayerType:
    gates = GATES[name]

    def shape(a, inputs):
        x = inputs[0]
        channels(name, x)
        return (x[0], a["units"]) if a["return_sequences"] else (a["units"],)

    def weights(a, inputs):
        f, u = inputs[0][-1], a["units"]
        w = {"kernel": Weight((f, gates * u)), "recurrent_kernel": Weight((u, gates * u))}
        if a["use_bias"]:
            w["bias"] = Weight((2, gates * u) if a.get("reset_after") else (gates * u,))
        return w

    def macs(a, inputs, out):
        t, f, u = inputs[0][0], inputs[0][-1], a["units"]
        return None if t is None else t * gates * u * (f + u)

    args = {"units": A.pos_int("Size of the output and state."), **_common(gates)}
    if name == "GRU":
        args["reset_after"] = A.boolean("Apply the reset gate after the matrix product (cuDNN style).", default=True)
    if name != "SimpleRNN":
        args["use_cudnn"] = {"enum": ["auto", True, False], "default": "auto", "description": "Use cuDNN on a GPU."}
    return LayerType(
        name=name,
        family="recurrent",
        doc=f"{name} over the time axis of (time, features) inputs. Output: the last step, or every step "
        f"with return_sequences; return_state adds the final state{'s' if gates == 4 else ''} "
        f"{' and '.join(f'layer:{p}' for p in states(name))} of shape (units,); "
        "further inputs after the sequence are the initial state. "
        "MACs: steps x gates x units x (features + units); unknown for a variable number of steps.",
        args=args,
        required=("units",),
        positional="units",
        shape=shape,
        weights=weights,
        macs=macs,
        label=lambda a: (
            f"{a['units']}"
            + (", sequences" if a.get("return_sequences") else "")
            + (", states" if a.get("return_state") else "")
        ),
        ranks=(2,),
        states=lambda a: states(name),
        returns_state=_returns_state,
        state_shape=lambda a, inputs: (a["units"],),
    )


def _conv_lstm(n: int) -> LayerType:
    name = f"ConvLSTM{n}D"

    def shape(a, inputs):
        x = inputs[0]
        channels(name, x)
        out = (*spatial(a, x[1:], n, name), a["filters"])
        return (x[0], *out) if a["return_sequences"] else out

    def state_shape(a, inputs):
        return (*spatial(a, inputs[0][1:], n, name), a["filters"])

    def weights(a, inputs):
        k, c, f = ntuple(a["kernel_size"], n), inputs[0][-1], a["filters"]
        w = {"kernel": Weight((*k, c, 4 * f)), "recurrent_kernel": Weight((*k, f, 4 * f))}
        if a["use_bias"]:
            w["bias"] = Weight((4 * f,))
        return w

    def macs(a, inputs, out):
        t, c, f = inputs[0][0], inputs[0][-1], a["filters"]
        pixels = prod(spatial(a, inputs[0][1:], n, name))
        if t is None or pixels is None:
            return None
        return t * pixels * math.prod(ntuple(a["kernel_size"], n)) * 4 * f * (c + f)

    return LayerType(
        name=name,
        family="recurrent",
        doc=f"LSTM whose gates are {n}-D convolutions, over (time, {n} spatial axes, channels) inputs. "
        "return_state adds the final states layer:h and layer:c (the last step's shape); further inputs "
        "after the sequence are the initial state.",
        args={
            "filters": A.pos_int("Channels of the output and state."),
            "kernel_size": A.int_or_tuple(n, "Window size."),
            "strides": A.int_or_tuple(n, "Step of the window.", default=1),
            "padding": A.enum(["valid", "same"], "valid or same.", default="valid"),
            "data_format": A.DATA_FORMAT,
            "dilation_rate": A.int_or_tuple(n, "Spacing between kernel taps.", default=1),
            **_common(4),
        },
        required=("filters", "kernel_size"),
        shape=shape,
        weights=weights,
        macs=macs,
        label=lambda a: f"{a['filters']}, " + "×".join(map(str, ntuple(a["kernel_size"], n))),
        ranks=(n + 2,),
        states=lambda a: states(name),
        returns_state=_returns_state,
        state_shape=state_shape,
    )


LAYERS = [*(_rnn(name) for name in GATES), *(_conv_lstm(n) for n in (1, 2, 3))]
