"""TFLite: Keras' LiteRT exporter (via TFLiteConverter), float32, float16 weights or full int8; run with tf.lite.Interpreter."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import warnings
from pathlib import Path

from ..problems import UsageError
from .serving import Loaded, NotRunnable

RUNTIME = "tf.lite.Interpreter"
DESCRIPTION = "TFLite"


def converter_options(tf, quantize: str | None, representative=None) -> dict:
    """TFLiteConverter settings: none for float32; float16 weights; or int8 weights and activations.

    int8 is full-integer quantisation (every operator int8, TFLITE_BUILTINS_INT8) calibrated on
    `representative` (raw input batches); input and output stay float32, so the file takes the same
    raw input as the float export.
    """
    if quantize is None:
        return {}
    if quantize == "float16":
        return {"optimizations": [tf.lite.Optimize.DEFAULT], "target_spec": {"supported_types": [tf.float16]}}
    return {
        "optimizations": [tf.lite.Optimize.DEFAULT],
        "representative_dataset": lambda: ([batch] for batch in representative),
        "target_spec": {"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]},
    }


def write(keras, model, path: Path, class_names: list, quantize: str | None = None, representative=None) -> None:
    """Convert `model` to the .tflite file `path` (class names are not kept: TFLite has no plain place for them)."""
    import tensorflow as tf

    options = converter_options(tf, quantize, representative)
    try:
        with _native_stderr_hidden():  # the converter prints its settings from C++
            model.export(str(path), format="litert", verbose=False, **options)
    except Exception as exc:  # TFLiteConverter's ConverterError is not public API
        if quantize != "int8":
            raise
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"--quantize int8: TFLite cannot make every operator of this model int8 ({reason})") from None


def load(path: Path):
    """The .tflite file in the TFLite interpreter, resized to each batch."""
    import tensorflow as tf

    with warnings.catch_warnings(), _native_stderr_hidden(), _runs_in_the_interpreter():
        warnings.simplefilter("ignore")  # TensorFlow 2.20+ points to ai_edge_litert; the interpreter is the same
        interpreter = tf.lite.Interpreter(model_path=str(path))
        interpreter.allocate_tensors()  # prints "INFO: Created TensorFlow Lite XNNPACK delegate" from C++
    (source,) = interpreter.get_input_details()
    target = interpreter.get_output_details()[0]
    shape = [None]

    def predict(x):
        with _runs_in_the_interpreter():
            if shape[0] != x.shape:
                interpreter.resize_tensor_input(source["index"], x.shape)
                interpreter.allocate_tensors()
                shape[0] = x.shape
            interpreter.set_tensor(source["index"], x)
            interpreter.invoke()
            return interpreter.get_tensor(target["index"]).copy()

    return Loaded(predict, tuple(int(d) for d in source["shape"][1:]), [])


@contextlib.contextmanager
def _runs_in_the_interpreter():
    """A NotRunnable when the interpreter cannot prepare or run the file (an op it lacks, a kernel that refuses
    the converted shapes)."""
    try:
        yield
    except RuntimeError as exc:
        raise NotRunnable(RUNTIME, exc) from None


@contextlib.contextmanager
def _native_stderr_hidden():
    """Send what native code writes to file descriptor 2 to a discarded file meanwhile."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
