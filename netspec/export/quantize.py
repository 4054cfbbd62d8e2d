"""int8 calibration and what it cost: the representative set, and float against int8 accuracy and size."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..problems import UsageError

REPRESENTATIVE = 200  # training images the converter calibrates int8 ranges on (TensorFlow suggests 100-500)


@dataclass
class Comparison:
    """Test accuracy and file size of the float TFLite export and the int8 one, on the same test images."""

    examples: int
    where: str
    float_accuracy: float
    int8_accuracy: float
    float_bytes: int
    int8_bytes: int


def representative(data, source, n: int = REPRESENTATIVE) -> list[np.ndarray]:
    """n training images (a fixed random draw), one per batch, raw as the export takes them."""
    if data is None or not len(data.x_train):
        raise no_training_data(source.label, source.dataset)
    order = np.random.default_rng(0).permutation(len(data.x_train))[:n]
    return [data.x_train[i : i + 1] for i in np.sort(order)]


def no_training_data(label: str, dataset: str | None = None) -> UsageError:
    lacking = f"its training data ({dataset}) is not here" if dataset else "has no training data"
    return UsageError(
        f"--quantize int8 calibrates on the run's training images and measures its test accuracy, and "
        f"{label} {lacking}; export a run folder of `netspec train`, or name the data with --data"
    )


def accuracy(outputs: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(outputs.argmax(-1) == labels))
