"""Emit stage: the graph as a Keras functional model, and Keras' own figures for the table."""

from __future__ import annotations

from .compiler.analyse import Analysis, Row
from .compiler.graph import build_order
from .layers import CORE
from .plugins import LAYERS as PLUGIN_LAYERS
from .problems import NetspecBug, Problem, SpecError
from .tf_env import import_keras


def build_model(spec, verbose: bool = False):
    """A keras.Model built layer by layer from the spec's graph."""
    keras = import_keras(verbose)
    flat = spec.flat
    tensors = {}
    for name, tensor in flat.inputs.items():
        tensors[name] = keras.Input(shape=tuple(tensor["shape"]), dtype=tensor.get("dtype", "float32"), name=name)
    for layer in build_order(flat, spec.graph):
        try:
            keras_class = PLUGIN_LAYERS.get(layer.type) or getattr(keras.layers, layer.type)
            keras_layer = keras_class(name=layer.name, **layer.args)
            sources = [tensors[s] for s in layer.inputs]
            merge = CORE[layer.type].merge if layer.type in CORE else len(sources) > 1
            tensors[layer.name] = keras_layer(sources if merge else sources[0])
        except (TypeError, ValueError) as exc:
            if layer.type in CORE:
                raise NetspecBug(f"Keras rejected layer '{layer.name}' that netspec accepted: {exc}") from exc
            where = spec.doc.problem(layer.origin, "")
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise SpecError(
                [
                    Problem(
                        where.path,
                        where.line,
                        where.col,
                        f"Keras cannot build layer '{layer.name}' ({layer.type}): {message}",
                    )
                ]
            ) from None
    inputs = [tensors[n] for n in flat.inputs]
    outputs = [tensors[n] for n in flat.outputs]
    return keras.Model(
        inputs=inputs[0] if len(inputs) == 1 else inputs,
        outputs=outputs[0] if len(outputs) == 1 else outputs,
        name=spec.name,
    )


def keras_figures(model) -> dict:
    """Per layer name: (output shape without batch, trainable, non-trainable) as Keras reports them."""
    out = {}
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        shape = tuple(layer.output.shape)[1:]
        trainable = sum(_size(w) for w in layer.trainable_weights)
        non_trainable = sum(_size(w) for w in layer.non_trainable_weights)
        out[layer.name] = (shape, trainable, non_trainable)
    return out


def _size(weight) -> int:
    n = 1
    for d in weight.shape:
        n *= int(d)
    return n


def verified(analysis: Analysis, model) -> Analysis:
    """The analysis with Keras' figures filled in; a disagreement on a static row is a netspec bug."""
    figures = keras_figures(model)
    rows = []
    for row in analysis.rows:
        shape, trainable, non_trainable = figures[row.name]
        if row.static and (
            row.output_shape != shape or row.trainable != trainable or row.non_trainable != non_trainable
        ):
            raise NetspecBug(
                f"static analysis of layer '{row.name}' ({row.type}) says {row.output_shape}, "
                f"{row.trainable}+{row.non_trainable} parameters; Keras says {shape}, {trainable}+{non_trainable}"
            )
        rows.append(
            Row(
                row.name,
                row.type,
                row.inputs,
                shape,
                trainable,
                non_trainable,
                row.macs,
                row.label,
                row.family,
                row.block,
            )
        )
    return Analysis(
        analysis.name,
        analysis.inputs,
        rows,
        analysis.outputs,
        analysis.optimizer,
        list(analysis.dynamic),
        analysis.train,
    )
