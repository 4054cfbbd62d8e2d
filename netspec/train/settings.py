"""One place that decides every training setting: the command line first, then the spec's `train:` section."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field

from ..problems import UsageError

DEFAULTS = {
    "dataset": "synthetic",
    "batch_size": 32,
    "epochs": 10,
    "shuffle": True,
    "validation_split": 0.0,
    "rescale": 1.0,
    "labels": "one_hot",
    "optimizer": "Adam",
    "loss": "categorical_crossentropy",
    "metrics": ["accuracy"],
}


@dataclass
class Settings:
    """Everything a run needs to know besides the model; saved as run.json."""

    dataset: str
    batch_size: int
    epochs: int
    shuffle: bool
    validation_split: float
    rescale: float
    labels: str
    optimizer: object
    loss: str
    metrics: list
    num_classes: int
    seed: int
    precision: str | None = None
    limit: int | None = None
    augmentation: dict = field(default_factory=dict)
    schedule: dict = field(default_factory=dict)
    early_stopping: dict = field(default_factory=dict)
    checkpoint: dict = field(default_factory=dict)
    clipnorm: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def resolve(train: dict, num_classes: int, **cli) -> Settings:
    """Merge command-line values (None = not given) over the spec's train section over DEFAULTS."""
    merged = {**DEFAULTS, **{k: v for k, v in train.items() if v is not None}}
    names = {"data": "dataset", "batch_size": "batch_size", "epochs": "epochs", "seed": "seed"}
    for option, key in names.items():
        if cli.get(option) is not None:
            merged[key] = cli[option]
    if cli.get("precision") is not None:
        merged["precision"] = cli["precision"]
    if merged.get("seed") is None:
        merged["seed"] = secrets.randbelow(2**31)
    loss, labels = merged["loss"], merged["labels"]
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
    known = Settings.__dataclass_fields__
    values = {k: v for k, v in merged.items() if k in known}
    return Settings(num_classes=num_classes, limit=cli.get("limit"), **values)
