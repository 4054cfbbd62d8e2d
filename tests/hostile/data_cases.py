"""Hostile data files for `netspec train`, `evaluate`, `predict` and `augment-preview`, in their real formats.

Each case writes its file (an .npz, a CIFAR python tarball, an image folder) into a directory
and says what netspec must answer: exit 2 and one exact line. Shared by
tests/test_train_data_hostile.py (which asserts every answer and bound) and
bench/bench_hostile.py (which measures them for docs/reliability.md). Large inputs are
generated small on disk: a 512 MiB array is a 0.5 MB deflate stream, a 10^10-pixel PNG a
header. Most cases run `augment-preview`, which reads its data before TensorFlow starts (and
`predict_fifo` runs `predict`, which checks its image files first), so time and memory are
netspec's own; `split_leaves_nothing` runs `train`, which reads its data after.
"""

from __future__ import annotations

import io
import os
import pickle
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path

import numpy as np
from hostile.cases import HERE, Case, Measured, run_measured

LIMIT_SECONDS = 10.0  # a refusal before TensorFlow: Python, numpy and PIL start-up plus the checks
LIMIT_RSS = 300 * 2**20
TRAIN_LIMIT_SECONDS = 60.0  # a refusal after TensorFlow has started (the bound for train)
TRAIN_LIMIT_RSS = 1536 * 2**20

SPEC = """netspec: 1
name: hostile_data
input: {shape: [8, 8, 1]}
layers:
  - Flatten
  - Dense: {units: 10, activation: softmax}
train:
  batch_size: 4
  epochs: 1
  augmentation: {horizontal_flip: true}
"""
ENV = {"PYTHONPATH": os.pathsep.join([str(HERE.parent.parent), str(HERE)])}  # this checkout's netspec
BOMB_ROWS = 8 * 2**20  # x_train of 8 Mi rows of 8 x 8 bytes: 512 MiB that deflate to 0.5 MB


def run_data_case(case: Case, directory: Path, seconds: float, tries: int = 3) -> Measured:
    """Make the case's file and run netspec on it; a run over `seconds` is retried, the fastest kept.

    netspec is imported from this checkout (PYTHONPATH), not from wherever the venv points.
    """
    args = case.make(directory)
    result = run_measured(args, directory, ENV, timeout=4 * seconds)
    for _ in range(tries - 1):
        if max(result.wall, result.cpu) < seconds:
            break
        again = run_measured(args, directory, ENV, timeout=4 * seconds)
        result = again if max(again.wall, again.cpu) < max(result.wall, result.cpu) else result
    return result


def _preview(directory: Path, data: str, *extra) -> list[str]:
    (directory / "spec.yaml").write_text(SPEC)
    return ["augment-preview", "spec.yaml", "--data", data, "-o", "grid.png", *extra]


def _npy(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array(out, array, allow_pickle=True)
    return out.getvalue()


def write_npz(path: Path, members: dict) -> None:
    """An .npz as numpy.savez lays it out; a member is an array (saved as numpy saves it) or raw bytes."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, value in members.items():
            archive.writestr(f"{name}.npy", value if isinstance(value, bytes) else _npy(value))


def digits_like(rows: int = 40, **replace) -> dict:
    """Plain arrays shaped like the digits data (8x8x1 uint8, labels 0..9), with members replaced."""
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 17, (rows, 8, 8, 1), dtype=np.uint8),
        "y_train": rng.integers(0, 10, rows),
        "x_test": rng.integers(0, 17, (rows // 4, 8, 8, 1), dtype=np.uint8),
        "y_test": rng.integers(0, 10, rows // 4),
    }
    return {**arrays, **replace}


def npy_header(descr: str, shape: tuple) -> bytes:
    """The magic and header of a .npy file declaring `shape` of `descr`, without its data."""
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": descr, "fortran_order": False, "shape": shape})
    return out.getvalue()


def write_zero_bomb(path: Path, rows: int, first_labels: list) -> None:
    """A real .npz whose x_train is `rows` x 8 x 8 x 1 zero bytes, stored as one small deflate stream.

    The stream is 1 MiB of zeros compressed once with a full flush (which makes every copy
    identical and self-contained) and repeated, so the file is written in milliseconds. The
    other members are ordinary; y_train starts with `first_labels`.
    """
    head = npy_header("|u1", (rows, 8, 8, 1))
    block = bytes(2**20)
    count = rows * 64 // len(block)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH)
    unit = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    data = start + unit * count + deflate.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    name, size = b"x_train.npy", len(head) + count * len(block)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0) + name
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0, 0, 0, 0, 0, 0
    )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(name), len(local) + len(data), 0)
    path.write_bytes(local + data + central + name + end)
    labels = np.zeros(rows, np.uint8)
    labels[: len(first_labels)] = first_labels
    with zipfile.ZipFile(path, "a") as archive:
        for key, value in (("y_train", labels), ("x_test", np.zeros((4, 8, 8, 1), np.uint8)), ("y_test", np.zeros(4))):
            archive.writestr(f"{key}.npy", _npy(value))


# --- the .npz cases -----------------------------------------------------------------------------


def _object_array(directory: Path) -> list[str]:
    objects = np.empty(40, dtype=object)
    objects[:] = [{"label": i} for i in range(40)]
    write_npz(directory / "objects.npz", digits_like(y_train=objects))
    return _preview(directory, "objects.npz")


def _pickle_member(directory: Path) -> list[str]:
    class Boom:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    write_npz(directory / "pickled.npz", digits_like(x_train=pickle.dumps(Boom())))
    return _preview(directory, "pickled.npz")


def _bare_npy(directory: Path) -> list[str]:
    np.save(directory / "images.npy", digits_like()["x_train"])
    return _preview(directory, "images.npy")


def _no_rows(directory: Path) -> list[str]:
    write_npz(directory / "empty.npz", digits_like(x_train=np.zeros((0, 8, 8, 1), np.uint8), y_train=np.zeros(0)))
    return _preview(directory, "empty.npz")


def _strings(directory: Path) -> list[str]:
    write_npz(directory / "strings.npz", digits_like(x_train=np.array(["a", "b"] * 20)))
    return _preview(directory, "strings.npz")


def _negative_labels(directory: Path) -> list[str]:
    labels = np.arange(40) % 10
    labels[3] = -1
    write_npz(directory / "negative.npz", digits_like(y_train=labels))
    return _preview(directory, "negative.npz")


def _declared_shape(directory: Path) -> list[str]:
    declared = npy_header("|u1", (10**12, 8, 8, 1)) + bytes(64 * 40)  # 64 TB declared, 40 rows held
    write_npz(directory / "declared.npz", digits_like(x_train=declared))
    return _preview(directory, "declared.npz")


def _zero_bomb(directory: Path) -> list[str]:
    write_zero_bomb(directory / "bomb.npz", BOMB_ROWS, [3, 1, 4, 1, 5, 99])
    return _preview(directory, "bomb.npz", "--rows", "6")


def _device(directory: Path) -> list[str]:
    (directory / "zeros.npz").symlink_to("/dev/zero")
    return _preview(directory, "zeros.npz")


def _fifo_data(directory: Path) -> list[str]:
    os.mkfifo(directory / "pipe.npz")
    return _preview(directory, "pipe.npz")


# --- CIFAR tarballs -----------------------------------------------------------------------------

CIFAR10 = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]


def write_tarball(path: Path, members: dict) -> None:
    """A .tar.gz whose members (name -> bytes) sit in cifar-10-batches-py/, as the real tarball's do."""
    with tarfile.open(path, "w:gz") as tar:
        for name, raw in members.items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))


def _pickle_references(directory: Path) -> list[str]:
    """Rows and labels as lists of shared references: 10^9 pixels in a few kilobytes of pickle."""
    row = [7] * 3072
    rows = [[row] * 1000] * 1000  # numpy would make this a 3 GB array, element by element
    batch = pickle.dumps({b"data": rows, b"labels": [[0] * 1000] * 1000}, protocol=2)
    write_tarball(directory / "refs.tar.gz", {name: batch for name in CIFAR10})
    return _preview(directory, "refs.tar.gz")


def _missing_keys(directory: Path) -> list[str]:
    batch = pickle.dumps({b"batch_label": b"x", b"data": np.zeros((2, 3072), np.uint8), b"filenames": []}, protocol=2)
    write_tarball(directory / "nokeys.tar.gz", {name: batch for name in CIFAR10})
    return _preview(directory, "nokeys.tar.gz")


def _many_members(directory: Path) -> list[str]:
    write_tarball(directory / "many.tar.gz", {f"junk_{i}": b"" for i in range(5000)})
    return _preview(directory, "many.tar.gz")


def _huge_member(directory: Path) -> list[str]:
    """A tar header declaring a 300 GB data_batch_1, followed by a few bytes of it."""
    info = tarfile.TarInfo("cifar-10-batches-py/data_batch_1")
    info.size = 300 * 10**9
    raw = info.tobuf(format=tarfile.GNU_FORMAT) + bytes(4096)
    with open(directory / "huge.tar.gz", "wb") as out:
        out.write(zlib.compress(raw, wbits=31))
    return _preview(directory, "huge.tar.gz")


def _pax_header(directory: Path) -> list[str]:
    """A 400 KB pax header of digits: Python 3.11.7's tarfile parses it for more than five minutes."""
    payload = b"1" * 400_000 + b" "
    info = tarfile.TarInfo("././@PaxHeader")
    info.type, info.size = tarfile.XHDTYPE, len(payload)
    raw = info.tobuf(format=tarfile.USTAR_FORMAT) + payload + bytes(-len(payload) % 512) + bytes(1024)
    (directory / "pax.tar").write_bytes(raw)
    return _preview(directory, "pax.tar")


def _long_names(directory: Path) -> list[str]:
    """3,000 GNU long-name headers in a row: tarfile recurses once per header (RecursionError)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as tar:
        tar.addfile(tarfile.TarInfo("x" * 200))
    long_link = out.getvalue()[:1024]  # the ././@LongLink header and its 512-byte block of name
    (directory / "names.tar").write_bytes(long_link * 3000 + bytes(1024))
    return _preview(directory, "names.tar")


# --- image folders ------------------------------------------------------------------------------


def png(width: int, height: int, rows: int | None = None) -> bytes:
    """A grayscale PNG of width x height zero pixels; with `rows`, only that many rows of data follow."""
    deflate = zlib.compressobj(9)
    line = bytes(width + 1)  # filter byte 0, then the row
    data = b"".join(deflate.compress(line) for _ in range(height if rows is None else rows)) + deflate.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _image_folder(directory: Path, bad_name: str, make_bad) -> list[str]:
    for name in ("cat", "dog"):
        (directory / "pets" / name).mkdir(parents=True)
        (directory / "pets" / name / "0.png").write_bytes(png(8, 8))
    make_bad(directory / "pets" / "dog" / bad_name)
    return _preview(directory, "pets")


def _bomb_png(directory: Path) -> list[str]:
    return _image_folder(directory, "1.png", lambda p: p.write_bytes(png(6000, 6000)))  # 36 MB of pixels in 40 KB


def _header_bomb_png(directory: Path) -> list[str]:
    return _image_folder(directory, "1.png", lambda p: p.write_bytes(png(100_000, 100_000, rows=1)))


def _fifo_png(directory: Path) -> list[str]:
    return _image_folder(directory, "x.png", os.mkfifo)


def _predict_fifo(directory: Path) -> list[str]:
    os.mkfifo(directory / "cat.png")
    return ["predict", "model.keras", "cat.png"]


# --- a split that leaves nothing to train on ------------------------------------------------------


def _split(directory: Path) -> list[str]:
    write_npz(directory / "small.npz", digits_like())
    (directory / "spec.yaml").write_text(SPEC.replace("epochs: 1", "epochs: 1\n  validation_split: 0.99"))
    return ["train", "spec.yaml", "--data", "small.npz", "--limit", "4", "--cpu", "--run-dir", "run"]


def _error(line: str):
    return lambda directory: [f"netspec: error: {line}"]


CASES = [
    Case(
        "npz_object_array",
        "an .npz whose y_train is an object array (a pickle inside)",
        _object_array,
        2,
        _error(
            "--data objects.npz: y_train is an object array, which only a pickle can hold; "
            "netspec never unpickles data (save plain numeric arrays)"
        ),
    ),
    Case(
        "npz_pickle_member",
        "an .npz whose x_train.npy is a pickle calling os.system",
        _pickle_member,
        2,
        _error(
            "--data pickled.npz: member x_train.npy is not a .npy array (a pickle or other file?); "
            "netspec reads only plain arrays written by numpy.savez"
        ),
    ),
    Case(
        "bare_npy",
        "a bare .npy array instead of an .npz",
        _bare_npy,
        2,
        _error(
            "--data images.npy: this is a bare .npy array (numpy.save); netspec needs an .npz with x_train, "
            "y_train, x_test and y_test: numpy.savez(PATH, x_train=..., y_train=..., x_test=..., y_test=...)"
        ),
    ),
    Case(
        "npz_no_rows",
        "an .npz whose x_train has no rows",
        _no_rows,
        2,
        _error("--data empty.npz: x_train has no rows (shape (0, 8, 8, 1)); there is nothing to train on"),
    ),
    Case(
        "npz_strings",
        "an .npz whose images are strings",
        _strings,
        2,
        _error(
            "--data strings.npz: x_train has dtype <U1; images must be numbers (integers or floats of 64 bits at most)"
        ),
    ),
    Case(
        "npz_negative_label",
        "an .npz with the label -1",
        _negative_labels,
        2,
        _error("--data negative.npz: y_train holds the negative class id -1; class ids count from 0"),
    ),
    Case(
        "npz_declared_shape",
        "an .npz header declaring 10^12 images (64 TB) over 40 rows of data",
        _declared_shape,
        2,
        _error(
            "--data declared.npz: x_train declares shape (1000000000000, 8, 8, 1) of uint8 "
            "(64,000,000,000,000 bytes) but holds 2,560 bytes"
        ),
    ),
    Case(
        "npz_zero_bomb",
        "a 0.5 MB .npz holding 512 MiB of zeros, 6 rows asked for (bad label in row 6)",
        _zero_bomb,
        2,
        _error("--data bomb.npz: it has labels up to 99, but the model's output has 10 classes"),
    ),
    Case(
        "data_device",
        "--data a symlink to /dev/zero",
        _device,
        2,
        _error("--data zeros.npz: it is a character device; netspec reads data only from regular files and folders"),
    ),
    Case(
        "data_fifo",
        "--data a FIFO named pipe.npz",
        _fifo_data,
        2,
        _error("--data pipe.npz: it is a named pipe (FIFO); netspec reads data only from regular files and folders"),
    ),
    Case(
        "cifar_pickle_references",
        "a CIFAR tarball of pickled shared references (10^9 pixels in 12 KB)",
        _pickle_references,
        2,
        _error("--data refs.tar.gz: data_batch_1's data must be a uint8 array of 3072-byte rows; it is list"),
    ),
    Case(
        "cifar_missing_keys",
        "a CIFAR tarball whose batches have no labels",
        _missing_keys,
        2,
        _error("--data nokeys.tar.gz: data_batch_1 has no 'labels' entry (it has batch_label, data, filenames)"),
    ),
    Case(
        "cifar_many_members",
        "a tarball of 5,000 empty members",
        _many_members,
        2,
        _error("--data many.tar.gz: the tarball has over 100 members; a CIFAR one has 9"),
    ),
    Case(
        "cifar_huge_member",
        "a tarball declaring a 300 GB data_batch_1",
        _huge_member,
        2,
        _error(
            "--data huge.tar.gz: cifar-10-batches-py/data_batch_1 is 279.4 GiB, over the 256.0 MiB "
            "a CIFAR batch file may have"
        ),
    ),
    Case(
        "tar_pax_header",
        "a 400 KB pax header that stalls Python's own tarfile for minutes",
        _pax_header,
        2,
        _error("--data pax.tar: a tar extended header of 400,001 bytes; netspec reads at most 65,536"),
    ),
    Case(
        "tar_long_names",
        "3,000 GNU long-name headers in a row (tarfile: RecursionError)",
        _long_names,
        2,
        _error("--data names.tar: the tarball has over 100 members; a CIFAR one has 9"),
    ),
    Case(
        "png_bomb",
        "a 40 KB PNG of 6,000 x 6,000 pixels in an image folder",
        _bomb_png,
        2,
        _error(
            "--data pets: pets/dog/1.png: the image has 6,000 x 6,000 = 36,000,000 pixels; netspec decodes at most "
            "25,000,000 pixels per image (a decompression bomb?); shrink it first"
        ),
    ),
    Case(
        "png_header_bomb",
        "a PNG header declaring 100,000 x 100,000 pixels",
        _header_bomb_png,
        2,
        _error(
            "--data pets: pets/dog/1.png: the image declares over 1,600,000,000 pixels; netspec decodes at most "
            "25,000,000 pixels per image (a decompression bomb?); shrink it first"
        ),
    ),
    Case(
        "image_fifo",
        "a FIFO named x.png in an image folder",
        _fifo_png,
        2,
        _error("--data pets: pets/dog/x.png: is a named pipe (FIFO), not a regular file"),
    ),
    Case(
        "predict_fifo",
        "netspec predict on a FIFO named cat.png",
        _predict_fifo,
        2,
        _error("cat.png: is a named pipe (FIFO), not a regular file"),
    ),
]

TRAIN_CASES = [
    Case(
        "split_leaves_nothing",
        "validation_split 0.99 of 4 examples (--limit 4) in netspec train",
        _split,
        2,
        _error(
            "--data small.npz, first 4 examples: validation_split 0.99 of 4 training examples leaves 0 to train on "
            "and 4 to validate; use a smaller validation_split or more examples"
        ),
    ),
]
