"""The expanded spec: one record per layer (FlatLayer), in a FlatSpec every later stage reads."""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field

from ..load import Document


@dataclass
class FlatLayer:
    """One layer of the expanded spec, with the file positions it came from."""

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


def _layer_data(layer: FlatLayer) -> dict:
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
