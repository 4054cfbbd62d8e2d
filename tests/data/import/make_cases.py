"""Regenerate the Keras-written configs of this folder: python tests/data/import/make_cases.py

Each case is `model.to_json()` of a small Keras model; `test_import.py` imports it
and compares the spec with the .yaml beside it (or the error with the .err).
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
from keras import layers  # noqa: E402

HERE = Path(__file__).resolve().parent


def sequential_cnn():
    """The MNIST convnet of Keras' examples: Sequential, Keras' automatic names."""
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ],
        name="mnist_convnet",
    )


def residual():
    """A residual block with a projection shortcut, average pooling and a Rescaling."""
    inputs = keras.Input(shape=(32, 32, 3), name="image")
    x = layers.Rescaling(1 / 255)(inputs)
    stem = layers.Conv2D(16, 3, padding="same", use_bias=False, kernel_initializer="he_normal")(x)
    x = layers.BatchNormalization(momentum=0.9)(stem)
    x = layers.ReLU()(x)
    x = layers.Conv2D(32, 3, strides=2, padding="same", kernel_regularizer=keras.regularizers.L2(1e-4))(x)
    shortcut = layers.Conv2D(32, 1, strides=2, name="shortcut")(stem)
    x = layers.Add()([shortcut, x])
    x = layers.AveragePooling2D(2)(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation="softmax", name="logits")(x)
    return keras.Model(inputs, outputs, name="residual")


def two_towers():
    """Two inputs, a concatenation and two outputs, one of them not the last layer."""
    a = keras.Input(shape=(16,), name="text")
    b = keras.Input(shape=(8,), name="meta")
    x = layers.Dense(32, activation="relu", name="text_dense")(a)
    y = layers.Dense(32, activation="relu", name="meta_dense")(b)
    joined = layers.Concatenate(name="joined")([x, y])
    score = layers.Dense(1, activation="sigmoid", name="score")(joined)
    label = layers.Dense(4, activation="softmax", name="label")(joined)
    return keras.Model([a, b], [label, score], name="two_towers")


def lambda_layer():
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, layers.Lambda(lambda t: t * 2)(inputs), name="lambda_layer")


def nested_model():
    inner = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3)], name="inner")
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, layers.Dense(2)(inner(inputs)), name="nested_model")


def shared_layer():
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(4,), name="b")
    dense = layers.Dense(3, name="shared")
    return keras.Model([a, b], layers.Add()([dense(a), dense(b)]), name="shared_layer")


def tensor_arithmetic():
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, layers.Dense(3)(inputs + 1.0), name="tensor_arithmetic")


CASES = [sequential_cnn, residual, two_towers, lambda_layer, nested_model, shared_layer, tensor_arithmetic]

if __name__ == "__main__":
    for make in CASES:
        (HERE / f"{make.__name__}.json").write_text(make().to_json(indent=1) + "\n")
