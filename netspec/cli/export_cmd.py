"""`netspec export [SOURCE] --format saved_model|tflite|onnx`: a deployable model, checked against Keras."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import spec_path


def export(
    source: Optional[Path] = typer.Argument(
        None, help="A spec, a build or run folder, or a .keras file (default: the current build)."
    ),
    formats: List[str] = typer.Option(
        ..., "--format", "-f", help="saved_model, tflite or onnx (repeatable: one TensorFlow start for several)."
    ),
    output: Optional[Path] = typer.Option(
        None,
        "-o",
        "--output",
        help="Where to write (default: model.tflite, model.onnx or saved_model/ in the run folder, or exports/NAME/).",
    ),
    quantize: Optional[str] = typer.Option(
        None, "--quantize", help="TFLite only: float16 weights, or int8 calibrated on the run's training images."
    ),
    check: int = typer.Option(
        100, "--check", min=1, help="Inputs to compare with Keras (test images when the run has them)."
    ),
    data: Optional[str] = typer.Option(
        None, "--data", help="Dataset name or path (default: the one the run trained on)."
    ),
    verbose: bool = typer.Option(False, "--verbose", help="Show TensorFlow's start-up log."),
):
    """Export the model with its input scaling (train.rescale) inside, then check it against Keras.

    The export is loaded back in its own runtime (TensorFlow, tf.lite.Interpreter, ONNX Runtime)
    and run on --check inputs beside Keras; a float export more than 1e-4 away is not written and
    the command exits with 1. Exit codes: 0 written, 1 the export differs from Keras, 2 usage.
    """
    from ..export import pipeline, report
    from ..tf_env import import_keras

    request = pipeline.Request(source, tuple(formats), output, quantize, check, data)
    chosen = pipeline.plan(request, lambda: spec_path(None))
    outcome = pipeline.run(import_keras(verbose), chosen)
    typer.echo(report.render(outcome), nl=False)
    for line in report.failures(outcome):
        typer.echo(line, err=True)
    if not outcome.all_written:
        raise typer.Exit(1)
