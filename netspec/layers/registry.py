"""The layer registry: one explicit table from Keras class name to LayerType.

Core types (checked arguments, static rules) come from the family modules.
Any other public Keras layer may be used by name and is analysed by Keras at
build time ("opaque"). A few classes are refused because they run code or
wrap other layer objects.
"""

from __future__ import annotations

import sys
from importlib import resources

from . import activation, conv, dense, merge, normalization, pooling, preprocessing, regularization, reshaping
from .base import LayerType


def _table(*groups) -> dict[str, LayerType]:
    table: dict[str, LayerType] = {}
    for group in groups:
        for layer in group:
            if layer.name in table:
                raise RuntimeError(f"layer type {layer.name} registered twice")
            table[layer.name] = layer
    return table


CORE: dict[str, LayerType] = _table(
    conv.LAYERS,
    dense.LAYERS,
    activation.LAYERS,
    regularization.LAYERS,
    normalization.LAYERS,
    pooling.LAYERS,
    reshaping.LAYERS,
    merge.LAYERS,
    preprocessing.LAYERS,
)

ALIASES = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "Convolution2DTranspose": "Conv2DTranspose",
    "SeparableConvolution2D": "SeparableConv2D",
    "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D",
    "AvgPool1D": "AveragePooling1D",
    "AvgPool2D": "AveragePooling2D",
    "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "GlobalAvgPool1D": "GlobalAveragePooling1D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D",
}

REFUSED = {
    "Lambda": "Lambda runs arbitrary Python code; write a plugin layer and pass --plugin instead",
    "TFSMLayer": "TFSMLayer loads a SavedModel with its own code",
    "JaxLayer": "JaxLayer wraps Python functions",
    "FlaxLayer": "FlaxLayer wraps Python modules",
    "TorchModuleWrapper": "TorchModuleWrapper wraps Python modules",
    "Layer": "Layer is the abstract base class",
    "Wrapper": "Wrapper is an abstract base class",
    "Input": "inputs are declared with input: or inputs:",
    "InputLayer": "inputs are declared with input: or inputs:",
    "InputSpec": "InputSpec is not a layer",
    "Pipeline": "Pipeline takes layer objects, which a spec cannot hold",
    "Bidirectional": "Bidirectional takes a layer object, which a spec cannot hold",
    "TimeDistributed": "TimeDistributed takes a layer object, which a spec cannot hold",
    "RNN": "RNN takes a cell object, which a spec cannot hold",
    "StackedRNNCells": "StackedRNNCells takes cell objects, which a spec cannot hold",
    "SpectralNormalization": "SpectralNormalization takes a layer object, which a spec cannot hold",
}


def _keras_names() -> frozenset[str]:
    text = resources.files(__package__).joinpath("keras_layers.txt").read_text()
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


KERAS_NAMES = _keras_names()
OPAQUE_NAMES = frozenset(KERAS_NAMES - set(CORE) - set(ALIASES) - set(REFUSED))
PLUGIN_NAMES: set[str] = set()  # filled only by netspec.plugins.load (--plugin / NETSPEC_PLUGINS)


def opaque(name: str) -> LayerType:
    """A Keras layer without static rules: arguments are passed through, shapes come from Keras."""
    return LayerType(
        name=name,
        family="other",
        doc="Keras layer analysed by Keras at build time.",
        args={},
        shape=lambda a, inputs: None,
        static=False,
    )


def lookup(name: str) -> LayerType | None:
    """The LayerType for a Keras class name (aliases resolved), or None if unknown or refused."""
    name = ALIASES.get(name, name)
    if name in CORE:
        return CORE[name]
    if name in OPAQUE_NAMES or name in PLUGIN_NAMES:
        return opaque(name)
    return None


def known_names() -> list[str]:
    return sorted(set(CORE) | OPAQUE_NAMES | set(ALIASES) | PLUGIN_NAMES)


if __name__ == "__main__" and sys.argv[1:] == ["--keras-names"]:
    import keras

    names = sorted(n for n in dir(keras.layers) if n[:1].isupper())
    header = f"# Layer classes of keras.layers (Keras {keras.__version__}); regenerate: "
    header += "python -m netspec.layers.registry --keras-names\n"
    path = resources.files(__package__).joinpath("keras_layers.txt")
    path.write_text(header + "\n".join(names) + "\n")
