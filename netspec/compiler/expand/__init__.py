"""Expand stage: scale, vars, blocks, repeat, `when` and defaults resolved into a flat list of named layers.

Small passes, each in its own module: vars.py (the chosen scale, then top-level
`${...}`), instantiate.py (blocks, repeat and `when`, with defaults merged and
names given as each layer is emitted; blocks.py holds what it reads of a block),
names.py (references resolved, outputs found), sites.py (problems inside block
instances placed at their uses). The result (FlatSpec, record.py) is what every later stage reads, and
`netspec expand` prints it: a plain spec with no vars, blocks, defaults or
repeats, in which every layer has a name. budget.py bounds what is produced.
"""

from __future__ import annotations

from ...layers import known_names, lookup
from ...problems import Problem, did_you_mean
from ..load import Document
from ..names import default_name
from ..substitute import Scope
from .blocks import MAX_BLOCK_DEPTH, merge_defaults
from .budget import MAX_BYTES, MAX_LAYERS, MAX_VALUES, Budget
from .instantiate import Frame, Instantiator
from .names import resolve_outputs, resolve_pending
from .record import FlatSpec, Layer, snake
from .sites import instances_of, place, place_named
from .vars import scale_names, select_scale, substitute_vars

__all__ = [
    "Layer",
    "FlatSpec",
    "MAX_BLOCK_DEPTH",
    "MAX_BYTES",
    "MAX_LAYERS",
    "MAX_VALUES",
    "expand",
    "instances_of",
    "place",
    "place_named",
    "scale_names",
    "select_scale",
    "snake",
    "substitute_vars",
]


def _inputs(data: dict) -> dict:
    declared = data["inputs"] if "inputs" in data else {"input": data["input"]}
    return {name: {**tensor, "dtype": tensor.get("dtype", "float32")} for name, tensor in declared.items()}


def check_defaults(data: dict, doc: Document) -> list[Problem]:
    """Every `defaults:` (top level and per block) names a known layer type."""
    found = [(("defaults",), data.get("defaults") or {})]
    for name, block in (data.get("blocks") or {}).items():
        found.append((("blocks", name, "defaults"), block.get("defaults") or {}))
    problems = []
    for path, defaults in found:
        for type_name in defaults:
            if lookup(type_name) is None:
                hint = did_you_mean(type_name, known_names())
                message = f"defaults name unknown layer type '{type_name}'.{hint}"
                problems.append(doc.problem(path + (type_name,), message, key=True))
    return problems


def expand(data: dict, doc: Document, budget: Budget | None = None) -> tuple[FlatSpec | None, list[Problem]]:
    """Expand a structure-checked, var-substituted spec into (FlatSpec, problems found on the way)."""
    if "input" in data and "inputs" in data:
        message = "a spec declares input: (one tensor) or inputs: (named tensors), not both"
        return None, [doc.problem(("inputs",), message, key=True)]
    if "input" not in data and "inputs" not in data:
        return None, [doc.problem((), "a spec needs input: {shape: [...]} or inputs: {name: {shape: [...]}}")]
    inputs = _inputs(data)
    problems = check_defaults(data, doc)
    expander = Instantiator(data, doc, inputs, Scope(data.get("vars") or {}), budget or Budget())
    top = Frame(
        base=("layers",),
        vars=expander.top_vars,
        defaults=merge_defaults({}, data.get("defaults") or {}, ("defaults",)),
        names={name: name for name in inputs},
        prev=next(iter(inputs)) if len(inputs) == 1 else None,
    )
    expander.run(top, data["layers"])
    sited = expander.sited + resolve_pending(expander.pending, expander.layers, doc)
    problems += place(sited, doc, expander.instances)
    if expander.too_big:
        return None, problems  # the layers made so far are no spec to check further
    outputs, found = resolve_outputs(data, doc, expander.layers, inputs, top.names)
    problems += found
    name = data.get("name") or default_name(_stem(doc.path))
    flat = FlatSpec(name, data.get("description", ""), inputs, expander.layers, outputs, data.get("train") or {}, doc)
    return flat, problems


def _stem(path: str) -> str:
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base else base
