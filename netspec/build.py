"""`build/<name>/`: the expanded spec, the Keras model and its verified table, published atomically.

Every file is written into a staging directory beside `build/<name>/`, which then replaces
`build/<name>/` in one step (Linux's renameat2 RENAME_EXCHANGE), so a crash or a kill at any
moment leaves the complete old build or the complete new one, never a mix. `build/CURRENT`
is rewritten by rename. Writing holds a lock on `build/`, so concurrent builds publish one
after the other, CURRENT names the last one published, and debris that a killed build left
behind (a hidden `.staging-*` directory or temporary file) is swept by the next build.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path

from . import atomic
from .problems import UsageError
from .table import render_json, render_text
from .yaml_dump import dump_spec

STAGING = ".staging-"
FILES = ("spec.yaml", "model.keras", "summary.txt", "summary.json")


def build(spec, root: Path = Path("build"), verbose: bool = False, allow_files: bool = False):
    """Compile `spec` with Keras, publish its build directory, make it current; return (dir, analysis)."""
    prepare_root(root)  # before Keras starts: a build folder that cannot be written is said at once
    from .keras_build import build_model, verified

    model = build_model(spec, verbose, allow_files)
    analysis = verified(spec.summary(), model, spec)
    out = root / spec.name
    try:
        return _publish_build(spec, model, analysis, root, out), analysis
    except OSError as exc:
        raise UsageError(f"cannot write '{out}': {atomic.why_not_writable(out / 'spec.yaml', exc)}") from None


def prepare_root(root: Path) -> None:
    """Create the build folder if needed; a UsageError naming it when it is a file or cannot be written."""
    if root.exists() and not root.is_dir():
        raise UsageError(f"cannot build: '{root}' is a file, not a folder; move it away or build elsewhere")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create '{root}': {atomic.why_not_writable(root, exc)}") from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise UsageError(f"cannot build: '{root}' is not writable")


def _publish_build(spec, model, analysis, root: Path, out: Path) -> Path:
    with _locked(root):
        _sweep(root)
        staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=root))
        try:
            os.chmod(staging, 0o777 & ~atomic.umask())  # mkdtemp's 0700 would make build/<name>/ private
            _write(staging, spec, model, analysis)
            _publish(staging, out)
        finally:
            _remove(staging)
        atomic.write_text(root / "CURRENT", spec.name + "\n")
    return out


def _write(staging: Path, spec, model, analysis) -> None:
    batch = spec.train.get("batch_size")
    header = f"# Expanded by `netspec build` from {spec.path}; every layer named, nothing left to resolve.\n"
    model.save(staging / "model.keras")
    (staging / "summary.json").write_text(render_json(analysis, batch, verified=True))
    (staging / "summary.txt").write_text(render_text(analysis, batch, verified=True))
    (staging / "spec.yaml").write_text(header + dump_spec(spec.expanded()))
    for name in FILES:
        with open(staging / name, "rb") as handle:
            os.fsync(handle.fileno())


def _publish(staging: Path, out: Path) -> None:
    """Put the finished `staging` directory at `out` in one step; `staging` then holds the old build."""
    try:
        os.rename(staging, out)  # `out` absent (or an empty directory): a plain rename is atomic
        return
    except OSError as exc:
        if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
            raise
    if not _exchange(staging, out):
        # No atomic exchange on this system: move the old build aside first (a brief window without it).
        aside = Path(tempfile.mkdtemp(prefix=STAGING, dir=out.parent))
        os.rename(out, aside / "old")
        os.rename(staging, out)
        _remove(aside)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextlib.contextmanager
def _locked(root: Path):
    """Hold an exclusive lock on the directory `root` (released by the kernel if the process dies)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _sweep(root: Path) -> None:
    """Remove what a killed build left behind; called under the lock, so nothing here is in use."""
    for debris in [*root.glob(STAGING + "*"), *root.glob(".CURRENT.*.tmp")]:
        _remove(debris)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
