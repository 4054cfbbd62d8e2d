"""Writing a diagram to a file, the format chosen by the file's suffix (dot_program runs Graphviz)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..atomic import write_bytes
from ..problems import UsageError
from .dot import to_dot
from .dot_program import INSTALL_GRAPHVIZ, DotMissing, run_dot
from .mermaid import to_mermaid
from .view import build_view

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".html": "html"}
PNG_DPI = 144


def output_format(path: Path) -> str:
    """The format a file name asks for, from its suffix."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"cannot write '{path}': unknown suffix '{path.suffix}'; use .svg, .png, .pdf, .dot, .mmd or .html"
        )
    return fmt


def _write(path: Path, data: str | bytes) -> None:
    write_bytes(path, data.encode("utf-8") if isinstance(data, str) else data)  # UsageError naming the path


def render_svg(spec, **options) -> str:
    """The spec's diagram as SVG text (what a notebook displays)."""
    return run_dot(to_dot(build_view(spec, **options)), "svg").decode("utf-8")


def write_diagram(spec, path: Path, **options) -> str:
    """Write the diagram to `path` in the format its suffix names; return what was written, in words.

    Without `dot`, a rendered format still gets its DOT source written beside it, then DotMissing is raised.
    """
    fmt = output_format(path)
    if fmt == "html":
        from .html import page_html  # noqa: PLC0415  (the page and its layouts load only for .html)

        _write(path, page_html(spec, options.get("direction", "TB"), options.get("title")))
        return f"wrote {path} (interactive page, {len(spec.flat.layers)} layers)"
    view = build_view(spec, **options)
    size = f"{len(view.nodes)} nodes, {len(view.edges)} edges"
    if fmt == "mermaid":
        _write(path, to_mermaid(view))
        return f"wrote {path} (Mermaid, {size})"
    source = to_dot(view, dpi=PNG_DPI if fmt == "png" else None)
    if fmt == "dot":
        _write(path, source)
        return f"wrote {path} (DOT, {size})"
    if shutil.which("dot") is None:
        dot_path = path.with_suffix(".dot")
        _write(dot_path, source)
        raise DotMissing(
            f"Graphviz's `dot` program is not on PATH, so only {dot_path} was written; "
            f"{INSTALL_GRAPHVIZ}, then run this command again"
        )
    _write(path, run_dot(source, fmt))
    return f"wrote {path} ({size})"
