"""`.keras` files that carry netspec's own notes (training state, preprocessing, class names).

A note is one extra JSON member of the .keras zip; Keras ignores members it does not
know. The file is written beside its destination and renamed into place (netspec.atomic),
so a checkpoint is always either the previous complete one or the new complete one,
and the model and the state that describes it can never disagree.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

from .. import atomic
from ..problems import UsageError

NOTE = "netspec.json"


def save(model, path: Path, note: dict) -> None:
    """Save `model` (with optimizer state) and `note` to `path` atomically."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".save-", dir=Path(path).parent) as tmp:
        staged = Path(tmp) / "model.keras"
        model.save(staged)
        raw = io.BytesIO(staged.read_bytes())
    with zipfile.ZipFile(raw, "a") as archive:
        archive.writestr(NOTE, json.dumps(note, indent=1, default=float))
    atomic.write_bytes(path, raw.getvalue())


def read_note(path: Path) -> dict:
    """The netspec note of a .keras file ({} for a model netspec did not write)."""
    try:
        with zipfile.ZipFile(path) as archive:
            if NOTE not in archive.namelist():
                return {}
            return json.loads(archive.read(NOTE))
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise UsageError(f"{path}: not a readable .keras model file ({exc})") from None


def load(keras, path: Path, compile: bool = True):
    """keras.models.load_model, with a usage error for a missing or unreadable file."""
    if not Path(path).is_file():
        raise UsageError(f"{path}: no such model file")
    from .optim import schedule_class

    schedule_class(keras)  # registered, so that an optimizer's schedule is restored with it
    try:
        return keras.models.load_model(path, compile=compile)
    except (OSError, ValueError, TypeError, KeyError, zipfile.BadZipFile) as exc:
        raise UsageError(f"{path}: Keras cannot load this model ({str(exc).splitlines()[0]})") from None
