"""Emit stage: the graph as a Keras functional model, and Keras' own figures for the table."""

from __future__ import annotations

from dataclasses import replace

from .compiler.analyse import Analysis, analyse
from .compiler.graph import build_order
from .compiler.ports import join, ports_of
from .layers import CORE, rule_for
from .layers.registry import FILE_ARGS
from .layers.wrappers import written
from .plugins import LAYERS as PLUGIN_LAYERS
from .problems import NetspecBug, SpecError
from .tf_env import import_keras


def build_model(spec, verbose: bool = False, allow_files: bool = False):
    """A keras.Model built layer by layer from the spec's graph.

    Arguments that would make Keras read a local file are refused unless `allow_files`.
    """
    if not allow_files:
        refuse_file_args(spec)
    keras = import_keras(verbose)
    flat = spec.flat
    tensors = {}
    for name, tensor in flat.inputs.items():
        tensors[name] = keras.Input(shape=tuple(tensor["shape"]), dtype=tensor.get("dtype", "float32"), name=name)
    for layer in build_order(flat, spec.graph):
        try:
            out = _apply(keras, layer, [tensors[s] for s in layer.inputs])
            tensors.update(_named_outputs(layer, out))
        except (TypeError, ValueError) as exc:
            if rule_for(layer.type, layer.args) is not None:
                raise NetspecBug(f"Keras rejected layer '{layer.name}' that netspec accepted: {exc}") from exc
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            message = f"Keras cannot build layer '{layer.name}' ({layer.type}): {message}"
            raise SpecError([spec.doc.problem(layer.origin, message)]) from None
    inputs = [tensors[n] for n in flat.inputs]
    outputs = [tensors[n] for n in flat.outputs]
    return keras.Model(
        inputs=inputs[0] if len(inputs) == 1 else inputs,
        outputs=outputs[0] if len(outputs) == 1 else outputs,
        name=spec.name,
    )


def refuse_file_args(spec) -> None:
    """Raise SpecError at each argument that names a file Keras would read (a vocabulary path, say)."""
    problems = []
    for layer in spec.flat.layers:
        for arg in FILE_ARGS.get(layer.type, ()):
            value = layer.args.get(arg)
            if isinstance(value, str):
                message = (
                    f"{layer.type} argument '{arg}' of layer '{layer.name}' names a file ({value!r}), which Keras "
                    "would read into the model; a spec is data: write the values as a list, or pass --allow-files "
                    "to let Keras read the file"
                )
                problems.append(layer.problem(spec.doc, message, (arg,)))
    if problems:
        raise SpecError(problems)


def _apply(keras, layer, sources):
    """Make the layer's Keras object and call it on its input tensors."""
    core = CORE.get(layer.type)
    args = dict(layer.args)
    if core is not None and core.nested_arg is not None:
        args[core.nested_arg] = _nested_layer(keras, args[core.nested_arg])
    keras_class = PLUGIN_LAYERS.get(layer.type) or getattr(keras.layers, layer.type)
    keras_layer = keras_class(name=layer.name, **args)
    if core is not None and core.call == "query_value_key":
        return keras_layer(sources[0], sources[1], key=sources[2] if len(sources) > 2 else None)
    if core is not None and core.states(core.with_defaults(layer.args)) and len(sources) > 1:
        return keras_layer(sources[0], initial_state=sources[1:])
    merge = core.merge if core is not None else len(sources) > 1
    return keras_layer(sources if merge else sources[0])


def _named_outputs(layer, out) -> dict:
    """Reference -> tensor of a layer's outputs: its name for the main one, `name:port` for its states."""
    ports = ports_of(layer)
    if not ports:
        return {layer.name: out}
    main, *states = out
    return {layer.name: main, **{join(layer.name, p): t for p, t in zip(ports, states, strict=True)}}


def _nested_layer(keras, given: dict):
    """The Keras layer a wrapper holds, from {Type: arguments as written} (Keras applies its defaults)."""
    ((type_name, raw),) = given.items()
    return getattr(keras.layers, type_name)(**written(CORE[type_name], raw))


def keras_figures(model) -> dict:
    """Per layer name: (output shape without batch, trainable, non-trainable) as Keras reports them.

    The shape is the main output's; `keras_state_shapes` gives a layer's further outputs.
    """
    out = {}
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        shape = tuple(_outputs(layer)[0].shape)[1:]
        trainable = sum(_size(w) for w in layer.trainable_weights)
        non_trainable = sum(_size(w) for w in layer.non_trainable_weights)
        out[layer.name] = (shape, trainable, non_trainable)
    return out


def _outputs(layer) -> list:
    return list(layer.output) if isinstance(layer.output, (list, tuple)) else [layer.output]


def keras_state_shapes(model) -> dict:
    """Per layer name with further outputs: the shapes (without batch) of those outputs, in order."""
    return {
        layer.name: [tuple(t.shape)[1:] for t in _outputs(layer)[1:]]
        for layer in model.layers
        if len(_outputs(layer)) > 1
    }


def _size(weight) -> int:
    n = 1
    for d in weight.shape:
        n *= int(d)
    return n


def verified(analysis: Analysis, model, spec=None) -> Analysis:
    """The analysis with Keras' figures filled in; a disagreement on a static row is a netspec bug.

    Given the spec, the layers after one without static rules are analysed again from Keras'
    shapes, so that their MACs are counted too.
    """
    figures = keras_figures(model)
    states = keras_state_shapes(model)
    if spec is not None and analysis.dynamic:
        analysis = analyse(spec.flat, spec.graph.copy(), lambda layer, shapes: figures[layer.name])
        analysis.dynamic = [r for r in spec.summary().dynamic]
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
        state_shapes = dict(zip(row.state_shapes, states.get(row.name, []), strict=False))
        if row.static and row.type in CORE and list(row.state_shapes.values()) != states.get(row.name, []):
            raise NetspecBug(
                f"static analysis of layer '{row.name}' ({row.type}) says its states are {row.state_shapes}; "
                f"Keras says {states.get(row.name, [])}"
            )
        rows.append(
            replace(
                row, output_shape=shape, trainable=trainable, non_trainable=non_trainable, state_shapes=state_shapes
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


def infer_opaque(spec, verbose: bool = False) -> Analysis:
    """The analysis with the layers that have no static rules sized by Keras' shape inference.

    Nothing is allocated: each such layer is built inside a Keras StatelessScope that leaves its
    variables uninitialised (shapes only), and its output shape comes from its own
    compute_output_shape. A layer that has none (it would have to be traced, which fills the
    variables) stays unknown, and so do the layers after it.
    """
    keras = import_keras(verbose)

    def infer(layer, shapes):
        if any(s is None for s in shapes):
            return None
        try:
            return _stateless_figures(keras, layer, [(None, *s) for s in shapes])
        except Exception:  # noqa: BLE001  (Keras rejects the layer: build_model reports it, located)
            return None

    return analyse(spec.flat, spec.graph.copy(), infer)


def _stateless_figures(keras, layer, shapes):
    from keras.src.backend.common import global_state

    keras_class = PLUGIN_LAYERS.get(layer.type) or getattr(keras.layers, layer.type)
    keras_layer = keras_class(name=layer.name, **layer.args)
    arg = shapes if len(shapes) > 1 else shapes[0]
    pending = list(global_state.get_global_attribute("uninitialized_variables", []) or [])
    try:
        with keras.StatelessScope(initialize_variables=False):
            if not keras_layer.built:
                keras_layer.build(arg)
            own_rule = type(keras_layer).compute_output_shape is not keras.layers.Layer.compute_output_shape
            out = keras_layer.compute_output_shape(arg) if own_rule else None
    finally:
        global_state.set_global_attribute("uninitialized_variables", pending)
    trainable = sum(_size(w) for w in keras_layer.trainable_weights)
    non_trainable = sum(_size(w) for w in keras_layer.non_trainable_weights)
    if not isinstance(out, (list, tuple)) or not all(d is None or isinstance(d, int) for d in out):
        return None if not (trainable or non_trainable) else (None, trainable, non_trainable)
    return tuple(out)[1:], trainable, non_trainable
