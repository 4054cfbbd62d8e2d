"""Table emitter: an Analysis as rich text, Markdown or JSON. Renderers return strings."""

from __future__ import annotations

import json

from .compiler.analyse import Analysis
from .layers.base import fmt_shape


def _num(n) -> str:
    return "?" if n is None else f"{n:,}"


def _si(n) -> str:
    if n is None:
        return "?"
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.2f} {unit}"
    return str(n)


def _bytes(n: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _act(row) -> str:
    """Bytes of one example's output (float32), as kept for the backward pass."""
    return "?" if row.activations is None else _bytes(4 * row.activations)


def _shape(row) -> str:
    return "?" if row.output_shape is None else fmt_shape(row.output_shape)


def footer_lines(analysis: Analysis, batch_size: int | None, verified: bool) -> list[str]:
    params = analysis.total("trainable") + analysis.total("non_trainable")
    lines = [
        "Activations: bytes of one example's float32 output.",
        f"Total params: {params:,} ({_bytes(4 * params)})",
        f"Trainable params: {analysis.total('trainable'):,}",
        f"Non-trainable params: {analysis.total('non_trainable'):,}",
        f"MACs per example: {_si(analysis.total('macs'))} (FLOPs = 2 x MACs = {_si(2 * analysis.total('macs'))})",
    ]
    if batch_size:
        mem = analysis.training_memory(batch_size)
        lines.append(
            f"Training memory at batch {batch_size} ({analysis.optimizer}): {_bytes(mem['total'])} "
            f"(weights {_bytes(mem['weights'])}, gradients {_bytes(mem['gradients'])}, "
            f"optimizer {_bytes(mem['optimizer'])}, activations {_bytes(mem['activations'])})"
        )
    if analysis.dynamic:
        names = ", ".join(analysis.dynamic[:5]) + (" ..." if len(analysis.dynamic) > 5 else "")
        if verified:
            lines.append(f"Computed by Keras, not statically: {names}")
        else:
            lines.append(
                f"Not computed statically ({len(analysis.dynamic)} rows, shown as ?): {names}; "
                "`netspec build` gets them from Keras"
            )
    return lines


def render_text(analysis: Analysis, batch_size: int | None = None, width: int = 100, verified: bool = False) -> str:
    """The table as a terminal shows it, like Keras' model.summary(), at most `width` columns wide.

    Plain formatting on purpose: rich's Table took 8 s to lay out 5,000 rows on 2 cores.
    """
    kind = "verified by Keras" if verified else "static"
    header = ("Layer (type)", "Output Shape", "Param #", "MACs", "Activations")
    cells = [(f"{r.name} ({r.type})", _shape(r), _num(r.params), _si(r.macs), _act(r)) for r in analysis.rows]
    widths = [max(len(header[i]), *(len(c[i]) for c in cells)) if cells else len(header[i]) for i in range(5)]
    widths[0] = min(widths[0], max(20, width - sum(widths[1:]) - 10))

    def line(c) -> str:
        name = c[0] if len(c[0]) <= widths[0] else c[0][: widths[0] - 1] + "…"
        w = widths
        return f"  {name:<{w[0]}}  {c[1]:<{w[1]}}  {c[2]:>{w[2]}}  {c[3]:>{w[3]}}  {c[4]:>{w[4]}}".rstrip()

    rule = " " + "─" * (sum(widths) + 10)
    out = [f'Model "{analysis.name}" ({kind})', "", line(header), rule, *map(line, cells), ""]
    out += footer_lines(analysis, batch_size, verified)
    return "\n".join(out) + "\n"


def render_markdown(analysis: Analysis, batch_size: int | None = None, verified: bool = False) -> str:
    lines = [
        "| Layer (type) | Output shape | Param # | Trainable | Non-trainable | MACs | Activations |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for r in analysis.rows:
        lines.append(
            f"| {r.name} ({r.type}) | {_shape(r)} | {_num(r.params)} | {_num(r.trainable)} | "
            f"{_num(r.non_trainable)} | {_si(r.macs)} | {_act(r)} |"
        )
    lines.append("")
    lines += [f"- {line}" for line in footer_lines(analysis, batch_size, verified)]
    return "\n".join(lines) + "\n"


def as_dict(analysis: Analysis, batch_size: int | None = None, verified: bool = False) -> dict:
    rows = []
    for row in analysis.rows:
        rows.append(
            {
                "name": row.name,
                "type": row.type,
                "inputs": list(row.inputs),
                "output_shape": None if row.output_shape is None else [None, *row.output_shape],
                "params": row.params,
                "trainable": row.trainable,
                "non_trainable": row.non_trainable,
                "macs": row.macs,
                "flops": None if row.macs is None else 2 * row.macs,
                "activation_bytes": None if row.activations is None else 4 * row.activations,
                "static": row.static if not verified else row.name not in analysis.dynamic,
            }
        )
    out = {
        "name": analysis.name,
        "verified_by_keras": verified,
        "layers": rows,
        "totals": {
            "params": analysis.total("trainable") + analysis.total("non_trainable"),
            "trainable": analysis.total("trainable"),
            "non_trainable": analysis.total("non_trainable"),
            "macs": analysis.total("macs"),
            "flops": 2 * analysis.total("macs"),
        },
        "not_static": list(analysis.dynamic),
    }
    if batch_size:
        out["training_memory"] = {
            "batch_size": batch_size,
            "optimizer": analysis.optimizer,
            **analysis.training_memory(batch_size),
        }
    return out


def render_json(analysis: Analysis, batch_size: int | None = None, verified: bool = False) -> str:
    return json.dumps(as_dict(analysis, batch_size, verified), indent=2) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
