"""`netspec compare`: several runs' curves in one picture, the settings that differ, and their final metrics."""

from __future__ import annotations

from .curves import png_bytes, whole_epochs
from .runs import Run, table

FINAL = ["loss", "accuracy", "val_loss", "val_accuracy"]


def _flat(settings: dict, prefix: str = "") -> dict:
    found = {}
    for key, value in settings.items():
        if isinstance(value, dict) and key != "optimizer":
            found.update(_flat(value, f"{prefix}{key}."))  # an empty mapping (no augmentation) adds no row
        else:
            found[prefix + key] = value
    return found


def differing(runs: list[Run]) -> dict:
    """setting -> one value per run, for the settings whose values are not all the same."""
    flat = [_flat(run.settings) for run in runs]
    keys = [k for k in dict.fromkeys(k for f in flat for k in f) if k != "precision_reason"]
    return {k: [f.get(k) for f in flat] for k in keys if len({repr(f.get(k)) for f in flat}) > 1}


def _text(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def render_table(runs: list[Run], names: list[str]) -> str:
    """The differing settings, then the last epoch's metrics and the test accuracy, one column per run."""
    rows = [["", *names]]
    changes = differing(runs)
    rows += [[key, *map(_text, values)] for key, values in changes.items()]
    if not changes:
        rows.append(["(settings)", *["same"] * len(runs)])
    rows.append(["epochs done", *[str(r.epochs_done) for r in runs]])
    last = [r.history[-1] if r.history else {} for r in runs]
    for key in FINAL:
        if any(key in record for record in last):
            rows.append([f"final {key}", *["-" if key not in r else f"{r[key]:.4f}" for r in last]])
    rows.append(["test accuracy", *["-" if r.test_accuracy is None else f"{100 * r.test_accuracy:.1f}%" for r in runs]])
    rows.append(["status", *[r.status for r in runs]])
    return table(rows)


def render_png(runs: list[Run], names: list[str]) -> bytes:
    """Loss and accuracy per epoch, every run in its own colour: train solid, validation dashed."""
    return png_bytes(figure(runs, names))


def figure(runs: list[Run], names: list[str]):
    """The matplotlib Figure of render_png."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    panels = ["loss"] + (["accuracy"] if any("accuracy" in r for run in runs for r in run.history) else [])
    drawn = Figure(figsize=(6 * len(panels), 4), dpi=100)
    colours = matplotlib.colormaps["tab10"]
    for i, key in enumerate(panels, start=1):
        axes = drawn.add_subplot(1, len(panels), i)
        for n, (run, name) in enumerate(zip(runs, names, strict=True)):
            epochs = [r.get("epoch") for r in run.history]
            for prefix, style, what in (("", "-", "train"), ("val_", "--", "validation")):
                values = [r.get(prefix + key) for r in run.history]
                if any(v is not None for v in values):
                    axes.plot(
                        epochs, values, style, marker="o", markersize=3, color=colours(n % 10), label=f"{name} {what}"
                    )
        axes.set_title(key)
        whole_epochs(axes)
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
    return drawn
