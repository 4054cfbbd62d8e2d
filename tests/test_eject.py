"""`netspec eject`: a spec as a plain Keras script that builds the same model, holding no code from the spec."""

from __future__ import annotations

import ast
import runpy

import pytest
from test_import import CASES, assert_same_model, library_model

import netspec
from netspec.eject import eject

from conftest import ROOT, SPECS, assert_clean_failure, run_netspec

LENET5 = '''\
# -*- coding: utf-8 -*-
# Ejected by netspec 0.1.0; it needs Keras only.
# lenet5: LeNet-5 (LeCun et al. 1998), tanh with average pooling
# From specs/lenet5.yaml.
# Run it to print the model's summary, or import build_model() from it.

import keras
from keras import layers

# Arguments that every layer of a type shares.
CONV2D = dict(kernel_size=5, activation='tanh')


def build_model():
    """Build the model (61,706 parameters)."""
    inputs = keras.Input(shape=(32, 32, 1), name='input')
    x = layers.Conv2D(filters=6, name='conv2d_1', **CONV2D)(inputs)
    x = layers.AveragePooling2D(pool_size=2, name='average_pooling2d_1')(x)
    x = layers.Conv2D(filters=16, name='conv2d_2', **CONV2D)(x)
    x = layers.AveragePooling2D(pool_size=2, name='average_pooling2d_2')(x)
    x = layers.Flatten(name='flatten_1')(x)
    x = layers.Dense(units=120, activation='tanh', name='dense_1')(x)
    x = layers.Dense(units=84, activation='tanh', name='dense_2')(x)
    x = layers.Dense(units=10, activation='softmax', name='dense_3')(x)
    return keras.Model(inputs=inputs, outputs=x, name='lenet5')


def compile_model(model):
    """Compile the model as the spec's train: section says."""
    # Also in the spec's train: section, applied by `netspec train` and not here: dataset, rescale,
    # labels, batch_size, epochs.
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
        loss='sparse_categorical_crossentropy',
        metrics=['accuracy'],
    )
    return model


if __name__ == "__main__":
    compile_model(build_model()).summary()
'''

# A spec whose strings, keys and description try to end a literal or a comment and run code.
HOSTILE = """\
netspec: 1
name: hostile
description: "line one\\n''' + __import__('os').system('echo pwned') # \\"\\"\\"\\r\\u2028import os"
inputs:
  image: {shape: [4]}
  extra: {shape: [4]}
layers:
  - StringLookup: {oov_token: "'); __import__('os').system('echo pwned'); ('"}
    name: x
    inputs: image
  - StringLookup: {"offset) or __import__('os').system('echo pwned') or (x": 1}
    name: inputs
    inputs: extra
  - Add: {}
    name: model
    inputs: [x, inputs]
outputs: [model, x]
"""
ALLOWED_CALLS = {
    "keras.Input",
    "keras.Model",
    "layers.StringLookup",
    "layers.Add",
    "build_model",
    "compile_model",
    "summary",
}


def test_eject_prints_the_script():
    result = run_netspec("eject", "specs/lenet5.yaml", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == LENET5


def test_eject_writes_the_script(tmp_path):
    result = run_netspec("eject", SPECS / "resnet20_cifar.yaml", "-o", tmp_path / "resnet20.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Wrote {tmp_path / 'resnet20.py'}; run it with: python {tmp_path / 'resnet20.py'}\n"
    source = (tmp_path / "resnet20.py").read_text()
    compile(source, "resnet20.py", "exec")
    assert "    x = layers.Add(name='stage1_2.add_1')([stage1_1_out, x])\n" in source
    assert "CONV2D = dict(\n    padding='same',\n    use_bias=False," in source


def test_eject_of_an_invalid_spec_fails_cleanly(tmp_path):
    (tmp_path / "bad.yaml").write_text("netspec: 1\ninput: {shape: [4]}\nlayers:\n  - Dense: {unit: 3}\n")
    result = run_netspec("eject", tmp_path / "bad.yaml")
    assert_clean_failure(result, 1)
    assert result.stderr == f"{tmp_path / 'bad.yaml'}:4:13: Dense has no argument 'unit'. Did you mean 'units'?\n"
    assert result.stdout == ""


def test_spec_values_enter_the_script_only_as_literals():
    spec = netspec.loads(HOSTILE, "hostile.yaml")
    source = eject(spec)
    tree = ast.parse(source)
    imports = [ast.unparse(node) for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert imports == ["import keras", "from keras import layers"]
    calls = {_callee(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)} - {None}
    assert calls <= ALLOWED_CALLS, calls - ALLOWED_CALLS
    assert "os" not in {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
    assert "'); __import__('os').system('echo pwned'); ('" in strings
    assert "offset) or __import__('os').system('echo pwned') or (x" in strings
    header = source.split("\nimport keras\n")[0].splitlines()
    assert header[2] == "# hostile: line one\\n''' + __import__('os').system('echo pwned') # \"\"\"\\r\\u2028import os"
    assert all(line.startswith("#") for line in header if line)


def test_plugin_layers_are_imported_from_their_module(monkeypatch):
    """A --plugin layer is imported by the script from the module the user named, not from the spec."""
    from netspec import plugins
    from netspec.layers import registry

    Twice = type("Twice", (), {"__module__": "my_layers.extra"})
    monkeypatch.setitem(plugins.LAYERS, "Twice", Twice)
    monkeypatch.setattr(registry, "PLUGIN_NAMES", {"Twice"})
    spec = netspec.loads("netspec: 1\ninput: {shape: [4]}\nlayers:\n  - Twice: {factor: 2}\n", "p.yaml")
    source = eject(spec)
    assert "# Ejected by netspec 0.1.0; it needs Keras and the plugin layers named with --plugin.\n" in source
    assert "from keras import layers\nfrom my_layers.extra import Twice\n" in source
    assert "    x = Twice(factor=2, name='twice_1')(inputs)\n" in source


def _callee(func):
    """The function a call names; None where it applies what another call returned (a layer)."""
    if isinstance(func, ast.Call):
        return None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
        return func.attr
    return ast.unparse(func)


def test_literal_refuses_what_is_not_plain_data():
    from netspec.eject import literal
    from netspec.problems import NetspecBug

    assert literal({"a": [1, 2.5, None, True], "b": (3,)}) == "{'a': [1, 2.5, None, True], 'b': (3,)}"
    assert literal(float("inf")) == "float('inf')"
    with pytest.raises(NetspecBug):
        literal(object())


@pytest.mark.keras
@pytest.mark.parametrize("name", ["lenet5", "resnet20_cifar", "mobilenet_v2"])
def test_ejected_script_builds_the_same_model(tmp_path, name):
    path = tmp_path / f"{name}.py"
    path.write_text(eject(netspec.load(SPECS / f"{name}.yaml")))
    script = runpy.run_path(str(path))
    model = script["build_model"]()
    assert_same_model(model, library_model(name), same_names=True)
    compiled = script["compile_model"](model)
    assert type(compiled.optimizer).__name__ == netspec.load(SPECS / f"{name}.yaml").summary().optimizer


@pytest.mark.keras
def test_ejected_script_with_two_inputs_and_two_outputs(tmp_path):
    from netspec.keras_build import build_model

    spec = netspec.load(CASES / "two_towers.yaml")
    path = tmp_path / "two_towers.py"
    path.write_text(eject(spec))
    assert_same_model(runpy.run_path(str(path))["build_model"](), build_model(spec), same_names=True)


@pytest.mark.keras
def test_hostile_spec_ejects_to_a_script_that_runs_nothing_else(tmp_path, capfd):
    path = tmp_path / "hostile.py"
    path.write_text(eject(netspec.loads(HOSTILE, "hostile.yaml")))
    build = runpy.run_path(str(path))["build_model"]
    with pytest.raises(ValueError, match=r"Unrecognized keyword argument\(s\): \{\"offset\) or"):
        build()  # the odd key reaches Keras as a string (an opaque layer's argument), which refuses it
    assert "pwned" not in capfd.readouterr().out
