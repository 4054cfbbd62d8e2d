"""`netspec augment-preview [SPEC] -o grid.png`: a picture of what the spec's augmentation does."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import SCALE_HELP, SET_HELP, complete_spec, load_spec


def augment_preview(
    spec: Optional[Path] = typer.Argument(
        None, help="Spec file (default: the current build's spec).", autocompletion=complete_spec
    ),
    output: Path = typer.Option(Path("augment.png"), "-o", "--output", help="PNG file to write."),
    data: Optional[str] = typer.Option(None, "--data", help="Dataset name or path (default: train.dataset)."),
    rows: int = typer.Option(6, "--rows", min=1, max=64, help="How many training images."),
    copies: int = typer.Option(7, "--copies", min=1, max=32, help="Augmented copies of each."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the random transforms."),
    overrides: List[str] = typer.Option([], "--set", help=SET_HELP),
    scale: Optional[str] = typer.Option(None, "--scale", help=SCALE_HELP),
    verbose: bool = typer.Option(False, "--verbose", help="Show TensorFlow's start-up log."),
):
    """Write a grid: each row one training image, then augmented copies of it (pixels shown 4x)."""
    from .. import atomic
    from ..problems import UsageError
    from ..tf_env import import_keras
    from ..train import augment, preview
    from ..train import data as sources
    from ..train.loop import model_io

    loaded = load_spec(spec, overrides, scale)
    augmentation = loaded.train.get("augmentation") or {}
    if not augment.active(augmentation):
        raise UsageError(f"{loaded.path}: train.augmentation is empty; there is nothing to preview")
    input_shape, num_classes = model_io(loaded)
    augment.check_shape(augmentation, input_shape)
    source = data or loaded.train.get("dataset", "synthetic")
    images = sources.load(source, input_shape, num_classes, limit=rows).x_train
    keras = import_keras(verbose)
    import tensorflow as tf

    atomic.write_bytes(output, preview.grid_png(keras, tf, images, augmentation, copies, seed))
    typer.echo(f"Wrote {output} ({len(images)} images from {source}, {copies} augmented copies each).")
