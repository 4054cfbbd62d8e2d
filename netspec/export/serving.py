"""The model as it is served: raw input in, the run's scaling (train.rescale) as the graph's first operation."""

from __future__ import annotations

from dataclasses import dataclass

from ..problems import UsageError


class NotRunnable(UsageError):
    """An export file that its runtime cannot load or run (an operation it lacks, a kernel that refuses it)."""

    def __init__(self, runtime: str, exc: Exception):
        reason = " ".join(str(exc).split()) or type(exc).__name__
        self.reason = reason if len(reason) <= 200 else f"{reason[:80]} … {reason[-110:]}"  # what, then why
        super().__init__(f"{runtime} cannot run this model ({self.reason})")


@dataclass
class Loaded:
    """An export opened in its runtime: batch in, outputs out; and what it says about itself."""

    predict: object  # float32 batch (raw values) -> output array
    input_shape: tuple  # one example's shape
    class_names: list


@dataclass
class Interface:
    """What the exported model takes and gives, for the user and for the parity check."""

    input_shape: tuple  # one example's shape, without the batch dimension
    output_shape: tuple
    rescale: float
    value_range: tuple[float, float] | None
    class_names: list

    def describe(self) -> list[str]:
        """Two lines: the input the export expects, and what it returns."""
        shape = ", ".join(["N", *map(str, self.input_shape)])
        scaled = f"; the model applies train.rescale = {self.rescale:.6g} itself" if self.rescale != 1 else ""
        if self.value_range is None:
            values = "values as the model was trained on them"
        else:
            low, high = self.value_range
            values = f"raw values {low:g}..{high:g}"
        out = ", ".join(["N", *map(str, self.output_shape)])
        names = self.class_names
        classes = f" ({', '.join(map(str, names[:4]))}{', ...' if len(names) > 4 else ''})" if names else ""
        return [f"input: float32 [{shape}], {values}{scaled}", f"output: float32 [{out}]{classes}"]


def float32_model(keras, model):
    """`model` with every layer computing in float32 (a mixed-precision run's model, rebuilt; else itself)."""
    if all(getattr(layer.dtype_policy, "name", "float32") == "float32" for layer in model.layers):
        return model
    config = model.get_config()
    for layer in config.get("layers", []):
        layer.get("config", {})["dtype"] = "float32"
    rebuilt = model.__class__.from_config(config)
    rebuilt.set_weights(model.get_weights())
    return rebuilt


def serving_model(keras, model, rescale: float):
    """A functional model: float32 input of `model`'s shape -> Rescaling(rescale) -> `model`, for inference."""
    model = float32_model(keras, model)
    inputs = keras.Input(model.input_shape[1:], dtype="float32", name="image")
    scaled = keras.layers.Rescaling(rescale, name="rescale")(inputs) if rescale != 1 else inputs
    served = keras.Model(inputs, model(scaled, training=False), name=f"{model.name}_serving")
    served(keras.ops.zeros((1, *model.input_shape[1:])))  # Keras' ONNX exporter refuses a model never called
    return served
