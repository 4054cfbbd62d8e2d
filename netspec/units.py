"""How netspec writes counts and sizes for people: 1.23 M (SI), 4.1 MiB (binary bytes)."""

from __future__ import annotations


def si(n) -> str:
    """A count with an SI prefix: 884.74 k, 1.07 M; '?' when unknown."""
    if n is None:
        return "?"
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.2f} {unit}"
    return str(n)


def fmt_bytes(n: int) -> str:
    """A byte count in binary units: 128.0 KiB, 4.1 MiB."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"
