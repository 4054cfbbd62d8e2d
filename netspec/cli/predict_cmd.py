"""`netspec predict MODEL.keras IMAGE...`: the top-k classes of each image."""

from __future__ import annotations

from pathlib import Path
from typing import List

import typer


def predict(
    model: Path = typer.Argument(
        ..., help="A .keras model written by netspec train (or a run directory), or its export (netspec export)."
    ),
    images: List[Path] = typer.Argument(..., help="Image files (PNG, JPEG, ...)."),
    top: int = typer.Option(3, "--top", "-k", min=1, help="How many classes to show per image."),
    verbose: bool = typer.Option(False, "--verbose", help="Show TensorFlow's start-up log."),
):
    """Print the `--top` most probable class names of each image, with probabilities."""
    from ..export import runtime
    from ..problems import UsageError
    from ..safe_read import check_regular, kind
    from ..tf_env import import_keras
    from ..train import predict as predicting

    missing = [str(p) for p in images if kind(p) == "missing"]
    if missing:
        raise UsageError(f"no such image file: {', '.join(missing)}")
    for path in images:
        check_regular(path)
    keras = import_keras(verbose)
    if runtime.is_export(model):
        typer.echo(predicting.render(runtime.predict(model, images, top)), nl=False)
        return
    if model.is_dir():
        model = model / "model.keras"
    typer.echo(predicting.render(predicting.predict(keras, model, images, top)), nl=False)
