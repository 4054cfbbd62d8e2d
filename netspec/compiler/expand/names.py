"""Naming pass: inputs: that name a layer written later, and outputs:, resolved once every layer exists."""

from __future__ import annotations

from ...problems import Problem, did_you_mean
from ..load import Document
from ..ports import resolve, split


def resolve_pending(pending: list, layers: list, doc: Document) -> list[tuple[Problem, tuple]]:
    """Resolve the references that expansion could not resolve when it emitted their layer.

    Returns (problem, site) pairs: the layer's block instance chain goes with each problem.
    """
    problems = []
    names = {layer.name for layer in layers}
    for flat, refs, scope, path in pending:
        resolved = []
        for j, ref in enumerate(refs):
            target = resolve(ref, scope.get)
            if target is None and flat.block is None and split(ref)[0] in names:
                target = ref
            if target is None:
                where = " in this block (use 'in' for the block's input)" if flat.block else ""
                message = f"layer '{flat.name}' takes input '{ref}', which names no layer or input{where}."
                # a single `inputs: name` has no item position; where() falls back to the key's value
                problem = doc.problem(path + ("inputs", j), message + did_you_mean(split(ref)[0], list(scope)))
                problems.append((problem, flat.site))
            else:
                resolved.append(target)
        flat.inputs = resolved
    return problems


def resolve_outputs(data: dict, doc: Document, layers: list, inputs: dict, top_names: dict):
    """(output names, problems): outputs: as written, else the last layer."""
    outputs = data.get("outputs")
    if outputs is None:
        return ([layers[-1].name] if layers else []), []
    listed = isinstance(outputs, list)
    outputs = list(outputs) if listed else [outputs]
    top = {layer.name for layer in layers} | set(inputs)
    resolved, problems = [], []
    for j, ref in enumerate(outputs):
        target = ref if split(ref)[0] in top else resolve(ref, top_names.get)
        if target is None:
            message = f"output '{ref}' names no layer.{did_you_mean(ref, sorted(top))}"
            problems.append(doc.problem(("outputs", j) if listed else ("outputs",), message))
        else:
            resolved.append(target)
    return resolved, problems
