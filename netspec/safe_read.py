"""Reading a stranger's file: regular files only, and never more than a limit.

A spec, data file or model named on the command line may be a symlink to `/dev/zero`,
a FIFO that never ends, a directory or a device. Only regular files are read; the size
limit is enforced by reading at most `limit + 1` bytes, never by trusting `st_size`
(which is 0 for `/dev/zero` and for many files under `/proc`). Every refusal is a
UsageError (exit 2) naming the path.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from .problems import UsageError

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class FileTooLarge(UsageError):
    """The file holds more than the limit's bytes."""

    def __init__(self, path, limit: int, what: str):
        self.limit = limit
        super().__init__(f"{path}: is larger than {size_text(limit)}, the limit for a {what}")


def size_text(n: int) -> str:
    """A byte count as people write it: 10 MiB, 512 KiB, 300 bytes."""
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} bytes"


def _lead(where: str) -> str:
    return f"{where}: " if where else ""


def _refuse_unless_regular(path, mode: int, what: str, where: str = "") -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise UsageError(f"{_lead(where)}{path}: is {kind}, not a {what}")


def kind(path: str | Path) -> str | None:
    """None for a regular file (symlinks followed), else what `path` is: 'missing', 'a directory', 'a named pipe (FIFO)' ..."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except (OSError, ValueError) as exc:
        return f"unreadable ({getattr(exc, 'strerror', None) or exc})"
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def check_regular(path: str | Path, what: str = "regular file", where: str = "") -> os.stat_result:
    """The file's stat if `path` names a regular file (symlinks followed); else a UsageError.

    `where` (an option, say) starts the message."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"{_lead(where)}{path}: no such file") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{_lead(where)}{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    _refuse_unless_regular(path, info.st_mode, what, where)
    return info


def open_regular(path: str | Path, what: str = "regular file", where: str = ""):
    """A regular file opened for binary reading; anything else is a UsageError, never a hang."""
    check_regular(path, what, where)
    try:
        # O_NONBLOCK: a FIFO swapped in after the check opens at once (and is refused below), never hangs.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UsageError(f"{_lead(where)}{path}: cannot read: {exc.strerror}") from None
    try:
        _refuse_unless_regular(path, os.fstat(fd).st_mode, what, where)
    except UsageError:
        os.close(fd)
        raise
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_regular(path: str | Path, limit: int, what: str = "regular file", where: str = "") -> bytes:
    """The bytes of a regular file of at most `limit` bytes (reads limit + 1 at most); FileTooLarge past it."""
    with open_regular(path, what, where) as file:
        try:
            raw = file.read(limit + 1)
        except OSError as exc:
            raise UsageError(f"{_lead(where)}{path}: cannot read: {exc.strerror}") from None
    if len(raw) > limit:
        raise FileTooLarge(path, limit, what)
    return raw


JSON_MAX_DEPTH = 100
JSON_MAX_DIGITS = 20  # an unsigned 64-bit integer has 20 digits
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def load_json(raw: bytes, origin) -> object:
    """JSON data from a stranger's bytes: nesting and integer digits checked before Python's parser runs.

    Python's json module recurses once per level (a deep document raises RecursionError) and
    converts every integer, however long (4,300 digits raise ValueError; fewer take quadratic time).
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{origin}: not UTF-8 JSON (byte {exc.start})") from None
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > JSON_MAX_DEPTH:
                raise UsageError(f"{origin}: JSON nested deeper than {JSON_MAX_DEPTH} levels; a model config never is")
        elif bracket in "]}":
            depth -= 1
    try:
        return json.loads(text, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{origin}: not valid JSON ({exc})") from None
    except _LongInteger as exc:
        raise UsageError(f"{origin}: an integer of {exc.args[0]:,} digits; netspec reads integers of 64 bits") from None


class _LongInteger(Exception):
    pass


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > JSON_MAX_DIGITS:
        raise _LongInteger(len(digits.lstrip("-")))
    return int(digits)
