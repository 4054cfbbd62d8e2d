"""The spec's optimizer and learning-rate schedule as Keras objects.

A schedule is a keras.optimizers.schedules.LearningRateSchedule of the optimizer's step
counter, saved in the optimizer's config and restored with it, so a resumed run continues
it where it was. With S steps per epoch, E epochs, W warm-up epochs, base rate b and
t = k / S at step k (0-based):

    warm-up (t < W):      b * (k + 1) / (W * S)
    step:                 b * gamma ** n, n = milestones passed (t >= m), or floor(t / step_epochs)
    cosine:               low + (b - low) * (1 + cos(pi * min(1, (t - W) / max(E - W, 1)))) / 2
    constant:             b
reduce_on_plateau is Keras' ReduceLROnPlateau callback on a constant rate.
"""

from __future__ import annotations

import math

from ..compiler.train_schema import default, optimizer_parts

PLATEAU = "reduce_on_plateau"


class Refused(Exception):
    """Keras' optimizer constructor refused the spec's arguments."""


_SCHEDULE_CLASS = {}


def schedule_class(keras):
    """netspec's LearningRateSchedule, registered with Keras so that load_model restores it."""
    if "class" in _SCHEDULE_CLASS:
        return _SCHEDULE_CLASS["class"]

    @keras.saving.register_keras_serializable(package="netspec")
    class EpochSchedule(keras.optimizers.schedules.LearningRateSchedule):
        """The spec's schedule, as a function of the optimizer's step (see netspec.train.optim)."""

        def __init__(self, base: float, schedule: dict, steps_per_epoch: int, epochs: int):
            self.base, self.schedule = float(base), dict(schedule)
            self.steps_per_epoch, self.epochs = int(steps_per_epoch), int(epochs)

        def __call__(self, step):
            ops = keras.ops
            k = ops.cast(step, "float32")
            rate = after_warmup(ops, self.base, self.schedule, k / self.steps_per_epoch, self.epochs)
            warmup = float(self.schedule.get("warmup_epochs", 0))
            if warmup:
                ramp = self.base * (k + 1) / (warmup * self.steps_per_epoch)
                rate = ops.where(k / self.steps_per_epoch < warmup, ramp, rate)
            return rate

        def get_config(self):
            return {
                "base": self.base,
                "schedule": self.schedule,
                "steps_per_epoch": self.steps_per_epoch,
                "epochs": self.epochs,
            }

    _SCHEDULE_CLASS["class"] = EpochSchedule
    return EpochSchedule


def after_warmup(ops, base: float, schedule: dict, t, epochs: int):
    """The rate at fractional epoch t once warm-up is over (t a float tensor)."""
    kind = schedule.get("type", "constant")
    if kind == "step":
        gamma = float(schedule.get("gamma", default("schedule", "gamma")))
        if "milestones" in schedule:
            passed = sum(ops.cast(t >= float(m), "float32") for m in schedule["milestones"])
        else:
            passed = ops.floor(t / float(schedule.get("step_epochs", default("schedule", "step_epochs"))))
        return base * ops.power(gamma, passed)
    if kind == "cosine":
        low = float(schedule.get("min_learning_rate", default("schedule", "min_learning_rate")))
        warmup = float(schedule.get("warmup_epochs", 0))
        progress = ops.minimum(1.0, (t - warmup) / max(epochs - warmup, 1))
        return low + (base - low) * 0.5 * (1 + ops.cos(math.pi * progress))
    return base + 0.0 * t


def make_optimizer(keras, settings, steps_per_epoch: int):
    """The Keras optimizer the spec names, with its arguments, clipping and schedule; Keras' refusals as usage errors."""
    name, args = optimizer_parts(settings.optimizer)
    if settings.clipnorm:
        args["clipnorm"] = settings.clipnorm
    schedule = settings.schedule or {}
    kind = schedule.get("type", "constant")
    try:
        optimizer_class = getattr(keras.optimizers, name)
        base = args.pop("learning_rate", None)
        if base is None:
            base = float(keras.ops.convert_to_numpy(optimizer_class(**args).learning_rate))
        if kind in ("constant", PLATEAU) and not schedule.get("warmup_epochs"):
            return optimizer_class(learning_rate=base, **args)
        rate = schedule_class(keras)(base, schedule, steps_per_epoch, settings.epochs)
        return optimizer_class(learning_rate=rate, **args)
    except (ValueError, TypeError, AttributeError) as exc:
        raise Refused(f"'train.optimizer': Keras' {name} refuses these arguments: {str(exc).splitlines()[0]}") from None


def plateau_callbacks(keras, settings) -> list:
    """reduce_on_plateau: Keras' ReduceLROnPlateau on val_loss."""
    schedule = settings.schedule or {}
    if schedule.get("type") != PLATEAU:
        return []
    return [
        keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss",
            factor=schedule.get("factor", default("schedule", "factor")),
            patience=schedule.get("patience", default("schedule", "patience")),
            min_lr=schedule.get("min_learning_rate", default("schedule", "min_learning_rate")),
            verbose=0,
        )
    ]


def last_rate(keras, optimizer) -> float:
    """The learning rate the optimizer's last step used."""
    inner = getattr(optimizer, "inner_optimizer", optimizer)  # mixed_float16 wraps it in a LossScaleOptimizer
    rate = getattr(inner, "_learning_rate", None)
    if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
        return float(keras.ops.convert_to_numpy(rate(max(int(inner.iterations.numpy()) - 1, 0))))
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


def extend(keras, optimizer, epochs: int) -> None:
    """A resumed run given more epochs: the schedule's length follows (cosine then ends at the new last epoch)."""
    rate = getattr(getattr(optimizer, "inner_optimizer", optimizer), "_learning_rate", None)
    if isinstance(rate, schedule_class(keras)):
        rate.epochs = int(epochs)
