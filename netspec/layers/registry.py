"""The layer registry: one explicit table from Keras class name to LayerType.

Core types (checked arguments, static rules) come from the family modules.
Any other public Keras layer may be used by name and is analysed by Keras at
build time ("opaque"). A few classes are refused because they run code or
wrap other layer objects.
"""

from __future__ import annotations

import sys
from importlib import resources

from . import (
    activation,
    attention,
    audio,
    augmentation,
    conv,
    core,
    dense,
    encoding,
    merge,
    normalization,
    pooling,
    preprocessing,
    recurrent,
    regularization,
    reshaping,
)
from .base import LayerType
from .wrappers import wrappers


def _table(*groups) -> dict[str, LayerType]:
    table: dict[str, LayerType] = {}
    for group in groups:
        for layer in group:
            if layer.name in table:
                raise RuntimeError(f"layer type {layer.name} registered twice")
            table[layer.name] = layer
    return table


_UNWRAPPED = _table(
    conv.LAYERS,
    dense.LAYERS,
    core.LAYERS,
    activation.LAYERS,
    regularization.LAYERS,
    normalization.LAYERS,
    pooling.LAYERS,
    reshaping.LAYERS,
    merge.LAYERS,
    recurrent.LAYERS,
    attention.LAYERS,
    encoding.LAYERS,
    augmentation.LAYERS,
    preprocessing.LAYERS,
    audio.LAYERS,
)
CORE: dict[str, LayerType] = _table(_UNWRAPPED.values(), wrappers(_UNWRAPPED))

ALIASES = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "Convolution1DTranspose": "Conv1DTranspose",
    "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution3DTranspose": "Conv3DTranspose",
    "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D",
    **{f"MaxPool{n}D": f"MaxPooling{n}D" for n in (1, 2, 3)},
    **{f"AvgPool{n}D": f"AveragePooling{n}D" for n in (1, 2, 3)},
    **{f"GlobalMaxPool{n}D": f"GlobalMaxPooling{n}D" for n in (1, 2, 3)},
    **{f"GlobalAvgPool{n}D": f"GlobalAveragePooling{n}D" for n in (1, 2, 3)},
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
    "RNN": "RNN takes a cell object, which a spec cannot hold",
    "StackedRNNCells": "StackedRNNCells takes cell objects, which a spec cannot hold",
    "SpectralNormalization": "SpectralNormalization takes a layer object, which a spec cannot hold",
}


# Arguments that Keras reads as a path to a local file when given a string: refused unless the
# user passes --allow-files (a spec is data; a stranger's spec must not read ~/.ssh into model.keras).
FILE_ARGS = {
    "StringLookup": ("vocabulary", "idf_weights"),
    "IntegerLookup": ("vocabulary", "idf_weights"),
    "TextVectorization": ("vocabulary", "idf_weights"),
}

# Keras layers without static rules, and why: their shapes and weights come from Keras at build.
WHY_OPAQUE = {
    "StringLookup": "it takes string tensors, which a spec's inputs (numeric dtypes) cannot be",
    "TextVectorization": "it holds a vocabulary learned from data or read from a file, and takes string tensors",
    "HashedCrossing": "it crosses a tuple of categorical features, which a spec's graph (one tensor per edge) does not describe",
    "MaxNumBoundingBoxes": "it acts on bounding-box dictionaries, not on tensors",
    "ReversibleEmbedding": "its reverse call (logits) is chosen at call time, which a spec cannot express",
    "Equalization": "Keras 3.15 cannot place it in a functional model ('is part of a cycle'), so no rule can be cross-checked",
    "SimpleRNNCell": "a cell is called with (inputs, states) inside an RNN loop, not on one tensor",
    "LSTMCell": "a cell is called with (inputs, states) inside an RNN loop, not on one tensor",
    "GRUCell": "a cell is called with (inputs, states) inside an RNN loop, not on one tensor",
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


def rule_for(type_name: str, args: dict) -> LayerType | None:
    """The static rule of a layer of `type_name` given `args`, None where only Keras can tell."""
    core = CORE.get(type_name)
    if core is None or (core.opaque_when is not None and core.opaque_when(core.with_defaults(args))):
        return None
    return core


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
