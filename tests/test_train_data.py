"""Training data sources, read without TensorFlow: CIFAR format, .npz, image folders, synthetic."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from train_fixtures import CIFAR_NAMES, write_cifar10_tarball, write_digits_npz

from netspec.problems import UsageError
from netspec.train import data


def test_cifar10_tarball_is_read_in_the_real_file_format(tmp_path):
    tarball = tmp_path / "cifar-10-python.tar.gz"
    batches = write_cifar10_tarball(tarball, per_batch=20)
    loaded = data.load(str(tarball), (32, 32, 3), 10)
    assert loaded.x_train.shape == (100, 32, 32, 3) and loaded.x_train.dtype == np.uint8
    assert loaded.x_test.shape == (20, 32, 32, 3)
    assert loaded.class_names == [n.decode() for n in CIFAR_NAMES]
    first_rows, first_labels = batches[0]
    # Pixel (row 0, col 1) of image 0: byte 1 of the red plane, 1025 of green, 2049 of blue.
    assert loaded.x_train[0, 0, 1].tolist() == [first_rows[0, 1], first_rows[0, 1025], first_rows[0, 2049]]
    assert loaded.y_train[:20].tolist() == first_labels
    assert loaded.y_test.tolist() == batches[5][1]


def test_extracted_cifar_folder_equals_the_tarball(tmp_path):
    import tarfile

    tarball = tmp_path / "c.tar.gz"
    write_cifar10_tarball(tarball, per_batch=5)
    with tarfile.open(tarball) as tar:
        tar.extractall(tmp_path / "x", filter="data")
    from_tar = data.load(str(tarball), (32, 32, 3), 10)
    for folder in (tmp_path / "x", tmp_path / "x" / "cifar-10-batches-py"):
        from_folder = data.load(str(folder), (32, 32, 3), 10)
        assert np.array_equal(from_folder.x_train, from_tar.x_train)
        assert np.array_equal(from_folder.y_test, from_tar.y_test)


def test_cifar_reader_refuses_pickles_that_run_code(tmp_path):
    folder = tmp_path / "evil"
    folder.mkdir()

    class Boom:
        def __reduce__(self):
            return (print, ("pwned",))

    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        (folder / name).write_bytes(pickle.dumps({b"data": Boom(), b"labels": [0]}))
    with pytest.raises(
        UsageError, match=r"not a CIFAR python batch file \(a CIFAR batch file may not contain builtins.print\)"
    ):
        data.load(str(folder), (32, 32, 3), 10)


def test_limit_takes_the_first_examples(tmp_path):
    tarball = tmp_path / "c.tar.gz"
    write_cifar10_tarball(tarball, per_batch=10)
    full = data.load(str(tarball), (32, 32, 3), 10)
    limited = data.load(str(tarball), (32, 32, 3), 10, limit=7)
    assert np.array_equal(limited.x_train, full.x_train[:7]) and len(limited.x_test) == 7


def test_npz_with_channel_axis_added_and_missing_keys_named(tmp_path):
    path = tmp_path / "digits.npz"
    write_digits_npz(path)
    loaded = data.load(str(path), (8, 8, 1), 10)
    assert loaded.x_train.shape == (1437, 8, 8, 1) and loaded.x_test.shape == (360, 8, 8, 1)
    np.savez(tmp_path / "bad.npz", x_train=np.zeros((2, 8, 8)), y_train=np.zeros(2))
    with pytest.raises(UsageError) as info:
        data.load(str(tmp_path / "bad.npz"), (8, 8, 1), 10)
    assert (
        str(info.value) == f"--data {tmp_path / 'bad.npz'}: the .npz has x_train, y_train; it also needs x_test, y_test"
    )


def test_wrong_image_shape_and_too_many_classes_are_usage_errors(tmp_path):
    path = tmp_path / "digits.npz"
    write_digits_npz(path)
    with pytest.raises(UsageError) as info:
        data.load(str(path), (32, 32, 3), 10)
    assert str(info.value) == f"--data {path}: its images have shape (8, 8, 1), but the spec's input is (32, 32, 3)"
    with pytest.raises(UsageError) as info:
        data.load(str(path), (8, 8, 1), 5)
    assert str(info.value) == f"--data {path}: it has labels up to 9, but the model's output has 5 classes"


def test_image_folder_one_subfolder_per_class(tmp_path):
    from PIL import Image

    for name, value in (("cat", 10), ("dog", 200)):
        (tmp_path / "pets" / name).mkdir(parents=True)
        for i in range(10):
            Image.new("RGB", (20, 12), (value, value, i)).save(tmp_path / "pets" / name / f"{i}.png")
    loaded = data.load(str(tmp_path / "pets"), (16, 16, 3), 2)
    assert loaded.class_names == ["cat", "dog"]
    assert loaded.x_train.shape == (18, 16, 16, 3) and loaded.x_test.shape == (2, 16, 16, 3)
    assert loaded.y_test.tolist() == [0, 1] and loaded.x_test[1, 0, 0].tolist() == [200, 200, 9]


def test_synthetic_is_deterministic_and_shaped_like_the_spec():
    a = data.load("synthetic", (32, 32, 3), 10, limit=64)
    b = data.load("synthetic", (32, 32, 3), 10, limit=64)
    assert a.x_train.shape == (64, 32, 32, 3) and a.x_train.dtype == np.uint8
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_train, b.y_train)
    assert set(a.y_train.tolist()) <= set(range(10))
    longer = data.load("synthetic", (32, 32, 3), 10, limit=100)
    assert np.array_equal(longer.x_train[:64], a.x_train) and np.array_equal(longer.x_test[:64], a.x_test)


def test_unknown_source_lists_the_names(tmp_path):
    with pytest.raises(UsageError) as info:
        data.load("cifar11", (32, 32, 3), 10)
    assert str(info.value) == (
        "--data cifar11: no such file or folder, and not a dataset name "
        "(names: cifar10, cifar100, mnist, fashion_mnist, synthetic)"
    )


def test_mnist_is_padded_into_lenet5s_32x32_input():
    digits = np.arange(28 * 28, dtype=np.uint8).reshape(1, 28, 28)
    mnist = data.Data(digits, np.zeros(1, int), digits, np.zeros(1, int), [str(i) for i in range(10)], "mnist")
    fitted = data.fit_shape(mnist, (32, 32, 1), 10)
    assert fitted.x_train.shape == (1, 32, 32, 1)
    assert (fitted.x_train[0, 2:30, 2:30, 0] == digits[0]).all()
    assert fitted.x_train[0, :2].sum() == 0 and fitted.x_train[0, :, 30:].sum() == 0
    with pytest.raises(UsageError, match="its images have shape"):
        data.fit_shape(mnist, (31, 31, 1), 10)
