"""curves.png: loss and accuracy per epoch, train and validation, from the history records."""

from __future__ import annotations

import io


def whole_epochs(axes) -> None:
    """Epochs are whole numbers on the x axis, and no axis shows an offset ("+2.302") instead of its values."""
    from matplotlib.ticker import MaxNLocator, ScalarFormatter

    axes.set_xlabel("epoch")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    for axis in (axes.xaxis, axes.yaxis):
        formatter = ScalarFormatter(useOffset=False)
        formatter.set_scientific(False)
        axis.set_major_formatter(formatter)


def png_bytes(figure) -> bytes:
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def render_png(history: list) -> bytes:
    """A two-panel PNG (loss; accuracy when recorded) of the history; returns its bytes."""
    return png_bytes(figure(history))


def figure(history: list):
    """The matplotlib Figure of render_png."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    epochs = [record["epoch"] for record in history]
    panels = [("loss", "loss")] + ([("accuracy", "accuracy")] if "accuracy" in history[0] else [])
    drawn = Figure(figsize=(5 * len(panels), 3.6), dpi=100)
    for i, (key, title) in enumerate(panels, start=1):
        axes = drawn.add_subplot(1, len(panels), i)
        for prefix, label in (("", "train"), ("val_", "validation")):
            values = [record.get(prefix + key) for record in history]
            if any(v is not None for v in values):
                axes.plot(epochs, values, marker="o", markersize=3, label=label)
        axes.set_title(title)
        whole_epochs(axes)
        axes.grid(alpha=0.3)
        axes.legend()
    return drawn
