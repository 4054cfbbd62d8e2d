"""Top-k class names for image files, from a model netspec trained (its note says how to scale)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import images as image_files
from . import modelfile


def predict(keras, model_path: Path, images: list[Path], top: int) -> list[tuple[Path, list]]:
    """For each image: [(class name, probability), ...] best first, `top` of them."""
    note = modelfile.read_note(model_path)
    model = modelfile.load(keras, model_path, compile=False)
    shape = tuple(note.get("input_shape") or model.input_shape[1:])
    pixels = np.stack([image_files.read_image(Path(p), shape) for p in images])
    batch = pixels.astype("float32") * note.get("rescale", 1)
    return ranked(images, model.predict(batch, verbose=0), note.get("class_names"), top)


def ranked(images: list[Path], probabilities, names: list | None, top: int) -> list[tuple[Path, list]]:
    """Each image's `top` classes, best first, named by `names` (class numbers where there are none)."""
    probabilities = np.asarray(probabilities, dtype="float64")
    names = names or [str(i) for i in range(probabilities.shape[-1])]
    results = []
    for path, row in zip(images, probabilities, strict=True):
        best = np.argsort(-row, kind="stable")[:top]
        results.append((Path(path), [(names[i] if i < len(names) else str(i), float(row[i])) for i in best]))
    return results


def render(results) -> str:
    lines = []
    for path, ranked in results:
        lines.append(f"{path}: " + ", ".join(f"{name} {100 * p:.1f}%" for name, p in ranked))
    return "\n".join(lines) + "\n"
