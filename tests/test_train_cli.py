"""`netspec train` end to end on the CPU, and the commands around it: evaluate, predict, devices."""

from __future__ import annotations

import json
import signal
import socket
import time

import pytest
from train_fixtures import TINY, popen_netspec

from conftest import EXAMPLES, assert_clean_failure, run_netspec

pytestmark = [pytest.mark.keras, pytest.mark.training]

TIMING = ("seconds", "images_per_second")
TINY_ARGS = ("--cpu", "--limit", "64", "--epochs", "2", "--seed", "1", "--precision", "float32")  # as TF_CONFIG workers


def history(run) -> list:
    return json.loads((run / "history.json").read_text())


def without_timing(records) -> list:
    return [{k: v for k, v in r.items() if k not in TIMING} for r in records]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """One seeded tiny run, shared by the tests that only read its results."""
    where = tmp_path_factory.mktemp("tiny")
    result = run_netspec("train", TINY, *TINY_ARGS, "--run-dir", "run", cwd=where)
    assert result.returncode == 0, result.stderr
    return where, result


def test_contradictory_or_malformed_device_options_are_usage_errors(tmp_path):
    result = run_netspec("train", TINY, "--gpu", "0", "--cpu", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert result.stderr == "netspec: error: --cpu and --gpu contradict each other; give one\n"
    result = run_netspec("train", TINY, "--gpu", "x", cwd=tmp_path)
    assert result.stderr == (
        "netspec: error: Invalid value for '--gpu': 'x' (expected GPU numbers such as 0 or 0,1) (see `netspec train -h`)\n"
    )


def test_a_batch_too_large_for_this_machine_is_refused_before_tensorflow(tmp_path):
    result = run_netspec("train", TINY, "--cpu", "--batch-size", "100000000", "--precision", "float32", cwd=tmp_path)
    assert_clean_failure(result, 1)  # float32: the estimate then does not depend on this CPU's bfloat16 support
    assert f"{TINY}:8:12: training this model at batch size 100,000,000 needs an estimated 409.0 GiB" in result.stderr
    assert result.stderr.endswith("Make it smaller, or pass --allow-large to try anyway\n")


@pytest.mark.parametrize("spec", ["unet.yaml", "seq2seq.yaml"])
def test_a_model_train_cannot_fit_is_refused_before_tensorflow_saying_why(spec, tmp_path):
    """U-Net predicts a mask (a label per pixel) and seq2seq reads two inputs: neither is a classifier of one input."""
    result = run_netspec("train", EXAMPLES / spec, "--cpu", "--data", "synthetic", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert not (tmp_path / "runs").exists()
    if spec == "unet.yaml":
        assert result.stderr == (
            "netspec: error: netspec train trains classifiers, whose output is one vector of class scores per "
            "example; unet's output 'mask' is (None, 128, 128, 2), a prediction per position, which needs labels "
            "of that shape that the datasets netspec reads do not hold; train it with Keras (netspec eject writes "
            "the model as a script)\n"
        )
    else:
        assert (
            result.stderr
            == "netspec: error: netspec train needs a spec with one input and one output; seq2seq has 2 and 1\n"
        )


def test_seed_makes_two_cpu_runs_identical(tiny_run, tmp_path):
    where, _ = tiny_run
    again = run_netspec("train", TINY, *TINY_ARGS, "--run-dir", "again", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    first, second = history(where / "run"), history(tmp_path / "again")
    assert len(first) == 2 and without_timing(first) == without_timing(second)


def test_onednn_kernels_are_on_unless_the_user_turns_them_off(tiny_run, tmp_path):
    where, _ = tiny_run
    assert json.loads((where / "run" / "versions.json").read_text())["TF_ENABLE_ONEDNN_OPTS"] == "1"
    off = run_netspec(
        "train",
        TINY,
        "--cpu",
        "--limit",
        "32",
        "--epochs",
        "1",
        "--run-dir",
        "off",
        cwd=tmp_path,
        env={"TF_ENABLE_ONEDNN_OPTS": "0"},
    )
    assert off.returncode == 0, off.stderr
    assert json.loads((tmp_path / "off" / "versions.json").read_text())["TF_ENABLE_ONEDNN_OPTS"] == "0"


def test_predict_names_missing_images_before_loading_anything(tiny_run, tmp_path):
    where, _ = tiny_run
    missing = run_netspec("predict", where / "run" / "model.keras", tmp_path / "nope.png")
    assert_clean_failure(missing, 2)
    assert missing.stderr == f"netspec: error: no such image file: {tmp_path / 'nope.png'}\n"


def test_predict_refuses_a_model_that_does_not_take_images(tmp_path):
    from PIL import Image

    (tmp_path / "vec.yaml").write_text("netspec: 1\nname: vec\ninput: {shape: [8]}\nlayers:\n  - Dense: 3\n")
    assert run_netspec("build", "vec.yaml", cwd=tmp_path).returncode == 0
    Image.new("RGB", (10, 10)).save(tmp_path / "x.png")
    result = run_netspec("predict", "build/vec/model.keras", "x.png", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert result.stderr.splitlines()[-1] == (
        "netspec: error: this model takes inputs of shape (8,), not images of (height, width) or (height, width, "
        "1 or 3 channels): netspec reads image files for image models only; feed this one with Keras"
    )


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
    argv = ["train", TINY, "--cpu", "--limit", "960", "--batch-size", "8", "--epochs", "5", "--run-dir", run]
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
    assert [r["epoch"] for r in history(run)] == [1, 2, 3, 4, 5]
    rows = (run / "metrics.csv").read_text().splitlines()[1:]
    assert [int(row.split(",")[0]) for row in rows] == [1, 2, 3, 4, 5]
    assert not list(run.rglob("*.tmp"))


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_two_tf_config_workers_train_like_one_process_with_the_same_global_batch(tiny_run, tmp_path):
    """TF_CONFIG: two worker processes on 127.0.0.1 train one model with MultiWorkerMirroredStrategy."""
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    argv = ["train", TINY, *TINY_ARGS]
    processes = []
    for index in range(2):
        config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        env = {"TF_CONFIG": json.dumps(config)}
        processes.append(popen_netspec(*argv, "--run-dir", f"w{index}", cwd=tmp_path, env=env))
    outputs = [p.communicate(timeout=240) for p in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    chief, other = outputs[0][0], outputs[1][0]
    assert chief.startswith("device: MultiWorkerMirroredStrategy: worker 0 of 2 (CPU); 2 replicas in sync\n")
    assert "global batch 16 is split over 2 replicas (8 each)" in chief
    assert other.startswith("device: MultiWorkerMirroredStrategy: worker 1 of 2 (CPU); 2 replicas in sync\n")
    assert (tmp_path / "w0" / "model.keras").is_file() and not (tmp_path / "w1").exists()

    together, alone = history(tmp_path / "w0"), history(tiny_run[0] / "run")
    # Two replicas of 8 average their gradients: the same step as one batch of 16.
    for a, b in zip(together, alone, strict=True):
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            assert abs(a[key] - b[key]) < 1e-4, (key, a, b)
