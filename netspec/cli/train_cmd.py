"""`netspec train [SPEC]`: train the model on the device the user picks, as the spec's train: section says."""

from __future__ import annotations

import math
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .common import SCALE_HELP, SET_HELP, complete_spec, gpu_list, spec_path


class Precision(str, Enum):
    float32 = "float32"
    mixed_float16 = "mixed_float16"
    mixed_bfloat16 = "mixed_bfloat16"


EXIT_STOPPED, EXIT_DIVERGED = 130, 4


def train(
    spec: Optional[Path] = typer.Argument(
        None, help="Spec file (default: the current build's spec).", autocompletion=complete_spec
    ),
    gpu: Optional[list] = typer.Option(
        None, "--gpu", parser=gpu_list, metavar="N[,N...]", help="GPU number(s) to use: 0, or 0,1 for MirroredStrategy."
    ),
    cpu: bool = typer.Option(False, "--cpu", help="Hide every GPU and train on the CPU."),
    epochs: Optional[int] = typer.Option(None, "--epochs", min=1, help="Epochs (default: train.epochs)."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="Global batch size."),
    data: Optional[str] = typer.Option(
        None, "--data", help="cifar10, cifar100, mnist, fashion_mnist, synthetic, or a path (tarball, folder, .npz)."
    ),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Train on the first N examples only."),
    run_dir: Optional[Path] = typer.Option(None, "--run-dir", help="Run directory (default: runs/<name>/<time>/)."),
    resume: Optional[Path] = typer.Option(None, "--resume", help="Continue this run from its last completed epoch."),
    seed: Optional[int] = typer.Option(None, "--seed", min=0, help="Seed everything; CPU runs then repeat exactly."),
    precision: Optional[Precision] = typer.Option(
        None, "--precision", help="float32, mixed_float16 or mixed_bfloat16 (default: train.precision, else auto)."
    ),
    overrides: List[str] = typer.Option([], "--set", help=SET_HELP),
    scale: Optional[str] = typer.Option(None, "--scale", help=SCALE_HELP),
    allow_large: bool = typer.Option(
        False, "--allow-large", help="Train even when the memory estimate exceeds this machine's memory."
    ),
    verbose: bool = typer.Option(False, "--verbose", help="Show TensorFlow's start-up log."),
):
    """Train SPEC's model with its train: section; the command line overrides it.

    Writes a run directory with the expanded spec, the command, versions, metrics.csv,
    history.json, TensorBoard logs, checkpoints/last.keras and best.keras (after every
    epoch), model.keras, curves.png and eval.json. Ctrl-C stops at the next batch;
    --resume RUN_DIR continues. Exit codes: 0 done, 1 invalid spec, 2 usage, 4 the loss
    became NaN, 130 stopped by a signal.
    """
    from ..problems import UsageError
    from ..spec import load
    from ..train.loop import Request
    from ..train.loop import train as run_training

    if cpu and gpu is not None:
        raise UsageError("--cpu and --gpu contradict each other; give one")
    if spec is None and resume is not None:
        path, label = resume / "spec.yaml", "<run>"
    else:
        path = spec_path(spec)
        label = str(path)
    loaded = load(path, overrides, scale)
    request = Request(
        spec_file=label,
        argv=["netspec", *sys.argv[1:]],
        gpus=gpu,
        cpu=cpu,
        epochs=epochs,
        batch_size=batch_size,
        data=data,
        limit=limit,
        seed=seed,
        precision=precision.value if precision is not None else None,
        run_dir=run_dir,
        resume=resume,
        verbose=verbose,
        allow_large=allow_large,
    )
    outcome = run_training(loaded, request, typer.echo)
    _report(outcome, label if label != "<run>" else None)
    if (data or loaded.train.get("dataset")) == "synthetic" and outcome.evaluation:
        typer.echo(synthetic_note(outcome.evaluation, len(outcome.history)))


def synthetic_note(evaluation: dict, epochs: int) -> str:
    """What a run on --data synthetic shows: that training runs end to end, and whether it beat chance yet."""
    classes = len(evaluation["per_class"]) or 1
    chance, accuracy = 1 / classes, evaluation["accuracy"] or 0.0
    if accuracy >= 1.5 * chance:
        verdict = "above chance: the model is learning the class patterns"
    else:
        verdict = (
            f"still at chance, as short runs of a deep model often are (the loss starts at ln {classes} = "
            f"{math.log(classes):.3f}); this run shows that data, model, checkpoints and metrics work end to end, "
            "not how well the model learns"
        )
    return (
        f"note: --data synthetic is {classes} random class patterns plus noise; chance accuracy is "
        f"{100 * chance:.1f}%. After {epochs} epoch(s) this run's {100 * accuracy:.1f}% is {verdict}."
    )


def _report(outcome, spec_label) -> None:
    from ..train import evaluate

    run = outcome.run
    stop = outcome.stopped
    if stop is None:
        if outcome.evaluation is not None:
            typer.echo(evaluate.render(outcome.evaluation), nl=False)
        if run is not None:
            files = ["model.keras", "eval.json", "curves.png", "metrics.csv", "checkpoints/"]
            written = ", ".join(name for name in files if (run / name).exists())
            typer.echo(f"Wrote {run}/ ({written}).")
        return
    done = len(outcome.history)
    where = f"epoch {stop.epoch + 1}, batch {stop.batch + 1}"
    resume = f"netspec train {spec_label + ' ' if spec_label else ''}--resume {run}"
    if stop.signum is not None:
        typer.echo(
            f"netspec: stopped by {stop.reason} at {where}; kept {done} completed epoch(s) in {run}/. "
            f"Resume with: {resume}",
            err=True,
        )
        raise typer.Exit(EXIT_STOPPED)
    typer.echo(
        f"netspec: training stopped: {stop.reason} at {where}; the last good checkpoint is "
        f"{run}/checkpoints/last.keras ({done} completed epoch(s)). Lower the learning rate or set train.clipnorm.",
        err=True,
    )
    raise typer.Exit(EXIT_DIVERGED)
