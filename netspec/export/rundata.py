"""The run's own data, when it is here: test images for the parity check, training images for int8 calibration."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..problems import UsageError
from .source import Source


@dataclass
class RunData:
    """Raw (unscaled) images as float32 and integer labels; `where` names the data in messages."""

    x_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    where: str


def load(source: Source, given: str | None, input_shape: tuple, num_classes: int) -> RunData | None:
    """The data `given` (--data) or the run's own; None when there is none (a spec, a build) or it is not here.

    A run's test split is the one its eval.json measured: the first `limit` test examples when it
    trained with --limit. A data set named but not found is an error only when the user named it.
    """
    from ..train import data

    where = given or source.dataset
    if where is None:
        return None
    try:
        found = data.load(where, input_shape, num_classes)
    except UsageError:
        if given is not None:
            raise
        return None
    limit = None if given else source.note.get("limit")
    x_test, y_test = (found.x_test[:limit], found.y_test[:limit]) if limit else (found.x_test, found.y_test)
    x_train = found.x_train[:limit] if limit else found.x_train
    return RunData(x_train.astype("float32"), x_test.astype("float32"), y_test.astype("int64"), where)


def value_range(source: Source, data: RunData | None) -> tuple[float, float] | None:
    """The raw input range: measured on the run's training images, else implied by train.rescale (1/255: 0..255)."""
    if data is not None and len(data.x_train):
        return float(data.x_train.min()), float(data.x_train.max())
    if source.rescale not in (0, 1):
        return 0.0, float(round(1 / source.rescale, 6))
    return None
