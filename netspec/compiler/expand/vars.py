"""The substitution pass: the chosen scale's values into `vars:`, then top-level `${...}` resolved.

Layer items and block bodies are substituted later, per copy and per instance
(instantiate.py), where `${index}`, block parameters and block inputs are known.
"""

from __future__ import annotations

from ...problems import Problem, UsageError, did_you_mean
from ..load import Document
from ..substitute import Scope, substitute
from .budget import Budget, TooBig

LATER = ("vars", "blocks", "layers", "scales", "scale")


def scale_names(data) -> list[str]:
    """The names of the spec's scales (empty when it has none)."""
    scales = data.get("scales") if isinstance(data, dict) else None
    return list(scales) if isinstance(scales, dict) else []


def select_scale(doc: Document, scale: str | None = None) -> list[Problem]:
    """Merge the chosen scale (`scale`, else the spec's `scale:`) into the document's vars, in place."""
    data = doc.data
    if not isinstance(data, dict):
        return []
    names = scale_names(data)
    chosen = scale if scale is not None else data.get("scale")
    if chosen is None:
        return []
    if scale is not None and not names:
        raise UsageError(f"--scale {scale}: {doc.path} has no scales:")
    if chosen not in names:
        listed = ", ".join(names) or "none"
        message = f"scale '{chosen}' is not one of the spec's scales ({listed}).{did_you_mean(chosen, names)}"
        if scale is not None:
            raise UsageError(f"--scale {message.removeprefix('scale ')}")
        return [doc.problem(("scale",), message.rstrip("."))]
    values = data["scales"][chosen]
    base = data.get("vars") if isinstance(data.get("vars"), dict) else {}
    if not isinstance(values, dict):
        return []  # the structure check reports it
    problems = [
        doc.problem(
            ("scales", chosen, key),
            f"scale '{chosen}' sets '{key}', which is not a var.{did_you_mean(key, base)}",
            True,
        )
        for key in values
        if key not in base
    ]
    data["vars"] = {**base, **values}
    return problems


def substitute_vars(doc: Document, budget: Budget | None = None) -> tuple[dict, list[Problem]]:
    """The spec with top-level vars resolved everywhere but in vars, scales, layers and blocks."""
    problems: list[Problem] = []
    data = doc.data
    if not isinstance(data, dict):
        return data, problems
    raw_vars = data.get("vars") if isinstance(data.get("vars"), dict) else {}
    scope = Scope(raw_vars)
    budget = budget or Budget()

    def report(path, message):
        problems.append(doc.problem(path, message))

    out = {}
    for key, value in data.items():
        if key in LATER:
            out[key] = value
            continue
        out[key] = substitute(value, scope, report, (key,))
        try:
            budget.add(out[key])
        except TooBig as exc:
            report((key,), str(exc))
            break
    return out, problems
