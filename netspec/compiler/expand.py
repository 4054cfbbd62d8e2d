"""Expand stage: vars, blocks, repeat and defaults resolved into a flat list of named layers.

The result (FlatSpec) is what every later stage reads, and `netspec expand`
prints it: a plain spec with no vars, blocks, defaults or repeats, in which
every layer has a name. Each layer remembers where in the file it came from.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from ..layers import REFUSED, known_names, lookup
from ..problems import Problem, did_you_mean
from .load import Document
from .names import default_name, name_problem
from .schema import META_KEYS
from .substitute import Scope, substitute

MAX_LAYERS = 100_000
MAX_BLOCK_DEPTH = 64
BLOCK_INPUT = "in"


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


def snake(type_name: str) -> str:
    """Keras' automatic layer-name stem: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d."""
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", type_name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def substitute_vars(doc: Document) -> tuple[dict, list[Problem]]:
    """The spec with top-level vars resolved everywhere except in block bodies."""
    problems: list[Problem] = []
    data = doc.data
    if not isinstance(data, dict):
        return data, problems
    raw_vars = data.get("vars") if isinstance(data.get("vars"), dict) else {}
    scope = Scope(raw_vars)

    def report(path, message):
        problems.append(doc.problem(path, message))

    out = {}
    for key, value in data.items():
        if key in ("vars", "blocks"):
            out[key] = value
        else:
            out[key] = substitute(value, scope, report, (key,))
    return out, problems


class _Expander:
    def __init__(self, data: dict, doc: Document):
        self.data = data
        self.doc = doc
        self.problems: list[Problem] = []
        self.layers: list[FlatLayer] = []
        self.counters: dict[str, int] = {}
        self.blocks = data.get("blocks") or {}
        self.defaults = data.get("defaults") or {}
        self.scope_vars = Scope(data.get("vars") or {})
        self.pending: list[tuple[FlatLayer, list, dict, tuple]] = []
        self.taken = {item.get("name") for item in data["layers"] if isinstance(item, dict)} - {None}
        self.block_stack: list[str] = []
        self.sizes: dict[str, int] = {}

    def size_of(self, kind, depth: int = 0) -> int:
        """Layers one use of `kind` adds, counting literal repeats: refuses a repeat bomb before expanding it.

        A lower bound (1 where a repeat is a ${parameter}, or for a cycle, reported when expanded).
        """
        if kind not in self.blocks or depth > MAX_BLOCK_DEPTH:
            return 1
        if kind not in self.sizes:
            self.sizes[kind] = 1
            total = 0
            for item in self.blocks[kind].get("layers") or []:
                kinds = [k for k in item if k not in META_KEYS] if isinstance(item, dict) else [item]
                repeat = item.get("repeat", 1) if isinstance(item, dict) else 1
                repeat = repeat if isinstance(repeat, int) and not isinstance(repeat, bool) and repeat > 0 else 1
                inner = self.size_of(kinds[0], depth + 1) if len(kinds) == 1 and isinstance(kinds[0], str) else 1
                total += repeat * inner
            self.sizes[kind] = total
        return self.sizes[kind]

    def problem(self, path, message, key=False):
        self.problems.append(self.doc.problem(path, message, key))

    def auto_name(self, stem: str, counters: dict, prefix: str) -> str:
        while True:
            counters[stem] = counters.get(stem, 0) + 1
            name = f"{prefix}{stem}_{counters[stem]}"
            if name not in self.taken:
                return name

    def run(self, inputs: dict) -> None:
        first = next(iter(inputs)) if len(inputs) == 1 else None
        self.top_scope = {name: name for name in inputs}
        self.emit(self.data["layers"], ("layers",), None, first, self.top_scope, "", self.counters, self.scope_vars)
        self.resolve_inputs()

    def split(self, item, path):
        """(type key, raw args, meta) of a layer item."""
        if isinstance(item, str):
            return item, None, {}
        meta = {k: v for k, v in item.items() if k in META_KEYS}
        kinds = [k for k in item if k not in META_KEYS]
        if len(kinds) != 1:
            found = ", ".join(kinds) if kinds else "none"
            self.problem(path, f"a layer has exactly one type key (such as Conv2D or a block name); found {found}")
            return None, None, meta
        return kinds[0], item[kinds[0]], meta

    def emit(self, items, base, block, prev, scope, prefix, counters, vars_scope) -> str | None:
        """Emit the layers of `items`; returns the name of the last one."""
        for i, item in enumerate(items):
            path = base + (i,)
            if block is not None:
                item = substitute(item, vars_scope, lambda p, m, at=path: self.problem(at + p, m))
            kind, raw, meta = self.split(item, path)
            if kind is None:
                continue
            if not self.meta_ok(meta, path):
                continue
            repeat = meta.get("repeat", 1)
            if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
                self.problem(path + ("repeat",), f"repeat must be an integer ≥ 1; received {repeat!r}")
                continue
            if len(self.layers) + repeat * self.size_of(kind) > MAX_LAYERS:
                self.problem(path + ("repeat",), f"the spec expands to more than {MAX_LAYERS:,} layers")
                raise _TooBig
            given = meta.get("name")
            refs = meta.get("inputs")
            refs = [refs] if isinstance(refs, str) else refs
            for copy_index in range(repeat):
                name = None
                if given is not None:
                    name = prefix + (given if repeat == 1 else f"{given}_{copy_index + 1}")
                use_refs = refs if copy_index == 0 else None
                if kind in self.blocks:
                    last = self.instance(kind, raw, path, name, use_refs, prev, scope, prefix)
                else:
                    last = self.layer(
                        kind, raw, path, name, use_refs, prev, scope, prefix, counters, block or meta.get("block")
                    )
                if last is None:
                    break
                prev = last
            if given is not None and prev is not None:
                scope[given] = prev
        return prev

    def meta_ok(self, meta, path) -> bool:
        """Meta keys of a block's layer, checked after its parameters are substituted."""
        ok = True
        name = meta.get("name")
        if name is not None and name_problem(name, dotted=True):
            self.problem(path + ("name",), f"layer name: {name_problem(name, dotted=True)}")
            ok = False
        refs = meta.get("inputs")
        refs = [refs] if isinstance(refs, str) else refs
        if refs is not None and not (isinstance(refs, list) and refs and all(isinstance(r, str) for r in refs)):
            self.problem(path + ("inputs",), f"inputs must be a layer name or a list of names; received {refs!r}")
            ok = False
        return ok

    def layer(self, kind, raw, path, name, refs, prev, scope, prefix, counters, block):
        layer_type = lookup(kind)
        if layer_type is None:
            self.unknown_type(kind, path)
            return None
        args = self.layer_args(layer_type, kind, raw, path)
        if args is None:
            return None
        args_given, origins, type_origin = args
        merged = {}
        arg_origins = {}
        for key, value in (self.defaults.get(layer_type.name) or {}).items():
            merged[key] = copy.deepcopy(value)
            arg_origins[key] = ("defaults", layer_type.name, key)
        for key, value in args_given.items():
            merged[key] = value
            arg_origins[key] = origins[key]
        name = name or self.auto_name(snake(layer_type.name), counters, prefix)
        flat = FlatLayer(name, layer_type.name, merged, [], path, arg_origins, block, refs is not None, type_origin)
        self.layers.append(flat)
        self.pending.append((flat, refs, scope, path))
        if refs is None:
            if prev is None:
                self.problem(
                    path, f"layer '{name}' has no inputs: and the spec has several inputs; name the ones it takes"
                )
            else:
                flat.inputs = [prev]
        scope.setdefault(name.removeprefix(prefix), name)
        return name

    def layer_args(self, layer_type, kind, raw, path):
        key = path + (kind,) if isinstance(self.doc.value_at(path), dict) else path
        if isinstance(raw, dict):
            return dict(raw), {k: key + (k,) for k in raw}, key
        if raw is None:
            return {}, {}, key
        if layer_type.positional:
            return {layer_type.positional: raw}, {layer_type.positional: key}, key
        self.problem(key, f"{layer_type.name} takes a mapping of arguments; received {raw!r}")
        return None

    def unknown_type(self, kind, path):
        key_path = path + (kind,) if isinstance(self.doc.value_at(path), dict) else path
        if kind in REFUSED:
            self.problem(key_path, f"{kind} is not allowed: {REFUSED[kind]}", key=True)
            return
        hint = did_you_mean(kind, known_names() + list(self.blocks))
        self.problem(key_path, f"unknown layer type or block '{kind}'.{hint}", key=True)

    def instance(self, block_name, raw, path, name, refs, prev, scope, prefix):
        if block_name in self.block_stack:
            chain = " → ".join(self.block_stack + [block_name])
            self.problem(path, f"block '{block_name}' uses itself: {chain}")
            return None
        if len(self.block_stack) >= MAX_BLOCK_DEPTH:
            chain = " → ".join(self.block_stack[:3])
            self.problem(path, f"blocks nest more than {MAX_BLOCK_DEPTH} deep: {chain} → ...")
            return None
        block = self.blocks[block_name]
        params = self.block_params(block_name, block, raw, path)
        if params is None:
            return None
        name = name or self.auto_name(block_name, self.counters, prefix)
        if refs is not None:
            if len(refs) != 1:
                self.problem(path + ("inputs",), f"block instance '{name}' takes one input; received {len(refs)}")
                return None
            block_in = self.resolve_now(refs[0], scope, path)
            if block_in is None:
                return None
        else:
            block_in = prev
        inner_scope = {BLOCK_INPUT: block_in}
        self.block_stack.append(block_name)
        try:
            last = self.emit(
                block["layers"],
                ("blocks", block_name, "layers"),
                name,
                block_in,
                inner_scope,
                f"{name}.",
                {},
                Scope(params, self.scope_vars),
            )
        finally:
            self.block_stack.pop()
        scope.setdefault(name.removeprefix(prefix), last)
        return last

    def block_params(self, block_name, block, raw, path):
        declared = block.get("params") or {}
        defaults = {} if isinstance(declared, list) else dict(declared)
        names = list(declared)
        given = raw if isinstance(raw, dict) else ({} if raw is None else None)
        key_path = path + (block_name,)
        if given is None:
            self.problem(key_path, f"block '{block_name}' takes a mapping of parameters; received {raw!r}")
            return None
        ok = True
        for key in given:
            if key not in names:
                hint = did_you_mean(key, names)
                self.problem(key_path + (key,), f"block '{block_name}' has no parameter '{key}'.{hint}", key=True)
                ok = False
        params = {**defaults, **given}
        unknown = [k for k in given if k not in names]
        for key in names:
            if key not in params and not any(did_you_mean(u, [key]) for u in unknown):
                self.problem(key_path, f"block '{block_name}' requires parameter '{key}'")
                ok = False
        return params if ok else None

    def resolve_now(self, ref, scope, path):
        if ref in scope:
            return scope[ref]
        self.problem(path + ("inputs",), f"input '{ref}' is not defined before this block.{did_you_mean(ref, scope)}")
        return None

    def resolve_inputs(self):
        names = {layer.name for layer in self.layers}
        for flat, refs, scope, path in self.pending:
            if refs is None:
                continue
            resolved = []
            for j, ref in enumerate(refs):
                target = scope.get(ref)
                if target is None and flat.block is None and ref in names:
                    target = ref
                if target is None:
                    where = " in this block (use 'in' for the block's input)" if flat.block else ""
                    message = f"layer '{flat.name}' takes input '{ref}', which names no layer or input{where}."
                    # a single `inputs: name` has no item position; where() falls back to the key's value
                    self.problem(path + ("inputs", j), message + did_you_mean(ref, list(scope)))
                else:
                    resolved.append(target)
            flat.inputs = resolved


class _TooBig(Exception):
    pass


def _inputs(data: dict) -> dict:
    if "inputs" in data:
        return {name: dict(v) for name, v in data["inputs"].items()}
    if "input" in data:
        return {"input": dict(data["input"])}
    return {}


def expand(data: dict, doc: Document) -> tuple[FlatSpec | None, list[Problem]]:
    """Expand a structure-checked, var-substituted spec into (FlatSpec, problems found on the way)."""
    problems: list[Problem] = []
    if "input" in data and "inputs" in data:
        message = "a spec declares input: (one tensor) or inputs: (named tensors), not both"
        problems.append(doc.problem(("inputs",), message, key=True))
        return None, problems
    if "input" not in data and "inputs" not in data:
        problems.append(doc.problem((), "a spec needs input: {shape: [...]} or inputs: {name: {shape: [...]}}"))
        return None, problems
    inputs = _inputs(data)
    for tensor in inputs.values():
        tensor.setdefault("dtype", "float32")
    expander = _Expander(data, doc)
    for type_name in expander.defaults:
        if lookup(type_name) is None:
            hint = did_you_mean(type_name, known_names())
            expander.problem(
                ("defaults", type_name), f"defaults name unknown layer type '{type_name}'.{hint}", key=True
            )
    try:
        expander.run(inputs)
    except _TooBig:
        pass
    problems.extend(expander.problems)
    layers = expander.layers
    outputs = data.get("outputs")
    if outputs is None:
        outputs = [layers[-1].name] if layers else []
    else:
        outputs = [outputs] if isinstance(outputs, str) else list(outputs)
        top = {layer.name for layer in layers} | set(inputs)
        resolved = []
        for j, ref in enumerate(outputs):
            target = ref if ref in top else expander.top_scope.get(ref)
            if target is None:
                problems.append(
                    doc.problem(
                        ("outputs", j) if isinstance(data.get("outputs"), list) else ("outputs",),
                        f"output '{ref}' names no layer.{did_you_mean(ref, sorted(top))}",
                    )
                )
            resolved.append(target)
        outputs = [r for r in resolved if r is not None]
    name = data.get("name") or default_name(_stem(doc.path))
    return FlatSpec(name, data.get("description", ""), inputs, layers, outputs, data.get("train") or {}, doc), problems


def _stem(path: str) -> str:
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base else base
