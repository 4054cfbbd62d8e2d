"""A layer's further outputs (ports), and references to them: `enc:h` is the state h of layer enc.

A reference is a layer or input name, optionally followed by `:port`. The plain name is the main
output; a recurrent layer with return_state has its states as ports (recurrent.py), and a
recurrent layer given more inputs than its sequence takes them as its initial state. Every stage
that reads `inputs:` or `outputs:` splits a reference here.
"""

from __future__ import annotations

from ..layers import CORE
from ..layers.base import fmt_shape


def split(ref: str) -> tuple[str, str]:
    """(layer name, port) of a reference; the port is "" for the main output."""
    name, _, port = ref.partition(":")
    return name, port


def join(name: str, port: str) -> str:
    return f"{name}:{port}" if port else name


def resolve(ref: str, lookup) -> str | None:
    """The reference with its layer name resolved by `lookup(name)` (None when it resolves to nothing)."""
    name, port = split(ref)
    target = lookup(name)
    return None if target is None else join(target, port)


def ports_of(layer) -> tuple:
    """The port names of an expanded layer (a Layer record): () for a layer with one output."""
    core = CORE.get(layer.type)
    return () if core is None else core.ports(core.with_defaults(layer.args))


def states_of(layer) -> tuple:
    """The state names that a layer's initial state sets, () for a layer without states."""
    core = CORE.get(layer.type)
    return () if core is None else core.states(core.with_defaults(layer.args))


def port_problem(ref: str, layers: dict) -> str | None:
    """Why `ref` names no output of its layer (`layers`: name -> Layer), in words; None when it does.

    The words follow the reference: "'enc:c' names no output of GRU layer 'enc' (...)".
    """
    name, port = split(ref)
    layer = layers.get(name)
    if not port:
        return None
    ports = ports_of(layer) if layer is not None else ()
    if port in ports:
        return None
    kind = "input" if layer is None else f"{layer.type} layer"
    listed = ", ".join([name, *(join(name, p) for p in ports)])
    message = f"names no output of {kind} '{name}' (its outputs: {listed})"
    states = states_of(layer) if layer is not None else ()
    if not ports and states:
        owner = f"its nested {next(iter(layer.args['layer']))}" if CORE[layer.type].nested_arg else "it"
        return message + f"; add return_state: true to {owner} for {', '.join(join(name, s) for s in states)}"
    return message


def shape_of(graph, ref: str):
    """The static shape of the tensor a reference names (None where unknown)."""
    name, port = split(ref)
    layer = graph.nodes[name]["layer"]
    return layer.state_shapes.get(port) if port else layer.output_shape


def initial_state_problem(layer, shapes: list) -> str | None:
    """Why the further inputs of a recurrent layer are not its initial state, in words; None when they are.

    `shapes` are the static shapes of all its inputs, the sequence first, none unknown.
    """
    core = CORE[layer.type]
    args = core.with_defaults(layer.args)
    states = core.states(args)
    if len(shapes) < 2 or not states:
        return None
    want = tuple(core.state_shape(args, shapes[:1]))
    if all(tuple(s) == want for s in shapes[1:]):
        return None
    given = ", ".join(f"{name} {fmt_shape(s)}" for name, s in zip(layer.inputs[1:], shapes[1:], strict=True))
    return (
        f"{layer.type} layer '{layer.name}' takes its inputs after the sequence {layer.inputs[0]} "
        f"{fmt_shape(shapes[0])} as its initial state ({', '.join(states)}), each of shape {fmt_shape(want)}; "
        f"received {given}"
    )


def arity_problem(layer) -> str | None:
    """Why a recurrent layer's number of inputs is wrong (one sequence, then all its states or none)."""
    states = states_of(layer)
    n = len(layer.inputs)
    if not states or n in (1, 1 + len(states)):
        return None
    return (
        f"{layer.type} layer '{layer.name}' takes a sequence, then optionally its initial state: "
        f"{1 + len(states)} inputs in all ({', '.join(['sequence', *states])}); "
        f"received {n} ({', '.join(layer.inputs)})"
    )


def state_edges(graph, source: str, target: str) -> str:
    """The ports that an edge of the graph carries, joined for a diagram label ("" for the main output only)."""
    ports = graph.edges[source, target].get("ports", ())
    return ", ".join(p for p in ports if p)
