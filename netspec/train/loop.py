"""One training run from start (or resume) to finish: devices, data, model, fit, final files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import atomic
from ..compiler import limits
from ..compiler.graph import record
from ..compiler.train_schema import default
from ..layers.base import fmt_shape
from ..problems import SpecError, UsageError
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
    precision,
    rng,
    rundir,
    settings,
    tensorboard,
)

RUNS = Path("runs")
EARLY_STOPPING_KEYS = ("monitor", "patience", "min_delta", "restore_best_weights")


@dataclass
class Request:
    """What the command line asked for; `options` maps setting names to flag values (None: not given)."""

    spec_file: str
    argv: list
    options: dict = field(default_factory=dict)
    gpus: list | None = None
    cpu: bool = False
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
    output = record(spec.graph, spec.flat.outputs[0])
    shape = output.output_shape
    if not shape or shape[-1] is None:
        raise UsageError(f"netspec train cannot tell how many classes {spec.name}'s output has")
    if len(shape) != 1:
        raise UsageError(
            f"netspec train trains classifiers, whose output is one vector of class scores per example; "
            f"{spec.name}'s output '{output.name}' is {fmt_shape(shape)}, a prediction per position, which needs "
            "labels of that shape that the datasets netspec reads do not hold; train it with Keras (netspec eject "
            "writes the model as a script)"
        )
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
        return settings.resolve(spec.train, num_classes, request.options), None
    stored = rundir.read_run(request.resume)
    if request.spec_file != "<run>":
        rundir.check_same_spec(request.resume, stored, spec.expanded(), request.spec_file)
    chosen = settings.recorded(stored, request.resume)
    settings.check_resume_options(chosen, request.options)
    if request.options.get("epochs") is not None:
        chosen.epochs = request.options["epochs"]
    return chosen, stored


def train(spec, request: Request, echo) -> Outcome:
    """Train `spec` as `request` says; `echo` prints one line for the user."""
    input_shape, num_classes = model_io(spec)
    chosen, stored = resolve_settings(spec, request, num_classes)
    augment.check_shape(chosen.augmentation, input_shape)
    _check_memory(spec, chosen, request)
    saved = checked_state(request.resume) if request.resume is not None else None
    tf, keras, placement = start_tensorflow(request)
    _choose_precision(chosen, placement)
    keras.mixed_precision.set_global_policy(chosen.precision)
    keras.utils.set_random_seed(chosen.seed)
    tf.random.set_global_generator(tf.random.Generator.from_seed(chosen.seed))
    deterministic = request.options.get("seed") is not None or (stored or {}).get("deterministic", False)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    echo(f"device: {placement.description}")
    echo(f"precision: {chosen.precision} ({chosen.precision_reason})")
    note_batch = devices.batch_note(placement, chosen.batch_size)
    if note_batch:
        echo(note_batch)

    dataset = data.load(chosen.dataset, input_shape, num_classes, chosen.limit)
    x_train, y_train, x_val, y_val = data.split(dataset, chosen.validation_split)
    echo(f"data: {dataset.source}: {len(x_train)} train, {len(x_val)} validation examples")

    steps = pipeline.steps_per_epoch(len(x_train), chosen.batch_size)
    with placement.strategy.scope():
        model, state = _model(spec, request, tf, keras, chosen, steps, echo, saved)
    run = _run_dir(spec, request, chosen, placement, deterministic)
    note = {
        "spec": spec.name,
        "rescale": chosen.rescale,
        "labels": chosen.labels,
        "loss": chosen.loss,
        "metrics": list(chosen.metrics),
        "class_names": dataset.class_names,
        "input_shape": list(input_shape),
        "train_examples": len(x_train),
        "dataset": chosen.dataset,
        "limit": chosen.limit,
    }
    if run is not None:
        callbacks.write_history(run, state["history"])
        echo(f"run directory: {run}")
        echo(tensorboard.hint(run / "tensorboard"))

    train_data = pipeline.train_dataset(tf, keras, x_train, y_train, chosen, initial_epoch=state["epoch"])
    val_data = pipeline.eval_dataset(tf, x_val, y_val, chosen, batch_size=max(chosen.batch_size, 256))
    if placement.multi_worker:
        keras_fixes.apply(tf, model, next(iter(train_data)))
    outcome = Outcome(run, state["history"])
    with callbacks.SignalFlag(echo) as flag:
        hooks = callbacks.make(keras, run, state, note, flag, chosen, steps, echo, lambda: rng.capture(tf, model))
        hooks += optim.plateau_callbacks(keras, chosen)
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
        outcome.evaluation = evaluate.evaluate(model, x_val, y_val, note)
    if run is not None:
        _finish(model, run, note, outcome, echo)
    return outcome


def _choose_precision(chosen, placement) -> None:
    """Decide `auto` once, for a fresh run; a resumed run keeps what it recorded."""
    if chosen.precision_reason:
        return
    chosen.precision, chosen.precision_reason = precision.choose(
        chosen.precision or "auto",
        placement.capabilities,
        precision.cpu_bf16_flags(),
        cpu_workers=placement.multi_worker and not placement.capabilities,
    )


def _model(spec, request: Request, tf, keras, chosen, steps: int, echo, state: dict | None):
    """The compiled model and training state: fresh, or restored from the run's last checkpoint (`state`)."""
    if state is not None:
        model = _restore(tf, keras, request.resume, state)
        optim.extend(keras, model.optimizer, chosen.epochs)
        echo(f"resuming {request.resume} after epoch {state['epoch']}")
        return model, state
    model = spec.to_keras()
    model.compile(
        optimizer=_optimizer(spec, keras, chosen, steps),
        loss=chosen.loss,
        metrics=list(chosen.metrics),
        jit_compile="auto",
    )
    return model, _fresh_state(chosen)


def _optimizer(spec, keras, chosen, steps: int):
    """The optimizer; Keras refusing the spec's arguments is an invalid spec, at the line that gave them."""
    try:
        return optim.make_optimizer(keras, chosen, steps)
    except optim.Refused as exc:
        raise SpecError([spec.doc.problem(("train", "optimizer"), str(exc))]) from None


def _check_memory(spec, chosen, request: Request) -> None:
    """The static estimate, before TensorFlow starts, in the compute dtype the run will most likely use."""
    policy, _ = precision.choose(chosen.precision, [], precision.cpu_bf16_flags())
    limits.check_memory(spec, chosen.batch_size, allow_large=request.allow_large, precision=policy)


def _run_dir(spec, request: Request, chosen, placement, deterministic: bool) -> Path | None:
    if not placement.chief:
        return None
    if request.resume is not None:
        rundir.mark_resumed(request.resume, chosen.epochs)
        return request.resume
    run = rundir.create(RUNS, spec.name, request.run_dir)
    rundir.write_start(run, spec.expanded(), chosen.to_dict(), request.argv, placement.description, deterministic)
    return run


def _fresh_state(chosen) -> dict:
    monitor = chosen.checkpoint.get("monitor", default("checkpoint", "monitor"))
    mode = callbacks.monitor_mode(monitor, chosen.checkpoint.get("mode", default("checkpoint", "mode")))
    return {"epoch": 0, "history": [], "monitor": monitor, "mode": mode, "best": None, "best_epoch": None}


STATE_KEYS = {"epoch": int, "history": list, "monitor": str, "mode": str}


def checked_state(run: Path) -> dict:
    """The training state of the run's last checkpoint, checked before TensorFlow starts."""
    last = run / rundir.LAST
    if not last.is_file():
        raise UsageError(f"cannot resume {run}: no completed epoch to resume from ({last} is missing); start a new run")
    try:
        state = modelfile.read_note(last).get("state")
    except UsageError as exc:
        raise UsageError(f"cannot resume {run}: {exc}") from None
    if not isinstance(state, dict) or any(not isinstance(state.get(k), t) for k, t in STATE_KEYS.items()):
        raise UsageError(f"cannot resume {run}: {last} holds no training state netspec wrote")
    if state["epoch"] != len(state["history"]) or not all(isinstance(r, dict) for r in state["history"]):
        raise UsageError(f"cannot resume {run}: {last}'s training state is inconsistent (epoch vs history)")
    if "rng" in state:
        rng.check(state["rng"], str(run))
    return state


def _restore(tf, keras, run: Path, state: dict):
    try:
        model = modelfile.load(keras, run / rundir.LAST)
    except UsageError as exc:
        raise UsageError(f"cannot resume {run}: {exc}") from None
    if "rng" in state:
        rng.restore(tf, model, state["rng"], str(run))
    return model


def _extra_callbacks(tf, keras, chosen, run: Path | None) -> list:
    found = []
    stopping = chosen.early_stopping
    if stopping:
        found.append(
            keras.callbacks.EarlyStopping(
                **{key: stopping.get(key, default("early_stopping", key)) for key in EARLY_STOPPING_KEYS}
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
    stopped = outcome.stopped
    rundir.mark_status(run, "finished" if stopped is None else "stopped", None if stopped is None else stopped.reason)
