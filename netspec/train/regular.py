"""Data files are read only when they are regular files, and never past a size bound.

A FIFO would block a read forever and /dev/zero would never end it, so the kind of file is
checked first (following symlinks), and reads stop at limit + 1 bytes whatever st_size says.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..problems import UsageError

KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _lead(where: str) -> str:
    return f"{where}: " if where else ""


def kind(path: Path) -> str | None:
    """None for a regular file (after symlinks), else what the path is: 'a FIFO', 'missing', ..."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return "missing" if isinstance(exc, FileNotFoundError) else f"unreadable ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    return next((word for test, word in KINDS if test(mode)), "not a regular file")


def check_regular(path: Path, where: str = "") -> None:
    """Refuse anything but a regular file; `where` (an option, say) starts the message."""
    found = kind(path)
    if found is not None:
        raise UsageError(f"{_lead(where)}{path} is {found}, not a regular file")


def open_regular(path: Path, where: str = ""):
    """A regular file opened for reading in binary; a FIFO swapped in after the check opens at once and is refused."""
    check_regular(path, where)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UsageError(f"{_lead(where)}cannot read {path} ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UsageError(f"{_lead(where)}{path} is not a regular file")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_regular(path: Path, limit: int, where: str = "") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; reads limit + 1 bytes at most."""
    with open_regular(path, where) as file:
        try:
            raw = file.read(limit + 1)
        except OSError as exc:
            raise UsageError(f"{_lead(where)}cannot read {path} ({exc.strerror})") from None
    if len(raw) > limit:
        raise UsageError(f"{_lead(where)}{path} is over {limit:,} bytes, more than netspec reads from such a file")
    return raw
