"""`netspec train [SPEC]`: train the model on the device the user picks, as the spec's train: section says."""

from __future__ import annotations

import inspect
import math
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .common import SCALE_HELP, SET_HELP, complete_spec, gpu_list, spec_path

EXIT_STOPPED, EXIT_DIVERGED = 130, 4


def setting_options(command):
    """Add an option to `command` for every train: setting the table gives a flag (netspec.compiler.train_schema)."""
    from ..compiler.train_schema import flagged

    kinds = {"integer": int, "number": float, "string": str, "boolean": bool}
    params = [p for p in inspect.signature(command).parameters.values() if p.kind is not p.VAR_KEYWORD]
    for setting in flagged():
        schema = setting.schema
        kind = kinds.get(schema.get("type"), str)
        where = f"train.{setting.name}, else " if setting.in_spec else ""
        help_text = f"{setting.description} (default: {where}{_default_words(setting)})"
        if "enum" in schema:  # a choice: click checks it and completes it
            kind = Enum(setting.name.title(), {value: value for value in schema["enum"]}, type=str)
        option = typer.Option(
            None, setting.flag, help=help_text, min=schema.get("minimum"), max=schema.get("maximum"), show_default=False
        )
        params.append(
            inspect.Parameter(setting.name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=Optional[kind])
        )
        command.__annotations__[setting.name] = Optional[kind]
    command.__signature__ = inspect.Signature(params)
    return command


def _default_words(setting) -> str:
    from ..compiler.train_schema import default_text

    return default_text(setting).strip("`")


@setting_options
def train(
    spec: Optional[Path] = typer.Argument(
        None, help="Spec file (default: the current build's spec).", autocompletion=complete_spec
    ),
    gpu: Optional[list] = typer.Option(
        None, "--gpu", parser=gpu_list, metavar="N[,N...]", help="GPU number(s) to use: 0, or 0,1 for MirroredStrategy."
    ),
    cpu: bool = typer.Option(False, "--cpu", help="Hide every GPU and train on the CPU."),
    run_dir: Optional[Path] = typer.Option(None, "--run-dir", help="Run directory (default: runs/<name>/<time>/)."),
    resume: Optional[Path] = typer.Option(
        None, "--resume", help="Continue this run from its last completed epoch (with --epochs: extend it)."
    ),
    overrides: List[str] = typer.Option([], "--set", help=SET_HELP),
    scale: Optional[str] = typer.Option(None, "--scale", help=SCALE_HELP),
    allow_large: bool = typer.Option(
        False, "--allow-large", help="Train even when the memory estimate exceeds this machine's memory."
    ),
    verbose: bool = typer.Option(False, "--verbose", help="Show TensorFlow's start-up log."),
    **options,
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
    options = {name: getattr(value, "value", value) for name, value in options.items()}
    if spec is None and resume is not None:
        path, label = resume / "spec.yaml", "<run>"
        if not path.is_file():
            raise UsageError(f"cannot resume {resume}: it has no spec.yaml (is it a netspec run directory?)")
    else:
        path = spec_path(spec)
        label = str(path)
    loaded = load(path, overrides, scale)
    request = Request(
        spec_file=label,
        argv=["netspec", *sys.argv[1:]],
        options=options,
        gpus=gpu,
        cpu=cpu,
        run_dir=run_dir,
        resume=resume,
        verbose=verbose,
        allow_large=allow_large,
    )
    outcome = run_training(loaded, request, typer.echo)
    _report(outcome, label if label != "<run>" else None)
    if (options.get("dataset") or loaded.train.get("dataset")) == "synthetic" and outcome.evaluation:
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
