"""SavedModel: written by Keras' own exporter, loaded back with tf.saved_model.load as TensorFlow Serving would."""

from __future__ import annotations

from pathlib import Path

RUNTIME = "TensorFlow"
DESCRIPTION = "SavedModel"


def write(keras, model, path: Path) -> None:
    """Export `model`'s inference function (signature serving_default) to the folder `path`."""
    model.export(str(path), format="tf_saved_model", verbose=False)


def load(path: Path):
    """A function from a float32 batch to the outputs of the signature serving_default."""
    import tensorflow as tf

    serve = tf.saved_model.load(str(path)).signatures["serving_default"]
    (name,) = serve.structured_input_signature[1]

    def predict(x):
        (output,) = serve(**{name: tf.constant(x)}).values()
        return output.numpy()

    return predict
