"""A plugin module for the tests: one custom layer, and a trace of every import of it.

On import it appends a line to the file named by NETSPEC_DEMO_PLUGIN_TRACE (when set), so a
test can prove that a spec naming this module or its layer never imports it by itself.
"""

import os

if os.environ.get("NETSPEC_DEMO_PLUGIN_TRACE"):
    with open(os.environ["NETSPEC_DEMO_PLUGIN_TRACE"], "a") as trace:
        trace.write("imported\n")

import keras  # noqa: E402


class ScaleBy(keras.layers.Layer):
    """Multiplies its input by a constant factor; no weights."""

    def __init__(self, factor: float = 2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


NETSPEC_LAYERS = [ScaleBy]
