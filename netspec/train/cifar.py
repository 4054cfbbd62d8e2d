"""The CIFAR-10/100 python format (https://www.cs.toronto.edu/~kriz/cifar.html), read within bounds.

The tarball is read as a stream, never extracted: at most TAR_MEMBERS members, each batch
file at most BATCH_BYTES, at most TAR_BYTES decompressed in all (counted on the stream
itself, so headers and skipped members count too). Batch files are unpickled by a
restricted unpickler that knows only dicts, lists, bytes and numpy arrays, and what comes
out must have the real format's keys and types (a uint8 array of 3,072-byte rows and a list
of integer labels), so a pickle of shared references cannot expand into gigabytes.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import pickle
import zlib
from pathlib import Path

import numpy as np

from ..compiler.limits import fmt_bytes
from ..problems import UsageError
from ..safe_read import open_regular, read_regular

CIFAR10_FILES = ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"]
CIFAR100_FILES = ["train", "test"]
META_FILES = ["batches.meta", "meta"]
WANTED = (*CIFAR10_FILES, *CIFAR100_FILES, *META_FILES)
TAR_MEMBERS = 100  # the real tarballs have 9 (CIFAR-10) and 5 (CIFAR-100)
BATCH_BYTES = 256 * 2**20  # CIFAR-100's train file, the largest, is 155 MB
TAR_BYTES = 1024 * 2**20  # both real tarballs hold about 180 MB
ROW = 3 * 32 * 32
CHUNK = 2**20
FORMAT_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError)


class _CifarUnpickler(pickle.Unpickler):
    """Unpickle CIFAR batch files only: dicts, lists, bytes and numpy arrays, nothing executable."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("_codecs", "encode"),
    }

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a CIFAR batch file may not contain {module}.{name}")


def read_batch(raw: bytes, name: str = "batch") -> dict:
    """One CIFAR pickle (data_batch_1, test_batch, train, test, batches.meta, meta) as a dict of str keys."""
    try:
        batch = _CifarUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except Exception as exc:  # a stranger's pickle can raise anything the allowed constructors raise
        raise UsageError(f"{name} is not a CIFAR python batch file ({exc})") from None
    if not isinstance(batch, dict):
        raise UsageError(f"{name} is not a CIFAR python batch file (it holds a {type(batch).__name__}, not a dict)")
    return {k.decode("latin-1") if isinstance(k, bytes) else k: v for k, v in batch.items()}


# --- reading the files --------------------------------------------------------------------------


class _Capped:
    """A read-only stream that refuses to deliver more than `limit` bytes in all."""

    def __init__(self, inner, limit: int, where: str):
        self.inner, self.left, self.where = inner, limit, where

    def read(self, size: int = -1) -> bytes:
        want = self.left + 1 if size is None or size < 0 else min(size, self.left + 1)
        chunk = self.inner.read(want)
        self.left -= len(chunk)
        if self.left < 0:
            raise UsageError(
                f"{self.where}: the tarball holds over {fmt_bytes(TAR_BYTES)} uncompressed; "
                "a CIFAR tarball holds about 180 MB"
            )
        return chunk


def _decompressed(raw):
    magic = raw.read(6)
    raw.seek(0)
    if magic.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if magic.startswith(b"BZh"):
        return bz2.BZ2File(raw)
    if magic == b"\xfd7zXZ\x00":
        return lzma.LZMAFile(raw)
    return raw


def read_tar(path: Path) -> dict:
    """The CIFAR batch files of a tarball by name, read as a stream within the bounds above."""
    where = f"--data {path}"
    try:
        with open_regular(path, where="--data") as raw, _decompressed(raw) as stream:
            return _members(_Capped(stream, TAR_BYTES, where), where)
    except FORMAT_ERRORS as exc:
        raise UsageError(f"{where}: cannot read the tarball ({exc})") from None


def _members(stream: _Capped, where: str) -> dict:
    """Walk the tar headers (ustar, GNU, pax, v7) and keep the wanted regular files' bytes.

    Python's tarfile is not used: on hostile archives it recurses once per extended header
    and, before Python 3.11.10, parses pax headers with a regular expression that takes
    minutes on a few hundred kilobytes. Here an extended header (a pax record or a GNU long
    name) is at most EXTENDED_BYTES and only its path is read, in one linear pass.
    """
    files, count, long_name = {}, 0, None
    while True:
        block = _exactly(stream, BLOCK, where)
        if not block.strip(b"\0"):  # the end-of-archive marker
            return files
        count += 1
        if count > TAR_MEMBERS:
            raise UsageError(f"{where}: the tarball has over {TAR_MEMBERS} members; a CIFAR one has 9")
        name, size, kind = _header(block, where)
        padded = size + (-size % BLOCK)
        if kind in (b"x", b"L"):
            if size > EXTENDED_BYTES:
                raise UsageError(
                    f"{where}: a tar extended header of {size:,} bytes; netspec reads at most {EXTENDED_BYTES:,}"
                )
            body = _exactly(stream, size, where)
            long_name = _pax_path(body) if kind == b"x" else body.split(b"\0", 1)[0].decode("utf-8", "replace")
            _skip(stream, padded - size, where)
            continue
        name, long_name = long_name or name, None
        if kind in REGULAR and Path(name).name in WANTED:
            _check_size(size, f"{where}: {name}")
            files[Path(name).name] = _exactly(stream, size, where)
            _skip(stream, padded - size, where)
        else:
            _skip(stream, padded, where)


def _pax_path(body: bytes) -> str | None:
    """The `path` record of a pax extended header ("LENGTH path=VALUE\\n" records), if any."""
    position, path = 0, None
    while position < len(body):
        space = body.find(b" ", position, position + 20)
        length = int(body[position:space]) if space > position and body[position:space].isdigit() else 0
        if length <= space - position:
            break
        key, _, value = body[space + 1 : position + length].rstrip(b"\n").partition(b"=")
        if key == b"path":
            path = value.decode("utf-8", "replace")
        position += length
    return path


BLOCK = 512
EXTENDED_BYTES = 2**16
REGULAR = (b"0", b"\0", b"7")


def _header(block: bytes, where: str) -> tuple[str, int, bytes]:
    """(name, size, type flag) of one 512-byte tar header, its checksum verified."""
    try:
        stored = int(block[148:156].strip(b" \0") or b"0", 8)
        size_field = block[124:136]
        if size_field[0] & 0x80:  # GNU base-256 for sizes of 8 GiB and more
            if size_field[0] != 0x80:
                raise ValueError("negative size")
            size = int.from_bytes(size_field[1:], "big")
        else:
            size = int(size_field.strip(b" \0") or b"0", 8)
    except ValueError:
        raise UsageError(f"{where}: not a tar archive (a header's numbers are not octal)") from None
    unsigned = sum(block[:148]) + 8 * 32 + sum(block[156:])
    signed = unsigned - 256 * sum(1 for b in block[:148] + block[156:] if b > 127)
    if stored not in (unsigned, signed):
        raise UsageError(f"{where}: not a tar archive (a header's checksum does not match)")
    name = block[:100].split(b"\0", 1)[0]
    if block[257:265] == b"ustar\x0000":  # POSIX ustar: a prefix holds the start of long paths
        prefix = block[345:500].split(b"\0", 1)[0]
        name = prefix + b"/" + name if prefix else name
    return name.decode("utf-8", "replace"), size, block[156:157]


def _exactly(stream: _Capped, size: int, where: str) -> bytes:
    parts, left = [], size
    while left:
        part = stream.read(left)
        if not part:
            raise UsageError(f"{where}: the tarball ends in the middle of a member (truncated?)")
        parts.append(part)
        left -= len(part)
    return b"".join(parts) if len(parts) != 1 else parts[0]


def _skip(stream: _Capped, size: int, where: str) -> None:
    while size > 0:
        size -= len(_exactly(stream, min(size, CHUNK), where))


def folder(path: Path) -> Path | None:
    """The folder holding the batch files: PATH itself or its cifar-10-batches-py / cifar-100-python."""
    for candidate in (path, path / "cifar-10-batches-py", path / "cifar-100-python"):
        if (candidate / "test_batch").exists() or (candidate / "test").exists():
            return candidate
    return None


def read_folder(path: Path) -> dict:
    """The CIFAR batch files of an extracted folder by name (regular files within the size bound)."""
    return {
        name: read_regular(path / name, BATCH_BYTES, "CIFAR batch file", where=f"--data {path}")
        for name in WANTED
        if (path / name).exists()
    }


def _check_size(size: int, where: str) -> None:
    if size > BATCH_BYTES:
        raise UsageError(f"{where} is {fmt_bytes(size)}, over the {fmt_bytes(BATCH_BYTES)} a CIFAR batch file may have")


# --- from batch files to arrays -----------------------------------------------------------------


def arrays(files: dict, where: str) -> tuple:
    """(x_train, y_train, x_test, y_test, class names or None) from CIFAR-10 or CIFAR-100 batch files."""
    if "test_batch" in files:
        missing = [n for n in CIFAR10_FILES if n not in files]
        if missing:
            raise UsageError(f"--data {where}: a CIFAR-10 copy needs {', '.join(missing)} too")
        train, test = CIFAR10_FILES[:5], "test_batch"
        label_key, meta_name, names_key = "labels", "batches.meta", "label_names"
    elif "train" in files and "test" in files:
        train, test = ["train"], "test"
        label_key, meta_name, names_key = "fine_labels", "meta", "fine_label_names"
    else:
        raise UsageError(f"--data {where}: no CIFAR batch files (data_batch_1..5 and test_batch) found")
    parts = [_batch(files.pop(n), n, label_key, where) for n in train]
    x_test, y_test = _batch(files.pop(test), test, label_key, where)
    x_train, y_train = np.concatenate([x for x, _ in parts]), np.concatenate([y for _, y in parts])
    names = _names(files[meta_name], meta_name, names_key, where) if meta_name in files else None
    return x_train, y_train, x_test, y_test, names


def _batch(raw: bytes, name: str, label_key: str, where: str):
    batch = read_batch(raw, f"--data {where}: {name}")
    for key in ("data", label_key):
        if key not in batch:
            raise UsageError(f"--data {where}: {name} has no '{key}' entry (it has {_keys(batch)})")
    rows, labels = batch["data"], batch[label_key]
    if not (isinstance(rows, np.ndarray) and rows.dtype == np.uint8 and rows.ndim == 2 and rows.shape[1] == ROW):
        what = f"a {rows.dtype} array of shape {rows.shape}" if isinstance(rows, np.ndarray) else type(rows).__name__
        raise UsageError(f"--data {where}: {name}'s data must be a uint8 array of {ROW}-byte rows; it is {what}")
    return _images(rows), _labels(labels, len(rows), f"--data {where}: {name}'s {label_key}")


def _labels(labels, count: int, where: str) -> np.ndarray:
    if isinstance(labels, (list, np.ndarray)) and len(labels) != count:
        raise UsageError(f"{where} has {len(labels):,} labels for {count:,} images")
    if isinstance(labels, np.ndarray) and labels.dtype.kind in "iu" and labels.ndim == 1:
        values = labels.astype(np.int64)
    elif isinstance(labels, list) and all(type(v) is int and -(2**31) <= v < 2**31 for v in labels):
        values = np.asarray(labels, dtype=np.int64)
    else:
        raise UsageError(f"{where} must be a list of integer class ids")
    return values


def _names(raw: bytes, name: str, key: str, where: str) -> list:
    meta = read_batch(raw, f"--data {where}: {name}")
    names = meta.get(key)
    if not isinstance(names, list) or not all(isinstance(n, (bytes, str)) and len(n) <= 256 for n in names):
        raise UsageError(f"--data {where}: {name} has no '{key}' list of class names (it has {_keys(meta)})")
    return [n.decode("utf-8", "replace") if isinstance(n, bytes) else n for n in names]


def _keys(batch: dict) -> str:
    keys = [str(k)[:40] for k in list(batch)[:8]]
    return ", ".join(keys) + (" ..." if len(batch) > 8 else "") if keys else "no entries"


def _images(rows: np.ndarray) -> np.ndarray:
    """CIFAR rows of 3072 bytes (1024 red, 1024 green, 1024 blue) -> N x 32 x 32 x 3."""
    return rows.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
