"""`netspec diagram [SPEC] [-o FILE]`: draw the network with Graphviz, without TensorFlow."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .common import SCALE_HELP, SET_HELP, complete_spec, load_spec


class Direction(str, Enum):
    TB = "TB"
    LR = "LR"


def diagram(
    spec: Path | None = typer.Argument(
        None, help="Spec file (default: the current build).", autocompletion=complete_spec
    ),
    output: Path | None = typer.Option(
        None,
        "-o",
        "--output",
        help="File to write; its suffix picks the format: .svg .png .pdf .dot .mmd, or .html for the interactive page (default: NAME.svg).",
    ),
    direction: Direction = typer.Option(Direction.TB, "--direction", help="TB: top to bottom; LR: left to right."),
    compact: bool = typer.Option(
        False,
        "--compact",
        help="Fold activation and dropout layers into the layer before them; runs of identical layers become one node ×N.",
    ),
    blocks: bool = typer.Option(False, "--blocks", help="Draw each block instance as a labelled cluster."),
    collapse_blocks: bool = typer.Option(False, "--collapse-blocks", help="Draw each block instance as one node."),
    title: str | None = typer.Option(None, "--title", help="Title above the diagram (default: the spec's name)."),
    overrides: List[str] = typer.Option([], "--set", help=SET_HELP),
    scale: Optional[str] = typer.Option(None, "--scale", help=SCALE_HELP),
):
    """Draw the network: one node per layer with its arguments, output shape and parameters.

    Needs Graphviz's `dot` program for .svg/.png/.pdf/.html (the interactive page); .dot and .mmd (Mermaid) are
    written without it.
    """
    from ..diagram import write_diagram

    loaded = load_spec(spec, overrides, scale)
    path = output or Path(f"{loaded.name}.svg")
    options = dict(direction=direction.value, compact=compact, blocks=blocks, collapse_blocks=collapse_blocks)
    typer.echo(write_diagram(loaded, path, title=title, **options))
