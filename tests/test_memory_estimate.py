"""The training-memory estimate against Keras: optimizer slots counted from Keras' own optimizer
variables, activations from the model's own output dtypes under each precision policy."""

from __future__ import annotations

import json
import math
import re

import pytest

import netspec
from netspec.compiler.limits import check_memory, estimate, optimizer_slots, training_memory
from netspec.compiler.train_schema import OPTIMIZERS
from netspec.units import fmt_bytes

from conftest import SPECS, run_netspec

pytestmark = pytest.mark.keras

SETTINGS = [
    "SGD",
    {"SGD": {"momentum": 0.9}},
    {"SGD": {"momentum": 0.9, "nesterov": True}},
    {"SGD": {"momentum": 0.0}},
    "RMSprop",
    {"RMSprop": {"centered": True}},
    {"RMSprop": {"momentum": 0.9}},
    {"RMSprop": {"momentum": 0.5, "centered": True}},
    "Adam",
    {"Adam": {"amsgrad": True}},
    "AdamW",
    {"AdamW": {"amsgrad": True, "weight_decay": 0.01}},
    "Nadam",
    "Adamax",
    "Adagrad",
    "Adadelta",
    "Ftrl",
    "Lion",
    {"Adam": {"use_ema": True}},
    {"SGD": {"momentum": 0.9, "use_ema": True}},
]


def _name(setting) -> str:
    return setting if isinstance(setting, str) else next(iter(setting))


def test_the_table_covers_every_optimizer_the_schema_accepts():
    assert set(OPTIMIZERS) <= {_name(s) for s in SETTINGS}


@pytest.mark.parametrize("setting", SETTINGS, ids=json.dumps)
def test_optimizer_slots_equal_the_variables_keras_creates(setting):
    import keras

    model = keras.Sequential([keras.Input((7,)), keras.layers.Dense(5), keras.layers.Dense(3)])
    trainable = sum(math.prod(v.shape) for v in model.trainable_variables)
    args = {} if isinstance(setting, str) else setting[_name(setting)]
    optimizer = getattr(keras.optimizers, _name(setting))(**args)
    optimizer.build(model.trainable_variables)
    per_weight = sum(math.prod(v.shape) for v in optimizer.variables if len(v.shape) > 0)  # not the scalars
    assert per_weight == optimizer_slots(setting) * trainable


SMALL = """\
netspec: 1
name: small
input: {shape: [16, 16, 3]}
layers:
  - Conv2D: {filters: 8, kernel_size: 3, padding: same, activation: relu}
  - BatchNormalization
  - MaxPooling2D
  - Flatten
  - Dense: {units: 10, activation: softmax}
train: {optimizer: {SGD: {momentum: 0.9}}}
"""


@pytest.mark.parametrize("precision", ["float32", "mixed_float16", "mixed_bfloat16"])
def test_activations_are_counted_at_the_compute_dtypes_size(precision):
    import keras

    spec = netspec.loads(SMALL, "small.yaml")
    keras.mixed_precision.set_global_policy(precision)
    try:
        model = spec.to_keras()
    finally:
        keras.mixed_precision.set_global_policy("float32")
    size = {"float32": 4, "float16": 2, "bfloat16": 2}
    outputs = sum(
        math.prod(layer.output.shape[1:]) * size[keras.backend.standardize_dtype(layer.output.dtype)]
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer)
    )
    inputs = sum(math.prod(t.shape[1:]) * size[keras.backend.standardize_dtype(t.dtype)] for t in model.inputs)
    memory = training_memory(spec.summary(), 4, precision)
    assert memory["activations"] == 4 * (outputs + inputs)
    trainable = spec.summary().total("trainable")
    assert memory["optimizer"] == 4 * trainable  # SGD with momentum: one slot
    assert estimate(spec, 4, precision) == memory["total"]
    check_memory(spec, 4, precision=precision)  # a small model fits


def test_summary_text_and_json_show_the_same_figures(tmp_path):
    for name in ("vgg16", "resnet50", "cifar_deep15"):
        spec = SPECS / f"{name}.yaml"
        text = run_netspec("summary", spec, "--batch-size", "16").stdout
        data = json.loads(run_netspec("summary", spec, "--format", "json", "--batch-size", "16").stdout)
        memory = data["training_memory"]
        line = next(line for line in text.splitlines() if line.startswith("Training memory at batch 16"))
        shown = dict(re.findall(r"(weights|gradients|optimizer|activations) ([\d.]+ \w+)", line))
        assert shown == {k: fmt_bytes(memory[k]) for k in ("weights", "gradients", "optimizer", "activations")}
        assert f": {fmt_bytes(memory['total'])} (" in line
        if name != "cifar_deep15":  # SGD with momentum keeps one slot per weight
            assert memory["optimizer"] == 4 * data["totals"]["trainable"] > 0
