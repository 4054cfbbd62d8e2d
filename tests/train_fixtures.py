"""Data the training tests write for themselves: a CIFAR-10 python tarball, scikit-learn's digits as .npz."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np

TRAIN_DATA = Path(__file__).resolve().parent / "data" / "train"
TINY = TRAIN_DATA / "tiny.yaml"
DIGITS = TRAIN_DATA / "digits.yaml"
CIFAR_NAMES = [b"airplane", b"automobile", b"bird", b"cat", b"deer", b"dog", b"frog", b"horse", b"ship", b"truck"]


def cifar10_arrays(per_batch: int, seed: int = 0):
    """Six batches of random images (CIFAR row layout: 1024 red, 1024 green, 1024 blue bytes) and labels."""
    rng = np.random.default_rng(seed)
    return [
        (rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8), [int(v) for v in rng.integers(0, 10, per_batch)])
        for _ in range(6)
    ]


def write_cifar10_tarball(path: Path, per_batch: int = 20, seed: int = 0):
    """cifar-10-python.tar.gz exactly as https://www.cs.toronto.edu/~kriz/cifar.html lays it out (smaller)."""
    batches = cifar10_arrays(per_batch, seed)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    with tarfile.open(path, "w:gz") as tar:
        for name, (data, labels) in zip(names, batches, strict=True):
            entry = {b"batch_label": name.encode(), b"labels": labels, b"data": data, b"filenames": []}
            _add(tar, f"cifar-10-batches-py/{name}", pickle.dumps(entry, protocol=2))
        meta = {b"label_names": CIFAR_NAMES, b"num_cases_per_batch": per_batch, b"num_vis": 3072}
        _add(tar, "cifar-10-batches-py/batches.meta", pickle.dumps(meta, protocol=2))
    return batches


def _add(tar, name: str, raw: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(raw)
    tar.addfile(info, io.BytesIO(raw))


def write_digits_npz(path: Path) -> None:
    """scikit-learn's digits (8x8, 0..16) as x_train/y_train/x_test/y_test, a fixed 80/20 split."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = digits.images.astype(np.uint8)[..., None]
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    cut = int(len(x) * 0.8)
    np.savez(path, x_train=x[:cut], y_train=y[:cut], x_test=x[cut:], y_test=y[cut:])


def popen_netspec(*args, cwd=None, env=None) -> subprocess.Popen:
    """Start `python -m netspec ARGS` without waiting (for tests that send it signals)."""
    return subprocess.Popen(
        [sys.executable, "-m", "netspec", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "100", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
