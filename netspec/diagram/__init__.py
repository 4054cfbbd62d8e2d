"""Diagram emitter: a compiled spec drawn with Graphviz (SVG, PNG, PDF, DOT) or as Mermaid text.

nodes (one per layer) -> compact, blocks (folding, runs, clusters) -> view (what is shown)
-> labels (words, colours) -> dot / mermaid (text) -> render (files, `dot`).
No TensorFlow here; the `graphviz` package is imported only when `dot` runs.
"""

from .dot import to_dot
from .mermaid import to_mermaid
from .render import DotMissing, render_svg, write_diagram
from .view import build_view

__all__ = ["DotMissing", "build_view", "render_svg", "to_dot", "to_mermaid", "write_diagram"]
