"""Keras is the oracle: every core layer's static shape and parameter counts equal what Keras builds."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import netspec
from netspec.keras_build import build_model, keras_figures, verified
from netspec.layers import CORE

from conftest import EXAMPLES, SPECS

pytestmark = pytest.mark.keras

# (type, arguments, input shape without batch): every core type at least once, edge cases included.
CASES = [
    ("Conv1D", {"filters": 4, "kernel_size": 3, "strides": 2}, [20, 3]),
    ("Conv1D", {"filters": 4, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, [20, 3]),
    ("Conv2D", {"filters": 8, "kernel_size": [3, 5], "strides": [2, 1]}, [17, 19, 3]),
    ("Conv2D", {"filters": 8, "kernel_size": 3, "groups": 2, "use_bias": False}, [9, 9, 4]),
    ("Conv2D", {"filters": 6, "kernel_size": 3, "dilation_rate": 2, "padding": "same"}, [9, 9, 4]),
    ("Conv2D", {"filters": 6, "kernel_size": 4, "strides": 3, "padding": "same"}, [10, 11, 1]),
    ("Conv3D", {"filters": 4, "kernel_size": 3}, [6, 7, 8, 2]),
    ("Conv2DTranspose", {"filters": 4, "kernel_size": 3, "strides": 2}, [5, 6, 3]),
    ("Conv2DTranspose", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}, [5, 6, 3]),
    (
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 4, "strides": 2, "padding": "same", "output_padding": 1},
        [5, 6, 3],
    ),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "dilation_rate": 2}, [5, 6, 3]),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2, "strides": 2}, [9, 9, 3]),
    ("SeparableConv2D", {"filters": 7, "kernel_size": 3, "depth_multiplier": 2, "padding": "same"}, [9, 9, 3]),
    ("Dense", {"units": 5}, [7]),
    ("Dense", {"units": 5, "use_bias": False}, [3, 7]),
    ("Activation", {"activation": "relu"}, [4, 4]),
    ("ReLU", {"max_value": 6}, [4]),
    ("LeakyReLU", {"negative_slope": 0.1}, [4]),
    ("Softmax", {}, [4]),
    ("Dropout", {"rate": 0.5}, [4]),
    ("SpatialDropout2D", {"rate": 0.5}, [4, 4, 2]),
    ("BatchNormalization", {}, [4, 4, 3]),
    ("BatchNormalization", {"axis": 1, "center": False}, [5, 3]),
    ("LayerNormalization", {}, [6, 3]),
    ("LayerNormalization", {"scale": False}, [6]),
    ("MaxPooling1D", {"pool_size": 3, "strides": 2}, [11, 2]),
    ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, [11, 10, 2]),
    ("AveragePooling1D", {"pool_size": 2, "padding": "same"}, [11, 2]),
    ("AveragePooling2D", {"pool_size": [2, 3]}, [11, 10, 2]),
    ("GlobalMaxPooling1D", {}, [11, 2]),
    ("GlobalMaxPooling2D", {"keepdims": True}, [5, 5, 2]),
    ("GlobalAveragePooling1D", {"keepdims": True}, [11, 2]),
    ("GlobalAveragePooling2D", {}, [5, 5, 2]),
    ("Flatten", {}, [3, 4, 5]),
    ("Reshape", {"target_shape": [-1, 6]}, [3, 4]),
    ("ZeroPadding2D", {"padding": [[1, 2], [3, 4]]}, [5, 5, 2]),
    ("ZeroPadding2D", {"padding": [1, 2]}, [5, 5, 2]),
    ("Cropping2D", {"cropping": [[1, 0], [2, 1]]}, [6, 6, 2]),
    ("UpSampling2D", {"size": [2, 3]}, [4, 5, 2]),
    ("Rescaling", {"scale": 0.5, "offset": 1.0}, [4, 4, 3]),
    ("Rescaling", {"scale": [0.5, 0.25, 2.0]}, [4, 4, 3]),
    ("Normalization", {}, [4, 4, 3]),
    ("Normalization", {"axis": [1, -1]}, [4, 5, 3]),
    ("Normalization", {"axis": None}, [4, 5, 3]),
    ("Normalization", {"mean": [0.5, 0.4, 0.3], "variance": [0.1, 0.2, 0.3]}, [4, 4, 3]),
    ("Resizing", {"height": 7, "width": 5}, [4, 4, 3]),
    ("CenterCrop", {"height": 2, "width": 3}, [4, 4, 3]),
]
MERGE_CASES = [
    ("Add", {}, [[4, 4, 3], [4, 4, 3]]),
    ("Multiply", {}, [[4, 4, 3], [4, 1, 3]]),
    ("Concatenate", {}, [[4, 4, 3], [4, 4, 5]]),
    ("Concatenate", {"axis": 1}, [[2, 4, 3], [5, 4, 3], [1, 4, 3]]),
]


def _single(layer_type, args, shape, dtype="float32"):
    text = json.dumps({"netspec": 1, "input": {"shape": shape, "dtype": dtype}, "layers": [{layer_type: args}]})
    return netspec.loads(text)


def _merge(layer_type, args, shapes):
    inputs = {f"x{i}": {"shape": s} for i, s in enumerate(shapes)}
    layer = {layer_type: args, "inputs": list(inputs)}
    return netspec.loads(json.dumps({"netspec": 1, "inputs": inputs, "layers": [layer]}))


def _assert_matches_keras(spec):
    analysis = spec.summary()
    assert analysis.complete, analysis.dynamic
    model = build_model(spec)
    figures = keras_figures(model)
    for row in analysis.rows:
        assert (row.output_shape, row.trainable, row.non_trainable) == figures[row.name], row.name
    verified(analysis, model)  # raises NetspecBug on any disagreement


def test_cases_cover_every_core_type():
    assert {c[0] for c in CASES + MERGE_CASES} | {"Embedding"} == set(CORE)


@pytest.mark.parametrize(("layer_type", "args", "shape"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_static_rules_equal_keras(layer_type, args, shape):
    _assert_matches_keras(_single(layer_type, args, shape))


@pytest.mark.parametrize(("layer_type", "args", "shapes"), MERGE_CASES)
def test_merge_rules_equal_keras(layer_type, args, shapes):
    _assert_matches_keras(_merge(layer_type, args, shapes))


def test_embedding_equals_keras():
    _assert_matches_keras(_single("Embedding", {"input_dim": 100, "output_dim": 8}, [12], dtype="int32"))


@pytest.mark.parametrize(
    "path",
    [SPECS / "cifar_deep15.yaml", SPECS / "cifar_deep15_concise.yaml", *sorted(EXAMPLES.glob("*.yaml"))],
    ids=lambda p: p.stem,
)
def test_shipped_specs_equal_keras(path):
    _assert_matches_keras(netspec.load(path))


def test_opaque_layers_are_filled_in_by_keras():
    text = json.dumps(
        {
            "netspec": 1,
            "input": {"shape": [10, 4]},
            "layers": [{"LSTM": {"units": 6}}, {"Dense": 3}],
        }
    )
    spec = netspec.loads(text)
    assert spec.summary().dynamic == ["lstm_1", "dense_1"]
    table = verified(spec.summary(), build_model(spec))
    assert [(r.output_shape, r.params) for r in table.rows] == [((6,), 4 * (4 * 6 + 6 * 6 + 6)), ((3,), 21)]


# Random valid image networks: hypothesis proposes, netspec's checks filter, Keras judges.
_conv = st.fixed_dictionaries(
    {
        "filters": st.integers(1, 12),
        "kernel_size": st.one_of(st.integers(1, 5), st.lists(st.integers(1, 4), min_size=2, max_size=2)),
        "strides": st.integers(1, 3),
        "padding": st.sampled_from(["valid", "same"]),
        "use_bias": st.booleans(),
    }
)
_layer = st.one_of(
    _conv.map(lambda a: {"Conv2D": a}),
    st.fixed_dictionaries(
        {
            "kernel_size": st.integers(1, 4),
            "depth_multiplier": st.integers(1, 3),
            "padding": st.sampled_from(["valid", "same"]),
        }
    ).map(lambda a: {"DepthwiseConv2D": a}),
    st.fixed_dictionaries(
        {
            "filters": st.integers(1, 8),
            "kernel_size": st.integers(1, 3),
            "strides": st.integers(1, 2),
            "padding": st.sampled_from(["valid", "same"]),
        }
    ).map(lambda a: {"Conv2DTranspose": a}),
    st.fixed_dictionaries({"filters": st.integers(1, 8), "kernel_size": st.integers(1, 3)}).map(
        lambda a: {"SeparableConv2D": a}
    ),
    st.fixed_dictionaries({"pool_size": st.integers(1, 3), "padding": st.sampled_from(["valid", "same"])}).map(
        lambda a: {"MaxPooling2D": a}
    ),
    st.fixed_dictionaries({"pool_size": st.integers(1, 3)}).map(lambda a: {"AveragePooling2D": a}),
    st.just({"BatchNormalization": None}),
    st.just({"ReLU": None}),
    st.integers(0, 2).map(lambda p: {"ZeroPadding2D": p}),
    st.integers(1, 2).map(lambda s: {"UpSampling2D": s}),
)
_head = st.sampled_from([[{"Flatten": None}], [{"GlobalAveragePooling2D": None}], [{"GlobalMaxPooling2D": None}], []])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(
    shape=st.tuples(st.integers(4, 24), st.integers(4, 24), st.integers(1, 5)),
    body=st.lists(_layer, min_size=1, max_size=5),
    head=_head,
    units=st.integers(1, 10),
)
def test_random_valid_specs_equal_keras(shape, body, head, units):
    layers = body + head + ([{"Dense": units}] if head else [])
    text = json.dumps({"netspec": 1, "input": {"shape": list(shape)}, "layers": layers})
    try:
        spec = netspec.loads(text)
    except netspec.SpecError:
        assume(False)
    _assert_matches_keras(spec)
