"""`netspec summary [SPEC]`: the static table, without TensorFlow."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .common import SCALE_HELP, SET_HELP, complete_spec, load_spec, spec_path


class Format(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


def summary(
    spec: Path | None = typer.Argument(
        None, help="Spec file (default: the current build).", autocompletion=complete_spec
    ),
    batch_size: int | None = typer.Option(
        None, "--batch-size", min=1, help="Also estimate training memory at this batch size."
    ),
    format: Format = typer.Option(Format.text, "--format", help="text, markdown or json."),
    width: int = typer.Option(100, "--width", min=60, help="Width of the text table."),
    overrides: List[str] = typer.Option([], "--set", help=SET_HELP),
    scale: Optional[str] = typer.Option(None, "--scale", help=SCALE_HELP + " `all`: one row per scale."),
):
    """Print each layer's output shape, parameters and MACs, computed from the spec alone.

    TensorFlow is not started. Layers outside netspec's core set are shown as ?
    (`netspec build` gets their figures from Keras). `--scale all` prints one row per
    scale: parameters, MACs, activation memory per example and input size.
    """
    from ..table import RENDERERS, render_text

    format = format.value
    if scale == "all":
        from ..scales import render_scales, scale_rows

        typer.echo(render_scales(scale_rows(spec_path(spec), overrides), format), nl=False)
        return
    loaded = load_spec(spec, overrides, scale)
    analysis = loaded.summary()
    batch = batch_size or (loaded.train.get("batch_size") if format == "json" else batch_size)
    if format == "text":
        typer.echo(render_text(analysis, batch, width), nl=False)
    else:
        typer.echo(RENDERERS[format](analysis, batch), nl=False)
