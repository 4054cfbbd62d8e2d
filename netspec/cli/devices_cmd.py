"""`netspec devices`: what TensorFlow sees (CPUs, GPUs with their names)."""

from __future__ import annotations

import typer


def devices(verbose: bool = typer.Option(False, "--verbose", help="Show TensorFlow's start-up log.")):
    """List the devices TensorFlow sees; `netspec train --gpu N` numbers GPUs as listed here."""
    from ..tf_env import import_keras
    from ..train.devices import listing

    import_keras(verbose)
    import tensorflow as tf

    typer.echo(listing(tf), nl=False)
