"""Layer types: one registry entry per Keras class (see registry.py)."""

from .base import LayerType, ShapeError, Weight, fmt_shape
from .registry import ALIASES, CORE, REFUSED, known_names, lookup, rule_for

__all__ = [
    "ALIASES",
    "CORE",
    "REFUSED",
    "LayerType",
    "ShapeError",
    "Weight",
    "fmt_shape",
    "known_names",
    "lookup",
    "rule_for",
]
