"""Named semantic checks on the expanded spec: what a JSON Schema cannot say."""

from __future__ import annotations

import networkx as nx

from ..layers import CORE
from ..problems import Problem
from .expand import FlatSpec, instances_of, place
from .ports import arity_problem, port_problem, split
from .validate import check_layer_args

CODE_KEYS = {"module", "registered_name", "function", "fn", "__class__"}


def layer_arguments(spec: FlatSpec, graph) -> list[Problem]:
    """Each core layer's arguments match its registry schema (a block's, at the use that caused it)."""
    sited = []
    for layer in spec.layers:
        if layer.type in CORE:
            found = check_layer_args(
                CORE[layer.type], layer.args, lambda p, key=False, lay=layer: lay.problem(spec.doc, "", p, key)
            )
            sited += [(problem, layer.site) for problem in found]
    return place(sited, spec.doc, instances_of(spec.layers))


def no_code_references(spec: FlatSpec, graph) -> list[Problem]:
    """No argument names a Python module or function (Keras would import it)."""
    out = []
    for layer in spec.layers:
        for arg, value in layer.args.items():
            bad = _code_key(value)
            if bad:
                message = f"{layer.type} argument '{arg}' holds '{bad}', which would make Keras import code; specs hold data only"
                out.append(layer.problem(spec.doc, message, (arg,)))
    return out


def _code_key(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k in CODE_KEYS:
                return k
            if k == "class_name" and isinstance(v, str) and ("." in v or ">" in v):
                return f"class_name: {v}"
            found = _code_key(v)
            if found:
                return found
    if isinstance(value, list):
        for v in value:
            found = _code_key(v)
            if found:
                return found
    return None


def unique_names(spec: FlatSpec, graph) -> list[Problem]:
    """Layer names are unique and differ from input names."""
    seen = dict.fromkeys(spec.inputs, None)
    out = []
    for layer in spec.layers:
        if layer.name in seen:
            first = f" (first used by {'an input' if seen[layer.name] is None else 'an earlier layer'})"
            message = f"layer name '{layer.name}' is used twice{first}; names must be unique"
            out.append(spec.doc.problem(layer.origin + ("name",), message))
        seen[layer.name] = layer
    return out


def input_arity(spec: FlatSpec, graph) -> list[Problem]:
    """Merge layers take two or more inputs; the others take one."""
    out = []
    for layer in spec.layers:
        core = CORE.get(layer.type)
        n = len(layer.inputs)
        if core is None or not layer.inputs:
            continue
        if core.merge and n < 2:
            message = f"{layer.type} layer '{layer.name}' merges two or more inputs; received {n}. List them in inputs:"
            out.append(layer.problem(spec.doc, message))
        if core.states(core.with_defaults(layer.args)):
            wrong = arity_problem(layer)
            if wrong:
                out.append(spec.doc.problem(layer.origin + ("inputs",), wrong))
        elif not core.merge and n != 1:
            message = (
                f"{layer.type} layer '{layer.name}' takes one input; received {n} ({', '.join(layer.inputs)}). "
                "Merge them first with Add or Concatenate"
            )
            out.append(spec.doc.problem(layer.origin + ("inputs",), message))
    return out


def ports_exist(spec: FlatSpec, graph) -> list[Problem]:
    """A reference `layer:port` names one of the layer's further outputs (a state under return_state)."""
    layers = {layer.name: layer for layer in spec.layers}
    out = []
    for layer in spec.layers:
        for j, ref in enumerate(layer.inputs):
            wrong = port_problem(ref, layers)
            if wrong:
                out.append(
                    spec.doc.problem(
                        layer.origin + ("inputs", j), f"layer '{layer.name}' takes input '{ref}', which {wrong}"
                    )
                )
    listed = isinstance(spec.doc.value_at(("outputs",)), list)
    for j, ref in enumerate(spec.outputs):
        wrong = port_problem(ref, layers)
        if wrong:
            out.append(spec.doc.problem(("outputs", j) if listed else ("outputs",), f"output '{ref}' {wrong}"))
    return out


def no_cycles(spec: FlatSpec, graph) -> list[Problem]:
    """The layers form a directed acyclic graph."""
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return []
    names = [u for u, _ in cycle] + [cycle[0][0]]
    layer = next(lay for lay in spec.layers if lay.name == cycle[0][0])
    return [spec.doc.problem(layer.origin + ("inputs",), f"layers feed each other in a cycle: {' → '.join(names)}")]


def graph_ends(spec: FlatSpec, graph) -> list[Problem]:
    """Outputs are distinct layers, every layer feeds an output and every input feeds a layer.

    Keras treats the other shapes specially: it drops a layer that feeds no output from the
    model (so its weights would be counted here and missing there), builds an output that is an
    input as a model without layers, and refuses or renames a repeated output.
    """
    if not nx.is_directed_acyclic_graph(graph):
        return []  # no_cycles says what is wrong
    out = []
    listed = isinstance(spec.doc.value_at(("outputs",)), list)
    seen: set = set()
    for j, name in enumerate(spec.outputs):
        where = ("outputs", j) if listed else ("outputs",)
        if name in spec.inputs:
            out.append(spec.doc.problem(where, f"output '{name}' is an input; outputs are layers"))
        elif name in seen:
            out.append(spec.doc.problem(where, f"output '{name}' is listed twice; list each output once"))
        seen.add(name)
    feeding = {split(name)[0] for name in spec.outputs}
    stack = list(feeding)
    while stack:
        for source in graph.predecessors(split(stack.pop())[0]):
            if source not in feeding:
                feeding.add(source)
                stack.append(source)
    for layer in spec.layers:
        if layer.name not in feeding:
            message = (
                f"layer '{layer.name}' feeds no output, so Keras would leave it out of the model; "
                "list it (or a layer after it) in outputs:, or remove it"
            )
            out.append(layer.problem(spec.doc, message))
    for name in spec.inputs:
        if name not in feeding:
            message = f"input '{name}' feeds no output; use it in a layer's inputs:, or remove it"
            out.append(spec.doc.problem(spec.input_path(name), message))
    return out


LAYER_CHECKS = [layer_arguments, no_code_references]
GRAPH_CHECKS = [unique_names, input_arity, ports_exist, no_cycles, graph_ends]


def run_checks(spec: FlatSpec, graph=None) -> list[Problem]:
    """The per-layer checks (no graph given) or the graph checks; return all problems."""
    problems = []
    for check in GRAPH_CHECKS if graph is not None else LAYER_CHECKS:
        problems.extend(check(spec, graph))
        if problems and check is unique_names:
            break  # edges between clashing names are meaningless
    return problems
