"""Run folders read back: what `netspec runs` lists and `netspec compare` sets side by side (no TensorFlow)."""

from __future__ import annotations

import json
import math
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path

from ..compiler.train_schema import default
from ..problems import UsageError
from .callbacks import monitor_mode

COLUMNS = ["run", "spec", "started", "epochs", "best", "test accuracy", "precision", "device", "status"]


@dataclass
class Run:
    """One run folder as its files describe it."""

    path: str
    spec: str
    started: str
    epochs_done: int
    epochs_total: int | None
    monitor: str
    best: float | None
    test_accuracy: float | None
    precision: str | None
    device: str
    status: str
    settings: dict
    history: list


def _json(path: Path, fallback):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError, RecursionError):
        return fallback


def find(root: Path) -> list[Path]:
    """Every run folder (one holding run.json) under root, searching sub-folders, in path order."""
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder of runs")
    return sorted(p.parent for p in root.rglob("run.json") if p.is_file())


def _alive(record: dict) -> bool:
    """Whether the process that wrote `record` still runs netspec on this host."""
    pid = record.get("pid")
    if not isinstance(pid, int) or record.get("host") != platform.node() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
        return b"netspec" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ProcessLookupError):
        return False


def status(path: Path, record: dict) -> str:
    """finished, stopped, running, or crashed (the process that ran it is gone without saying why)."""
    said = record.get("status")
    if said in ("finished", "stopped"):
        return said
    if said is None and (path / "model.keras").is_file() and (path / "eval.json").is_file():
        return "finished"  # written before run.json recorded a status
    return "running" if _alive(record) else "crashed"


def read(path: Path) -> Run:
    """The summary of one run folder; missing pieces are left empty, never guessed."""
    record = _json(path / "run.json", {})
    record = record if isinstance(record, dict) else {}
    settings = record.get("settings") if isinstance(record.get("settings"), dict) else {}
    history = _json(path / "history.json", [])
    history = [r for r in history if isinstance(r, dict)] if isinstance(history, list) else []
    evaluation = _json(path / "eval.json", {})
    checkpoint = settings.get("checkpoint") if isinstance(settings.get("checkpoint"), dict) else {}
    monitor = checkpoint.get("monitor", default("checkpoint", "monitor"))
    values = [r[monitor] for r in history if isinstance(r.get(monitor), (int, float)) and math.isfinite(r[monitor])]
    pick = max if monitor_mode(monitor, checkpoint.get("mode")) == "max" else min
    accuracy = evaluation.get("accuracy") if isinstance(evaluation, dict) else None
    return Run(
        path=str(path),
        spec=str(record.get("spec") or path.parent.name),
        started=str(record.get("started") or ""),
        epochs_done=len(history),
        epochs_total=settings.get("epochs") if isinstance(settings.get("epochs"), int) else None,
        monitor=monitor,
        best=pick(values) if values else None,
        test_accuracy=accuracy if isinstance(accuracy, (int, float)) else None,
        precision=settings.get("precision"),
        device=str(record.get("devices") or ""),
        status=status(path, record),
        settings=settings,
        history=history,
    )


def _cells(run: Run) -> list[str]:
    total = "?" if run.epochs_total is None else str(run.epochs_total)
    best = "" if run.best is None else f"{run.monitor} {run.best:.4f}"
    accuracy = "" if run.test_accuracy is None else f"{100 * run.test_accuracy:.1f}%"
    started = run.started.replace("T", " ").replace("+00:00", "Z")
    return [
        run.path,
        run.spec,
        started,
        f"{run.epochs_done}/{total}",
        best,
        accuracy,
        run.precision or "",
        run.device,
        run.status,
    ]


def render(found: list[Run], form: str = "text") -> str:
    """The list as an aligned text table, a Markdown table, or JSON."""
    if form == "json":
        return (
            json.dumps(
                [{k: v for k, v in asdict(r).items() if k not in ("settings", "history")} for r in found], indent=2
            )
            + "\n"
        )
    rows = [_cells(r) for r in found]
    if form == "markdown":
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    return table([COLUMNS, *rows])


def table(rows: list[list[str]]) -> str:
    """Rows of cells as left-aligned columns two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n" for row in rows)
