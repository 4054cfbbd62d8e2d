"""`netspec train [SPEC]`: train the model on the device the user picks, as the spec's train: section says."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .common import SET_HELP, spec_path

EXIT_STOPPED, EXIT_DIVERGED = 130, 4


def setting_options(command):
    """Add an option to `command` for every train: setting the table gives a flag (netspec.train_schema)."""
    from ..train_schema import flagged

    kinds = {"integer": int, "number": float, "string": str, "boolean": bool}
    params = [p for p in inspect.signature(command).parameters.values() if p.kind is not p.VAR_KEYWORD]
    for setting in flagged():
        schema = setting.schema
        kind = kinds.get(schema.get("type"), str)
        where = f"train.{setting.name}, else " if setting.in_spec else ""
        shown = ", ".join(schema["enum"]) + ". " if "enum" in schema else ""
        help_text = f"{shown}{setting.description} (default: {where}{_default_words(setting)})"
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
    from ..train_schema import default_text

    return default_text(setting).strip("`")


@setting_options
def train(
    spec: Optional[Path] = typer.Argument(None, help="Spec file (default: the current build's spec)."),
    gpu: Optional[str] = typer.Option(None, "--gpu", help="GPU number(s) to use: 0, or 0,1 for MirroredStrategy."),
    cpu: bool = typer.Option(False, "--cpu", help="Hide every GPU and train on the CPU."),
    run_dir: Optional[Path] = typer.Option(None, "--run-dir", help="Run directory (default: runs/<name>/<time>/)."),
    resume: Optional[Path] = typer.Option(
        None, "--resume", help="Continue this run from its last completed epoch (with --epochs: extend it)."
    ),
    overrides: List[str] = typer.Option([], "--set", help=SET_HELP),
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
    from ..train import devices
    from ..train.loop import Request
    from ..train.loop import train as run_training
    from ..train_schema import BY_NAME

    if cpu and gpu is not None:
        raise UsageError("--cpu and --gpu contradict each other; give one")
    for name, value in options.items():
        allowed = BY_NAME[name].schema.get("enum")
        if value is not None and allowed and value not in allowed:
            raise UsageError(f"{BY_NAME[name].flag} {value}: expected {', '.join(allowed[:-1])} or {allowed[-1]}")
    if spec is None and resume is not None:
        path, label = resume / "spec.yaml", "<run>"
        if not path.is_file():
            raise UsageError(f"cannot resume {resume}: it has no spec.yaml (is it a netspec run directory?)")
    else:
        path = spec_path(spec)
        label = str(path)
    loaded = load(path, overrides)
    request = Request(
        spec_file=label,
        argv=["netspec", *sys.argv[1:]],
        options=options,
        gpus=devices.parse_gpus(gpu),
        cpu=cpu,
        run_dir=run_dir,
        resume=resume,
        verbose=verbose,
        allow_large=allow_large,
    )
    outcome = run_training(loaded, request, typer.echo)
    _report(outcome, label if label != "<run>" else None)


def _report(outcome, spec_label) -> None:
    from ..train import evaluate

    run = outcome.run
    stop = outcome.stopped
    if stop is None:
        if outcome.evaluation is not None:
            typer.echo(evaluate.render(outcome.evaluation), nl=False)
        if run is not None:
            typer.echo(f"Wrote {run}/ (model.keras, eval.json, curves.png, metrics.csv, checkpoints/).")
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
