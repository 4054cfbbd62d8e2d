"""Data files from strangers, in their real formats, through the real command: one line, exit 2, bounded.

Every case of tests/hostile/data_cases.py runs in a fresh process; its exit code and exact
stderr are pinned, and its wall time, CPU time and peak RSS (the child's own, from os.wait4)
are bounded generously: 10 s and 300 MB before TensorFlow starts, 60 s and 1.5 GB in `train`.
On netspec before these checks, several of these cases exited 3, ran for minutes or took
gigabytes. The in-process tests below check what the reader keeps: the rows asked for and
nothing more, byte orders and layouts numpy writes, and the bounds of the tarball reader.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hostile.data_cases import (
    CASES,
    LIMIT_RSS,
    LIMIT_SECONDS,
    TRAIN_CASES,
    TRAIN_LIMIT_RSS,
    TRAIN_LIMIT_SECONDS,
    digits_like,
    run_data_case,
    write_npz,
    write_tarball,
    write_zero_bomb,
)

from netspec.problems import UsageError
from netspec.train import cifar, data


def _assert_refused(case, tmp_path, seconds: float, rss: int) -> None:
    result = run_data_case(case, tmp_path, seconds)
    assert result.code == case.code, (result.code, result.stderr[-2000:])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == case.stderr(tmp_path)
    assert result.cpu < seconds, f"{case.name}: {result.cpu:.2f} s of CPU"
    assert result.wall < seconds, f"{case.name}: {result.wall:.2f} s wall"
    assert result.rss < rss, f"{case.name}: {result.rss / 2**20:.0f} MiB peak RSS"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_data_is_refused_in_one_line_within_bounds(case, tmp_path):
    _assert_refused(case, tmp_path, LIMIT_SECONDS, LIMIT_RSS)


@pytest.mark.keras
@pytest.mark.parametrize("case", TRAIN_CASES, ids=[c.name for c in TRAIN_CASES])
def test_train_refuses_a_split_that_leaves_no_data(case, tmp_path):
    _assert_refused(case, tmp_path, TRAIN_LIMIT_SECONDS, TRAIN_LIMIT_RSS)


def test_limit_reads_only_the_rows_it_needs(tmp_path):
    path = tmp_path / "bomb.npz"
    write_zero_bomb(path, 2**20, [3, 1, 4, 1, 5, 9, 2, 6])  # 64 MiB of x_train
    tracemalloc.start()
    loaded = data.load(str(path), (8, 8, 1), 10, limit=16)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert loaded.x_train.shape == (16, 8, 8, 1) and not loaded.x_train.any()
    assert loaded.y_train[:8].tolist() == [3, 1, 4, 1, 5, 9, 2, 6] and len(loaded.x_test) == 4
    assert peak < 2**20, f"{peak:,} bytes allocated to read 16 rows"


def test_npz_layouts_numpy_writes_read_as_numpy_reads_them(tmp_path):
    arrays = digits_like(rows=12)
    arrays["x_train"] = np.asfortranarray(arrays["x_train"].astype(">f4"))  # column-major, big-endian
    arrays["y_train"] = np.eye(10, dtype=np.float32)[arrays["y_train"]]  # one-hot rows
    arrays["class_names"] = np.array([f"digit {i}" for i in range(10)])
    np.savez_compressed(tmp_path / "layouts.npz", **arrays)
    for limit in (None, 5):
        loaded = data.load(str(tmp_path / "layouts.npz"), (8, 8, 1), 10, limit=limit)
        rows = slice(None, limit)
        assert np.array_equal(loaded.x_train, arrays["x_train"][rows]) and loaded.x_train.dtype.isnative
        assert loaded.y_train.tolist() == arrays["y_train"][rows].argmax(axis=1).tolist()
        assert loaded.class_names == [f"digit {i}" for i in range(10)]


def test_npz_rows_of_images_and_labels_must_agree(tmp_path):
    write_npz(tmp_path / "short.npz", digits_like(y_train=np.zeros(39, np.int64)))
    with pytest.raises(UsageError) as info:
        data.load(str(tmp_path / "short.npz"), (8, 8, 1), 10)
    assert str(info.value) == f"--data {tmp_path / 'short.npz'}: x_train has 40 rows but y_train has 39"
    write_npz(tmp_path / "nan.npz", digits_like(y_test=np.full(10, np.nan)))
    with pytest.raises(UsageError) as info:
        data.load(str(tmp_path / "nan.npz"), (8, 8, 1), 10)
    assert str(info.value) == (
        f"--data {tmp_path / 'nan.npz'}: y_test holds NaN or infinite values; class ids are integers from 0"
    )


def test_class_names_must_cover_the_labels(tmp_path):
    write_npz(tmp_path / "names.npz", digits_like(class_names=np.array(["a", "b", "c"])))
    with pytest.raises(UsageError) as info:
        data.load(str(tmp_path / "names.npz"), (8, 8, 1), 10)
    assert str(info.value) == f"--data {tmp_path / 'names.npz'}: it has labels up to 9, but names only 3 classes"


def test_split_refuses_no_validation_data(tmp_path):
    write_npz(tmp_path / "notest.npz", digits_like(x_test=np.zeros((0, 8, 8, 1), np.uint8), y_test=np.zeros(0)))
    loaded = data.load(str(tmp_path / "notest.npz"), (8, 8, 1), 10)
    with pytest.raises(UsageError) as info:
        data.split(loaded, 0)
    assert str(info.value) == (
        f"--data {tmp_path / 'notest.npz'}: it has 40 training and 0 test examples; training needs both "
        "(or set train.validation_split to validate on part of the training data)"
    )
    x_train, _, x_val, _ = data.split(loaded, 0.25)
    assert (len(x_train), len(x_val)) == (30, 10)


def test_tarball_bytes_are_counted_on_the_stream(tmp_path, monkeypatch):
    """Members netspec skips still count: the bound is on bytes decompressed, headers and all."""
    write_tarball(tmp_path / "junk.tar.gz", {f"junk_{i}": bytes(2**16) for i in range(20)})
    monkeypatch.setattr(cifar, "TAR_BYTES", 2**20)
    with pytest.raises(UsageError) as info:
        cifar.read_tar(tmp_path / "junk.tar.gz")
    assert str(info.value) == (
        f"--data {tmp_path / 'junk.tar.gz'}: the tarball holds over 1.0 MiB uncompressed; "
        "a CIFAR tarball holds about 180 MB"
    )
