"""`netspec build SPEC`: compile with Keras and write build/<name>/."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import BUILD_DIR, SCALE_HELP, SET_HELP, complete_spec


def build(
    spec: Path = typer.Argument(..., help="Spec file to compile.", autocompletion=complete_spec),
    overrides: List[str] = typer.Option([], "--set", help=SET_HELP),
    scale: Optional[str] = typer.Option(None, "--scale", help=SCALE_HELP),
    width: int = typer.Option(100, "--width", min=60, help="Width of the printed table."),
    verbose: bool = typer.Option(False, "--verbose", help="Show TensorFlow's start-up log."),
    allow_large: bool = typer.Option(
        False,
        "--allow-large",
        help="Build even when the static estimate of the weights exceeds this machine's memory "
        "(without it such a spec is refused before Keras allocates anything).",
    ),
    allow_files: bool = typer.Option(
        False,
        "--allow-files",
        help="Let Keras read the local files that layer arguments name (a StringLookup vocabulary path, say); "
        "without it such a spec is refused: a spec is data.",
    ),
):
    """Compile SPEC into a Keras model, print the Keras-verified table, and write build/<name>/.

    The build directory holds spec.yaml (fully expanded), model.keras, summary.txt
    and summary.json. It becomes the current build: `netspec summary`, `diagram`
    and `train` without SPEC use it.
    """
    from ..build import build as run_build
    from ..compiler.limits import check_inferred_weights, check_memory
    from ..keras_build import infer_opaque, refuse_file_args
    from ..spec import load
    from ..table import render_text

    loaded = load(spec, overrides, scale)
    check_memory(loaded, allow_large=allow_large)
    if not allow_files:
        refuse_file_args(loaded)
    if loaded.summary().unknown("params") and not allow_large:
        unchecked = check_inferred_weights(loaded, infer_opaque(loaded, verbose))
        if unchecked:
            names = ", ".join(unchecked[:5]) + (" ..." if len(unchecked) > 5 else "")
            typer.echo(f"warning: the memory check could not count the weights of {names}", err=True)
    out, analysis = run_build(loaded, BUILD_DIR, verbose, allow_files)
    typer.echo(render_text(analysis, loaded.train.get("batch_size"), width, verified=True), nl=False)
    typer.echo(f"Wrote {out}/ (spec.yaml, model.keras, summary.txt, summary.json); it is now the current build.")
