"""Opening an export by what it is on disk (.onnx, .tflite, a SavedModel folder), and predicting image classes."""

from __future__ import annotations

from pathlib import Path

from ..problems import UsageError
from . import onnx, savedmodel, tflite
from .serving import Loaded


def is_export(path: Path) -> bool:
    """Whether `path` is an ONNX file, a TFLite file or a SavedModel folder."""
    return path.suffix in (".onnx", ".tflite") or (path / "saved_model.pb").is_file()


def open_export(path: Path) -> Loaded:
    """The export at `path`, loaded in its own runtime."""
    if not path.exists():
        raise UsageError(f"{path}: no such model file or folder")
    kind = {".onnx": onnx, ".tflite": tflite}.get(path.suffix, savedmodel)
    return kind.load(path)


def predict(path: Path, images: list[Path], top: int) -> list:
    """Top-k classes of image files through the export: raw pixels in, its own scaling applies."""
    import numpy as np

    from ..train import images as image_files
    from ..train.predict import ranked

    loaded = open_export(path)
    batch = np.stack([image_files.read_image(Path(p), loaded.input_shape) for p in images]).astype("float32")
    return ranked(images, loaded.predict(batch), loaded.class_names, top)
