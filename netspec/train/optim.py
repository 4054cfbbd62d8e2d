"""The spec's optimizer, learning-rate schedule, gradient clipping and numeric precision, as Keras objects."""

from __future__ import annotations

import math

PLATEAU = "reduce_on_plateau"


def optimizer_parts(spec_optimizer) -> tuple[str, dict]:
    """'Adam' or {Adam: {learning_rate: 1e-4}} -> ('Adam', {...})."""
    if isinstance(spec_optimizer, str):
        return spec_optimizer, {}
    ((name, args),) = spec_optimizer.items()
    return name, dict(args or {})


def make_optimizer(keras, settings):
    """The Keras optimizer the spec names, with its arguments and gradient clipping."""
    name, args = optimizer_parts(settings.optimizer)
    if settings.clipnorm:
        args["clipnorm"] = settings.clipnorm
    return getattr(keras.optimizers, name)(**args)


def learning_rate(base: float, schedule: dict, t: float, epochs: int) -> float:
    """The learning rate at fractional epoch t (0 = start) of a run of `epochs` epochs.

    warm-up: linear from base/warmup_steps to base over warmup_epochs; then
    step: base * gamma ** (milestones passed), the milestones being the listed epochs or
    every step_epochs; cosine: from base down to min_learning_rate at the last epoch;
    constant and reduce_on_plateau: base.
    """
    kind = schedule.get("type", "constant")
    warmup = schedule.get("warmup_epochs", 0)
    if warmup and t < warmup:
        return base * max(t, 1e-3) / warmup
    if kind == "step":
        if "milestones" in schedule:
            passed = sum(1 for epoch in schedule["milestones"] if t >= epoch)
        else:
            passed = math.floor(t / schedule.get("step_epochs", 30))
        return base * schedule.get("gamma", 0.1) ** passed
    if kind == "cosine":
        low = schedule.get("min_learning_rate", 0.0)
        progress = min(1.0, (t - warmup) / max(epochs - warmup, 1))
        return low + (base - low) * 0.5 * (1 + math.cos(math.pi * progress))
    return base


def base_learning_rate(keras, settings) -> float:
    """The spec's learning rate (or the optimizer's Keras default): what schedules scale."""
    return float(keras.ops.convert_to_numpy(make_optimizer(keras, settings).learning_rate))


def schedule_callbacks(keras, settings, steps_per_epoch: int, base: float) -> list:
    """Callbacks that drive the learning rate as the spec's schedule says."""
    schedule = settings.schedule or {}
    kind = schedule.get("type", "constant")
    found = []
    if kind != "constant" or schedule.get("warmup_epochs"):
        found.append(_scheduler(keras, schedule, settings.epochs, steps_per_epoch, base))
    if kind == PLATEAU:
        found.append(
            keras.callbacks.ReduceLROnPlateau(
                monitor="val_loss",
                factor=schedule.get("factor", 0.1),
                patience=schedule.get("patience", 10),
                min_lr=schedule.get("min_learning_rate", 0.0),
                verbose=0,
            )
        )
    return found


def _scheduler(keras, schedule: dict, epochs: int, steps: int, base: float):
    class Schedule(keras.callbacks.Callback):
        """Sets the learning rate before every batch (so warm-up is smooth and resume is exact)."""

        epoch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_begin(self, batch, logs=None):
            t = self.epoch + batch / steps
            if schedule.get("type") == PLATEAU and t >= schedule.get("warmup_epochs", 0):
                return
            self.model.optimizer.learning_rate = learning_rate(base, schedule, t, epochs)

    return Schedule()


def auto_precision(placement) -> str:
    """float32 on CPUs (mixed_bfloat16 measured slower there, see docs/benchmarks.md); mixed on GPUs with tensor cores."""
    capabilities = [cc for cc in getattr(placement, "capabilities", []) if cc]
    if capabilities and min(capabilities) >= (8, 0):
        return "mixed_bfloat16"
    if capabilities and min(capabilities) >= (7, 0):
        return "mixed_float16"
    return "float32"
