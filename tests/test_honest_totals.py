"""Totals never print a partial sum as a total; the build guards cover layers without static rules."""

from __future__ import annotations

import json
import os

import pytest

from netspec.layers.registry import OPAQUE_NAMES, WHY_OPAQUE

from conftest import ROOT, assert_clean_failure, run_netspec

OPAQUE_MID = """netspec: 1
name: mid
input: {shape: [400]}
layers:
  - Reshape: [400, 1]
  - Conv1D: {filters: 4, kernel_size: 3}
  - Flatten
  - HashedCrossing: {num_bins: 8}
  - Dense: 10
train: {batch_size: 4}
"""


@pytest.fixture
def mid(tmp_path):
    path = tmp_path / "mid.yaml"
    path.write_text(OPAQUE_MID)
    return path


def test_text_totals_are_lower_bounds_naming_the_unknown_layers(mid):
    lines = run_netspec("summary", mid, "--batch-size", "4").stdout.splitlines()
    assert lines[-6:] == [
        "Total params: ≥ 16 (≥ 64 B); 2 layers unknown until build: hashed_crossing_1, dense_1",
        "Trainable params: ≥ 16; 2 layers unknown until build: hashed_crossing_1, dense_1",
        "Non-trainable params: ≥ 0; 2 layers unknown until build: hashed_crossing_1, dense_1",
        "MACs per example: ≥ 4.78 k (FLOPs = 2 x MACs ≥ 9.55 k); 2 layers without a static MAC count: "
        "hashed_crossing_1, dense_1",
        "Training memory at batch 4 (Adam): ≥ 62.5 KiB (weights 64 B, gradients 64 B, optimizer 128 B, "
        "activations 62.2 KiB); not counted: 2 layers (hashed_crossing_1, dense_1)",
        "Not computed statically (2 rows, shown as ?): hashed_crossing_1, dense_1; `netspec build` gets them from Keras",
    ]


def test_json_totals_are_null_with_a_separate_lower_bound(mid):
    data = json.loads(run_netspec("summary", mid, "--format", "json").stdout)
    assert data["totals"] == {"params": None, "trainable": None, "non_trainable": None, "macs": None, "flops": None}
    assert data["lower_bounds"] == {"params": 16, "trainable": 16, "non_trainable": 0, "macs": 4776, "flops": 9552}
    assert data["unknown"]["params"] == ["hashed_crossing_1", "dense_1"]
    assert data["training_memory"]["lower_bound"] is True
    assert data["training_memory"]["not_counted"] == ["hashed_crossing_1", "dense_1"]


def test_complete_totals_are_exact(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("netspec: 1\ninput: {shape: [10, 4]}\nlayers:\n  - LSTM: 6\n  - Dense: 3\n")
    data = json.loads(run_netspec("summary", path, "--format", "json").stdout)
    assert data["totals"]["params"] == data["lower_bounds"]["params"] == 4 * (4 * 6 + 6 * 6 + 6) + 21
    assert data["unknown"] == {"params": [], "trainable": [], "non_trainable": [], "macs": []}
    assert "Total params: 285 (1.1 KiB)" in run_netspec("summary", path).stdout


def test_every_layer_without_static_rules_says_why():
    preprocessing = {"Rescaling", "Normalization", "Resizing", "CenterCrop"}  # another module's
    assert set(OPAQUE_NAMES) - set(WHY_OPAQUE) <= preprocessing
    assert set(WHY_OPAQUE) <= set(OPAQUE_NAMES)


def test_a_vocabulary_path_is_refused_before_keras_starts(tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text(
        "netspec: 1\nname: v\ninput: {shape: [1], dtype: int64}\nlayers:\n  - IntegerLookup: {vocabulary: /etc/passwd}\n"
    )
    result = run_netspec("build", path, cwd=tmp_path)
    assert_clean_failure(result, 1)
    assert result.stderr.splitlines() == [
        f"{path}:5:33: IntegerLookup argument 'vocabulary' of layer 'integer_lookup_1' names a file ('/etc/passwd'), "
        "which Keras would read into the model; a spec is data: write the values as a list, or pass --allow-files "
        "to let Keras read the file"
    ]
    assert not (tmp_path / "build").exists()


@pytest.mark.keras
def test_build_guard_counts_opaque_layers_without_allocating(tmp_path):
    """10^11 weights in a layer without static rules: refused from Keras' shape inference, in bounded memory.

    The plugin layer after it has no compute_output_shape (Keras would have to trace it, filling the
    weights), so it and the Dense after it stay unknown and the need is a lower bound.
    """
    path = tmp_path / "big.yaml"
    path.write_text(
        "netspec: 1\nname: big\ninput: {shape: [8], dtype: int32}\nlayers:\n"
        "  - ReversibleEmbedding: {input_dim: 1000000, output_dim: 100000}\n  - ScaleBy: {factor: 3}\n  - Dense: 4\n"
    )
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "hostile"), os.environ.get("PYTHONPATH", "")])}
    result = run_netspec("--plugin", "demo_plugin", "build", path, cwd=tmp_path, timeout=120, env=env)
    assert_clean_failure(result, 1)
    line = result.stderr.splitlines()[-1]  # after TensorFlow's start-up log: the plugin imports Keras
    assert line.startswith(f"{path}:5:26: building this model needs at least 372.5 GiB for its weights")
    assert "'reversible_embedding_1' (ReversibleEmbedding, 100,000,000,000 parameters = 372.5 GiB)" in line
    assert not (tmp_path / "build" / "big").exists()


def _vocabulary_file_spec(tmp_path, lookup: str):
    """v.yaml: int64 ids through `IntegerLookup: <lookup>` (its vocabulary file ids.txt holds 3 ids), then Dense 5."""
    (tmp_path / "ids.txt").write_text("7\n11\n13\n")
    path = tmp_path / "v.yaml"
    path.write_text(
        "netspec: 1\nname: v\ninput: {shape: [1], dtype: int64}\nlayers:\n"
        f"  - IntegerLookup: {lookup}\n  - Dense: 5\n"
    )
    return path


@pytest.mark.keras
def test_a_vocabulary_file_in_int_mode_is_sized_statically_and_built_with_allow_files(tmp_path):
    """IntegerLookup's int output has the input's shape whatever the file holds, so netspec never reads it."""
    path = _vocabulary_file_spec(tmp_path, "{vocabulary: ids.txt}\n  - Embedding: {input_dim: 4, output_dim: 2}")
    assert json.loads(run_netspec("summary", path, "--format", "json").stdout)["totals"]["params"] == 23
    result = run_netspec("build", path, "--allow-files", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "build" / "v" / "summary.json").read_text())
    # 3 ids and the out-of-vocabulary one: Embedding input_dim 4; Keras agrees with every static row
    assert [(r["output_shape"], r["params"], r["macs"]) for r in summary["layers"]] == [
        ([None, 1], 0, 0),
        ([None, 1, 2], 8, 0),
        ([None, 1, 5], 15, 10),
    ]
    assert summary["totals"]["params"] == 23
    assert "Total params: 23 (92 B)" in result.stdout


@pytest.mark.keras
def test_a_vocabulary_file_in_one_hot_mode_is_left_to_keras_and_built_with_allow_files(tmp_path):
    """The one_hot width is the file's length, which netspec does not read: `?` statically, Keras' figures at build."""
    path = _vocabulary_file_spec(tmp_path, "{vocabulary: ids.txt, output_mode: one_hot}")
    static = json.loads(run_netspec("summary", path, "--format", "json").stdout)
    assert static["totals"]["params"] is None
    assert static["unknown"]["params"] == ["integer_lookup_1", "dense_1"]
    result = run_netspec("build", path, "--allow-files", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "build" / "v" / "summary.json").read_text())
    # 3 ids and the out-of-vocabulary index: 4 columns (Keras folds the axis of 1), then Dense 4 x 5 + 5
    assert [(r["output_shape"], r["params"]) for r in summary["layers"]] == [([None, 4], 0), ([None, 5], 25)]
    assert "Total params: 25 (100 B)" in result.stdout
