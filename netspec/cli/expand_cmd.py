"""`netspec expand [SPEC]`: print the flat spec."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import SCALE_HELP, SET_HELP, complete_spec, load_spec


def expand(
    spec: Path | None = typer.Argument(
        None, help="Spec file (default: the current build).", autocompletion=complete_spec
    ),
    overrides: List[str] = typer.Option([], "--set", help=SET_HELP),
    scale: Optional[str] = typer.Option(None, "--scale", help=SCALE_HELP),
):
    """Print the fully expanded spec: defaults, vars, blocks and repeats resolved, every layer named."""
    from ..yaml_dump import dump_spec

    typer.echo(dump_spec(load_spec(spec, overrides, scale).expanded()), nl=False)
