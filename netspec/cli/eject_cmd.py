"""`netspec eject [SPEC]`: the spec as a plain Keras Python script."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import SCALE_HELP, SET_HELP, complete_spec, load_spec


def eject(
    spec: Path | None = typer.Argument(
        None, help="Spec file (default: the current build).", autocompletion=complete_spec
    ),
    output: Path | None = typer.Option(None, "-o", "--output", help="Python file to write (default: print it)."),
    overrides: List[str] = typer.Option([], "--set", help=SET_HELP),
    scale: Optional[str] = typer.Option(None, "--scale", help=SCALE_HELP),
):
    """Print a standalone Python script that builds the same model with Keras alone.

    The script defines build_model() (and compile_model() when the spec has a
    train: section); it does not need netspec. TensorFlow is not started.
    """
    from .. import atomic
    from ..eject import eject as render

    source = render(load_spec(spec, overrides, scale))
    if output is None:
        typer.echo(source, nl=False)
        return
    atomic.write_text(output, source)
    typer.echo(f"Wrote {output}; run it with: python {output}")
