"""The compiler pipeline and the Python API: `netspec.load(path)` -> Spec.

load -> overrides -> vars -> structure check -> expand -> named checks -> graph -> analyse.
Nothing here imports TensorFlow; `Spec.to_keras()` does, on demand.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from .compiler.analyse import Analysis, analyse
from .compiler.checks import run_checks
from .compiler.expand import FlatSpec, expand, place_named, scale_names, select_scale, substitute_vars
from .compiler.graph import build_graph
from .compiler.load import Document, load_text, read_file
from .compiler.overrides import apply_overrides
from .compiler.validate import check_structure
from .problems import SpecError, UsageError


class Spec:
    """A compiled spec: its expanded layers, graph and static analysis."""

    def __init__(self, doc: Document, flat: FlatSpec, graph, analysis: Analysis):
        self.doc = doc
        self.flat = flat
        self.graph = graph
        self.analysis = analysis

    @property
    def name(self) -> str:
        return self.flat.name

    @property
    def path(self) -> str:
        return self.doc.path

    @property
    def train(self) -> dict:
        return self.flat.train

    def summary(self) -> Analysis:
        """The static per-layer table (shapes, parameters, MACs)."""
        return self.analysis

    def expanded(self) -> dict:
        """The flat spec as plain data (what `netspec expand` prints)."""
        return self.flat.to_data()

    def to_keras(self):
        """Build the Keras model (imports Keras)."""
        from .keras_build import build_model

        return build_model(self)

    @cached_property
    def _svg(self) -> str:
        from .diagram import render_svg  # noqa: PLC0415  (optional emitter)

        return render_svg(self)

    def _repr_svg_(self):
        try:
            return self._svg
        except Exception:  # a notebook falls back to the text repr
            return None

    def _repr_html_(self):
        """The interactive page in a sandboxed frame, where a notebook shows HTML (else the SVG is shown)."""
        try:
            from .diagram.html import notebook_frame  # noqa: PLC0415  (optional emitter)

            return notebook_frame(self)
        except Exception:  # the notebook falls back to _repr_svg_
            return None

    def __repr__(self) -> str:
        return f"<netspec.Spec {self.name}: {len(self.flat.layers)} layers>"


def compile_document(doc: Document, overrides=(), scale: str | None = None) -> Spec:
    """Run every stage after loading; raise SpecError with all problems of the stage that failed.

    `scale` names one of the spec's scales (default: its `scale:`, else the vars as written).
    """
    problems = select_scale(doc, scale)
    if overrides:
        apply_overrides(doc, overrides)
    data, found = substitute_vars(doc)
    problems += found
    problems += check_structure(Document(doc.path, data, doc.positions, doc.key_positions))
    if problems:
        raise SpecError(problems)
    flat, problems = expand(data, doc)
    if flat is not None:
        problems += run_checks(flat)
    if problems:
        raise SpecError(problems)
    graph = build_graph(flat)
    problems = run_checks(flat, graph)
    if problems:
        raise SpecError(place_named(problems, flat))
    try:
        analysis = analyse(flat, graph)
    except SpecError as exc:  # a shape problem inside a block instance is reported at its use
        raise SpecError(place_named(exc.problems, flat)) from None
    return Spec(doc, flat, graph, analysis)


def load(path: str | Path, overrides=(), scale: str | None = None) -> Spec:
    """Load, check and analyse the spec at `path`; `overrides` are `dotted.path=value` strings."""
    return compile_document(read_file(path), overrides, scale)


def loads(text: str, path: str = "<string>", overrides=(), scale: str | None = None) -> Spec:
    """Like load(), from YAML text."""
    return compile_document(load_text(text, path), overrides, scale)


def load_scales(path: str | Path, overrides=()) -> list[tuple[str, Spec]]:
    """(scale name, compiled spec) for every scale of the spec at `path`, in the order written."""
    names = scale_names(read_file(path).data)
    if not names:
        raise UsageError(f"--scale all: {path} has no scales:")
    return [(name, compile_document(read_file(path), overrides, name)) for name in names]
