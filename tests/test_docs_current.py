"""Generated files stay current: the layer reference, the JSON Schema, Keras' layer list."""

from __future__ import annotations

import json

import pytest

from netspec import layer_docs
from netspec.compiler import train_schema
from netspec.compiler.schema import editor_schema
from netspec.layers.registry import KERAS_NAMES

from conftest import ROOT


def test_layer_reference_is_current():
    assert (ROOT / "docs" / "layers.md").read_text() == layer_docs.render(), "run: python -m netspec.layer_docs --write"


def test_training_settings_reference_is_current():
    text = (ROOT / "docs" / "training.md").read_text()
    assert text == train_schema.current_doc(text), "run: python -m netspec.compiler.train_schema --write"


def test_committed_json_schema_is_current():
    assert json.loads((ROOT / "docs" / "netspec.schema.json").read_text()) == editor_schema(), (
        "run: netspec schema > docs/netspec.schema.json"
    )


@pytest.mark.keras
def test_keras_layer_list_is_current():
    from netspec.tf_env import import_keras

    keras = import_keras()
    assert KERAS_NAMES == {n for n in dir(keras.layers) if n[:1].isupper()}, (
        "run: python -m netspec.layers.registry --keras-names"
    )
