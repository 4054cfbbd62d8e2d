"""`scales:` and `--scale`: one spec, many sizes of a network, each equal to Keras Applications' count."""

from __future__ import annotations

import json

import pytest

from conftest import SPECS, assert_clean_failure, run_netspec

# keras.applications.EfficientNetB0...B7(weights=None), MobileNetV2(alpha=..., weights=None) and
# DenseNet121/169/201(weights=None).count_params(), as Keras 3.15 computes them (the issue lists the same figures).
KERAS_COUNTS = {
    "efficientnet": {
        "b0": 5_330_571,
        "b1": 7_856_239,
        "b2": 9_177_569,
        "b3": 12_320_535,
        "b4": 19_466_823,
        "b5": 30_562_527,
        "b6": 43_265_143,
        "b7": 66_658_687,
    },
    "mobilenet_v2": {
        "alpha035": 1_691_208,
        "alpha050": 1_987_224,
        "alpha075": 2_663_064,
        "alpha100": 3_538_984,
        "alpha130": 5_431_048,
        "alpha140": 6_156_712,
    },
    "densenet": {
        "d121": 8_062_504,
        "d169": 14_307_880,
        "d201": 20_242_984,
    },
}
RESOLUTION = {"b0": 224, "b1": 240, "b2": 260, "b3": 300, "b4": 380, "b5": 456, "b6": 528, "b7": 600}

SCALED = """netspec: 1
scales:
  small: {w: 4}
  large: {w: 16, res: 12}
vars: {w: 8, res: 8}
input: {shape: ["${res}", "${res}", 3]}
layers:
  - Conv2D: {filters: "${w}", kernel_size: 3}
  - GlobalAveragePooling2D
"""


@pytest.mark.parametrize("name", sorted(KERAS_COUNTS))
def test_every_scale_has_keras_count_statically(name):
    result = run_netspec("summary", SPECS / f"{name}.yaml", "--scale", "all", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["scale"]: r["params"] for r in rows} == KERAS_COUNTS[name]
    assert all(r["macs"] > 0 and r["activation_bytes"] > 0 for r in rows)
    if name == "efficientnet":
        assert [r["input"] for r in rows] == [f"{n}×{n}×3" for n in RESOLUTION.values()]


def test_scale_all_prints_one_row_per_scale(tmp_path):
    (tmp_path / "s.yaml").write_text(SCALED)
    result = run_netspec("summary", "s.yaml", "--scale", "all", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Scale  Input    Layers  Parameters     MACs  Activations",
        "--------------------------------------------------------",
        "small  8×8×3         2         112   3.89 k        592 B",  # 6×6×4 outputs × 27 MACs; (144 + 4) × 4 B
        "large  12×12×3       2         448  43.20 k      6.3 KiB",
    ]


def test_scale_reaches_every_command_and_changes_the_resolution(tmp_path):
    (tmp_path / "s.yaml").write_text(SCALED)
    expanded = run_netspec("expand", "s.yaml", "--scale", "large", cwd=tmp_path)
    assert expanded.returncode == 0, expanded.stderr
    assert "input: {shape: [12, 12, 3]" in expanded.stdout and "filters: 16" in expanded.stdout
    valid = run_netspec("validate", "s.yaml", "--scale", "small", cwd=tmp_path)
    assert valid.returncode == 0 and valid.stdout == "1 of 1 spec valid\n"
    default = run_netspec("summary", "s.yaml", "--format", "json", cwd=tmp_path)
    assert json.loads(default.stdout)["totals"]["params"] == 8 * 27 + 8  # the vars as written


def test_unknown_scale_is_a_usage_error_and_a_bad_default_is_located(tmp_path):
    (tmp_path / "s.yaml").write_text(SCALED)
    result = run_netspec("summary", "s.yaml", "--scale", "smal", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert result.stderr == (
        "netspec: error: --scale 'smal' is not one of the spec's scales (small, large). Did you mean 'small'?\n"
    )
    (tmp_path / "d.yaml").write_text(SCALED + "scale: huge\n")
    result = run_netspec("validate", "d.yaml", cwd=tmp_path)
    assert_clean_failure(result, 1)
    assert result.stderr.splitlines()[0] == "d.yaml:10:8: scale 'huge' is not one of the spec's scales (small, large)"
    (tmp_path / "v.yaml").write_text(SCALED.replace("small: {w: 4}", "small: {width: 4}"))
    result = run_netspec("validate", "v.yaml", "--scale", "small", cwd=tmp_path)
    assert result.stderr.splitlines()[0] == "v.yaml:3:11: scale 'small' sets 'width', which is not a var."
    result = run_netspec("summary", SPECS / "lenet5.yaml", "--scale", "all")
    assert_clean_failure(result, 2)
    assert result.stderr == f"netspec: error: --scale all: {SPECS / 'lenet5.yaml'} has no scales:\n"


@pytest.mark.keras
def test_a_width_multiplier_is_the_keras_application():
    """MobileNetV2(alpha=0.35) layer for layer: the scale changes every width as Keras rounds it."""
    from test_import import assert_same_model, keras

    import netspec
    from netspec.keras_build import build_model

    ours = build_model(netspec.load(SPECS / "mobilenet_v2.yaml", scale="alpha035"))
    assert_same_model(ours, keras().applications.MobileNetV2(alpha=0.35, weights=None))


@pytest.mark.keras
@pytest.mark.parametrize("scale", ["d169"])
def test_a_depth_scale_is_the_keras_application(scale):
    """DenseNet169 layer for layer (DenseNet121, the default scale, is in test_zoo; DenseNet201 differs from
    DenseNet169 only in the depth of its third stage, and its count is checked statically above)."""
    from test_import import assert_same_model, keras

    import netspec
    from netspec.keras_build import build_model

    ours = build_model(netspec.load(SPECS / "densenet.yaml", scale=scale))
    assert_same_model(ours, getattr(keras().applications, f"DenseNet{scale[1:]}")(weights=None))
