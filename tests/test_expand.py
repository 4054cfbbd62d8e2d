"""Expand stage: vars, blocks, repeat, defaults and names, as a user reads them in `netspec expand`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_expanded_spec_names_an_input_that_is_not_the_layer_before():
    """A nested block use with inputs: [in] (an Inception branch), or a layer after one left out by when:,
    takes an input other than the layer before it: the flat spec must say so (it said nothing)."""
    from netspec.yaml_dump import dump_spec

    text = (
        HEAD + "blocks:\n  unit:\n    params: {relu: true}\n    layers:\n"
        "      - ReLU:\n        inputs: [in]\n        when: ${relu}\n      - Conv2D: {filters: 2, kernel_size: 1}\n"
        "  branches:\n    layers:\n      - Conv2D: {filters: 4, kernel_size: 1}\n        name: a\n"
        "      - unit:\n        inputs: [in]\n        name: b\n      - unit: {relu: false}\n        inputs: [in]\n"
        "        name: c\n      - Concatenate:\n        inputs: [a, b, c]\n"
        "layers:\n  - Conv2D: {filters: 3, kernel_size: 1}\n    name: stem\n  - branches\n"
    )
    once = dump_spec(netspec.loads(text).expanded())
    assert "  name: branches_1.b.re_lu_1\n  inputs: [stem]\n" in once
    assert "  name: branches_1.c.conv2d_1\n  inputs: [stem]\n" in once
    again = netspec.loads(once)
    assert dump_spec(again.expanded()) == once
    assert again.summary().rows[-1].output_shape == (8, 8, 8)


# ---- expressions ----


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("int(7.9)", 7),
        ("round(2.5)", 2),
        ("floor(-1.5)", -2),
        ("ceil(1.1 * 3)", 4),
        ("min(3, 1, 2)", 1),
        ("max(1, int(16 * 0.25))", 4),
        ("abs(-3)", 3),
        ("7.0 // 2", 3),  # a floor division is a whole number, whatever its operands
        ("1 < 2 <= 2", True),
        ("1 == 1 and not 2 > 3", True),
        ("0 or 5", 5),
        ("'same' if 2 == 1 else 'valid'", "valid"),
        ("sizes[-1]", 6),
        ("'abc'[1]", "b"),
        ("true and false", False),
    ],
)
def test_expression_whitelist(expr, value):
    result = substitute(f"${{{expr}}}", Scope({"sizes": [4, 5, 6]}))
    assert result == value and type(result) is type(value)


@pytest.mark.keras
@pytest.mark.parametrize(
    ("value", "divisor", "min_value"),
    [(v * a, 8, None) for v in (16, 24, 32, 96, 144, 320, 1280) for a in (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)]
    + [(3, 8, None), (100, 16, 64), (7.9, 4, None)],
)
def test_make_divisible_is_keras_rounding_rule(value, divisor, min_value):
    from keras.src.applications.mobilenet_v2 import _make_divisible

    expr = f"make_divisible({value}, {divisor}" + ("" if min_value is None else f", min_value={min_value}") + ")"
    assert substitute(f"${{{expr}}}", Scope({})) == _make_divisible(value, divisor, min_value)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("__import__('os')", "calls __import__(), which is not one of int, round"),
        ("max(1)", "max() takes 2 to 16 arguments; received 1"),
        ("int(x=1)", "int() takes no argument 'x'"),
        ("'a' < 1", "< > <= >= need numbers"),
        ("2 ** 64", "may use only names, numbers"),
        ("(lambda: 1)()", "calls (lambda: 1)()"),
        ("'ab'[3]", "index 3 is outside the 2 items of 'ab'"),
        ("9223372036854775807 + 1", "it does not fit in 64 bits"),
        ("1e308 * 10", "it is beyond the range of a 64-bit float"),
    ],
)
def test_expression_errors_say_what_is_allowed(expr, message):
    with pytest.raises(SubstitutionError, match=re.escape(message)):
        substitute(f"${{{expr}}}", Scope({}))


# ---- repeat, when, blocks ----


def layers_of(text: str):
    return [(layer.name, layer.type, layer.args, layer.inputs) for layer in netspec.loads(text).flat.layers]


def test_repeat_exposes_index_and_count():
    text = HEAD + (
        "layers:\n  - Conv2D: {filters: '${8 * (index + 1)}', kernel_size: 1, strides: '${2 if index == 0 else 1}'}\n"
        "    name: c${index}of${count}\n    repeat: 3\n"
    )
    assert [(n, a["filters"], a["strides"], i) for n, _, a, i in layers_of(text)] == [
        ("c0of3", 8, 2, ["input"]),
        ("c1of3", 16, 1, ["c0of3"]),
        ("c2of3", 24, 1, ["c1of3"]),
    ]


def test_when_false_leaves_a_layer_out_and_its_consumers_take_its_input():
    text = HEAD + (
        "vars: {n: 0}\nlayers:\n  - Conv2D: {filters: 4, kernel_size: 1}\n    name: a\n"
        "  - ReLU:\n    name: r\n    when: ${n > 0}\n"
        "  - Dense: 2\n    repeat: ${n}\n"
        "  - Add:\n    inputs: [r, a]\n"
    )
    assert [(n, i) for n, _, _, i in layers_of(text)] == [("a", ["input"]), ("add_1", ["a", "a"])]


def test_block_with_two_inputs_reads_their_shapes_and_has_its_own_defaults():
    text = (
        HEAD
        + """defaults:
  Conv2D: {kernel_size: 3, padding: same}
blocks:
  up:
    inputs: [x, skip]
    defaults:
      Conv2D: {kernel_size: 1}
    layers:
      - UpSampling2D: 2
      - Concatenate:
        inputs: [up_sampling2d_1, skip]
      - Conv2D: {filters: "${skip.channels + x.channels}"}
        name: fuse
      - Reshape: ["${skip.shape[0] * skip.shape[1]}", "${x.channels + skip.channels}"]
layers:
  - Conv2D: {filters: 6}
    name: enc
  - MaxPooling2D
  - Conv2D: {filters: 10}
  - up: {}
    inputs: [conv2d_1, enc]
"""
    )
    rows = netspec.loads(text).summary().rows
    assert [(r.name, r.inputs, r.output_shape, r.params) for r in rows[3:]] == [
        ("up_1.up_sampling2d_1", ["conv2d_1"], (8, 8, 10), 0),
        ("up_1.concatenate_1", ["up_1.up_sampling2d_1", "enc"], (8, 8, 16), 0),
        ("up_1.fuse", ["up_1.concatenate_1"], (8, 8, 16), 16 * 16 + 16),  # 1x1: the block's default
        ("up_1.reshape_1", ["up_1.fuse"], (64, 16), 0),
    ]


def test_block_scope_sees_its_parameters_inputs_and_the_top_level_vars_only():
    text = (
        HEAD
        + """vars: {base: 2}
blocks:
  b:
    params: {k: 1}
    layers:
      - Conv2D: {filters: "${base * k * (index + 1)}", kernel_size: 1}
        repeat: 2
layers:
  - b: {k: "${index + 3}"}
    repeat: 2
"""
    )
    assert [a["filters"] for _, _, a, _ in layers_of(text)] == [6, 12, 8, 16]


def test_expanding_a_spec_with_every_construct_twice_changes_nothing():
    from netspec.yaml_dump import dump_spec

    path = Path(__file__).parent.parent / "specs" / "efficientnet.yaml"
    once = dump_spec(netspec.load(path, scale="b1").expanded())
    again = netspec.loads(once)
    assert dump_spec(again.expanded()) == once
    assert again.summary().total("params") == 7_856_239


_ATOMS = st.one_of(st.integers(-50, 50), st.sampled_from(["w", "index", "1.5", "true", "'same'"]))


def _expressions(depth: int = 3):
    ops = ["+", "-", "*", "//", "%", "/", "<", "==", "and", "or", "if"]
    if depth == 0:
        return _ATOMS.map(str)
    inner = _expressions(depth - 1)
    binary = st.tuples(inner, st.sampled_from(ops), inner, inner).map(
        lambda t: f"({t[0]} if {t[2]} else {t[3]})" if t[1] == "if" else f"({t[0]} {t[1]} {t[2]})"
    )
    calls = st.tuples(st.sampled_from(["int", "abs", "round", "floor", "ceil"]), inner).map(lambda t: f"{t[0]}({t[1]})")
    return st.one_of(inner, binary, calls, inner.map(lambda e: f"(not {e})"))


@settings(max_examples=300, deadline=None)
@given(_expressions())
def test_expressions_agree_with_python_or_fail_cleanly(expr):
    """Whatever the expression, the result is Python's (a floor division made whole) or a SubstitutionError."""
    import math

    names = {"w": 8, "index": 2, "true": True, "floor": math.floor, "ceil": math.ceil}
    try:
        expected = eval(expr, {"__builtins__": {"int": int, "abs": abs, "round": round}}, names)  # noqa: S307
    except (ArithmeticError, TypeError, ValueError, SyntaxError):
        expected = SubstitutionError
    try:
        result = substitute(f"${{{expr}}}", Scope({"w": 8, "index": 2}))
    except SubstitutionError:
        return  # refused with a message; stricter than Python where types mix
    assert expected is not SubstitutionError, expr
    assert result == expected, expr


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_in_an_expression_is_evaluated_or_refused_with_a_message(text):
    try:
        substitute("${" + text.replace("}", "") + "}", Scope({"w": 8}))
    except SubstitutionError as exc:
        assert str(exc).startswith("'${") or "names no var" in str(exc) or "circle" in str(exc)


def test_a_block_use_with_when_false_or_no_copies_is_absent():
    text = (
        HEAD
        + """vars: {extra: 0}
blocks:
  pair:
    layers:
      - Dense: 4
      - Dense: 4
layers:
  - Flatten
  - pair: {}
    repeat: ${extra}
  - pair: {}
    name: optional
    when: ${extra > 0}
  - Dense: 2
    inputs: optional
"""
    )
    assert [(n, i) for n, _, _, i in layers_of(text)] == [("flatten_1", ["input"]), ("dense_1", ["flatten_1"])]
    with_extra = netspec.loads(text, overrides=["vars.extra=1"]).flat.layers
    assert [layer.name for layer in with_extra] == [
        "flatten_1",
        "pair_1.dense_1",
        "pair_1.dense_2",
        "optional.dense_1",
        "optional.dense_2",
        "dense_1",
    ]
    assert with_extra[-1].inputs == ["optional.dense_2"]
