"""Data files from strangers, in their real formats, through the real command: one line, exit 2, bounded.

Every case of tests/hostile/data_cases.py runs in a fresh process; its exit code and exact
stderr are pinned, and its wall time, CPU time and peak RSS (the child's own, from os.wait4)
are bounded generously: 10 s and 300 MB before TensorFlow starts, 60 s and 1.5 GB in `train`.
On netspec before these checks, several of these cases exited 3, ran for minutes or took
gigabytes. The in-process tests below check what the reader keeps: the rows asked for and
nothing more, byte orders and layouts numpy writes, and the bounds of the tarball reader.
"""

from __future__ import annotations

import io
import tracemalloc

import numpy as np
import pytest
from hostile.cases import assert_refused_within
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
from train_fixtures import write_cifar10_tarball

from netspec.problems import UsageError
from netspec.train import cifar, data


def _assert_refused(case, tmp_path, seconds: float, rss: int) -> None:
    assert_refused_within(case, run_data_case(case, tmp_path, seconds), tmp_path, seconds, rss)


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


@pytest.mark.parametrize("layout", ["gnu", "ustar_prefix", "pax", "plain_tar"])
def test_tarball_reader_reads_the_formats_tar_writes(tmp_path, layout):
    """netspec walks tar headers itself; GNU, ustar (with a path prefix) and pax archives all read alike."""
    import tarfile

    original = tmp_path / "cifar.tar.gz"
    write_cifar10_tarball(original, per_batch=3)
    fmt = {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT}.get(layout, tarfile.USTAR_FORMAT)
    folder = {"ustar_prefix": "d" * 90 + "/" + "e" * 60, "pax": "caf\u00e9/" + "p" * 120}.get(layout, "c")
    copy = tmp_path / ("copy.tar" if layout == "plain_tar" else "copy.tar.gz")
    with (
        tarfile.open(original) as source,
        tarfile.open(copy, "w" if layout == "plain_tar" else "w:gz", format=fmt) as tar,
    ):
        for member in source.getmembers():
            raw = source.extractfile(member).read()
            info = tarfile.TarInfo(f"{folder}/{member.name.split('/')[-1]}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    expected, loaded = data.load(str(original), (32, 32, 3), 10), data.load(str(copy), (32, 32, 3), 10)
    assert np.array_equal(loaded.x_train, expected.x_train) and np.array_equal(loaded.y_test, expected.y_test)
    assert loaded.class_names == expected.class_names and len(loaded.x_train) == 15


def test_large_jpeg_is_decoded_at_a_reduced_scale_within_the_pixel_bound(tmp_path):
    """A photo over the pixel bound still reads as a JPEG (decoded at 1/8 scale); the same pixels as a PNG do not."""
    from PIL import Image

    from netspec.train import images

    picture = Image.linear_gradient("L").resize((6000, 5000))  # 30 million pixels
    picture.save(tmp_path / "photo.jpg", quality=80)
    picture.save(tmp_path / "photo.png", compress_level=1)
    small = images.read_image(tmp_path / "photo.jpg", (8, 8, 1))
    assert small.shape == (8, 8, 1) and small[0, 0, 0] < 40 < 215 < small[-1, 0, 0]  # dark top, light bottom
    with pytest.raises(UsageError) as info:
        images.read_image(tmp_path / "photo.png", (8, 8, 1))
    assert str(info.value) == (
        f"{tmp_path / 'photo.png'}: the image has 6,000 x 5,000 = 30,000,000 pixels; netspec decodes at most "
        "25,000,000 pixels per image (a decompression bomb?); shrink it first"
    )


def test_reliability_page_states_the_limits_the_code_enforces():
    from netspec.train import images, npz

    from conftest import ROOT

    text = " ".join((ROOT / "docs" / "reliability.md").read_text().split())
    for phrase in (
        f"at most {cifar.TAR_MEMBERS} members",
        f"each batch file at most {cifar.BATCH_BYTES // 2**20} MiB",
        f"{cifar.TAR_BYTES // 2**30} GiB decompressed in all",
        f"extended headers (pax, GNU long names) at most {cifar.EXTENDED_BYTES // 2**10} KiB",
        f"at most {images.MAX_PIXELS:,} pixels decoded",
        f"set to {images.JPEG_REDUCTION} times the bound",
        f"at most {npz.MAX_AXES} axes",
        f"({npz.NAMES_BYTES // 2**20} MiB at most)",
    ):
        assert phrase in text, phrase


def test_cifar_batches_of_no_images_are_refused(tmp_path):
    import pickle

    empty = {b"data": np.zeros((0, 3072), np.uint8), b"labels": []}
    write_tarball(
        tmp_path / "empty.tar.gz",
        {f"data_batch_{i}": pickle.dumps(empty) for i in range(1, 6)} | {"test_batch": pickle.dumps(empty)},
    )
    with pytest.raises(UsageError) as info:
        data.load(str(tmp_path / "empty.tar.gz"), (32, 32, 3), 10)
    assert str(info.value) == f"--data {tmp_path / 'empty.tar.gz'}: it has no training examples"
