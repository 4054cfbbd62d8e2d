"""Staging an export beside its destination and renaming it into place, so no half-written export is ever seen.

A file is replaced in one rename. A folder (SavedModel) that already exists is first moved into the
staging area, then the new one renamed in: a moment without it, never a mix of old and new.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from ..atomic import umask
from ..problems import UsageError


def check_writable(path: Path, label: str, folder: bool) -> None:
    """A usage error, before any work, when `path` cannot be written (its folder cannot be made or written)."""
    if path.exists() and path.is_dir() != folder:
        raise UsageError(
            f"-o {label}: is {'a file' if folder else 'a folder'}; name a {'folder' if folder else 'file'}"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except (FileExistsError, NotADirectoryError):
        blocking = next(p for p in path.parents if p.exists() and not p.is_dir())
        raise UsageError(f"-o {label}: cannot write there ({blocking} is a file, not a folder)") from None
    except OSError as exc:
        raise UsageError(f"-o {label}: cannot write there ({exc.strerror or exc})") from None


@contextlib.contextmanager
def staged(path: Path):
    """A temporary path beside `path`, with `path`'s name, removed afterwards with whatever is left in it."""
    area = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".export", dir=path.parent))
    try:
        os.chmod(area, 0o777 & ~umask())
        yield area / path.name
    finally:
        shutil.rmtree(area, ignore_errors=True)


def publish(staging: Path, path: Path) -> None:
    """Move the finished `staging` (file or folder) to `path`."""
    for file in [staging] if staging.is_file() else staging.rglob("*"):
        if file.is_file():
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())
    if staging.is_dir() and path.is_dir():
        os.rename(path, staging.with_name(staging.name + ".old"))
    os.replace(staging, path)


def disk_size(path: Path) -> int:
    """Bytes of a file, or of every file in a folder."""
    return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
