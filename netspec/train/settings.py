"""A run's settings, resolved once from netspec.compiler.train_schema.SETTINGS: the command line, then the spec, then defaults."""

from __future__ import annotations

import copy
import secrets
from dataclasses import asdict, field, make_dataclass

from ..compiler.train_schema import SETTINGS, flagged
from ..problems import UsageError

# Decided by the run rather than given: the classes the model predicts, and why its precision was chosen.
DERIVED = [("num_classes", int, field(default=0)), ("precision_reason", str, field(default=""))]

Settings = make_dataclass(
    "Settings",
    [(s.name, object, field(default=None)) for s in SETTINGS] + DERIVED,
    namespace={"to_dict": lambda self: asdict(self), "__doc__": "Everything a run needs besides the model (run.json)."},
)


def resolve(train: dict, num_classes: int, options: dict) -> Settings:
    """Command-line `options` (setting name -> value, None = not given) over the spec's train section over defaults."""
    values = {}
    for setting in SETTINGS:
        given = options.get(setting.name) if setting.flag else None
        spec_value = train.get(setting.name) if setting.in_spec else None
        chosen = given if given is not None else spec_value if spec_value is not None else setting.default
        values[setting.name] = copy.deepcopy(chosen)
    if values["seed"] is None:
        values["seed"] = secrets.randbelow(2**31)
    values["augmentation"] = values["augmentation"] or {}
    values["early_stopping"] = values["early_stopping"] or {}
    values["checkpoint"] = values["checkpoint"] or {}
    _check_labels(values["labels"], values["loss"])
    return Settings(num_classes=num_classes, **values)


def _check_labels(labels: str, loss: str) -> None:
    if labels == "sparse" and loss == "categorical_crossentropy":
        raise UsageError(
            "train.labels is sparse but train.loss is categorical_crossentropy; "
            "use sparse_categorical_crossentropy, or labels: one_hot"
        )
    if labels == "one_hot" and loss == "sparse_categorical_crossentropy":
        raise UsageError(
            "train.labels is one_hot but train.loss is sparse_categorical_crossentropy; "
            "use categorical_crossentropy, or labels: sparse"
        )


def recorded(stored: dict, run) -> Settings:
    """The settings a run folder's run.json recorded; a malformed record cannot be resumed."""
    values = stored.get("settings") if isinstance(stored, dict) else None
    known = {s.name for s in SETTINGS} | {name for name, _, _ in DERIVED}
    if not isinstance(values, dict) or not {"epochs", "batch_size", "seed", "dataset"} <= set(values):
        raise UsageError(f"cannot resume {run}: its run.json has no settings record; start a new run")
    unknown = sorted(set(values) - known)
    if unknown:
        raise UsageError(f"cannot resume {run}: its run.json has settings netspec does not know: {', '.join(unknown)}")
    for name, kind in (("epochs", int), ("batch_size", int), ("seed", int), ("num_classes", int)):
        if name in values and (
            not isinstance(values[name], kind) or isinstance(values[name], bool) or values[name] < 0
        ):
            raise UsageError(f"cannot resume {run}: run.json's settings.{name} is {values[name]!r}, not a count")
    return Settings(**values)


def check_resume_options(settings: Settings, options: dict) -> None:
    """--resume continues a run as it started: only the settings marked resumable may be given differently."""
    for setting in flagged():
        given = options.get(setting.name)
        was = getattr(settings, setting.name)
        if given is None or setting.resumable or given == was:
            continue
        if setting.name == "precision" and given == "auto" and settings.precision_reason.startswith("auto"):
            continue
        raise UsageError(
            f"--resume continues a run as it started: {setting.flag} {given} differs from the run's "
            f"{was}; leave {setting.flag} out, or start a new run"
        )
