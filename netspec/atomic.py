"""Writing files so that a crash leaves either the old complete file or the new one."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .problems import UsageError


def umask() -> int:
    """The process umask (read without changing it for good)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it into place.

    A path that cannot be written (a folder, a file's child, a read-only or virtual file
    system such as /proc) is a UsageError naming the path, in one line.
    """
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"cannot write '{path}': it is a folder; name a file")
    try:
        _write_bytes(path, data)
    except OSError as exc:
        raise UsageError(f"cannot write '{path}': {why_not_writable(path, exc)}") from None


def why_not_writable(path: Path, exc: OSError) -> str:
    """In words, why writing `path` failed with `exc`."""
    ancestor = Path(path).parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if ancestor.exists() and not ancestor.is_dir():
        return f"'{ancestor}' is not a folder"
    if exc.errno == errno.ENOENT and ancestor == Path(path).parent:  # /proc, /sys: folders that refuse new files
        return f"no new file can be created in '{ancestor}'"
    return exc.strerror or str(exc)


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~umask())  # mkstemp makes 0600; a plain open() would give 0644
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))
