"""Running Graphviz's `dot` program: the one place netspec calls it, and imports the `graphviz` package."""

from __future__ import annotations

import shutil

from ..problems import NetspecBug, UsageError

INSTALL_GRAPHVIZ = (
    "install Graphviz (Debian/Ubuntu: sudo apt install graphviz; macOS: brew install graphviz; "
    "conda: conda install graphviz; Windows: winget install graphviz)"
)


class DotMissing(UsageError):
    """Graphviz's `dot` program is not on PATH (exit code 2)."""


def run_dot(source: str, fmt: str) -> bytes:
    """Lay out and render DOT source with the `dot` program."""
    if shutil.which("dot") is None:
        raise DotMissing(f"Graphviz's `dot` program is not on PATH; {INSTALL_GRAPHVIZ}")
    import graphviz  # noqa: PLC0415  (only the rendering edge needs it)

    try:
        return graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
    except graphviz.CalledProcessError as exc:
        stderr = (exc.stderr or b"").decode("utf-8", "replace").strip()
        raise NetspecBug(f"dot could not render netspec's own DOT source: {stderr}") from None
