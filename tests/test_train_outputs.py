"""What a run leaves behind: TensorBoard logs that TensorBoard's own reader understands, and the model
even when an optional picture cannot be drawn."""

from __future__ import annotations

import json

import pytest
from train_fixtures import TINY

from conftest import ROOT, run_netspec

pytestmark = pytest.mark.training
ARGS = ("--cpu", "--limit", "64", "--seed", "1", "--run-dir", "run")


def _scalars(folder):
    """{tag: {step: value}} of every scalar in an event folder, read by TensorBoard's EventAccumulator."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util.tensor_util import make_ndarray

    reader = EventAccumulator(str(folder))
    reader.Reload()
    out = {}
    for tag in reader.Tags()["tensors"]:
        out[tag] = {event.step: float(make_ndarray(event.tensor_proto)) for event in reader.Tensors(tag)}
    for tag in reader.Tags()["scalars"]:
        out[tag] = {event.step: event.value for event in reader.Scalars(tag)}
    return out


def test_tensorboard_reads_every_epoch_metric_of_the_run(tmp_path):
    result = run_netspec("train", TINY, *ARGS, "--epochs", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "TensorBoard: tensorboard --logdir run/tensorboard\n" in result.stdout
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert [record["epoch"] for record in history] == [1, 2, 3]
    accuracy = json.loads((tmp_path / "run" / "eval.json").read_text())["accuracy"]
    note = (
        "note: --data synthetic is 10 random class patterns plus noise; chance accuracy is 10.0%. "
        f"After 3 epoch(s) this run's {100 * accuracy:.1f}% is "
    )
    assert note in result.stdout  # the run says what its accuracy means
    train = _scalars(tmp_path / "run" / "tensorboard" / "train")
    validation = _scalars(tmp_path / "run" / "tensorboard" / "validation")
    metrics = [key for key in history[0] if key not in ("epoch", "seconds", "images_per_second")]  # netspec's own
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"} <= set(metrics)
    for key in metrics:
        split, tag = (validation, key[4:]) if key.startswith("val_") else (train, key)
        logged = split[f"epoch_{tag}"]
        assert sorted(logged) == [0, 1, 2], key
        for record in history:
            assert logged[record["epoch"] - 1] == pytest.approx(record[key], rel=1e-5), (key, record)


def test_a_picture_that_cannot_be_drawn_is_a_warning_and_the_model_is_kept(tmp_path):
    broken = tmp_path / "shadow" / "matplotlib"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('matplotlib cannot be imported here')\n")
    env = {"PYTHONPATH": f"{tmp_path / 'shadow'}:{ROOT}"}
    result = run_netspec("train", TINY, *ARGS, "--epochs", "1", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    run = tmp_path / "run"
    assert (run / "model.keras").is_file() and (run / "eval.json").is_file()
    assert (run / "checkpoints" / "last.keras").is_file()
    assert not (run / "curves.png").exists()
    warning = "warning: curves.png not written (ImportError: matplotlib cannot be imported here); "
    assert warning + "the model and metrics are saved\n" in result.stdout
    assert f"Wrote {run.name}/ (model.keras, eval.json, metrics.csv, checkpoints/).\n" in result.stdout
