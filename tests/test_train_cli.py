"""`netspec train` end to end on the CPU, and the commands around it: evaluate, predict, devices."""

from __future__ import annotations

import json
import signal
import time

import numpy as np
import pytest
from train_fixtures import TINY, popen_netspec

from conftest import assert_clean_failure, run_netspec

pytestmark = [pytest.mark.keras, pytest.mark.training]

TIMING = ("seconds", "images_per_second")


def history(run) -> list:
    return json.loads((run / "history.json").read_text())


def without_timing(records) -> list:
    return [{k: v for k, v in r.items() if k not in TIMING} for r in records]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """One seeded tiny run, shared by the tests that only read its results."""
    where = tmp_path_factory.mktemp("tiny")
    result = run_netspec("train", TINY, "--cpu", "--limit", "96", "--seed", "5", "--run-dir", "run", cwd=where)
    assert result.returncode == 0, result.stderr
    return where, result


def test_an_absent_gpu_is_an_error_listing_what_tensorflow_sees(tmp_path):
    result = run_netspec("train", TINY, "--gpu", "0", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert result.stderr == "netspec: error: --gpu 0: no GPU 0; TensorFlow sees: CPU:0 (no GPU)\n"
    assert not (tmp_path / "runs").exists()
    result = run_netspec("train", TINY, "--gpu", "0", "--cpu", cwd=tmp_path)
    assert result.stderr == "netspec: error: --cpu and --gpu contradict each other; give one\n"
    result = run_netspec("train", TINY, "--gpu", "x", cwd=tmp_path)
    assert result.stderr == "netspec: error: --gpu x: expected GPU numbers such as 0 or 0,1\n"


def test_seed_makes_two_cpu_runs_identical(tiny_run, tmp_path):
    where, _ = tiny_run
    again = run_netspec("train", TINY, "--cpu", "--limit", "96", "--seed", "5", "--run-dir", "again", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    first, second = history(where / "run"), history(tmp_path / "again")
    assert len(first) == 3 and without_timing(first) == without_timing(second)


def test_evaluate_and_predict_a_finished_run(tiny_run, tmp_path):
    from PIL import Image

    where, _ = tiny_run
    expected = json.loads((where / "run" / "eval.json").read_text())
    table = run_netspec("evaluate", where / "run").stdout.splitlines()
    assert table[0] == f"test loss {expected['loss']:.4f}  accuracy {100 * expected['accuracy']:.1f}%  (96 examples)"
    assert table[1] == "class  examples  correct  accuracy  precision" and len(table) == 12
    Image.fromarray(np.full((8, 8), 128, np.uint8)).save(tmp_path / "a.png")
    result = run_netspec("predict", where / "run" / "model.keras", tmp_path / "a.png", "-k", "2")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith(f"{tmp_path / 'a.png'}: ") and line.count("%") == 2
    missing = run_netspec("predict", where / "run" / "model.keras", tmp_path / "nope.png")
    assert_clean_failure(missing, 2)
    assert missing.stderr == f"netspec: error: no such image file: {tmp_path / 'nope.png'}\n"


def test_resume_refuses_a_changed_spec_and_changed_options(tiny_run):
    where, _ = tiny_run
    run = where / "run"
    changed = run_netspec("train", TINY, "--resume", run, "--set", "train.batch_size=8", cwd=where)
    assert_clean_failure(changed, 2)
    assert changed.stderr == (
        f"netspec: error: --resume {run}: {TINY} has changed since this run started, so its checkpoint does not "
        f"belong to it; the run's own spec is {run / 'spec.yaml'} (resume without SPEC to use it), or start a new run\n"
    )
    option = run_netspec("train", "--resume", run, "--batch-size", "8", cwd=where)
    assert option.stderr == (
        "netspec: error: --resume continues a run as it started: --batch-size 8 differs from the run's 16; "
        "leave --batch-size out, or start a new run\n"
    )


def test_nan_loss_stops_and_keeps_the_last_good_epoch(tmp_path):
    # From epoch 2 the learning rate is 1e30 times larger: the weights overflow within two batches.
    result = run_netspec(
        "train", TINY, "--cpu", "--limit", "64", "--seed", "1", "--run-dir", "run",
        "--set", "train.schedule={type: step, step_epochs: 1, gamma: 1e30}", cwd=tmp_path,
    )  # fmt: skip
    assert_clean_failure(result, 4)
    assert result.stderr == (
        "netspec: training stopped: the loss became NaN at epoch 2, batch 2; the last good checkpoint is "
        "run/checkpoints/last.keras (1 completed epoch(s)). Lower the learning rate or set train.clipnorm.\n"
    )
    assert [r["epoch"] for r in history(tmp_path / "run")] == [1]
    assert not (tmp_path / "run" / "model.keras").exists()


def wait_for_epochs(run, count: int, process, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            if len(history(run)) >= count:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"no {count} epochs within {timeout} s")


def test_sigterm_then_sigkill_mid_epoch_then_resume_keeps_every_epoch_once(tmp_path):
    run = tmp_path / "run"
    argv = ["train", TINY, "--cpu", "--limit", "1200", "--batch-size", "8", "--epochs", "6", "--run-dir", run]
    first = popen_netspec(*argv, cwd=tmp_path)
    wait_for_epochs(run, 1, first)
    time.sleep(0.2)  # mid-epoch 2
    first.send_signal(signal.SIGTERM)
    _, err = first.communicate(timeout=60)
    assert first.returncode == 130, err
    kept = len(history(run))
    assert f"netspec: stopped by SIGTERM at epoch {kept + 1}, batch " in err
    assert f"kept {kept} completed epoch(s) in {run}/. Resume with: netspec train {TINY} --resume {run}\n" in err

    second = popen_netspec("train", TINY, "--resume", run, cwd=tmp_path)
    wait_for_epochs(run, kept + 1, second)
    time.sleep(0.2)
    second.send_signal(signal.SIGKILL)  # no chance to clean up: only atomic writes protect the run
    second.communicate(timeout=60)

    third = run_netspec("train", TINY, "--resume", run, cwd=tmp_path)
    assert third.returncode == 0, third.stderr
    assert "resuming " in third.stdout
    assert [r["epoch"] for r in history(run)] == [1, 2, 3, 4, 5, 6]
    rows = (run / "metrics.csv").read_text().splitlines()[1:]
    assert [int(row.split(",")[0]) for row in rows] == [1, 2, 3, 4, 5, 6]
    assert not list(run.rglob("*.tmp"))
