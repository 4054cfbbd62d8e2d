"""Table emitter: an Analysis as rich text, Markdown or JSON. Renderers return strings."""

from __future__ import annotations

import json

from .compiler.analyse import Analysis
from .compiler.limits import training_memory
from .layers.base import fmt_shape
from .units import fmt_bytes, si

TOTALS = ("params", "trainable", "non_trainable", "macs")


def _num(n) -> str:
    return "?" if n is None else f"{n:,}"


def _act(row) -> str:
    """Bytes of one example's output (float32), as kept for the backward pass."""
    return "?" if row.activations is None else fmt_bytes(4 * row.activations)


def _shape(row) -> str:
    """The main output's shape; a layer with return_state adds its states: (None, 64) + 2 states (None, 64)."""
    if row.output_shape is None:
        return "?"
    states = list(row.state_shapes.values())
    if not states:
        return fmt_shape(row.output_shape)
    shown = fmt_shape(states[0]) if len(set(states)) == 1 else " ".join(map(fmt_shape, states))
    return f"{fmt_shape(row.output_shape)} + {len(states)} state{'s' if len(states) > 1 else ''} {shown}"


def _names(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _layers(n: int) -> str:
    return f"{n} layer" + ("" if n == 1 else "s")


def _bound(analysis: Analysis, attr: str, fmt, why: str) -> str:
    """A total as text: exact, or '≥ lower bound; N layers unknown ...: names' when some figure is missing.

    `fmt(value, at_least)` writes the number, with `at_least` ("≥ " or "") before each figure it shows.
    """
    unknown = analysis.unknown(attr)
    if not unknown:
        return fmt(analysis.total(attr), "")
    return f"{fmt(analysis.total(attr), '≥ ')}; {_layers(len(unknown))} {why}: {_names(unknown)}"


def footer_lines(analysis: Analysis, batch_size: int | None, verified: bool) -> list[str]:
    """The totals under the table; a total that misses a layer's figure is printed as a lower bound."""
    until = "not counted by Keras" if verified else "unknown until build"
    macs_why = "without MACs (Keras reports none)" if verified else "without a static MAC count"
    count = lambda n, at_least: f"{at_least}{n:,}"  # noqa: E731
    lines = [
        "Activations: bytes of one example's float32 output"
        + (" (with its states)." if any(r.state_shapes for r in analysis.rows) else "."),
        "Total params: "
        + _bound(analysis, "params", lambda n, at_least: f"{at_least}{n:,} ({at_least}{fmt_bytes(4 * n)})", until),
        f"Trainable params: {_bound(analysis, 'trainable', count, until)}",
        f"Non-trainable params: {_bound(analysis, 'non_trainable', count, until)}",
        "MACs per example: "
        + _bound(
            analysis,
            "macs",
            lambda n, at_least: f"{at_least}{si(n)} (FLOPs = 2 x MACs {'≥' if at_least else '='} {si(2 * n)})",
            macs_why,
        ),
    ]
    if batch_size:
        mem = training_memory(analysis, batch_size)
        missing = analysis.memory_unknown()
        at_least = "≥ " if missing else ""
        line = (
            f"Training memory at batch {batch_size} ({analysis.optimizer}): {at_least}{fmt_bytes(mem['total'])} "
            f"(weights {fmt_bytes(mem['weights'])}, gradients {fmt_bytes(mem['gradients'])}, "
            f"optimizer {fmt_bytes(mem['optimizer'])}, activations {fmt_bytes(mem['activations'])})"
        )
        if missing:
            line += f"; not counted: {_layers(len(missing))} ({_names(missing)})"
        lines.append(line)
    if analysis.dynamic:
        names = _names(analysis.dynamic)
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
    cells = [(f"{r.name} ({r.type})", _shape(r), _num(r.params), si(r.macs), _act(r)) for r in analysis.rows]
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
            f"{_num(r.non_trainable)} | {si(r.macs)} | {_act(r)} |"
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
        if row.state_shapes:  # return_state: port -> shape, in Keras' output order
            rows[-1]["state_shapes"] = {port: [None, *shape] for port, shape in row.state_shapes.items()}
    out = {
        "name": analysis.name,
        "verified_by_keras": verified,
        "layers": rows,
        # null where a layer's figure is unknown; lower_bounds then holds the sum of the known ones
        "totals": {attr: analysis.exact(attr) for attr in TOTALS},
        "lower_bounds": {attr: analysis.total(attr) for attr in TOTALS},
        "unknown": {attr: analysis.unknown(attr) for attr in TOTALS},
        "not_static": list(analysis.dynamic),
    }
    for key in ("totals", "lower_bounds"):
        macs = out[key]["macs"]
        out[key]["flops"] = None if macs is None else 2 * macs
    if batch_size:
        out["training_memory"] = {
            "batch_size": batch_size,
            "optimizer": analysis.optimizer,
            **training_memory(analysis, batch_size),
            "lower_bound": bool(analysis.memory_unknown()),
            "not_counted": analysis.memory_unknown(),
        }
    return out


def render_json(analysis: Analysis, batch_size: int | None = None, verified: bool = False) -> str:
    return json.dumps(as_dict(analysis, batch_size, verified), indent=2) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
