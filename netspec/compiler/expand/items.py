"""Reading one layer item: its type key, arguments and meta keys; a block use's parameters."""

from __future__ import annotations

from ...layers import REFUSED, known_names
from ...problems import did_you_mean
from ..schema import META_KEYS


def split(item, path, report):
    """(type key, raw arguments, meta keys) of a layer item; type key None when there is not exactly one."""
    if isinstance(item, str):
        return item, None, {}
    if not isinstance(item, dict):
        report(path, f"a layer is a type name or a mapping with one type key; received {item!r}")
        return None, None, {}
    meta = {k: v for k, v in item.items() if k in META_KEYS}
    kinds = [k for k in item if k not in META_KEYS]
    if len(kinds) != 1:
        found = ", ".join(kinds) if kinds else "none"
        report(path, f"a layer has exactly one type key (such as Conv2D or a block name); found {found}")
        return None, None, meta
    return kinds[0], item[kinds[0]], meta


def type_path(doc, path, kind) -> tuple:
    """Where the type key of the item at `path` is written."""
    return path + (kind,) if isinstance(doc.value_at(path), dict) else path


def layer_args(layer_type, raw, key, report):
    """(arguments, their origins) of a layer item, or None when the shorthand does not fit."""
    if isinstance(raw, dict):
        return dict(raw), {k: key + (k,) for k in raw}
    if raw is None:
        return {}, {}
    if layer_type.positional:
        return {layer_type.positional: raw}, {layer_type.positional: key}
    report(key, f"{layer_type.name} takes a mapping of arguments; received {raw!r}")
    return None


def unknown_type(kind, key, blocks, report) -> None:
    if kind in REFUSED:
        report(key, f"{kind} is not allowed: {REFUSED[kind]}", True)
        return
    hint = did_you_mean(kind, known_names() + list(blocks))
    report(key, f"unknown layer type or block '{kind}'.{hint}", True)


def block_params(block_name, block, raw, key, report):
    """The parameter values of one block use (declared defaults under the given ones), or None."""
    declared = block.get("params") or {}
    defaults = {} if isinstance(declared, list) else dict(declared)
    names = list(declared)
    given = raw if isinstance(raw, dict) else ({} if raw is None else None)
    if given is None:
        report(key, f"block '{block_name}' takes a mapping of parameters; received {raw!r}")
        return None
    unknown = [k for k in given if k not in names]
    for name in unknown:
        report(key + (name,), f"block '{block_name}' has no parameter '{name}'.{did_you_mean(name, names)}", True)
    params = {**defaults, **given}
    missing = [k for k in names if k not in params and not any(did_you_mean(u, [k]) for u in unknown)]
    for name in missing:
        report(key, f"block '{block_name}' requires parameter '{name}'")
    return None if unknown or missing else params
