"""Problems inside block instances, placed where the user can act: at the use, or once for every instance.

A problem found in a block's body is first located in the definition. If it arises in
some instances only, it is reported at each of those uses (the top-level line that
caused it), naming the instance, with the definition as a second location; if every
instance of the block has it, it is reported once, at the definition, listing them.
"""

from __future__ import annotations

import re

from ...problems import Problem
from ..load import Document

MAX_LISTED = 4


def instances_of(layers) -> dict[str, list[str]]:
    """Block name -> the names of its instances that hold layers, in order, from the layers' sites."""
    out: dict[str, list[str]] = {}
    for layer in layers:
        for instance, block, _use in layer.site:
            names = out.setdefault(block, [])
            if instance not in names[-1:] and instance not in names:
                names.append(instance)
    return out


def place(sited: list[tuple[Problem, tuple]], doc: Document, instances: dict[str, list[str]]) -> list[Problem]:
    """The problems of `sited` ((problem at the definition, site) pairs) at the positions described above."""
    groups: dict[tuple, list] = {}
    for problem, site in sited:
        if not site:
            groups.setdefault((problem, None), [])
            continue
        instance, block, _use = site[-1]
        generic = problem.message.replace(f"'{instance}.", "'")
        key = (Problem(problem.path, problem.line, problem.col, generic), block)
        if all(s[-1][0] != instance for s, _ in groups.get(key, [])):
            groups.setdefault(key, []).append((site, problem))
    out = []
    for (generic, block), found in groups.items():
        if block is None:
            out.append(generic)
            continue
        names = [site[-1][0] for site, _ in found]
        every = instances.get(block, [])
        if len(every) > 1 and set(names) == set(every):
            listed = ", ".join(names[:MAX_LISTED]) + (
                f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
            )
            out.append(
                Problem(
                    generic.path,
                    generic.line,
                    generic.col,
                    f"{generic.message} (in every instance of block '{block}': {listed})",
                )
            )
            continue
        for site, problem in found:
            line, col = doc.where(site[0][2])
            message = f"block instance '{site[-1][0]}': {problem.message} (in block '{block}', line {problem.line}, column {problem.col})"
            out.append(Problem(problem.path, line, col, message))
    return out


_NAMED = re.compile(r"layer '([^']+)'")


def place_named(problems: list[Problem], flat) -> list[Problem]:
    """Problems of later stages that name their layer (`layer 'res_1.conv'`), placed as `place` does."""
    by_name = {layer.name: layer for layer in flat.layers}
    sited = []
    for problem in problems:
        match = _NAMED.search(problem.message)
        layer = by_name.get(match.group(1)) if match else None
        sited.append((problem, layer.site if layer is not None else ()))
    return place(sited, flat.doc, instances_of(flat.layers))
