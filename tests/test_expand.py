"""Expand stage: vars, blocks, repeat, defaults and names, as a user reads them in `netspec expand`."""

from __future__ import annotations

import pytest

import netspec
from netspec.compiler.substitute import Scope, SubstitutionError, substitute


def names(text: str) -> list[str]:
    return [layer.name for layer in netspec.loads(text).flat.layers]


HEAD = "netspec: 1\ninput: {shape: [8, 8, 3]}\n"


def test_auto_names_count_per_type_like_keras_and_skip_taken_names():
    text = (
        HEAD + "layers:\n  - Conv2D: {filters: 2, kernel_size: 1}\n    name: conv2d_2\n"
        "  - Conv2D: {filters: 2, kernel_size: 1}\n  - ReLU\n  - MaxPooling2D\n"
    )
    assert names(text) == ["conv2d_2", "conv2d_1", "re_lu_1", "max_pooling2d_1"]


def test_repeat_names_copies_and_chains_them():
    text = HEAD + "layers:\n  - Conv2D: {filters: 2, kernel_size: 1}\n    name: c\n    repeat: 3\n  - Flatten\n"
    spec = netspec.loads(text)
    assert [(layer.name, layer.inputs) for layer in spec.flat.layers] == [
        ("c_1", ["input"]),
        ("c_2", ["c_1"]),
        ("c_3", ["c_2"]),
        ("flatten_1", ["c_3"]),
    ]


def test_blocks_expand_with_scoped_names_params_and_block_input():
    text = (
        HEAD
        + """blocks:
  res:
    params: {f: 3}
    layers:
      - Conv2D: {filters: "${f}", kernel_size: 3, padding: same}
      - Add:
        inputs: [in, conv2d_1]
layers:
  - res: {}
  - res: {}
    name: second
"""
    )
    spec = netspec.loads(text)
    assert [(layer.name, layer.inputs, layer.block) for layer in spec.flat.layers] == [
        ("res_1.conv2d_1", ["input"], "res_1"),
        ("res_1.add_1", ["input", "res_1.conv2d_1"], "res_1"),
        ("second.conv2d_1", ["res_1.add_1"], "second"),
        ("second.add_1", ["res_1.add_1", "second.conv2d_1"], "second"),
    ]


def test_defaults_apply_under_explicit_arguments():
    text = (
        HEAD + "defaults:\n  Conv2D: {kernel_size: 3, padding: same}\nlayers:\n"
        "  - Conv2D: {filters: 4}\n  - Conv2D: {filters: 4, padding: valid}\n"
    )
    rows = netspec.loads(text).summary().rows
    assert [r.output_shape for r in rows] == [(8, 8, 4), (6, 6, 4)]


def test_vars_arithmetic_and_interpolation():
    scope = Scope({"w": 32, "x": "${w * 2}", "tag": "conv_${w}", "lr": "${1 / 4}"})
    assert substitute(["${x}", "${tag}", "${lr}", "${w // 3 + 1}"], scope) == [64, "conv_32", 0.25, 11]
    with pytest.raises(SubstitutionError, match=r"calls __import__\(\), which is not one of int, round"):
        substitute("${__import__('os')}", scope)
    with pytest.raises(SubstitutionError, match="divides by zero"):
        substitute("${w / 0}", scope)


def test_overrides_reach_vars_and_train():
    text = HEAD + "vars: {w: 4}\nlayers:\n  - Conv2D: {filters: '${w}', kernel_size: 1}\ntrain: {epochs: 3}\n"
    spec = netspec.loads(text, overrides=["vars.w=16", "train.epochs=1"])
    assert spec.summary().rows[0].output_shape == (8, 8, 16)
    assert spec.train["epochs"] == 1


def test_expanding_twice_changes_nothing():
    from netspec.yaml_dump import dump_spec

    text = (
        HEAD + "blocks:\n  b:\n    params: [f]\n    layers:\n      - Conv2D: {filters: '${f}', kernel_size: 1}\n"
        "layers:\n  - b: {f: 2}\n    repeat: 2\n  - Flatten\n"
    )
    once = dump_spec(netspec.loads(text).expanded())
    assert dump_spec(netspec.loads(once).expanded()) == once
