"""An .npz read within bounds: every member's .npy header is checked before its data is decompressed.

numpy.load would decompress a whole member to read its first rows, trust the shape its
header declares, and (with allow_pickle) unpickle object arrays. Here each member is a
stream: its header (dtype, shape, order) is read with numpy.lib.format and checked first;
then only the rows asked for are decompressed, straight into an array of the declared
size. Object arrays, pickles, strings as images or labels, declared sizes the member does
not hold, and arrays larger than the machine's memory are refused before any data is read.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..compiler.limits import fmt_bytes, machine_memory
from ..problems import UsageError
from ..safe_read import open_regular

ARRAYS = ("x_train", "y_train", "x_test", "y_test")
NAMES = "class_names"
NAMES_BYTES = 16 * 2**20  # class_names: a few thousand short strings at most
CHUNK = 2**18  # bytes decompressed per read: small reads stay in cache (16 MiB reads were 4x slower)
MAX_AXES = 32  # numpy allows 64; an image array has 2 to 4
NUMBERS = "biuf"  # numpy dtype kinds allowed for images and labels: bool, int, uint, float
HEADERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
READ_ERRORS = (OSError, EOFError, ValueError, TypeError, SyntaxError, RuntimeError, NotImplementedError, zlib.error)


@dataclass
class Member:
    """One .npy member as its header declares it."""

    key: str
    info: zipfile.ZipInfo
    shape: tuple
    fortran: bool
    dtype: np.dtype
    offset: int  # bytes of magic and header before the data

    @property
    def row_bytes(self) -> int:
        return math.prod(self.shape[1:]) * self.dtype.itemsize


def read(path: Path, limit: int | None = None) -> dict:
    """x_train, y_train, x_test, y_test (at most `limit` rows each) and class_names if present, checked."""
    where = f"--data {path}"
    try:
        with open_regular(path, where="--data") as file, zipfile.ZipFile(file) as archive:
            members = _members(archive, where)
            rows = {k: _rows(members[k], limit) for k in ARRAYS}
            _check_budget(members, rows, where)
            arrays = {k: _data(archive, members[k], rows[k], where) for k in ARRAYS}
            if NAMES in members:
                arrays[NAMES] = _data(archive, members[NAMES], members[NAMES].shape[0], where)
    except zipfile.BadZipFile as exc:
        raise UsageError(f"{where}: not a readable .npz (a zip of .npy arrays, as numpy.savez writes): {exc}") from None
    except READ_ERRORS as exc:
        raise UsageError(f"{where}: cannot read the .npz ({type(exc).__name__}: {exc})") from None
    return arrays


def is_npy(path: Path) -> bool:
    """Whether the file starts like a bare .npy array (numpy.save) rather than a zip."""
    with open_regular(path, where="--data") as file:
        return file.read(6) == b"\x93NUMPY"


def _members(archive: zipfile.ZipFile, where: str) -> dict:
    keys = {info.filename.removesuffix(".npy"): info for info in archive.infolist()}
    missing = [k for k in ARRAYS if k not in keys]
    if missing:
        found = sorted(keys)
        shown = ", ".join(found[:8]) + (f" and {len(found) - 8} more" if len(found) > 8 else "")
        raise UsageError(f"{where}: the .npz has {shown or 'no arrays'}; it also needs {', '.join(missing)}")
    members = {k: _header(archive, keys[k], k, where) for k in (*ARRAYS, NAMES) if k in keys}
    for member in members.values():
        _check_member(member, where)
    for split in ("train", "test"):
        x, y = members[f"x_{split}"], members[f"y_{split}"]
        if x.shape[0] != y.shape[0]:
            raise UsageError(f"{where}: x_{split} has {x.shape[0]:,} rows but y_{split} has {y.shape[0]:,}")
    if members["x_train"].shape[0] == 0:
        raise UsageError(
            f"{where}: x_train has no rows (shape {members['x_train'].shape}); there is nothing to train on"
        )
    return members


def _header(archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str, where: str) -> Member:
    """The member's declared dtype, shape and order, from its first bytes only."""
    with archive.open(info) as stream:
        try:
            version = np.lib.format.read_magic(stream)
        except ValueError:
            raise UsageError(
                f"{where}: member {info.filename} is not a .npy array (a pickle or other file?); "
                "netspec reads only plain arrays written by numpy.savez"
            ) from None
        if version not in HEADERS:
            raise UsageError(f"{where}: {key} is a .npy of format version {version}, which netspec does not read")
        try:
            shape, fortran, dtype = HEADERS[version](stream)
        except ValueError as exc:
            raise UsageError(f"{where}: {key} has a malformed .npy header ({exc})") from None
        return Member(key, info, shape, fortran, dtype, stream.tell())


def _check_member(member: Member, where: str) -> None:
    """Refuse, from the header alone, what netspec cannot use or what the member does not hold."""
    key, shape, dtype = member.key, member.shape, member.dtype
    if dtype.hasobject:
        raise UsageError(
            f"{where}: {key} is an object array, which only a pickle can hold; netspec never unpickles data "
            "(save plain numeric arrays)"
        )
    if len(shape) > MAX_AXES or any(d < 0 or d >= 2**63 for d in shape):
        raise UsageError(
            f"{where}: {key} declares an impossible shape ({len(shape)} axes, sizes from "
            f"{min(shape, default=0):.3g} to {max(shape, default=0):.3g})"
        )
    if key == NAMES:
        _check_names(shape, dtype, where)
    else:
        _check_numbers(key, shape, dtype, where)
    held = member.info.file_size - member.offset
    declared = math.prod(shape) * dtype.itemsize
    if declared != held:
        raise UsageError(
            f"{where}: {key} declares shape {shape} of {dtype} ({declared:,} bytes) but holds {max(held, 0):,} bytes"
        )


def _check_names(shape: tuple, dtype: np.dtype, where: str) -> None:
    if dtype.kind not in "US" or len(shape) != 1:
        raise UsageError(f"{where}: class_names must be a list of strings; it has dtype {dtype} and shape {shape}")
    if math.prod(shape) * dtype.itemsize > NAMES_BYTES:
        raise UsageError(f"{where}: class_names holds over {fmt_bytes(NAMES_BYTES)}; it should be short names")


def _check_numbers(key: str, shape: tuple, dtype: np.dtype, where: str) -> None:
    image = key.startswith("x")
    if dtype.kind not in NUMBERS or dtype.itemsize > 8:
        raise UsageError(
            f"{where}: {key} has dtype {dtype}; {'images' if image else 'class ids'} must be numbers "
            "(integers or floats of 64 bits at most)"
        )
    if image and len(shape) < 2:
        raise UsageError(f"{where}: {key} has shape {shape}; expected (rows, height, width[, channels])")
    if not image and (len(shape) not in (1, 2) or 0 in shape[1:]):
        raise UsageError(f"{where}: {key} has shape {shape}; expected (rows,) or one-hot (rows, classes)")


def _rows(member: Member, limit: int | None) -> int:
    return member.shape[0] if not limit else min(limit, member.shape[0])


def _check_budget(members: dict, rows: dict, where: str) -> None:
    """Refuse, before reading, arrays that together exceed this machine's memory."""
    need = sum(_bytes_read(members[k], rows[k]) for k in ARRAYS)
    have = machine_memory()
    if have is not None and need > have:
        raise UsageError(
            f"{where}: reading it needs {fmt_bytes(need)}, more than this machine's {fmt_bytes(have)}; "
            "pass --limit N to read the first N examples only"
        )


def _bytes_read(member: Member, rows: int) -> int:
    if member.fortran:  # column-major: the first rows are not contiguous, the whole array is read
        return math.prod(member.shape) * member.dtype.itemsize
    return rows * member.row_bytes


def _data(archive: zipfile.ZipFile, member: Member, rows: int, where: str) -> np.ndarray:
    """The first `rows` rows, decompressed into an array of exactly that size."""
    full = member.fortran and rows < member.shape[0]
    shape = member.shape if full else (rows, *member.shape[1:])
    array = np.empty(math.prod(shape), dtype=member.dtype)
    buffer = memoryview(array.view(np.uint8))
    with archive.open(member.info) as stream:
        stream.seek(member.offset)
        got = 0
        while got < len(buffer):
            count = stream.readinto(buffer[got : got + CHUNK])
            if not count:
                raise UsageError(f"{where}: {member.key} ends after {got:,} of its {len(buffer):,} bytes")
            got += count
    array = array.reshape(shape, order="F" if member.fortran else "C")
    if full:
        array = np.ascontiguousarray(array[:rows])
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    return array
