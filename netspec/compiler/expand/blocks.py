"""Blocks as data: their declared inputs, how many layers a use adds, and defaults merged over the outer ones."""

from __future__ import annotations

from ...layers import lookup
from .items import META_KEYS

MAX_BLOCK_DEPTH = 64
DEFAULT_INPUTS = ["in"]


def declared_inputs(block: dict) -> list[str]:
    """The names a block calls its inputs (`inputs:` in its definition; default `in`)."""
    declared = block.get("inputs") or DEFAULT_INPUTS
    return [declared] if isinstance(declared, str) else list(declared)


def arity_problem(declared: list[str], name: str, refs, prev) -> str | None:
    """Why a use cannot bind the block's inputs (None when it can): refs given, or the previous layer."""
    wanted = ", ".join(declared)
    if refs is None:
        if len(declared) > 1 or prev is None:
            return f"block instance '{name}' takes inputs {wanted}; list them in inputs: at the use"
        return None
    if len(refs) != len(declared):
        plural = "s" if len(declared) > 1 else ""
        return f"block instance '{name}' takes {len(declared)} input{plural} ({wanted}); received {len(refs)}"
    return None


def layers_per_use(blocks: dict, kind, sizes: dict, depth: int = 0) -> int:
    """Layers one use of `kind` adds, counting literal repeats: refuses a repeat bomb before expanding it.

    A lower bound (1 where a repeat is a ${parameter}, or for a cycle, reported when expanded).
    `sizes` remembers each block's count.
    """
    if kind not in blocks or depth > MAX_BLOCK_DEPTH or not isinstance(blocks[kind], dict):
        return 1
    if kind not in sizes:
        sizes[kind] = 1
        total = 0
        for item in blocks[kind].get("layers") or []:
            inner = item if isinstance(item, str) else next(iter(k for k in item if k not in META_KEYS), None)
            repeat = item.get("repeat", 1) if isinstance(item, dict) else 1
            repeat = repeat if isinstance(repeat, int) and not isinstance(repeat, bool) and repeat > 0 else 1
            total += repeat * (layers_per_use(blocks, inner, sizes, depth + 1) if isinstance(inner, str) else 1)
        sizes[kind] = total
    return sizes[kind]


def merge_defaults(outer: dict, local: dict, path: tuple) -> dict:
    """Defaults as {layer type: {argument: (value, where it is written)}}, `local` over `outer`."""
    merged = dict(outer)
    for type_name, args in local.items():
        layer_type = lookup(type_name)
        if layer_type is None or not isinstance(args, dict):
            continue  # reported once, by check_defaults
        own = {arg: (value, path + (type_name, arg)) for arg, value in args.items()}
        merged[layer_type.name] = {**(outer.get(layer_type.name) or {}), **own}
    return merged
