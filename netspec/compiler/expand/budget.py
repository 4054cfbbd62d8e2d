"""What expansion produces, counted as if every shared value were copied: the limits apply to the output.

A value referenced twice (a var used by many layers, a default applied to every
layer) counts twice, though it is stored once; its size is measured once.
"""

from __future__ import annotations

MAX_LAYERS = 10_000
MAX_VALUES = 400_000
MAX_BYTES = 16 * 2**20


class TooBig(Exception):
    """The expanded spec would exceed a limit; the message says which."""


class Budget:
    """Running totals of the expanded output, refused past MAX_VALUES values or MAX_BYTES of text."""

    def __init__(self):
        self.values = 0
        self.bytes = 0
        self._sizes: dict[int, tuple[int, int]] = {}
        self._keep: list = []  # keeps measured objects alive, so their ids stay theirs

    def add(self, value) -> None:
        values, size = self.size(value)
        self.values += values
        self.bytes += size
        if self.values > MAX_VALUES:
            raise TooBig(f"the spec expands to more than {MAX_VALUES:,} values; specs are limited to that")
        if self.bytes > MAX_BYTES:
            raise TooBig(f"the spec expands to more than {MAX_BYTES // 2**20} MiB of text; specs are limited to that")

    def size(self, value) -> tuple[int, int]:
        """(values, bytes of text) in `value`, containers measured once and remembered."""
        if isinstance(value, str):
            return 1, len(value)
        if not isinstance(value, (dict, list)):
            return 1, 8
        known = self._sizes.get(id(value))
        if known is not None:
            return known
        values, size = 1, 0
        stack = [value]
        while stack:  # iterative: nesting is bounded by the loader, but never trust recursion depth
            node = stack.pop()
            items = list(node.items()) if isinstance(node, dict) else [(None, v) for v in node]
            for key, item in items:
                if key is not None:
                    size += len(key)
                known = self._sizes.get(id(item)) if isinstance(item, (dict, list)) else None
                if known is not None:
                    values, size = values + known[0], size + known[1]
                elif isinstance(item, (dict, list)):
                    values += 1
                    stack.append(item)
                else:
                    values += 1
                    size += len(item) if isinstance(item, str) else 8
        self._sizes[id(value)] = (values, size)
        self._keep.append(value)
        return values, size
