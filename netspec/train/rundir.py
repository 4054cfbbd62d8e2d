"""The run directory: what a run was asked to do, with which software, and where its files go.

runs/<name>/<UTC timestamp>/
  spec.yaml  command.txt  versions.json  run.json      what was asked, written at the start
  history.json  metrics.csv  tensorboard/  checkpoints/{last,best}.keras   after every epoch
  model.keras  eval.json  curves.png                   at the end
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import platform
import shlex
import sys
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__, atomic
from ..problems import UsageError
from ..yaml_dump import dump_spec

LAST = Path("checkpoints") / "last.keras"
BEST = Path("checkpoints") / "best.keras"


def fingerprint(expanded: dict) -> str:
    """A hash of the expanded spec, ignoring train.epochs (a resumed run may be given more epochs)."""
    data = copy.deepcopy(expanded)
    data.get("train", {}).pop("epochs", None)
    data.pop("description", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def create(root: Path, name: str, given: Path | None = None) -> Path:
    """A new, empty run directory: `given`, or root/name/<UTC timestamp> (suffixed if taken)."""
    if given is not None:
        if given.exists() and any(given.iterdir()):
            raise UsageError(f"--run-dir {given}: already exists and is not empty; use --resume {given} to continue it")
        given.mkdir(parents=True, exist_ok=True)
        return given
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    path = root / name / stamp
    n = 1
    while path.exists():
        n += 1
        path = root / name / f"{stamp}-{n}"
    path.mkdir(parents=True)
    return path


def versions() -> dict:
    found = {"netspec": __version__, "python": platform.python_version()}
    for module in ("tensorflow", "keras", "numpy"):
        if module in sys.modules:
            found[module] = getattr(sys.modules[module], "__version__", "?")
    found["TF_ENABLE_ONEDNN_OPTS"] = os.environ.get("TF_ENABLE_ONEDNN_OPTS")  # oneDNN kernels change CPU numerics
    return found


def write_start(path: Path, expanded: dict, settings: dict, argv: list, placement: str, deterministic: bool) -> None:
    """What the run was asked to do: the expanded spec, the exact command, versions, settings."""
    header = "# The fully expanded spec this run trained (netspec train).\n"
    atomic.write_text(path / "spec.yaml", header + dump_spec(expanded))
    atomic.write_text(path / "command.txt", shlex.join(argv) + "\n")
    atomic.write_text(path / "versions.json", json.dumps(versions(), indent=2) + "\n")
    run = {"spec": expanded.get("name"), "fingerprint": fingerprint(expanded), "settings": settings}
    run["devices"] = placement
    run["deterministic"] = deterministic
    run.update(_started())
    _write_run(path, run)


def _started() -> dict:
    """When, and which process on which host, so that `netspec runs` can tell a running run from a crashed one."""
    return {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "host": platform.node(),
        "pid": os.getpid(),
        "status": "running",
    }


def _write_run(path: Path, run: dict) -> None:
    atomic.write_text(path / "run.json", json.dumps(run, indent=2) + "\n")


def mark_resumed(path: Path, epochs: int) -> None:
    """A resumed run: its new total of epochs, and this process as the one running it."""
    run = read_run(path)
    run["settings"]["epochs"] = epochs
    run.setdefault("started", _started()["started"])
    run.update({k: v for k, v in _started().items() if k != "started"})
    run.pop("reason", None)
    _write_run(path, run)


def mark_status(path: Path, status: str, reason: str | None = None) -> None:
    """finished, or stopped (with why): what `netspec runs` shows."""
    run = read_run(path)
    run["status"] = status
    if reason:
        run["reason"] = reason
    _write_run(path, run)


def read_run(path: Path) -> dict:
    """run.json of an existing run directory, with a usage error when it is not one."""
    try:
        run = json.loads((path / "run.json").read_text())
    except (OSError, ValueError, RecursionError) as exc:
        reason = "no run.json" if isinstance(exc, FileNotFoundError) else "its run.json is not readable JSON"
        raise UsageError(f"cannot resume {path}: not a netspec run directory ({reason})") from None
    if (
        not isinstance(run, dict)
        or not isinstance(run.get("settings"), dict)
        or not isinstance(run.get("fingerprint"), str)
    ):
        raise UsageError(f"cannot resume {path}: its run.json is not a netspec run record")
    return run


def check_same_spec(path: Path, run: dict, expanded: dict, spec_file: str) -> None:
    """Refuse to resume when the spec differs from the one the run started with."""
    if run["fingerprint"] != fingerprint(expanded):
        raise UsageError(
            f"--resume {path}: {spec_file} has changed since this run started, so its checkpoint does not "
            f"belong to it; the run's own spec is {path / 'spec.yaml'} (resume without SPEC to use it), "
            "or start a new run"
        )
