"""One training run from start (or resume) to finish: devices, data, model, fit, final files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import atomic
from ..compiler import limits
from ..problems import UsageError
from . import (
    augment,
    callbacks,
    curves,
    data,
    devices,
    evaluate,
    keras_fixes,
    modelfile,
    optim,
    pipeline,
    rundir,
    settings,
    tensorboard,
)

RUNS = Path("runs")


@dataclass
class Request:
    """What the command line asked for (None: not given, the spec decides)."""

    spec_file: str
    argv: list
    gpus: list | None = None
    cpu: bool = False
    epochs: int | None = None
    batch_size: int | None = None
    data: str | None = None
    limit: int | None = None
    seed: int | None = None
    precision: str | None = None
    run_dir: Path | None = None
    resume: Path | None = None
    verbose: bool = False
    allow_large: bool = False


@dataclass
class Outcome:
    run: Path | None
    history: list
    evaluation: dict | None = None
    stopped: callbacks.Stopped | None = None
    notes: list = field(default_factory=list)


def model_io(spec) -> tuple[tuple, int]:
    """The single input's shape and the number of classes the single output predicts."""
    if len(spec.flat.inputs) != 1 or len(spec.flat.outputs) != 1:
        raise UsageError(
            f"netspec train needs a spec with one input and one output; {spec.name} has "
            f"{len(spec.flat.inputs)} and {len(spec.flat.outputs)}"
        )
    (tensor,) = spec.flat.inputs.values()
    shape = spec.graph.nodes[spec.flat.outputs[0]].get("output_shape")
    if not shape or shape[-1] is None:
        raise UsageError(f"netspec train cannot tell how many classes {spec.name}'s output has")
    return tuple(tensor["shape"]), int(shape[-1])


def start_tensorflow(request: Request):
    """Hide what was not asked for, import TensorFlow quietly, and place the run."""
    if request.cpu:
        devices.hide_all_gpus()
    from ..tf_env import import_keras

    keras = import_keras(request.verbose)
    import tensorflow as tf

    return tf, keras, devices.select(tf, request.gpus, request.cpu)


def resolve_settings(spec, request: Request, num_classes: int) -> tuple[settings.Settings, dict | None]:
    """The run's settings: fresh from the command line and spec, or as a resumed run recorded them."""
    if request.resume is None:
        chosen = settings.resolve(
            spec.train,
            num_classes,
            data=request.data,
            batch_size=request.batch_size,
            epochs=request.epochs,
            seed=request.seed,
            precision=request.precision,
            limit=request.limit,
        )
        return chosen, None
    stored = rundir.read_run(request.resume)
    if request.spec_file != "<run>":
        rundir.check_same_spec(request.resume, stored, spec.expanded(), request.spec_file)
    recorded = stored["settings"]
    for option, key in (
        ("data", "dataset"),
        ("batch_size", "batch_size"),
        ("seed", "seed"),
        ("precision", "precision"),
        ("limit", "limit"),
    ):
        given = getattr(request, option)
        if given is not None and given != recorded.get(key):
            flag = "--" + option.replace("_", "-")
            raise UsageError(
                f"--resume continues a run as it started: {flag} {given} differs from the run's "
                f"{recorded.get(key)}; leave {flag} out, or start a new run"
            )
    if request.epochs is not None:
        recorded["epochs"] = request.epochs
    return settings.Settings(**recorded), stored


def train(spec, request: Request, echo) -> Outcome:
    """Train `spec` as `request` says; `echo` prints one line for the user."""
    input_shape, num_classes = model_io(spec)
    chosen, stored = resolve_settings(spec, request, num_classes)
    augment.check_shape(chosen.augmentation, input_shape)
    limits.check_memory(spec, chosen.batch_size, allow_large=request.allow_large)
    tf, keras, placement = start_tensorflow(request)
    chosen.precision = chosen.precision or optim.auto_precision(placement)
    keras.mixed_precision.set_global_policy(chosen.precision)
    keras.utils.set_random_seed(chosen.seed)
    deterministic = request.seed is not None or (stored or {}).get("deterministic", False)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    echo(f"device: {placement.description}")
    note_batch = devices.batch_note(placement, chosen.batch_size)
    if note_batch:
        echo(note_batch)

    dataset = data.load(chosen.dataset, input_shape, num_classes, chosen.limit)
    x_train, y_train, x_val, y_val = data.split(dataset, chosen.validation_split)
    echo(f"data: {dataset.source}: {len(x_train)} train, {len(x_val)} validation examples")

    run = _run_dir(spec, request, chosen, placement, deterministic)
    note = {
        "spec": spec.name,
        "rescale": chosen.rescale,
        "labels": chosen.labels,
        "class_names": dataset.class_names,
        "input_shape": list(input_shape),
        "train_examples": len(x_train),
        "dataset": chosen.dataset,
        "limit": chosen.limit,
    }
    with placement.strategy.scope():
        if request.resume is not None:
            model, state = _restore(keras, request.resume)
            echo(f"resuming {request.resume} after epoch {state['epoch']}")
        else:
            model = spec.to_keras()
            state = _fresh_state(chosen)
            model.compile(
                optimizer=optim.make_optimizer(keras, chosen),
                loss=chosen.loss,
                metrics=list(chosen.metrics),
                jit_compile="auto",
            )
    if run is not None:
        callbacks.write_history(run, state["history"])
        echo(f"run directory: {run}")
        echo(tensorboard.hint(run / "tensorboard"))

    steps = pipeline.steps_per_epoch(len(x_train), chosen.batch_size)
    train_data = pipeline.train_dataset(tf, keras, x_train, y_train, chosen, initial_epoch=state["epoch"])
    val_data = pipeline.eval_dataset(tf, x_val, y_val, chosen, batch_size=max(chosen.batch_size, 256))
    if placement.multi_worker:
        keras_fixes.apply(tf, model, next(iter(train_data)))
    outcome = Outcome(run, state["history"])
    with callbacks.SignalFlag(echo) as flag:
        hooks = callbacks.make(keras, run, state, note, flag, chosen, steps, echo)
        hooks += optim.schedule_callbacks(keras, chosen, steps, optim.base_learning_rate(keras, chosen))
        hooks += _extra_callbacks(tf, keras, chosen, run)
        try:
            if state["epoch"] < chosen.epochs:
                model.fit(
                    train_data,
                    epochs=chosen.epochs,
                    initial_epoch=state["epoch"],
                    steps_per_epoch=steps,
                    validation_data=val_data,
                    callbacks=hooks,
                    shuffle=False,
                    verbose=0,
                )
        except callbacks.Stopped as stop:
            outcome.stopped = stop
    if outcome.stopped is None:  # every worker evaluates (collective ops); the chief writes
        outcome.evaluation = evaluate.evaluate(keras, model, x_val, y_val, note, chosen.loss)
    if run is not None:
        _finish(model, run, note, outcome, echo)
    return outcome


def _run_dir(spec, request: Request, chosen, placement, deterministic: bool) -> Path | None:
    if not placement.chief:
        return None
    if request.resume is not None:
        run = request.resume
        record = rundir.read_run(run)
        record["settings"]["epochs"] = chosen.epochs
        atomic.write_text(run / "run.json", json.dumps(record, indent=2) + "\n")
        return run
    run = rundir.create(RUNS, spec.name, request.run_dir)
    rundir.write_start(run, spec.expanded(), chosen.to_dict(), request.argv, placement.description, deterministic)
    return run


def _fresh_state(chosen) -> dict:
    monitor = (chosen.checkpoint or {}).get("monitor")
    if monitor is None:
        monitor = "val_accuracy" if "accuracy" in chosen.metrics else "val_loss"
    mode = callbacks.monitor_mode(monitor, (chosen.checkpoint or {}).get("mode"))
    return {"epoch": 0, "history": [], "monitor": monitor, "mode": mode, "best": None, "best_epoch": None}


def _restore(keras, run: Path):
    last = run / rundir.LAST
    if not last.is_file():
        raise UsageError(f"--resume {run}: no completed epoch to resume from ({last} is missing); start a new run")
    state = modelfile.read_note(last).get("state")
    if state is None:
        raise UsageError(f"--resume {run}: {last} was not written by netspec train")
    return modelfile.load(keras, last), state


def _extra_callbacks(tf, keras, chosen, run: Path | None) -> list:
    found = []
    stopping = chosen.early_stopping or {}
    if stopping:
        found.append(
            keras.callbacks.EarlyStopping(
                monitor=stopping.get("monitor", "val_loss"),
                patience=stopping.get("patience", 10),
                min_delta=stopping.get("min_delta", 0),
                restore_best_weights=stopping.get("restore_best_weights", False),
            )
        )
    if run is not None:
        found.append(tensorboard.make(keras, run / "tensorboard"))
    return found


def _finish(model, run: Path, note: dict, outcome: Outcome, echo) -> None:
    """model.keras and eval.json (when training ran to its end) first, then the optional curves.png.

    A picture that cannot be drawn costs one warning line, never the model.
    """
    if outcome.stopped is None:
        modelfile.save(model, run / "model.keras", note)
        atomic.write_text(run / "eval.json", json.dumps(outcome.evaluation, indent=2) + "\n")
    if outcome.history:
        try:
            atomic.write_bytes(run / "curves.png", curves.render_png(outcome.history))
        except Exception as exc:  # an optional artefact: matplotlib missing or failing must not lose the run
            echo(f"warning: curves.png not written ({type(exc).__name__}: {exc}); the model and metrics are saved")
