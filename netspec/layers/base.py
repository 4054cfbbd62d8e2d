"""What a layer type is: its arguments, its rules, and how it becomes a Keras layer.

Conventions, stated once:
- A shape is a tuple of ints (None where unknown), *without* the batch dimension.
- `macs` counts forward-pass multiply-accumulates of the layer's weights
  (convolutions, dense, embedding lookups count 0); FLOPs are reported as 2 x MACs.
  Biases, activations, pooling, normalisation and merges are not counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

Shape = tuple


class ShapeError(Exception):
    """The layer cannot accept the shapes it receives; the message names them."""


@dataclass(frozen=True)
class Weight:
    shape: tuple
    trainable: bool = True

    @property
    def size(self) -> int:
        return math.prod(self.shape)


def _no_weights(args: dict, inputs: list) -> dict:
    return {}


def _no_macs(args: dict, inputs: list, out: Shape) -> int:
    return 0


def _no_label(args: dict) -> str:
    return ""


def _no_states(args: dict) -> tuple:
    return ()


@dataclass(frozen=True)
class LayerType:
    """One registry entry: everything netspec knows about a Keras layer class."""

    name: str
    family: str
    doc: str
    args: dict  # argument -> JSON Schema fragment ("default" = Keras' default)
    shape: Callable[[dict, list], Shape]
    required: tuple = ()
    positional: str | None = None  # `- Activation: relu` means {activation: relu}
    weights: Callable[[dict, list], dict] = _no_weights
    macs: Callable[[dict, list, Shape], int] = _no_macs
    label: Callable[[dict], str] = _no_label
    merge: bool = False  # takes two or more inputs
    ranks: tuple | None = None  # accepted input ranks, batch excluded
    keras_name: str | None = None
    static: bool = field(default=True)
    # How the Keras layer is made and called, where not `keras.layers.<name>(name=..., **args)` called
    # on one tensor (or a list of them for merge layers):
    nested_arg: str | None = None  # this argument holds a layer {Type: args}, made as keras.layers.Type(**args)
    # "query_value_key": called as layer(query, value, key=key) on its 2 or 3 inputs (attention)
    call: str | None = None
    defs: Callable | None = None  # () -> the "$defs" that this layer's "$ref"s name (wrappers' nested layers)
    # Recurrent layers: the names of the states (h, c) that further inputs set as the initial state
    # (in this order) and that return_state adds as outputs `layer:h`; every state has one shape.
    states: Callable[[dict], tuple] = _no_states
    returns_state: Callable[[dict], bool] = lambda args: False
    state_shape: Callable[[dict, list], Shape] | None = None
    # Arguments for which the rule has no answer (a size that only a file Keras reads can tell):
    # such a layer is analysed like one without rules, and Keras gives its figures at build.
    opaque_when: Callable[[dict], bool] | None = None  # given the full arguments

    def ports(self, args: dict) -> tuple:
        """The names of the layer's further outputs (its states under return_state), given its full arguments."""
        return self.states(args) if self.returns_state(args) else ()

    def args_schema(self, standalone: bool = True) -> dict:
        """JSON Schema of this layer's argument mapping; `standalone` includes the `$defs` its refs name."""
        out = {
            "type": "object",
            "properties": dict(self.args),
            "additionalProperties": not self.static,
            "required": list(self.required),
        }
        if standalone and self.defs is not None:
            out["$defs"] = self.defs()
        return out

    def schema(self) -> dict:
        """JSON Schema of what may follow the type key (the mapping, or a scalar shorthand), inside the spec's."""
        mapping = self.args_schema(standalone=False)
        if self.positional:
            return {"anyOf": [mapping, dict(self.args[self.positional])], "description": self.doc}
        if not self.required:
            return {"anyOf": [mapping, {"type": "null"}], "description": self.doc}
        return {**mapping, "description": self.doc}

    def with_defaults(self, given: dict) -> dict:
        """The layer's full argument mapping: Keras' defaults overlaid with `given`."""
        full = {k: s["default"] for k, s in self.args.items() if "default" in s}
        full.update(given)
        return full

    def check_rank(self, inputs: list) -> None:
        if self.ranks is None:
            return
        for shape in inputs:
            if len(shape) not in self.ranks:
                want = " or ".join(str(r + 1) for r in self.ranks)
                raise ShapeError(
                    f"{self.name} expects a rank-{want} input (batch included); received {fmt_shape(shape)}"
                )


def same_shape(args: dict, inputs: list) -> Shape:
    """The shape rule of element-wise layers: the output has the input's shape."""
    return inputs[0]


def fmt_shape(shape: Shape) -> str:
    """Keras-style shape text with the batch dimension: (None, 32, 32, 3)."""
    return "(" + ", ".join(["None", *("None" if d is None else str(d) for d in shape)]) + ")"


def ntuple(value, n: int) -> tuple:
    """An int or a list, normalised to an n-tuple."""
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,) * n


def prod(shape) -> int | None:
    return None if any(d is None for d in shape) else math.prod(shape)


def window_out(size, window: int, stride: int, padding: str, dilation: int = 1):
    """Output length of a strided window (conv or pooling) over `size`, as Keras computes it."""
    if size is None:
        return None
    if padding in ("same", "causal"):
        return (size - 1) // stride + 1
    return (size - dilation * (window - 1) - 1) // stride + 1


def transpose_out(size, window: int, stride: int, padding: str, dilation: int, output_padding):
    """Output length of a transposed convolution, as Keras' deconv_output_length computes it."""
    if size is None:
        return None
    window = window + (window - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return size * stride + max(window - stride, 0)
        return size * stride
    pad = window // 2 if padding == "same" else 0
    return (size - 1) * stride + window - 2 * pad + output_padding
