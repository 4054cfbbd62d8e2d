"""The export against Keras: the same raw inputs through both, the largest absolute difference of the outputs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOLERANCE = {None: 1e-4, "float16": 1e-2}  # float32 must agree to 1e-4; int8 is judged by its accuracy instead
BATCH = 64


@dataclass
class Parity:
    """How far the export's outputs are from Keras' on `inputs`."""

    runtime: str
    inputs: str  # e.g. "100 test images of digits.npz"
    largest: float
    tolerance: float | None
    same_class: float  # fraction of inputs whose top class is the same

    @property
    def passed(self) -> bool:
        return self.tolerance is None or self.largest <= self.tolerance


def check_inputs(data, interface, n: int) -> tuple[np.ndarray, str]:
    """The first n test images of the run's data, else n deterministic random inputs over the input's range."""
    if data is not None and len(data.x_test):
        x = data.x_test[:n]
        return x, f"{len(x)} test images of {data.where}"
    low, high = interface.value_range or (0.0, 1.0)
    x = np.random.default_rng(0).uniform(low, high, (n, *interface.input_shape)).astype("float32")
    return x, f"{n} random inputs in {low:g}..{high:g}"


def batched(predict, x: np.ndarray) -> np.ndarray:
    """`predict` over x in batches of BATCH, as float64."""
    return np.concatenate([np.asarray(predict(x[i : i + BATCH]), dtype="float64") for i in range(0, len(x), BATCH)])


def keras_reference(model, rescale: float):
    """The Keras model as netspec train and evaluate run it: input multiplied by train.rescale first."""
    return lambda x: model.predict_on_batch(x * np.float32(rescale))


def compare(reference: np.ndarray, exported: np.ndarray, runtime: str, inputs: str, quantize) -> Parity:
    """The Parity of two output arrays of the same inputs."""
    largest = float(np.max(np.abs(reference - exported))) if reference.size else 0.0
    same = float(np.mean(reference.argmax(-1) == exported.argmax(-1))) if reference.size else 1.0
    return Parity(runtime, inputs, largest, TOLERANCE.get(quantize), same)
