"""The model library: every spec matches its published parameter count, statically and in Keras,
and docs/zoo.md is the table `netspec zoo` computes."""

from __future__ import annotations

import math

import pytest
from test_import import assert_same_model, keras_app, library_model

import netspec
from netspec.zoo import DOC

from conftest import SPECS, run_netspec

# Published totals (trainable, non-trainable): the papers' tables, torchvision and Keras Applications.
PUBLISHED = {
    "lenet5": (61_706, 0),  # LeCun et al. 1998, simplified C3 as textbooks count it
    "alexnet": (61_100_840, 0),  # torchvision.models.alexnet
    "vgg16": (138_357_544, 0),  # keras.applications.VGG16
    "resnet50": (25_583_592, 53_120),  # keras.applications.ResNet50: 25,636,712
    "mobilenet_v2": (3_504_872, 34_112),  # keras.applications.MobileNetV2 (1.0, 224): 3,538,984
    "resnet20_cifar": (272_474, 1_568),  # He et al. 2016: 0.27M
    "cifar_deep15": (1_071_542, 0),  # the article's model.summary()
    "efficientnet": (5_288_548, 42_023),  # keras.applications.EfficientNetB0 (its default scale): 5,330,571
    "densenet": (7_978_856, 83_648),  # keras.applications.DenseNet121 (its default scale): 8,062,504
    "inception_v3": (23_817_352, 34_432),  # keras.applications.InceptionV3: 23,851,784
    "xception": (22_855_952, 54_528),  # keras.applications.Xception: 22,910,480
}
KERAS_APPLICATIONS = {
    "vgg16": "VGG16",
    "resnet50": "ResNet50",
    "mobilenet_v2": "MobileNetV2",
    "efficientnet": "EfficientNetB0",
    "densenet": "DenseNet121",
    "inception_v3": "InceptionV3",
    "xception": "Xception",
}


def test_zoo_doc_is_current(tmp_path):
    result = run_netspec("zoo", "-o", tmp_path / "zoo.md")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Wrote {tmp_path / 'zoo.md'}\n"
    assert (tmp_path / "zoo.md").read_text() == DOC.read_text(), "run: netspec zoo -o docs/zoo.md"
    printed = run_netspec("zoo")
    assert printed.stdout == DOC.read_text()


def test_zoo_lists_every_spec_with_its_figures():
    text = DOC.read_text()
    for path in SPECS.glob("*.yaml"):
        assert f"| [{netspec.load(path).name}](../specs/{path.name}) |" in text
    assert "| [resnet50](../specs/resnet50.yaml) | 224×224×3 | 176 | 25,636,712 (25,583,592) | 3.86 G |" in text
    assert "| [lenet5](../specs/lenet5.yaml) | 32×32×1 | 8 | 61,706 | 416.52 k |" in text


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_static_count_is_the_published_one(name):
    analysis = netspec.load(SPECS / f"{name}.yaml").summary()
    assert analysis.dynamic == []
    assert (analysis.total("trainable"), analysis.total("non_trainable")) == PUBLISHED[name]


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_library_spec_has_a_source_and_a_train_section(name):
    spec = netspec.load(SPECS / f"{name}.yaml")
    assert spec.train["epochs"] >= 1 and spec.train["batch_size"] >= 1
    assert spec.flat.description
    assert (SPECS / f"{name}.yaml").read_text().startswith("# ")


@pytest.mark.keras
@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_keras_agrees_layer_for_layer(name):
    """What `netspec build` checks: every layer's static shape and counts equal Keras' (else NetspecBug)."""
    from netspec.keras_build import verified

    model = library_model(name)
    verified(netspec.load(SPECS / f"{name}.yaml").summary(), model)
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    assert (trainable, model.count_params() - trainable) == PUBLISHED[name]


@pytest.mark.keras
@pytest.mark.parametrize("name", sorted(KERAS_APPLICATIONS))
def test_spec_is_the_keras_application(name):
    """Layer for layer: types, configs, connections, output shapes and weight counts."""
    assert_same_model(library_model(name), keras_app(KERAS_APPLICATIONS[name]))
