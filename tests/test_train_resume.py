"""Exact resume of the article network (Dropout and augmentation), run folders listed and compared, tampered folders.

With a fixed seed on the CPU, a 1-epoch run extended by `--resume RUN --epochs 3`, killed with
SIGKILL during epoch 2 and resumed again writes the metrics.csv of the uninterrupted 3-epoch run.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import signal
import time
import zipfile

import pytest
from train_fixtures import popen_netspec, write_cifar10_tarball

from conftest import SPECS, assert_clean_failure, run_netspec

pytestmark = [pytest.mark.keras, pytest.mark.training]

ARTICLE = SPECS / "cifar_deep15.yaml"
SCHEDULE = "train.schedule={type: step, milestones: [2], gamma: 0.5, warmup_epochs: 1}"  # a position to restore
ARGS = ("--cpu", "--data", "cifar.tar.gz", "--limit", "32", "--batch-size", "8", "--seed", "3", "--set", SCHEDULE)
TIMING = ("seconds", "images_per_second")


def metrics(run) -> list[dict]:
    """metrics.csv, every column but the timings."""
    rows = csv.DictReader(io.StringIO((run / "metrics.csv").read_text()))
    return [{k: v for k, v in row.items() if k not in TIMING} for row in rows]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    where = tmp_path_factory.mktemp("article")
    write_cifar10_tarball(where / "cifar.tar.gz", per_batch=8)
    whole = run_netspec("train", ARTICLE, *ARGS, "--epochs", "3", "--run-dir", "whole", cwd=where)
    assert whole.returncode == 0, whole.stderr
    return where


def listed(where) -> dict:
    result = run_netspec("runs", ".", "--format", "json", cwd=where)
    assert result.returncode == 0, result.stderr
    return {row["path"]: row for row in json.loads(result.stdout)}


def test_extended_killed_and_resumed_run_equals_the_uninterrupted_run(runs):
    where = runs
    whole = metrics(where / "whole")
    assert [row["epoch"] for row in whole] == ["1", "2", "3"] and "val_accuracy" in whole[0]
    short = run_netspec("train", ARTICLE, *ARGS, "--epochs", "1", "--run-dir", "short", cwd=where)
    assert short.returncode == 0, short.stderr
    assert metrics(where / "short") == whole[:1]

    extended = popen_netspec("train", "--resume", "short", "--epochs", "3", cwd=where)
    for line in extended.stdout:  # printed just before fit() starts epoch 2
        if line.startswith("run directory:"):
            break
    time.sleep(1.0)
    extended.send_signal(signal.SIGKILL)
    extended.communicate(timeout=60)
    assert len(metrics(where / "short")) == 1, "the kill came after epoch 2 was recorded"
    assert listed(where)["short"]["status"] == "crashed"

    resumed = run_netspec("train", "--resume", "short", cwd=where)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming short after epoch 1" in resumed.stdout
    assert metrics(where / "short") == whole  # loss, accuracy, validation, learning rate: metric for metric

    rows = listed(where)
    assert {k: rows["short"][k] for k in ("spec", "epochs_done", "epochs_total", "status", "monitor")} == {
        "spec": "cifar_deep15",
        "epochs_done": 3,
        "epochs_total": 3,
        "status": "finished",
        "monitor": "val_loss",
    }
    assert rows["short"]["best"] == min(float(r["val_loss"]) for r in whole)
    assert rows["short"]["precision"] == json.loads((where / "whole" / "run.json").read_text())["settings"]["precision"]
    compared = run_netspec("compare", "whole", "short", "-o", "both.png", cwd=where)
    assert compared.returncode == 0, compared.stderr
    lines = compared.stdout.splitlines()
    assert lines[1].split() == ["(settings)", "same", "same"]
    final = next(line for line in lines if line.startswith("final val_loss")).split()
    assert final[2] == final[3]
    assert (where / "both.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def tamper_note(path, change) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    note = json.loads(members["netspec.json"])
    change(note["state"])
    members["netspec.json"] = json.dumps(note).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, raw in members.items():
            archive.writestr(name, raw)


@pytest.mark.parametrize(
    "case, expected",
    [
        ("run.json not JSON", "not a netspec run directory (its run.json is not readable JSON)"),
        ("epochs a word", "run.json's settings.epochs is 'three', not a count"),
        ("checkpoint not a zip", "RUN/checkpoints/last.keras: not a readable .keras model file (File is not a zip file)"),
        ("NumPy state removed", "the checkpoint's random-generator state is malformed (numpy missing or of the wrong type)"),
        ("epoch not a count", "RUN/checkpoints/last.keras holds no training state netspec wrote"),
    ],
)  # fmt: skip
def test_a_tampered_run_folder_cannot_be_resumed(runs, tmp_path, case, expected):
    run = tmp_path / "run"
    shutil.copytree(runs / "whole", run)
    record = json.loads((run / "run.json").read_text())
    if case == "run.json not JSON":
        (run / "run.json").write_text("{not json")
    elif case == "epochs a word":
        record["settings"]["epochs"] = "three"
        (run / "run.json").write_text(json.dumps(record))
    elif case == "checkpoint not a zip":
        (run / "checkpoints" / "last.keras").write_bytes(b"PK not really")
    elif case == "NumPy state removed":
        tamper_note(run / "checkpoints" / "last.keras", lambda state: state["rng"].pop("numpy"))
    else:
        tamper_note(run / "checkpoints" / "last.keras", lambda state: state.update(epoch="3"))
    result = run_netspec("train", "--resume", run, "--epochs", "4", cwd=runs)  # where its data is
    assert_clean_failure(result, 2)
    assert result.stderr == f"netspec: error: cannot resume {run}: {expected.replace('RUN', str(run))}\n"
