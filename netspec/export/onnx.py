"""ONNX: Keras' own exporter (model.export(format="onnx"), which converts with tf2onnx); run with onnxruntime.

onnx, onnxruntime and tf2onnx are the `export` extra; without them the command says how to install them.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import warnings
from pathlib import Path

from ..problems import UsageError
from .serving import Loaded, NotRunnable

RUNTIME = "ONNX Runtime"
DESCRIPTION = "ONNX"
MODULES = ("onnx", "onnxruntime", "tf2onnx")
INSTALL = "pip install -e '.[export]'"
NOTE = "netspec"  # the metadata_props key holding {"class_names": [...]}


def require() -> None:
    """A usage error naming the extra when onnx, onnxruntime or tf2onnx is missing, before TensorFlow starts.

    onnx and onnxruntime are imported (a fraction of a second); tf2onnx imports TensorFlow, so it is only looked up.
    """
    _import("onnx")
    _import("onnxruntime")
    if importlib.util.find_spec("tf2onnx") is None:
        raise _not_installed("No module named 'tf2onnx'")


def _not_installed(reason: str) -> UsageError:
    return UsageError(
        f"--format onnx needs onnx, onnxruntime and tf2onnx, which are not installed ({reason}); "
        f"install the export extra: {INSTALL}"
    )


def _import(name: str):
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise _not_installed(str(exc)) from None


def write(keras, model, path: Path, class_names: list) -> None:
    """Convert `model` to the .onnx file `path`, the class names in its metadata."""
    onnx = _import("onnx")
    _import("tf2onnx")
    with warnings.catch_warnings():  # Keras' tf2onnx patch probes np.object, which numpy 2 warns about
        warnings.simplefilter("ignore", FutureWarning)
        model.export(str(path), format="onnx", verbose=False)
    proto = onnx.load(str(path))
    onnx.helper.set_model_props(proto, {NOTE: json.dumps({"class_names": class_names})})
    onnx.save(proto, str(path))


def load(path: Path):
    """The .onnx file in an onnxruntime CPU session."""
    ort = _import("onnxruntime")
    try:
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001  (onnxruntime's errors are pybind classes: InvalidGraph, Fail, ...)
        raise NotRunnable(RUNTIME, exc) from None
    (source,) = session.get_inputs()
    note = json.loads(session.get_modelmeta().custom_metadata_map.get(NOTE, "{}"))
    predict = lambda x: session.run(None, {source.name: x})[0]  # noqa: E731
    return Loaded(predict, tuple(source.shape[1:]), note.get("class_names", []))
