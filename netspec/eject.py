"""Eject: a spec as a standalone Python script that builds the same model with Keras alone.

Everything taken from the spec enters the script as an ASCII-only literal of plain
data (names, numbers, strings, lists, mappings) or inside a one-line comment escaped
to ASCII, so ejecting an untrusted spec cannot plant code in the script. The first
line fixes the source encoding (`# -*- coding: utf-8 -*-`) and the second is fixed
text, so no spec text can become a PEP 263 encoding declaration that would reinterpret
the literals after it. Layers are written in
the order `keras_build` builds them; a layer's output gets its own variable only
where a later layer other than the next one reads it.
"""

from __future__ import annotations

import keyword
import math
import re
import textwrap

from . import __version__
from .compiler.expand import snake
from .compiler.graph import build_order
from .compiler.ports import join, ports_of, states_of
from .compiler.train_schema import TRAIN_SCHEMA, optimizer_parts
from .importer import fresh_name, shared_arguments
from .layers import CORE
from .layers.wrappers import written
from .plugins import LAYERS as PLUGIN_LAYERS
from .plugins import MODULE_NAME
from .printable import printable
from .problems import NetspecBug

WIDTH = 100
# Names the script uses itself (and builtins it calls), never given to a tensor.
RESERVED = {"keras", "layers", "build_model", "compile_model", "model", "x", "inputs", "outputs", "dict", "float"}
TRAIN_COMPILED = ("optimizer", "clipnorm", "loss", "metrics")


def eject(spec) -> str:
    """The Python source of a script that builds `spec`'s model with Keras."""
    shared = shared_arguments((layer.type, layer.args) for layer in spec.flat.layers)
    constants = {type_name: snake(type_name).upper() for type_name in shared}
    lines = _header(spec)
    if shared:
        lines += ["", "# Arguments that every layer of a type shares."]
        lines += [
            line for t, args in shared.items() for line in _call("dict", _ordered(t, args), "", f"{constants[t]} = ")
        ]
    lines += ["", "", *_build_function(spec, shared, constants)]
    if spec.train:
        lines += ["", "", *_compile_function(spec.train)]
    main = "compile_model(build_model())" if spec.train else "build_model()"
    lines += ["", "", 'if __name__ == "__main__":', f"    {main}.summary()"]
    return "\n".join(lines) + "\n"


def literal(value) -> str:
    """Python source for a plain-data value; anything else is refused."""
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, str):
        return ascii(value)  # non-ASCII, control characters and line breaks as escapes
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"float({str(value)!r})"
    if isinstance(value, tuple):
        return "(" + ", ".join(literal(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise NetspecBug(f"eject cannot write a {type(value).__name__} as a literal: {value!r}")


ENCODING_LINE = "# -*- coding: utf-8 -*-"


def _comment(text: str) -> str:
    """Text as one comment line of printable ASCII: anything else (line breaks too) as its escape."""
    return f"# {printable(text, ascii_only=True)}".rstrip()


def _header(spec) -> list[str]:
    plugins = sorted({layer.type for layer in spec.flat.layers if layer.type in PLUGIN_LAYERS})
    needs = "Keras and the plugin layers named with --plugin" if plugins else "Keras only"
    lines = [ENCODING_LINE, f"# Ejected by netspec {__version__}; it needs {needs}."]  # no spec text here
    lines.append(_comment(f"{spec.name}: {spec.flat.description}" if spec.flat.description else spec.name))
    lines.append(_comment(f"From {spec.path}."))
    lines += ["# Run it to print the model's summary, or import build_model() from it.", ""]
    lines += ["import keras", "from keras import layers"]
    for type_name in plugins:
        module = PLUGIN_LAYERS[type_name].__module__  # named by the user on the command line, not by the spec
        if not MODULE_NAME.fullmatch(module) or not _is_identifier(type_name):
            raise NetspecBug(f"plugin layer {type_name!r} of module {module!r} cannot be imported by name")
        lines.append(f"from {module} import {type_name}")
    return lines


def _callee(type_name: str) -> str:
    """How the script names a layer class: keras.layers' own, or a plugin's imported name."""
    if not _is_identifier(type_name):
        raise NetspecBug(f"layer type {type_name!r} is not a class name")
    return type_name if type_name in PLUGIN_LAYERS else f"layers.{type_name}"


def _is_identifier(key) -> bool:
    return isinstance(key, str) and key.isascii() and key.isidentifier() and not keyword.iskeyword(key)


def _ordered(type_name: str, args: dict) -> dict:
    """Arguments in the order Keras' signature lists them (the registry's order)."""
    known = list(CORE[type_name].args) if type_name in CORE else []
    return dict(sorted(args.items(), key=lambda kv: known.index(kv[0]) if kv[0] in known else len(known)))


def _call(callee: str, args: dict, indent: str, prefix: str = "", suffix: str = "", spread: str = "") -> list[str]:
    """`prefix callee(k=v, ..., **spread) suffix`, on one line or one argument per line when long."""
    parts = [f"{k}={v if isinstance(v, _Code) else literal(v)}" for k, v in args.items() if _is_identifier(k)]
    odd = {k: v for k, v in args.items() if not _is_identifier(k)}
    if odd:
        parts.append(f"**{literal(odd)}")
    if spread:
        parts.append(f"**{spread}")
    one = f"{indent}{prefix}{callee}({', '.join(parts)}){suffix}"
    if len(one) <= WIDTH:
        return [one]
    return [f"{indent}{prefix}{callee}(", *(f"{indent}    {p}," for p in parts), f"{indent}){suffix}"]


class _Variables:
    """Python names for tensors: spec names made identifiers, never clashing."""

    def __init__(self, constants):
        self.taken = RESERVED | set(constants)

    def new(self, name: str) -> str:
        base = re.sub(r"\W", "_", name.replace(".", "_"), flags=re.ASCII)
        return fresh_name(base if _is_identifier(base) else f"t_{base}", self.taken)


def _build_function(spec, shared: dict, constants: dict) -> list[str]:
    flat = spec.flat
    names = _Variables(constants.values())
    tensors: dict[str, str] = {}
    body = []
    for name, tensor in flat.inputs.items():
        tensors[name] = "inputs" if len(flat.inputs) == 1 else names.new(name)
        args = {"shape": tuple(tensor["shape"])}
        if tensor.get("dtype", "float32") != "float32":
            args["dtype"] = tensor["dtype"]
        args["name"] = name
        body += _call("keras.Input", args, "    ", f"{tensors[name]} = ")
    layers = build_order(flat, spec.graph)
    readers: dict[str, list[str]] = {}
    for layer in layers:
        for source in layer.inputs:
            readers.setdefault(source, []).append(layer.name)
    block = None
    for i, layer in enumerate(layers):
        if layer.block != block:
            body += ["", f"    {_comment(layer.block)}"] if layer.block else [""]
        block = layer.block
        following = [layers[i + 1].name] if i + 1 < len(layers) else []
        only_next = readers.get(layer.name, []) == following and (layer.name not in flat.outputs or not following)
        tensors[layer.name] = "x" if only_next else names.new(layer.name)
        ports = [join(layer.name, port) for port in ports_of(layer)]
        tensors.update({ref: names.new(ref) for ref in ports})
        targets = ", ".join(tensors[ref] for ref in [layer.name, *ports])
        sources = [tensors[s] for s in layer.inputs]
        own = {k: v for k, v in layer.args.items() if k not in shared.get(layer.type, {})}
        args = {**_ordered(layer.type, own), "name": layer.name}
        core = CORE.get(layer.type)
        if core is not None and core.nested_arg in args:
            args[core.nested_arg] = _nested(args[core.nested_arg])
        call = _call(_callee(layer.type), args, "    ", f"{targets} = ", "", constants.get(layer.type, ""))
        if states_of(layer) and len(sources) > 1:
            call[-1] += f"({sources[0]}, initial_state={_one_or_list(sources[1:], always=True)})"
        elif core is not None and core.call == "query_value_key":
            call[-1] += f"({sources[0]}, {sources[1]}{f', key={sources[2]}' if len(sources) > 2 else ''})"
        else:
            call[-1] += f"({_one_or_list(sources)})"
        body += call
    ins = _one_or_list([tensors[n] for n in flat.inputs])
    outs = _one_or_list([tensors[n] for n in flat.outputs])
    analysis = spec.summary()
    count = f" ({analysis.total('params'):,} parameters)" if analysis.complete else ""
    doc = f'    """Build the model{count}."""'
    ret = f"    return keras.Model(inputs={ins}, outputs={outs}, name={literal(spec.name)})"
    return ["def build_model():", doc, *body, ret]


class _Code(str):
    """Python source written by eject itself (a nested layer's constructor), not a literal."""


def _nested(given: dict) -> _Code:
    """A wrapper's nested layer {Type: args} as `layers.Type(arg=..., ...)` on one line."""
    ((type_name, raw),) = given.items()
    args = _ordered(type_name, written(CORE[type_name], raw))
    return _Code(f"{_callee(type_name)}({', '.join(f'{k}={literal(v)}' for k, v in args.items())})")


def _one_or_list(variables: list[str], always: bool = False) -> str:
    return variables[0] if len(variables) == 1 and not always else "[" + ", ".join(variables) + "]"


def _compile_function(train: dict) -> list[str]:
    defaults = {key: schema.get("default") for key, schema in TRAIN_SCHEMA["properties"].items()}
    opt = train.get("optimizer", defaults["optimizer"])
    opt_name, opt_args = optimizer_parts(opt)
    if not _is_identifier(opt_name):
        raise NetspecBug(f"optimizer name {opt_name!r} is not a Keras class name")
    opt_args = dict(opt_args or {})
    if "clipnorm" in train:
        opt_args["clipnorm"] = train["clipnorm"]
    optimizer = _call(f"keras.optimizers.{opt_name}", opt_args, "", "optimizer=", ",")
    loss = train.get("loss", defaults["loss"])
    metrics = train.get("metrics", defaults["metrics"])
    rest = [k for k in train if k not in TRAIN_COMPILED]
    lines = ["def compile_model(model):", '    """Compile the model as the spec\'s train: section says."""']
    if rest:
        note = f"Also in the spec's train: section, applied by `netspec train` and not here: {', '.join(rest)}."
        lines += [f"    {_comment(line)}" for line in textwrap.wrap(note, WIDTH - 6)]
    lines += ["    model.compile(", *(f"        {line}" for line in optimizer)]
    lines += [f"        loss={literal(loss)},", f"        metrics={literal(metrics)},", "    )", "    return model"]
    return lines
