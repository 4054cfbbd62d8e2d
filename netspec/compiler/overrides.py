"""`--set dotted.path=value`: override any value of a spec before it is checked."""

from __future__ import annotations

from ..problems import SpecError, UsageError
from .load import Document, load_text
from .numbers import MAX_DIGITS


def parse_override(text: str) -> tuple[list, object]:
    """Split `a.b.0.c=value` into its path and its YAML-typed value."""
    if "=" not in text:
        raise UsageError(f"--set {text}: expected dotted.path=value, such as train.epochs=5")
    key, raw = text.split("=", 1)
    parts = [int(p) if p.lstrip("-").isdigit() and len(p) <= MAX_DIGITS else p for p in key.strip().split(".")]
    if not key.strip() or any(p == "" for p in parts):
        raise UsageError(f"--set {text}: the path is empty or has an empty part")
    try:
        value = load_text(raw, "--set").data
    except SpecError as exc:
        raise UsageError(f"--set {text}: the value is not valid YAML ({exc.problems[0].message})") from None
    return parts, value


def apply_overrides(doc: Document, overrides) -> None:
    """Apply each `--set` to the document's data in place; an unknown path is a usage error."""
    for text in overrides:
        parts, value = parse_override(text)
        node = doc.data
        if not isinstance(node, dict):
            raise UsageError(f"--set {text}: the spec is not a mapping")
        for depth, part in enumerate(parts[:-1]):
            node = _step(node, part, parts[: depth + 1], text)
        last = parts[-1]
        if isinstance(node, list):
            if not isinstance(last, int) or not -len(node) <= last < len(node):
                raise UsageError(f"--set {text}: '{_join(parts[:-1])}' has {len(node)} items; no index {last}")
            node[last] = value
        elif isinstance(node, dict):
            node[str(last)] = value
        else:
            raise UsageError(f"--set {text}: '{_join(parts[:-1])}' is a single value, not a mapping or list")


def _step(node, part, done, text):
    if isinstance(node, dict) and str(part) in node:
        return node[str(part)]
    if isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(node):
        return node[part]
    if isinstance(node, dict):
        keys = ", ".join(sorted(map(str, node))) or "none"
        raise UsageError(f"--set {text}: unknown path '{_join(done)}' (keys there: {keys})")
    if isinstance(node, list):
        raise UsageError(f"--set {text}: '{_join(done[:-1])}' has {len(node)} items; no index {part}")
    raise UsageError(f"--set {text}: '{_join(done[:-1])}' is a single value, not a mapping or list")


def _join(parts) -> str:
    return ".".join(str(p) for p in parts) or "(top)"
