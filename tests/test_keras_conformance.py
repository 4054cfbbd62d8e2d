"""Keras is the oracle: every core layer's static shape and parameter counts equal what Keras builds."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import netspec
from netspec.eject import eject
from netspec.importer import from_config
from netspec.keras_build import build_model, infer_opaque, keras_figures, verified
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
    ("STFTSpectrogram", {"frame_length": 16}, [100, 2]),
    ("STFTSpectrogram", {"frame_length": 12, "frame_step": 5, "padding": "same", "mode": "stft"}, [101, 1]),
    ("STFTSpectrogram", {"frame_length": 10, "fft_length": 32, "mode": "real", "trainable": False}, [64, 3]),
    ("STFTSpectrogram", {"frame_length": 8, "mode": "imag", "expand_dims": True, "window": None}, [40, 2]),
    ("STFTSpectrogram", {"frame_length": 9, "mode": "psd", "scaling": "spectrum", "periodic": True}, [None, 2]),
    ("MelSpectrogram", {}, [16000]),
    ("MelSpectrogram", {"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 10}, [160]),
    ("MelSpectrogram", {"fft_length": 63, "sequence_stride": 10, "sequence_length": 40, "power_to_db": False}, [97]),
    ("MelSpectrogram", {"fft_length": 32, "sequence_stride": 8, "window": "hamming"}, [None]),
]
CASES += [
    # convolution, 1-D and 3-D variants
    ("Conv1DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"}, [7, 2]),
    ("Conv1DTranspose", {"filters": 3, "kernel_size": 4, "strides": 3, "output_padding": 1}, [7, 2]),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": [2, 3, 3], "strides": 2}, [3, 4, 5, 2]),
    ("Conv3D", {"filters": 2, "kernel_size": 2, "strides": [1, 2, 2], "padding": "same", "groups": 2}, [4, 6, 6, 4]),
    ("DepthwiseConv1D", {"kernel_size": 3, "depth_multiplier": 3, "strides": 2}, [11, 2]),
    ("SeparableConv1D", {"filters": 5, "kernel_size": 3, "padding": "same", "use_bias": False}, [11, 2]),
    # pooling: 3-D, global 3-D, adaptive
    ("MaxPooling3D", {"pool_size": 2}, [4, 5, 6, 2]),
    ("AveragePooling3D", {"pool_size": [1, 2, 3], "strides": 1, "padding": "same"}, [4, 5, 6, 2]),
    ("GlobalMaxPooling3D", {"keepdims": True}, [4, 5, 6, 2]),
    ("GlobalAveragePooling3D", {}, [4, 5, 6, 2]),
    ("AdaptiveMaxPooling1D", {"output_size": 4}, [10, 3]),
    ("AdaptiveAveragePooling1D", {"output_size": 3}, [10, 3]),
    ("AdaptiveMaxPooling2D", {"output_size": [2, 3]}, [8, 9, 3]),
    ("AdaptiveAveragePooling2D", {"output_size": 2}, [8, 9, 3]),
    ("AdaptiveMaxPooling3D", {"output_size": 2}, [4, 4, 4, 3]),
    ("AdaptiveAveragePooling3D", {"output_size": [1, 2, 2]}, [4, 4, 4, 3]),
    # reshaping
    ("ZeroPadding1D", {"padding": [1, 3]}, [5, 2]),
    ("ZeroPadding3D", {"padding": [[1, 0], [0, 2], [1, 1]]}, [3, 4, 5, 2]),
    ("ZeroPadding3D", {"padding": [1, 2, 3]}, [3, 4, 5, 2]),
    ("Cropping1D", {}, [6, 2]),
    ("Cropping1D", {"cropping": [2, 0]}, [6, 2]),
    ("Cropping3D", {}, [4, 5, 6, 2]),
    ("Cropping3D", {"cropping": [[0, 1], [1, 0], [2, 2]]}, [4, 5, 6, 2]),
    ("UpSampling1D", {"size": 3}, [4, 2]),
    ("UpSampling3D", {"size": [1, 2, 3]}, [2, 3, 4, 2]),
    ("Permute", {"dims": [2, 1]}, [3, 4]),
    ("Permute", {"dims": [3, 1, 2]}, [3, 4, 5]),
    ("RepeatVector", {"n": 4}, [3]),
    # regularisation
    ("SpatialDropout1D", {"rate": 0.2}, [6, 3]),
    ("SpatialDropout3D", {"rate": 0.2}, [3, 4, 5, 2]),
    ("GaussianNoise", {"stddev": 0.1}, [6, 3]),
    ("GaussianDropout", {"rate": 0.3}, [6]),
    ("AlphaDropout", {"rate": 0.3}, [6]),
    ("ActivityRegularization", {"l1": 0.01}, [6]),
    # activation, normalisation, core
    ("ELU", {"alpha": 0.5}, [4]),
    ("PReLU", {}, [4, 5, 3]),
    ("PReLU", {"shared_axes": [1, 2]}, [4, 5, 3]),
    ("GroupNormalization", {"groups": 2}, [4, 4, 6]),
    ("GroupNormalization", {"groups": 3, "center": False}, [5, 6]),
    ("UnitNormalization", {}, [4, 6]),
    ("UnitNormalization", {"axis": [1, 2]}, [4, 6]),
    ("RMSNormalization", {}, [4, 6]),
    ("Identity", {}, [4, 6]),
    ("Masking", {"mask_value": -1.0}, [4, 6]),
    ("EinsumDense", {"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c"}, [7]),
    ("EinsumDense", {"equation": "abc,cde->abde", "output_shape": [None, 2, 4], "bias_axes": "de"}, [5, 8]),
    ("EinsumDense", {"equation": "abc,cd->abd", "output_shape": [5, 3]}, [5, 8]),
    ("EinsumDense", {"equation": "...b,bc->...c", "output_shape": 4, "bias_axes": "c"}, [5, 8]),
    ("EinsumDense", {"equation": "ab...,bc->ac...", "output_shape": [4]}, [6, 3]),
    # recurrent
    ("SimpleRNN", {"units": 4}, [5, 3]),
    ("SimpleRNN", {"units": 4, "return_sequences": True, "use_bias": False}, [5, 3]),
    ("LSTM", {"units": 6}, [10, 4]),
    ("LSTM", {"units": 6, "return_sequences": True, "go_backwards": True}, [None, 4]),
    ("GRU", {"units": 5}, [7, 3]),
    ("GRU", {"units": 5, "reset_after": False, "return_sequences": True}, [7, 3]),
    ("ConvLSTM1D", {"filters": 3, "kernel_size": 3, "padding": "same", "return_sequences": True}, [4, 8, 2]),
    ("ConvLSTM2D", {"filters": 4, "kernel_size": 3, "strides": 2}, [3, 9, 9, 2]),
    ("ConvLSTM3D", {"filters": 2, "kernel_size": 2}, [2, 4, 4, 4, 1]),
    ("Bidirectional", {"layer": {"LSTM": {"units": 3, "return_sequences": True}}}, [5, 8]),
    ("Bidirectional", {"layer": {"GRU": 4}, "merge_mode": "sum"}, [5, 8]),
    ("Bidirectional", {"layer": {"SimpleRNN": {"units": 2}}, "merge_mode": "ave"}, [5, 8]),
    ("TimeDistributed", {"layer": {"Dense": 3}}, [5, 8]),
    ("TimeDistributed", {"layer": {"Conv2D": {"filters": 3, "kernel_size": 3}}}, [5, 8, 8, 2]),
    ("TimeDistributed", {"layer": {"MaxPooling2D": 2}}, [5, 8, 8, 2]),
    # augmentation: the identity at inference, shapes kept
    ("RandomBrightness", {"factor": 0.2}, [8, 8, 3]),
    ("RandomContrast", {"factor": [0.1, 0.3]}, [8, 8, 3]),
    ("RandomColorDegeneration", {"factor": 0.5}, [8, 8, 3]),
    ("RandomColorJitter", {"brightness_factor": 0.2, "hue_factor": 0.1}, [8, 8, 3]),
    ("RandomCrop", {"height": 4, "width": 5}, [8, 8, 3]),
    ("RandomElasticTransform", {"scale": 0.5}, [8, 8, 3]),
    ("RandomErasing", {"scale": [0.1, 0.2]}, [8, 8, 3]),
    ("RandomFlip", {"mode": "horizontal"}, [8, 8, 3]),
    ("RandomGaussianBlur", {"kernel_size": 5, "sigma": [0.5, 1.0]}, [8, 8, 3]),
    ("RandomGrayscale", {"factor": 0.3}, [8, 8, 3]),
    ("RandomHue", {"factor": 0.1}, [8, 8, 3]),
    ("RandomInvert", {}, [8, 8, 3]),
    ("RandomPerspective", {"scale": 0.5}, [8, 8, 3]),
    ("RandomPosterization", {"factor": 4}, [8, 8, 3]),
    ("RandomRotation", {"factor": 0.1, "fill_mode": "constant"}, [8, 8, 3]),
    ("RandomSaturation", {"factor": 0.5}, [8, 8, 3]),
    ("RandomSharpness", {"factor": 0.5}, [8, 8, 3]),
    ("RandomShear", {"x_factor": 0.2}, [8, 8, 3]),
    ("RandomTranslation", {"height_factor": 0.1, "width_factor": [-0.2, 0.1]}, [8, 8, 3]),
    ("RandomZoom", {"height_factor": 0.2, "interpolation": "nearest"}, [8, 8, 3]),
    ("AutoContrast", {"value_range": [0, 1]}, [8, 8, 3]),
    ("Solarization", {"threshold_factor": 0.5}, [8, 8, 3]),
    ("ContrastLimitedAdaptiveHistogramEqualization", {"tile_grid_size": [2, 2]}, [8, 8, 3]),
    ("AugMix", {"num_chains": 2, "chain_depth": [1, 2]}, [8, 8, 3]),
    ("RandAugment", {"num_ops": 1}, [8, 8, 3]),
    ("CutMix", {}, [8, 8, 3]),
    ("MixUp", {"alpha": 0.4}, [8, 8, 3]),
]
INT_CASES = [  # integer ids in
    ("Embedding", {"input_dim": 100, "output_dim": 8}, [12]),
    ("CategoryEncoding", {"num_tokens": 5}, [4]),
    ("CategoryEncoding", {"num_tokens": 5, "output_mode": "one_hot"}, [1]),
    ("CategoryEncoding", {"num_tokens": 5, "output_mode": "one_hot"}, [4]),
    ("CategoryEncoding", {"num_tokens": 5, "output_mode": "count"}, [4]),
    ("Hashing", {"num_bins": 3}, [4]),
    ("Hashing", {"num_bins": 3, "output_mode": "multi_hot"}, [4]),
    ("Discretization", {"bin_boundaries": [0.0, 1.0, 2.0]}, [4]),
    ("Discretization", {"bin_boundaries": [0.0, 1.0], "output_mode": "one_hot"}, [1]),
    ("IntegerLookup", {"vocabulary": [3, 5, 7]}, [4]),
    ("IntegerLookup", {"vocabulary": [0, -1, 3, 5], "mask_token": 0}, [2, 3]),
    ("IntegerLookup", {"vocabulary": [3, 5, 7], "output_mode": "one_hot"}, [1]),
    ("IntegerLookup", {"vocabulary": [3, 5, 7], "output_mode": "one_hot", "mask_token": 0}, [4]),
    ("IntegerLookup", {"vocabulary": [-1, 3, 5], "output_mode": "multi_hot"}, [4]),
    ("IntegerLookup", {"vocabulary": [3, 5], "output_mode": "multi_hot", "num_oov_indices": 0}, [4]),
    ("IntegerLookup", {"vocabulary": [3, 5], "output_mode": "one_hot", "num_oov_indices": 2}, [2, 3]),
    ("IntegerLookup", {"vocabulary": [3, 5], "output_mode": "count", "num_oov_indices": 3}, [4]),
    ("IntegerLookup", {"vocabulary": [3, 5, 7], "output_mode": "tf_idf", "idf_weights": [0.5, 1.0, 2.0]}, [4]),
    ("IntegerLookup", {"vocabulary": [3, 5, 7], "invert": True}, [4]),
    (
        "IntegerLookup",
        {"vocabulary": [3, 5, 7], "output_mode": "multi_hot", "max_tokens": 10, "pad_to_max_tokens": True},
        [4],
    ),
    (
        "IntegerLookup",
        {"vocabulary": [3, 5, 7], "output_mode": "count", "oov_method": "farmhash", "salt": 7, "num_oov_indices": 2},
        [4],
    ),
]
MERGE_CASES = [
    ("Add", {}, [[4, 4, 3], [4, 4, 3]]),
    ("Multiply", {}, [[4, 4, 3], [4, 1, 3]]),
    ("Subtract", {}, [[4, 3], [4, 3]]),
    ("Average", {}, [[4, 3], [4, 3], [4, 3]]),
    ("Maximum", {}, [[4, 3], [1, 3]]),
    ("Minimum", {}, [[4, 3], [4, 3]]),
    ("Concatenate", {}, [[4, 4, 3], [4, 4, 5]]),
    ("Concatenate", {"axis": 1}, [[2, 4, 3], [5, 4, 3], [1, 4, 3]]),
    ("Dot", {"axes": 1}, [[3], [3]]),
    ("Dot", {"axes": [1, 2]}, [[3, 4], [5, 3]]),
    ("Dot", {"axes": -1, "normalize": True}, [[3, 4], [5, 4]]),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, [[5, 8], [7, 6]]),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "value_dim": 4, "use_gate": True}, [[5, 8], [7, 6], [7, 5]]),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "output_shape": [2, 5], "use_bias": False}, [[5, 8], [7, 6]]),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "attention_axes": [1, 2]}, [[4, 4, 8], [3, 3, 8]]),
    ("GroupQueryAttention", {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2}, [[5, 8], [7, 8]]),
    (
        "GroupQueryAttention",
        {"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1, "use_gate": True},
        [[5, 8], [7, 8], [7, 3]],
    ),
    ("Attention", {}, [[5, 6], [7, 4], [7, 6]]),
    ("Attention", {"use_scale": True, "score_mode": "concat"}, [[5, 6], [7, 6]]),
    ("AdditiveAttention", {"use_scale": False}, [[5, 6], [7, 6]]),
    ("AdditiveAttention", {}, [[5, 6], [7, 4], [7, 6]]),
]


def _single(layer_type, args, shape, dtype="float32"):
    text = json.dumps({"netspec": 1, "input": {"shape": shape, "dtype": dtype}, "layers": [{layer_type: args}]})
    return netspec.loads(text)


def _merge(layer_type, args, shapes):
    inputs = {f"x{i}": {"shape": s} for i, s in enumerate(shapes)}
    layer = {layer_type: args, "inputs": list(inputs)}
    return netspec.loads(json.dumps({"netspec": 1, "inputs": inputs, "layers": [layer]}))


def _assert_matches_keras(spec, imported: bool = False):
    analysis = spec.summary()
    assert analysis.complete, analysis.dynamic
    model = build_model(spec)
    figures = keras_figures(model)
    for row in analysis.rows:
        assert (row.output_shape, row.trainable, row.non_trainable) == figures[row.name], row.name
    verified(analysis, model)  # raises NetspecBug on any disagreement
    if imported:  # and `netspec import` of the Keras model gives back the same figures
        data, _ = from_config(model.get_config())
        again = netspec.loads(json.dumps(data)).summary()
        assert [(r.output_shape, r.trainable, r.non_trainable, r.macs) for r in again.rows] == [
            (r.output_shape, r.trainable, r.non_trainable, r.macs) for r in analysis.rows
        ]


def test_cases_cover_every_core_type():
    assert {c[0] for c in CASES + INT_CASES + MERGE_CASES} == set(CORE)


@pytest.mark.parametrize(("layer_type", "args", "shape"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_static_rules_equal_keras(layer_type, args, shape):
    _assert_matches_keras(_single(layer_type, args, shape), imported=True)


@pytest.mark.parametrize(
    ("layer_type", "args", "shapes"), MERGE_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(MERGE_CASES)]
)
def test_merge_rules_equal_keras(layer_type, args, shapes):
    # The importer takes inputs only, not the key= tensor that a third input becomes.
    keyword_key = (
        "Attention" in layer_type and layer_type not in ("Attention", "AdditiveAttention") and len(shapes) == 3
    )
    _assert_matches_keras(_merge(layer_type, args, shapes), imported=not keyword_key)


@pytest.mark.parametrize(
    ("layer_type", "args", "shape"), INT_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(INT_CASES)]
)
def test_integer_input_rules_equal_keras(layer_type, args, shape):
    _assert_matches_keras(_single(layer_type, args, shape, dtype="int32"), imported=True)


@pytest.mark.parametrize("layer_type", ["MultiHeadAttention", "Attention", "AdditiveAttention"])
def test_self_attention_reads_one_input_twice(layer_type):
    args = {"num_heads": 2, "key_dim": 4} if layer_type == "MultiHeadAttention" else {}
    layers = [{"Dense": 6}, {layer_type: args, "inputs": ["dense_1", "dense_1"]}]
    _assert_matches_keras(netspec.loads(json.dumps({"netspec": 1, "input": {"shape": [5, 3]}, "layers": layers})))


@pytest.mark.parametrize(
    "path",
    [SPECS / "cifar_deep15.yaml", SPECS / "cifar_deep15_concise.yaml", *sorted(EXAMPLES.glob("*.yaml"))],
    ids=lambda p: p.stem,
)
def test_shipped_specs_equal_keras(path):
    _assert_matches_keras(netspec.load(path))


@pytest.mark.parametrize("name", ["lstm_text", "transformer_classifier"])
def test_ejected_wrappers_and_attention_build_the_same_model(name):
    """eject writes a wrapper's nested layer as a constructor and attention as layer(query, value)."""
    spec = netspec.load(EXAMPLES / f"{name}.yaml")
    scope: dict = {}
    exec(compile(eject(spec), f"{name}.py", "exec"), scope)  # netspec's own output, from a shipped example
    model = scope["build_model"]()
    assert model.count_params() == spec.summary().exact("params")


def test_layers_after_an_opaque_one_are_analysed_from_keras_shapes():
    text = json.dumps(
        {
            "netspec": 1,
            "input": {"shape": [8], "dtype": "int32"},
            "layers": [{"ReversibleEmbedding": {"input_dim": 50, "output_dim": 6}}, {"Dense": 3}],
        }
    )
    spec = netspec.loads(text)
    assert spec.summary().dynamic == ["reversible_embedding_1", "dense_1"]
    assert spec.summary().exact("params") is None
    table = verified(spec.summary(), build_model(spec), spec)
    assert [(r.output_shape, r.params, r.macs) for r in table.rows] == [((8, 6), 300, None), ((8, 3), 21, 8 * 6 * 3)]
    assert table.exact("params") == 321 and table.unknown("macs") == ["reversible_embedding_1"]


def test_opaque_layers_are_sized_by_keras_without_allocating():
    """A layer of 10^11 weights (372 GiB) is sized by Keras' shape inference in a stateless scope."""
    text = json.dumps(
        {
            "netspec": 1,
            "input": {"shape": [8], "dtype": "int32"},
            "layers": [{"ReversibleEmbedding": {"input_dim": 1_000_000, "output_dim": 100_000}}, {"Dense": 3}],
        }
    )
    inferred = infer_opaque(netspec.loads(text))
    assert [(r.output_shape, r.params) for r in inferred.rows] == [((8, 100_000), 10**11), ((8, 3), 300_003)]


# MACs against an outside count: TensorFlow's profiler over the layer's graph (2 FLOPs per
# multiply-accumulate in MatMul, Conv and Einsum ops). Without biases (which TensorFlow fuses
# into the product and counts), these ops are exactly the weight products netspec counts.
# (The profiler gives grouped convolutions 0 FLOPs, so they are not in this list.)
MAC_CASES = [
    ("Dense", {"units": 5, "use_bias": False}, [3, 7]),
    ("Conv1D", {"filters": 4, "kernel_size": 3, "strides": 2, "use_bias": False}, [20, 3]),
    ("Conv2D", {"filters": 8, "kernel_size": 3, "padding": "same", "use_bias": False}, [10, 9, 3]),
    ("Conv3D", {"filters": 4, "kernel_size": 2, "use_bias": False}, [5, 6, 7, 2]),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2, "use_bias": False}, [9, 9, 3]),
    ("SeparableConv2D", {"filters": 7, "kernel_size": 3, "use_bias": False}, [9, 9, 3]),
    ("EinsumDense", {"equation": "abc,cd->abd", "output_shape": [5, 3]}, [5, 8]),
    ("EinsumDense", {"equation": "abc,cde->abde", "output_shape": [5, 2, 4]}, [5, 8]),
    ("TimeDistributed", {"layer": {"Dense": {"units": 3, "use_bias": False}}}, [4, 6]),
    # one kernel: with two, the profiler adds the power's squares and sums (which netspec does not count) to Conv2D
    ("STFTSpectrogram", {"frame_length": 16, "mode": "imag"}, [100, 2]),
    ("STFTSpectrogram", {"frame_length": 12, "frame_step": 5, "mode": "real", "padding": "same"}, [101, 3]),
]


def _profiled_macs(spec, shape):
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    model = build_model(spec)
    graph = tf.function(model).get_concrete_function(tf.TensorSpec((1, *shape), tf.float32))
    frozen = convert_variables_to_constants_v2(graph).graph
    options = {**tf.compat.v1.profiler.ProfileOptionBuilder.float_operation(), "output": "none"}
    profile = tf.compat.v1.profiler.profile(graph=frozen, cmd="op", options=options)
    products = ("MatMul", "Conv", "Einsum", "Depthwise")
    return sum(c.total_float_ops for c in profile.children if any(p in c.name for p in products)) // 2


@pytest.mark.parametrize(
    ("layer_type", "args", "shape"), MAC_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(MAC_CASES)]
)
def test_macs_equal_tensorflow_profiler(layer_type, args, shape):
    text = json.dumps({"netspec": 1, "name": "m", "input": {"shape": shape}, "layers": [{layer_type: args}]})
    spec = netspec.loads(text)
    assert spec.summary().rows[0].macs == _profiled_macs(spec, shape)


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


# Random valid sequence networks: the 1-D and recurrent rules under the same judge.
_rnn = st.fixed_dictionaries({"units": st.integers(1, 6), "return_sequences": st.just(True)})
_seq_layer = st.one_of(
    _conv.map(lambda a: {"Conv1D": {**a, "kernel_size": a["kernel_size"] if isinstance(a["kernel_size"], int) else 2}}),
    st.fixed_dictionaries(
        {"filters": st.integers(1, 6), "kernel_size": st.integers(1, 4), "depth_multiplier": st.integers(1, 2)}
    ).map(lambda a: {"SeparableConv1D": a}),
    st.fixed_dictionaries({"kernel_size": st.integers(1, 4), "strides": st.integers(1, 2)}).map(
        lambda a: {"DepthwiseConv1D": a}
    ),
    st.fixed_dictionaries(
        {"filters": st.integers(1, 6), "kernel_size": st.integers(1, 4), "strides": st.integers(1, 3)}
    ).map(lambda a: {"Conv1DTranspose": a}),
    st.integers(1, 3).map(lambda p: {"MaxPooling1D": p}),
    st.integers(1, 3).map(lambda p: {"AveragePooling1D": {"pool_size": p, "padding": "same"}}),
    st.lists(st.integers(0, 2), min_size=2, max_size=2).map(lambda p: {"ZeroPadding1D": p}),
    st.integers(1, 2).map(lambda s: {"UpSampling1D": s}),
    st.sampled_from(["LSTM", "GRU", "SimpleRNN"]).flatmap(lambda t: _rnn.map(lambda a: {t: a})),
    _rnn.map(lambda a: {"Bidirectional": {"layer": {"GRU": a}, "merge_mode": "sum"}}),
    st.just({"LayerNormalization": None}),
    st.just({"UnitNormalization": None}),
)
_seq_head = st.sampled_from([[{"GlobalAveragePooling1D": None}], [{"LSTM": 3}], [{"Flatten": None}], []])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(
    shape=st.tuples(st.integers(4, 20), st.integers(1, 5)),
    body=st.lists(_seq_layer, min_size=1, max_size=4),
    head=_seq_head,
)
def test_random_valid_sequence_specs_equal_keras(shape, body, head):
    text = json.dumps({"netspec": 1, "input": {"shape": list(shape)}, "layers": body + head + [{"Dense": 2}]})
    try:
        spec = netspec.loads(text)
    except netspec.SpecError:
        assume(False)
    _assert_matches_keras(spec)


# return_state and initial_state: an encoder whose states (all of them model outputs) start a decoder of its kind.
STATE_CASES = [
    ("SimpleRNN", {"units": 4}, [5, 3]),
    ("LSTM", {"units": 6, "return_sequences": True}, [None, 4]),
    ("GRU", {"units": 5, "reset_after": False}, [7, 3]),
    ("ConvLSTM1D", {"filters": 3, "kernel_size": 3, "padding": "same"}, [4, 8, 2]),
    ("ConvLSTM2D", {"filters": 4, "kernel_size": 3, "strides": 2, "return_sequences": True}, [3, 9, 9, 2]),
    ("ConvLSTM3D", {"filters": 2, "kernel_size": 2}, [2, 4, 4, 4, 1]),
    ("Bidirectional", {"layer": {"LSTM": {"units": 3}}}, [5, 8]),
    ("Bidirectional", {"layer": {"GRU": {"units": 4}}, "merge_mode": "sum"}, [5, 8]),
    ("Bidirectional", {"layer": {"SimpleRNN": {"units": 2, "return_sequences": True}}}, [None, 8]),
]


def _with_state(layer_type, args, returned: bool) -> dict:
    """The arguments with return_state set (on the nested layer of a Bidirectional)."""
    if layer_type == "Bidirectional":
        ((inner, inner_args),) = args["layer"].items()
        return {**args, "layer": {inner: {**inner_args, "return_state": returned}}}
    return {**args, "return_state": returned}


@pytest.mark.parametrize(
    ("layer_type", "args", "shape"), STATE_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(STATE_CASES)]
)
def test_states_and_initial_states_equal_keras(layer_type, args, shape):
    encoder = _with_state(layer_type, args, True)
    ports = CORE[layer_type].ports(CORE[layer_type].with_defaults(encoder))
    refs = [f"enc:{p}" for p in ports]
    text = {
        "netspec": 1,
        "inputs": {"x": {"shape": shape}, "y": {"shape": shape}},
        "layers": [
            {layer_type: encoder, "name": "enc", "inputs": "x"},
            {layer_type: _with_state(layer_type, args, False), "name": "dec", "inputs": ["y", *refs]},
        ],
        "outputs": ["dec", "enc", *refs],
    }
    spec = netspec.loads(json.dumps(text))
    rows = {r.name: r for r in spec.summary().rows}
    assert list(rows["enc"].state_shapes) == list(ports) and not rows["dec"].state_shapes
    assert rows["dec"].params == rows["enc"].params  # the initial state adds no weights
    _assert_matches_keras(spec, imported=True)  # verified() compares every state's shape with Keras'
    data, _ = from_config(build_model(spec).get_config())  # the importer maps output indices back to ports
    assert data["outputs"] == text["outputs"] and data["layers"][-1]["inputs"] == ["y", *refs]
    scope: dict = {}
    exec(compile(eject(spec), "states.py", "exec"), scope)  # unpacks the states, passes initial_state=[...]
    assert scope["build_model"]().count_params() == spec.summary().exact("params")


# The three layers whose rules mirror Keras' argument checks: hypothesis proposes arguments,
# and netspec must refuse exactly what Keras refuses, and agree on the rest, the shape that a
# call on data gives included (MelSpectrogram: netspec also refuses where Keras' declared shape is not).
def _refused(layer_type, args, shape, dtype="float32"):
    try:
        return False, _single(layer_type, args, shape, dtype).summary().rows[0]
    except netspec.SpecError:
        return True, None


def _keras_layer_figures(layer_type, args, shape, dtype="float32", fill=0):
    """(declared shape, trainable, non-trainable, shape of a call on `fill`s), or None if Keras refuses."""
    import keras
    import numpy as np

    try:
        layer = getattr(keras.layers, layer_type)(**args)
        out = layer(keras.Input(shape=tuple(shape), dtype=dtype))
        called = layer(np.full((2, *[d or 50 for d in shape]), fill, dtype=dtype))
    except Exception:  # noqa: BLE001  (Keras refuses in its own ways: ValueError, TF's InvalidArgumentError)
        return None
    sizes = [sum(math.prod(w.shape) for w in ws) for ws in (layer.trainable_weights, layer.non_trainable_weights)]
    return tuple(out.shape)[1:], *sizes, tuple(called.shape)[1:]


def _assert_refuses_as_keras(layer_type, args, shape, dtype="float32", fill=0):
    refused, row = _refused(layer_type, args, shape, dtype)
    keras_figures_ = _keras_layer_figures(layer_type, args, shape, dtype, fill)
    if keras_figures_ is None:
        assert refused, f"netspec accepts what Keras refuses: {args}"
        return
    declared, trainable, non_trainable, called = keras_figures_
    filled = tuple(c if d is None else d for d, c in zip(declared, called, strict=True))
    if refused:
        assert filled != called, f"netspec refuses {args}, which Keras declares and computes as {declared}"
        return
    assert (row.output_shape, row.trainable, row.non_trainable) == (declared, trainable, non_trainable), args
    assert filled == called, f"Keras declares {declared} but computes {called} for {args}"


_settings = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(
    vocabulary=st.lists(st.integers(-2, 6), min_size=1, max_size=5),
    mode=st.sampled_from(["int", "one_hot", "multi_hot", "count", "tf_idf"]),
    oov=st.integers(0, 3),
    mask=st.sampled_from([None, 0, 6]),
    invert=st.booleans(),
    max_tokens=st.sampled_from([None, 2, 6]),
    pad=st.booleans(),
    shape=st.sampled_from([[1], [3], [2, 3]]),
)
def test_integer_lookup_refuses_and_sizes_as_keras(vocabulary, mode, oov, mask, invert, max_tokens, pad, shape):
    args = {"vocabulary": vocabulary, "output_mode": mode, "num_oov_indices": oov, "mask_token": mask}
    args |= {"invert": invert, "max_tokens": max_tokens, "pad_to_max_tokens": pad}
    if mode == "tf_idf":
        args["idf_weights"] = [1.0] * len(vocabulary)
    # called on a term of the vocabulary (an unknown one is an error without OOV indices), or on index 0
    _assert_refuses_as_keras("IntegerLookup", args, shape, "int32", fill=0 if invert else vocabulary[-1])


@_settings
@given(
    length=st.integers(1, 24),
    step=st.one_of(st.none(), st.integers(1, 24)),
    fft=st.one_of(st.none(), st.integers(1, 40)),
    mode=st.sampled_from(["log", "magnitude", "psd", "real", "imag", "angle", "stft"]),
    padding=st.sampled_from(["valid", "same"]),
    expand_dims=st.booleans(),
    trainable=st.booleans(),
    shape=st.tuples(st.one_of(st.none(), st.integers(1, 60)), st.integers(1, 3)),
)
def test_stft_spectrogram_refuses_and_sizes_as_keras(length, step, fft, mode, padding, expand_dims, trainable, shape):
    args = {"frame_length": length, "frame_step": step, "fft_length": fft, "mode": mode, "padding": padding}
    args |= {"expand_dims": expand_dims, "trainable": trainable}
    _assert_refuses_as_keras("STFTSpectrogram", args, list(shape))


@_settings
@given(
    fft=st.integers(2, 64),
    stride=st.integers(1, 32),
    sequence=st.one_of(st.none(), st.integers(1, 64)),
    bins=st.integers(1, 16),
    time=st.one_of(st.none(), st.integers(1, 200)),
)
def test_mel_spectrogram_refuses_and_sizes_as_keras(fft, stride, sequence, bins, time):
    args = {"fft_length": fft, "sequence_stride": stride, "sequence_length": sequence, "num_mel_bins": bins}
    _assert_refuses_as_keras("MelSpectrogram", args | {"sampling_rate": 8000}, [time])
