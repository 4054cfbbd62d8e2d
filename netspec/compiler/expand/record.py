"""The expanded spec: one record per layer (Layer), in a FlatSpec every later stage reads."""

from __future__ import annotations

import copy
import functools
import math
import re
from dataclasses import dataclass, field

from ...problems import Problem
from ..load import Document


@dataclass
class Layer:
    """One layer (or model input), the one record every stage reads and fills.

    Expansion writes what the spec says (type, arguments, inputs, where each came from); the graph
    holds the record on its node; analysis returns a copy with the static figures filled in (None
    where only Keras can tell), and `netspec build` a copy with Keras' own; the table, the diagram,
    the memory estimate and the Keras build all read these fields.
    """

    name: str
    type: str
    args: dict
    inputs: list
    origin: tuple
    arg_origins: dict = field(default_factory=dict)
    block: str | None = None
    explicit_inputs: bool = False
    type_origin: tuple = ()  # where the type key is written: problems with the layer point here
    site: tuple = ()  # ((instance name, path of its use), ...) outermost first; () outside blocks
    kind: str = "layer"  # "input" for a model input
    # filled in by analysis
    output_shape: tuple | None = None
    state_shapes: dict = field(default_factory=dict)  # port -> shape of each further output (return_state)
    trainable: int | None = None
    non_trainable: int | None = None
    macs: int | None = None
    label: str = ""
    family: str = "other"

    @property
    def static(self) -> bool:
        return self.output_shape is not None and self.trainable is not None

    @property
    def params(self) -> int | None:
        return None if self.trainable is None else self.trainable + self.non_trainable

    @property
    def activations(self) -> int | None:
        """Elements of this layer's outputs (the main one and any states), per example."""
        shapes = [self.output_shape, *self.state_shapes.values()]
        if any(s is None or any(d is None for d in s) for s in shapes):
            return None
        return sum(math.prod(s) for s in shapes)

    def problem(self, doc: Document, message: str, arg_path: tuple = (), key: bool = False) -> Problem:
        """A problem of this layer, at the argument `arg_path` where it was written, else at its type key."""
        if arg_path and arg_path[0] in self.arg_origins:
            return doc.problem(self.arg_origins[arg_path[0]] + tuple(arg_path[1:]), message, key)
        return doc.problem(self.type_origin or self.origin, message, key)


def input_record(name: str, tensor: dict, origin: tuple) -> Layer:
    """A model input as a record: its shape is known, it holds no weights and computes nothing."""
    return Layer(
        name,
        "Input",
        dict(tensor),
        [],
        origin,
        type_origin=origin,
        kind="input",
        output_shape=tuple(tensor["shape"]),
        trainable=0,
        non_trainable=0,
        macs=0,
        family="input",
    )


@dataclass
class FlatSpec:
    """A fully expanded spec: inputs, named layers in order, outputs and the train section."""

    name: str
    description: str
    inputs: dict
    layers: list
    outputs: list
    train: dict
    doc: Document

    def input_path(self, name: str) -> tuple:
        """Where input `name` is written: `input:` for a single input, else `inputs: {name: ...}`."""
        return ("input",) if "input" in self.doc.data else ("inputs", name)

    def input_records(self) -> list[Layer]:
        return [input_record(name, tensor, self.input_path(name)) for name, tensor in self.inputs.items()]

    def to_data(self) -> dict:
        """The flat spec as plain data, ready to be written as YAML."""
        data = {"netspec": 1, "name": self.name}
        if self.description:
            data["description"] = self.description
        if list(self.inputs) == ["input"]:
            data["input"] = self.inputs["input"]
        else:
            data["inputs"] = self.inputs
        data["layers"] = [_layer_data(layer) for layer in self.layers]
        data["outputs"] = list(self.outputs)
        if self.train:
            data["train"] = self.train
        return data


def _layer_data(layer: Layer) -> dict:
    item = {layer.type: copy.deepcopy(layer.args), "name": layer.name}
    if layer.explicit_inputs:
        item["inputs"] = list(layer.inputs)
    if layer.block:
        item["block"] = layer.block
    return item


@functools.cache
def snake(type_name: str) -> str:
    """Keras' automatic layer-name stem: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d."""
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", type_name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
