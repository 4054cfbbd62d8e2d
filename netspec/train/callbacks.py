"""What happens around each batch and epoch: checkpoints, history, progress, NaN and signal stops.

A completed epoch is recorded in this order: checkpoints/last.keras (the model, its
optimizer state and the history up to this epoch, in one atomic file), then best.keras,
history.json and metrics.csv. The checkpoint is the truth: a resumed run rewrites the
history from it, so every epoch appears exactly once whatever moment a run died.
"""

from __future__ import annotations

import csv
import io
import json
import math
import signal
import sys
import time
from pathlib import Path

from .. import atomic
from . import modelfile, optim
from .rundir import BEST, LAST


class Stopped(Exception):
    """Training stopped early at a batch boundary (signal or NaN loss); the last epoch's checkpoint is kept."""

    def __init__(self, reason: str, epoch: int, batch: int, signum: int | None = None):
        self.reason, self.epoch, self.batch, self.signum = reason, epoch, batch, signum
        super().__init__(reason)


class SignalFlag:
    """SIGINT/SIGTERM set a flag that training checks after each batch; a second signal stops at once."""

    def __init__(self, echo):
        self.signum = None
        self.echo = echo
        self.saved = {}

    def __enter__(self):
        for signum in (signal.SIGINT, signal.SIGTERM):
            self.saved[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.signum is not None:
            raise KeyboardInterrupt
        self.signum = signum
        self.echo(f"\n{signal.Signals(signum).name}: stopping after this batch (again to stop at once)")

    def __exit__(self, *exc):
        for signum, handler in self.saved.items():
            signal.signal(signum, handler)
        return False


def write_history(run: Path, history: list) -> None:
    """history.json and metrics.csv, both rewritten whole from the list of completed epochs."""
    atomic.write_text(run / "history.json", json.dumps(history, indent=1) + "\n")
    columns = []
    for record in history:
        columns += [k for k in record if k not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(history)
    atomic.write_text(run / "metrics.csv", out.getvalue())


def monitor_mode(monitor: str, mode: str | None) -> str:
    if mode in ("min", "max"):
        return mode
    return "max" if "acc" in monitor or "auc" in monitor else "min"


def make(keras, run: Path | None, state: dict, note: dict, flag: SignalFlag, settings, steps: int, echo, rng_state):
    """The callbacks of one run: guard (signals, NaN), recorder (checkpoints, history), progress.

    `rng_state()` returns the random generators' states, saved with every checkpoint.
    """

    class Guard(keras.callbacks.Callback):
        """Stops at a batch boundary on a signal or a non-finite loss, before the epoch can be recorded."""

        epoch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            loss = (logs or {}).get("loss")
            if loss is not None and not math.isfinite(float(loss)):
                raise Stopped(
                    "the loss became NaN" if math.isnan(float(loss)) else "the loss became infinite", self.epoch, batch
                )
            if flag.signum is not None:
                raise Stopped(signal.Signals(flag.signum).name, self.epoch, batch, flag.signum)

    class Recorder(keras.callbacks.Callback):
        """After each completed epoch: timing, learning rate, checkpoints, history files."""

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()
            self.batches = 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches = batch + 1
            self.train_end = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds = self.train_end - self.start
            examples = min(self.batches * settings.batch_size, note["train_examples"])
            record = {"epoch": epoch + 1}
            record.update({k: float(v) for k, v in (logs or {}).items()})
            record["learning_rate"] = optim.last_rate(keras, self.model.optimizer)
            record["seconds"] = round(seconds, 3)
            record["images_per_second"] = round(examples / seconds, 1) if seconds > 0 else 0.0
            state["history"].append(record)
            state["epoch"] = epoch + 1
            state["rng"] = rng_state()
            if run is None:
                return
            modelfile.save(self.model, run / LAST, {**note, "state": state})
            self._best(record)
            write_history(run, state["history"])

        def _best(self, record):
            monitor = state["monitor"]
            if monitor not in record:
                return
            value, best = record[monitor], state.get("best")
            better = best is None or (value > best if state["mode"] == "max" else value < best)
            if better and math.isfinite(value):
                state["best"], state["best_epoch"] = value, record["epoch"]
                modelfile.save(self.model, run / BEST, {**note, "state": state})

    class Progress(keras.callbacks.Callback):
        """A bar per epoch with images/s; on a pipe, one line per epoch."""

        tty = sys.stderr.isatty()

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch, self.start, self.shown = epoch, time.perf_counter(), 0.0

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            if self.tty and now - self.shown > 0.25:
                self.shown = now
                done = batch + 1
                rate = min(done * settings.batch_size, note["train_examples"]) / max(now - self.start, 1e-9)
                bar = "#" * int(24 * done / steps)
                loss = float((logs or {}).get("loss", float("nan")))
                sys.stderr.write(
                    f"\repoch {self.epoch + 1}/{settings.epochs} [{bar:<24}] {done}/{steps}  "
                    f"{rate:,.0f} img/s  loss {loss:.4f}"
                )
                sys.stderr.flush()

        def on_epoch_end(self, epoch, logs=None):
            record = state["history"][-1] if state["history"] else {}
            metrics = "  ".join(f"{k} {v:.4f}" for k, v in (logs or {}).items() if k != "learning_rate")
            line = (
                f"epoch {epoch + 1}/{settings.epochs}  {record.get('seconds', 0):.1f} s  "
                f"{record.get('images_per_second', 0):,.0f} img/s  {metrics}"
            )
            echo(("\r" if self.tty else "") + line)

    return [Guard(), Recorder(), Progress()]
