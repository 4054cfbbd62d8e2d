"""One row per scale of a spec (`netspec summary SPEC --scale all`, and docs/zoo.md), without TensorFlow."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from .spec import Spec, load_scales
from .units import fmt_bytes, si


@dataclass(frozen=True)
class ScaleRow:
    """A scale's static figures: None where some layer is counted by Keras only."""

    scale: str
    input: str
    layers: int
    params: int | None
    macs: int | None
    activation_bytes: int | None  # one example's layer outputs, float32, as kept for the backward pass


def input_text(spec: Spec) -> str:
    return ", ".join("×".join("?" if d is None else str(d) for d in t["shape"]) for t in spec.flat.inputs.values())


def scale_row(name: str, spec: Spec) -> ScaleRow:
    analysis = spec.summary()
    complete = analysis.complete
    return ScaleRow(
        name,
        input_text(spec),
        len(analysis.rows),
        analysis.total("params") if complete else None,
        analysis.total("macs") if complete else None,
        4 * analysis.total("activations") if complete else None,
    )


def scale_rows(path, overrides=()) -> list[ScaleRow]:
    """Every scale of the spec at `path`, in the order the spec lists them."""
    return [scale_row(name, spec) for name, spec in load_scales(path, overrides)]


def render_scales(rows: list[ScaleRow], format: str = "text") -> str:
    """The rows as a text table, a Markdown table or JSON."""
    if format == "json":
        return json.dumps([asdict(r) for r in rows], indent=2) + "\n"
    head = ["Scale", "Input", "Layers", "Parameters", "MACs", "Activations"]
    body = [
        [
            r.scale,
            r.input,
            f"{r.layers:,}",
            "?" if r.params is None else f"{r.params:,}",
            si(r.macs),
            "?" if r.activation_bytes is None else fmt_bytes(r.activation_bytes),
        ]
        for r in rows
    ]
    if format == "markdown":
        lines = ["| " + " | ".join(head) + " |", "| --- | --- | ---: | ---: | ---: | ---: |"]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in body]) + "\n"
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    fmt = [str.ljust, str.ljust, str.rjust, str.rjust, str.rjust, str.rjust]
    lines = ["  ".join(f(cell, w) for f, cell, w in zip(fmt, row, widths, strict=True)) for row in [head, *body]]
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]]) + "\n"
