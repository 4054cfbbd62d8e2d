"""`netspec import MODEL|CONFIG -o SPEC`: a Keras model written as a spec."""

from __future__ import annotations

from pathlib import Path

import typer


def import_(
    source: Path | None = typer.Argument(None, help="A .keras file, or a JSON config from model.to_json()."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Spec file to write (default: print it)."),
    keras_app: str | None = typer.Option(
        None, "--keras-app", help="Import keras.applications.NAME(weights=None) instead, e.g. ResNet50."
    ),
):
    """Write a Keras model as a spec that builds the same model.

    The same layer types, arguments, connections, shapes and parameter counts;
    arguments at their defaults are left out. A .keras file is loaded with Keras'
    safe_mode; a JSON config is read as data, without starting TensorFlow.
    """
    from .. import atomic
    from ..importer import import_spec
    from ..problems import UsageError

    if (source is None) == (keras_app is None):
        raise UsageError("give one of MODEL (a .keras file or JSON config) or --keras-app NAME")
    text, warnings, summary = import_spec(source, keras_app)
    for warning in warnings:
        typer.echo(f"netspec: warning: {warning}", err=True)
    if output is None:
        typer.echo(text, nl=False)
        return
    atomic.write_text(output, text)
    typer.echo(f"Wrote {output}: {summary}")


import_.__name__ = "import"  # the command's name; `import` itself is a Python keyword
