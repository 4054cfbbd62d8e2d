"""SavedModel: written by Keras' own exporter, loaded back with tf.saved_model.load as TensorFlow Serving would."""

from __future__ import annotations

import json
from pathlib import Path

from .serving import Loaded

RUNTIME = "TensorFlow"
DESCRIPTION = "SavedModel"
NOTE = "assets.extra/netspec.json"  # assets.extra/ is the SavedModel folder for files TensorFlow does not read


def write(keras, model, path: Path, class_names: list) -> None:
    """Export `model`'s inference function (signature serving_default) to the folder `path`, with the class names."""
    model.export(str(path), format="tf_saved_model", verbose=False)
    (path / NOTE).parent.mkdir()
    (path / NOTE).write_text(json.dumps({"class_names": class_names}) + "\n")


def load(path: Path):
    """The signature serving_default, as TensorFlow Serving would call it."""
    import tensorflow as tf

    serve = tf.saved_model.load(str(path)).signatures["serving_default"]
    ((name, spec),) = serve.structured_input_signature[1].items()
    note = path / NOTE
    names = json.loads(note.read_text()).get("class_names", []) if note.is_file() else []

    def predict(x):
        (output,) = serve(**{name: tf.constant(x)}).values()
        return output.numpy()

    return Loaded(predict, tuple(spec.shape[1:]), names)
