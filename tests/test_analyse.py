"""Analyse stage: figures a user reads in the table, without TensorFlow."""

from __future__ import annotations

import pytest

import netspec
from netspec.compiler.limits import training_memory
from netspec.layers import CORE

ARTICLE = "specs/cifar_deep15.yaml"


@pytest.fixture(scope="module")
def article(request):
    return netspec.load(request.config.rootpath / ARTICLE).summary()


def test_article_totals(article):
    assert article.total("trainable") == 1_071_542
    assert article.total("non_trainable") == 0
    assert len(article.rows) == 41


def test_macs_are_derived_per_layer(article):
    first = article.rows[0]
    assert first.macs == 32 * 32 * 32 * 3 * 3 * 3  # output pixels x filters x kernel x input channels
    dense = next(r for r in article.rows if r.name == "dense_1")
    assert dense.macs == 128 * 500


def test_training_memory_estimate_is_the_sum_of_its_parts(article):
    mem = training_memory(article, 32)
    params = 1_071_542
    assert mem["weights"] == mem["gradients"] == 4 * params
    assert mem["optimizer"] == 2 * 4 * params  # Adam keeps two slots per weight
    activations = sum(r.activations for r in article.rows) + 32 * 32 * 3
    assert mem["activations"] == 32 * 4 * activations
    assert mem["total"] == sum(v for k, v in mem.items() if k != "total")


def test_parameter_count_is_the_sum_of_weight_shapes():
    bn = CORE["BatchNormalization"]
    weights = bn.weights(bn.with_defaults({}), [(4, 4, 8)])
    assert {k: (w.shape, w.trainable) for k, w in weights.items()} == {
        "gamma": ((8,), True),
        "beta": ((8,), True),
        "moving_mean": ((8,), False),
        "moving_variance": ((8,), False),
    }


def test_unknown_dimensions_propagate():
    spec = netspec.loads(
        "netspec: 1\ninput: {shape: [null, 3]}\nlayers:\n  - Conv1D: {filters: 2, kernel_size: 3}\n"
        "  - GlobalMaxPooling1D\n"
    )
    assert [r.output_shape for r in spec.summary().rows] == [(None, 2), (2,)]
