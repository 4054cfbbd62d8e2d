"""`netspec evaluate RUN_DIR|MODEL.keras`: test loss, accuracy and a per-class table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer


def evaluate(
    target: Path = typer.Argument(..., help="A run directory, or a .keras model written by netspec train."),
    data: Optional[str] = typer.Option(None, "--data", help="Dataset name or path (default: the one it trained on)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Evaluate on the first N test examples."),
    as_json: bool = typer.Option(False, "--json", help="Print eval.json's content instead of a table."),
    verbose: bool = typer.Option(False, "--verbose", help="Show TensorFlow's start-up log."),
):
    """Evaluate a trained model on the test split of its dataset (or of --data)."""
    from ..tf_env import import_keras
    from ..train import evaluate as scoring

    keras = import_keras(verbose)
    result = scoring.evaluate_target(keras, target, data, limit)
    typer.echo(json.dumps(result, indent=2) if as_json else scoring.render(result), nl=as_json)
