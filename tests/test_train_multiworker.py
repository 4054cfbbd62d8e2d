"""TF_CONFIG: two worker processes on 127.0.0.1 train one model with MultiWorkerMirroredStrategy."""

from __future__ import annotations

import json
import socket

import pytest
from train_fixtures import TINY, popen_netspec

from conftest import run_netspec

pytestmark = [pytest.mark.keras, pytest.mark.training]


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_two_workers_train_like_one_process_with_the_same_global_batch(tmp_path):
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    argv = ["train", TINY, "--cpu", "--limit", "64", "--epochs", "2", "--seed", "1"]
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

    single = run_netspec(*argv, "--run-dir", "single", cwd=tmp_path)
    assert single.returncode == 0, single.stderr
    together = json.loads((tmp_path / "w0" / "history.json").read_text())
    alone = json.loads((tmp_path / "single" / "history.json").read_text())
    # Two replicas of 8 average their gradients: the same step as one batch of 16.
    for a, b in zip(together, alone, strict=True):
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            assert abs(a[key] - b[key]) < 1e-4, (key, a, b)
