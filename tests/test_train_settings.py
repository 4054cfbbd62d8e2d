"""The train: settings table and what is generated from it; schedules, precision choice, checks before TensorFlow."""

from __future__ import annotations

import inspect
import json
import math
import re

import pytest

from netspec.compiler import train_schema
from netspec.problems import UsageError
from netspec.train import precision
from netspec.train.settings import Settings, resolve

from conftest import assert_clean_failure, run_netspec

SPEC = """\
netspec: 1
name: t
input: {shape: [4]}
layers:
  - Dense: {units: 3, activation: softmax}
train:
  TRAIN
"""


def write_spec(tmp_path, train_line: str):
    path = tmp_path / "t.yaml"
    path.write_text(SPEC.replace("TRAIN", train_line))
    return path


def test_schema_and_train_options_come_from_the_table():
    in_spec = [s.name for s in train_schema.SETTINGS if s.in_spec]
    assert list(train_schema.TRAIN_SCHEMA["properties"]) == in_spec
    for s in train_schema.SETTINGS:
        if s.in_spec and s.default is not None:
            assert train_schema.TRAIN_SCHEMA["properties"][s.name]["default"] == s.default
    helped = run_netspec("train", "--help", env={"COLUMNS": "200"})
    assert helped.returncode == 0, helped.stderr
    flags = re.findall(r"(--[a-z-]+)", helped.stdout)
    assert {s.flag for s in train_schema.flagged()} <= set(flags)
    assert [s.name for s in train_schema.SETTINGS if s.resumable] == ["epochs"]


def test_one_monitor_default_everywhere():
    assert train_schema.default("checkpoint", "monitor") == train_schema.MONITOR == "val_loss"
    assert train_schema.default("early_stopping", "monitor") == train_schema.MONITOR


def test_resolve_takes_the_command_line_over_the_spec_over_the_table():
    chosen = resolve({"epochs": 4, "batch_size": 8}, 10, {"epochs": 6, "seed": 5})
    assert (chosen.epochs, chosen.batch_size, chosen.seed, chosen.dataset) == (6, 8, 5, "synthetic")
    assert chosen.precision == "auto" and chosen.checkpoint == {} and chosen.metrics == ["accuracy"]
    assert set(Settings.__dataclass_fields__) == {s.name for s in train_schema.SETTINGS} | {
        "num_classes",
        "precision_reason",
    }


@pytest.mark.keras
def test_the_optimizer_argument_table_is_keras_own():
    from netspec.tf_env import import_keras

    keras = import_keras()
    for name, args in train_schema.OPTIMIZER_ARGS.items():
        parameters = inspect.signature(getattr(keras.optimizers, name).__init__).parameters
        assert sorted(args) == sorted(p for p in parameters if p not in ("self", "kwargs")), name


@pytest.mark.parametrize(
    "line, message",
    [
        ("optimizer: {Adam: {learnin_rate: 1e-3}}", "7:22: 'train.optimizer.Adam' has no key 'learnin_rate'. Did you mean 'learning_rate'?"),
        ("optimizer: {Adam: {learning_rate: fast}}", "7:37: 'train.optimizer.Adam.learning_rate': expected a number; received 'fast' (a string)"),
        ("seed: 4294967296", "7:9: 'train.seed' must be ≤ 4294967295; received 4294967296"),
        ("loss: mse", "7:9: 'train.loss': expected one of categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy, mean_squared_error, mean_absolute_error, huber; received 'mse' (a string)"),
    ],
)  # fmt: skip
def test_train_settings_are_checked_at_their_line_before_tensorflow(tmp_path, line, message):
    path = write_spec(tmp_path, line)
    result = run_netspec("train", path, "--cpu", cwd=tmp_path)
    assert_clean_failure(result, 1)
    assert result.stderr == f"{path}:{message}\n"
    assert not (tmp_path / "runs").exists()


def test_a_seed_beyond_32_bits_or_an_unknown_precision_on_the_command_line_is_a_usage_error(tmp_path):
    path = write_spec(tmp_path, "epochs: 1")
    result = run_netspec("train", path, "--seed", str(2**32), cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert "4294967296 is not in the range 0<=x<=4294967295" in result.stderr
    result = run_netspec("train", path, "--precision", "fast", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert (
        result.stderr == "netspec: error: Invalid value for '--precision': 'fast' is not one of 'auto', 'float32', "
        "'mixed_float16', 'mixed_bfloat16' (see `netspec train -h`)\n"
    )


@pytest.mark.keras
def test_keras_refusing_an_optimizer_argument_is_a_located_error_not_a_bug(tmp_path):
    path = write_spec(tmp_path, "optimizer: {SGD: {momentum: -1}}")
    result = run_netspec("train", path, "--cpu", "--limit", "8", cwd=tmp_path)
    assert_clean_failure(result, 1)
    assert result.stderr.startswith(f"{path}:7:14: 'train.optimizer': Keras' SGD refuses these arguments: ")


def test_auto_precision_follows_the_hardware(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 avx512f avx512_bf16\n\nprocessor\t: 1\n")
    assert precision.cpu_bf16_flags(cpuinfo) == ["avx512_bf16"]
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 fma\n")
    assert precision.cpu_bf16_flags(cpuinfo) == []
    assert precision.cpu_bf16_flags(tmp_path / "absent") == []
    assert precision.choose("auto", [], ["avx512_bf16"])[0] == "mixed_bfloat16"
    assert precision.choose("auto", [], [])[0] == "float32"
    assert precision.choose("auto", [(9, 0)], [])[0] == "mixed_bfloat16"
    assert precision.choose("auto", [(7, 5)], ["avx512_bf16"])[0] == "mixed_float16"
    assert precision.choose("auto", [(8, 0), (6, 1)], [])[0] == "float32"  # the weakest card decides
    assert precision.choose("float32", [(9, 0)], ["amx_bf16"]) == ("float32", "as asked")
    assert precision.choose("auto", [], ["avx512_bf16"], cpu_workers=True)[0] == "float32"  # no bf16 collectives
    with pytest.raises(UsageError, match="cannot all-reduce bfloat16"):
        precision.choose("mixed_bfloat16", [], ["avx512_bf16"], cpu_workers=True)


def formula(k: int, base: float, schedule: dict, steps: int, epochs: int) -> float:
    """docs/training.md's schedule formula, written out independently of netspec's Keras schedule."""
    t, warmup = k / steps, schedule.get("warmup_epochs", 0)
    if t < warmup:
        return base * (k + 1) / (warmup * steps)
    if schedule["type"] == "step":
        passed = (
            sum(t >= m for m in schedule["milestones"])
            if "milestones" in schedule
            else math.floor(t / schedule["step_epochs"])
        )
        return base * schedule.get("gamma", 0.1) ** passed
    low = schedule.get("min_learning_rate", 0)
    return low + (base - low) * (1 + math.cos(math.pi * min(1, (t - warmup) / max(epochs - warmup, 1)))) / 2


@pytest.mark.keras
@pytest.mark.parametrize(
    "schedule",
    [
        {"type": "step", "step_epochs": 2, "gamma": 0.5},
        {"type": "step", "milestones": [3, 5], "gamma": 0.1, "warmup_epochs": 1},
        {"type": "cosine", "min_learning_rate": 0.001, "warmup_epochs": 2},
    ],
)
def test_schedule_per_step_equals_the_formula_and_is_restored_with_the_optimizer(tmp_path, schedule):
    import numpy as np

    from netspec.tf_env import import_keras
    from netspec.train import modelfile, optim

    keras = import_keras()
    steps, epochs, base = 4, 8, 0.1
    settings = resolve({"optimizer": {"SGD": {"learning_rate": base}}, "schedule": schedule, "epochs": epochs}, 3, {})
    optimizer = optim.make_optimizer(keras, settings, steps)
    rates = [float(keras.ops.convert_to_numpy(optimizer._learning_rate(k))) for k in range(steps * epochs)]
    assert rates == pytest.approx([formula(k, base, schedule, steps, epochs) for k in range(steps * epochs)], rel=1e-6)

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(np.ones((steps * 4, 4)), np.ones((steps * 4, 3)), batch_size=4, epochs=3, verbose=0)
    modelfile.save(model, tmp_path / "m.keras", {})
    restored = modelfile.load(keras, tmp_path / "m.keras").optimizer
    assert int(restored.iterations.numpy()) == 3 * steps
    assert optim.last_rate(keras, restored) == pytest.approx(formula(3 * steps - 1, base, schedule, steps, epochs))
    assert float(keras.ops.convert_to_numpy(restored.learning_rate)) == pytest.approx(
        formula(3 * steps, base, schedule, steps, epochs)
    )


def test_run_json_shows_nothing_but_the_settings_table_fields():
    assert json.loads(json.dumps(resolve({}, 10, {}).to_dict()))["checkpoint"] == {}


def test_pictures_have_whole_epoch_ticks_and_no_offset_notation():
    from netspec.train import compare, curves
    from netspec.train.runs import Run

    history = [
        {"epoch": 1, "loss": 2.30212, "val_loss": 2.30231, "accuracy": 0.1, "val_accuracy": 0.125},
        {"epoch": 2, "loss": 2.30244, "val_loss": 2.30262, "accuracy": 0.1125, "val_accuracy": 0.1},
    ]
    run = Run("r", "s", "", 2, 2, "val_loss", 2.30231, None, "float32", "CPU", "finished", {}, history)
    for drawn in (curves.figure(history), compare.figure([run, run], ["a", "b"])):
        drawn.canvas.draw()
        for axes in drawn.axes:
            ticks = [t.get_text() for t in axes.get_xticklabels() if t.get_text()]
            assert ticks and all(text.lstrip("−-").isdigit() for text in ticks), ticks
            assert axes.xaxis.get_offset_text().get_text() == axes.yaxis.get_offset_text().get_text() == ""


@pytest.mark.keras
@pytest.mark.training
def test_evaluate_uses_the_loss_and_metrics_the_run_trained_with(tmp_path):
    from train_fixtures import TINY

    args = ("--cpu", "--limit", "32", "--epochs", "1", "--seed", "2", "--run-dir", "run")
    trained = run_netspec("train", TINY, *args, "--set", "train.loss=mean_squared_error", cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    recorded = json.loads((tmp_path / "run" / "eval.json").read_text())
    assert recorded["loss_function"] == "mean_squared_error" and recorded["loss"] < 0.2  # cross-entropy: about 2.3
    again = run_netspec("evaluate", "run", "--json", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    measured = json.loads(again.stdout)
    assert measured["loss_function"] == "mean_squared_error"
    assert measured["loss"] == pytest.approx(recorded["loss"], rel=1e-5)
    assert measured["metrics"] == pytest.approx(recorded["metrics"])
    listed = run_netspec("runs", ".", "--format", "markdown", cwd=tmp_path)
    assert listed.stdout.splitlines()[0] == (
        "| run | spec | started | epochs | best | test accuracy | precision | device | status |"
    )
    assert listed.stdout.splitlines()[2].startswith("| run | tiny | ") and listed.stdout.endswith(" | finished |\n")
