"""Every command of docs/tutorial.md, run as written on a small CIFAR-10 tarball in the real format."""

from __future__ import annotations

import json
import re
import shlex
import shutil

import numpy as np
import pytest
from train_fixtures import write_cifar10_tarball

from netspec.train import precision

from conftest import ROOT, SPECS, run_netspec

pytestmark = [pytest.mark.keras, pytest.mark.training]

TUTORIAL = ROOT / "docs" / "tutorial.md"


def commands() -> list[str]:
    blocks = re.findall(r"```console\n(.*?)```", TUTORIAL.read_text(), re.S)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def test_tutorial_lists_the_walk_through():
    names = [shlex.split(c)[1] for c in commands()]
    assert names == [
        "summary", "build", "diagram", "augment-preview", "devices", "train", "train", "train", "evaluate", "predict",
        "train", "runs", "compare", "export", "predict",
    ]  # fmt: skip


def test_every_tutorial_command_runs(tmp_path):
    from PIL import Image

    (tmp_path / "specs").mkdir()
    shutil.copy(SPECS / "cifar_deep15.yaml", tmp_path / "specs")
    write_cifar10_tarball(tmp_path / "cifar-10-python.tar.gz", per_batch=8)
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (48, 40, 3), dtype=np.uint8)).save(tmp_path / "cat.png")
    outputs = {}
    for command in commands():
        argv = shlex.split(command)
        assert argv[0] == "netspec"
        result = run_netspec(*argv[1:], cwd=tmp_path)
        outputs[command] = result
        if "--gpu" in argv:  # this machine has no GPU: the documented refusal
            assert result.returncode == 2, (command, result.stderr)
            assert result.stderr == "netspec: error: --gpu 0: no GPU 0; TensorFlow sees: CPU:0 (no GPU)\n"
            assert not (tmp_path / "runs").exists()
            continue
        assert result.returncode == 0, (command, result.stdout, result.stderr)

    assert "Total params: 1,071,542" in outputs["netspec summary specs/cifar_deep15.yaml"].stdout
    assert (tmp_path / "cifar_deep15.svg").is_file()
    with Image.open(tmp_path / "augment.png") as grid:  # 6 rows of 1 + 7 images, 32 px shown 4x, 2 px gaps
        assert grid.size == (8 * (32 * 4 + 2) + 2, 6 * (32 * 4 + 2) + 2)
    assert outputs["netspec devices"].stdout.startswith("CPU:0\n")
    run = tmp_path / "runs" / "first"
    assert {p.name for p in run.iterdir()} == {
        "spec.yaml", "command.txt", "versions.json", "run.json", "history.json", "metrics.csv",
        "tensorboard", "checkpoints", "model.keras", "curves.png", "eval.json",
    }  # fmt: skip
    command = "netspec train specs/cifar_deep15.yaml --cpu --data cifar-10-python.tar.gz --epochs 2 --limit 2000"
    assert (run / "command.txt").read_text() == command + " --run-dir runs/first\n"
    settings = json.loads((run / "run.json").read_text())["settings"]
    assert (settings["batch_size"], settings["epochs"], settings["rescale"]) == (32, 3, 1 / 255)
    auto = precision.choose("auto", [], precision.cpu_bf16_flags())
    assert settings["optimizer"] == {"Adam": {"learning_rate": 1e-4}}
    assert (settings["precision"], settings["precision_reason"]) == auto
    assert len(list((run / "tensorboard" / "train").glob("events.out.tfevents.*"))) == 2  # one per process
    history = json.loads((run / "history.json").read_text())
    assert [r["epoch"] for r in history] == [1, 2, 3]
    assert [int(row.split(",")[0]) for row in (run / "metrics.csv").read_text().splitlines()[1:]] == [1, 2, 3]
    evaluation = json.loads((run / "eval.json").read_text())
    assert evaluation["examples"] == 8 and [c["class"] for c in evaluation["per_class"]][:2] == [
        "airplane",
        "automobile",
    ]
    assert abs(evaluation["loss"] - history[-1]["val_loss"]) < 1e-4  # eval.json agrees with Keras' own val_loss
    first = outputs[[c for c in outputs if c.endswith("--run-dir runs/first")][0]].stdout
    assert first.startswith(
        f"device: CPU\nprecision: {auto[0]} ({auto[1]})\n"
        "data: cifar-10-python.tar.gz, first 40 examples: 40 train, 8 validation"
    )
    evaluated = outputs["netspec evaluate runs/first"].stdout.splitlines()
    assert (
        evaluated[0]
        == f"test loss {evaluation['loss']:.4f}  accuracy {100 * evaluation['accuracy']:.1f}%  (8 examples)"
    )
    predicted = outputs["netspec predict runs/first/model.keras cat.png"].stdout
    assert predicted.startswith("cat.png: ") and predicted.count("%") == 3
    listed = outputs["netspec runs"].stdout.splitlines()
    assert listed[0].split()[:3] == ["run", "spec", "started"]
    assert [(row.split()[0], row.split()[1], row.split()[4], row.split()[-1]) for row in listed[1:]] == [
        ("runs/faster", "cifar_deep15", "3/3", "finished"),
        ("runs/first", "cifar_deep15", "3/3", "finished"),
    ]
    compared = outputs["netspec compare runs/first runs/faster -o compare.png"].stdout.splitlines()
    assert compared[0].split() == ["runs/first", "runs/faster"]
    assert compared[1].split() == ["optimizer", "Adam:", "learning_rate:", "0.0001", "Adam:", "learning_rate:", "0.001"]
    with Image.open(tmp_path / "compare.png") as picture:
        assert picture.size == (1200, 400)
    exported = outputs["netspec export runs/first --format onnx -o cifar_deep15.onnx"].stdout.splitlines()
    assert (
        exported[0]
        == "input: float32 [N, 32, 32, 3], raw values 0..255; the model applies train.rescale = 0.00392157 itself"
    )
    assert exported[3].startswith(
        "  parity: largest |ONNX Runtime - Keras| over 8 test images of cifar-10-python.tar.gz: "
    )
    # the export predicts what Keras does: the same probabilities, to rounding (a run trained in mixed
    # precision is exported in float32, so near-equal classes of this short run may swap places)
    through_onnx = top_classes(outputs["netspec predict cifar_deep15.onnx cat.png"].stdout)
    through_keras = top_classes(predicted)
    assert next(iter(through_onnx)) in through_keras
    for name in set(through_onnx) & set(through_keras):
        assert abs(through_onnx[name] - through_keras[name]) <= 0.3, (through_onnx, through_keras)


def top_classes(line: str) -> dict:
    """`cat.png: dog 10.1%, ship 10.0%, ...` as {class: percent}, best first."""
    ranked = line.strip().split(": ", 1)[1].split(", ")
    return {name: float(percent.rstrip("%")) for name, percent in (item.rsplit(" ", 1) for item in ranked)}
