"""Every `train:` setting in one table: its schema, description, default, command-line flag, and resume rule.

The spec's JSON Schema (TRAIN_SCHEMA), the resolved settings of a run (netspec.train.settings),
the options of `netspec train`, the checks of `--resume`, eject's compile defaults and the
settings reference in docs/training.md (`python -m netspec.compiler.train_schema --write`) are all
read from SETTINGS. Pure data: importing it starts no TensorFlow.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from . import names

DATASETS = ["cifar10", "cifar100", "mnist", "fashion_mnist", "synthetic"]
LOSSES = [
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "binary_crossentropy",
    "mean_squared_error",
    "mean_absolute_error",
    "huber",
]
METRICS = [
    "accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "auc",
    "mae",
    "mse",
]
PRECISIONS = ["auto", "float32", "mixed_float16", "mixed_bfloat16"]
MONITOR = "val_loss"  # what early stopping and the best checkpoint watch unless told: every run has it
SEED_MAX = 2**32 - 1  # what numpy.random.seed accepts

_COMMON = (
    "weight_decay clipnorm clipvalue global_clipnorm use_ema ema_momentum ema_overwrite_frequency "
    "loss_scale_factor gradient_accumulation_steps name"
).split()
# Each Keras optimizer's constructor arguments (keras 3.15; tests/test_train_settings.py checks them against Keras).
OPTIMIZER_ARGS = {
    "Adam": ["learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad", *_COMMON],
    "AdamW": ["learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad", *_COMMON],
    "SGD": ["learning_rate", "momentum", "nesterov", *_COMMON],
    "RMSprop": ["learning_rate", "rho", "momentum", "epsilon", "centered", *_COMMON],
    "Nadam": ["learning_rate", "beta_1", "beta_2", "epsilon", *_COMMON],
    "Adamax": ["learning_rate", "beta_1", "beta_2", "epsilon", *_COMMON],
    "Adagrad": ["learning_rate", "initial_accumulator_value", "epsilon", *_COMMON],
    "Adadelta": ["learning_rate", "rho", "epsilon", *_COMMON],
    "Lion": ["learning_rate", "beta_1", "beta_2", *_COMMON],
    "Ftrl": [
        "learning_rate",
        "learning_rate_power",
        "initial_accumulator_value",
        "l1_regularization_strength",
        "l2_regularization_strength",
        "l2_shrinkage_regularization_strength",
        "beta",
        *_COMMON,
    ],
}
OPTIMIZERS = list(OPTIMIZER_ARGS)
_FLAGS = {"amsgrad", "nesterov", "centered", "use_ema"}
_COUNTS = {"ema_overwrite_frequency", "gradient_accumulation_steps"}


def _argument_schema(name: str) -> dict:
    if name == "learning_rate":
        return {"type": "number", "exclusiveMinimum": 0}
    if name in _FLAGS:
        return {"type": "boolean"}
    if name == "name":
        return names.schema()  # the one name rule (netspec/compiler/names.py)
    if name in _COUNTS:
        return {"type": ["integer", "null"], "minimum": 1}
    return {"type": ["number", "null"]}


def _optimizer_schema() -> dict:
    forms = {
        name: {
            "type": ["object", "null"],
            "properties": {arg: _argument_schema(arg) for arg in args},
            "additionalProperties": False,
        }
        for name, args in OPTIMIZER_ARGS.items()
    }
    return {
        "description": "An optimizer name, or {Name: {arguments}} such as {Adam: {learning_rate: 1e-4}}.",
        "type": ["string", "object"],
        "if": {"type": "string"},
        "then": {"enum": OPTIMIZERS},
        "else": {"properties": forms, "additionalProperties": False, "minProperties": 1, "maxProperties": 1},
    }


def optimizer_parts(spec_optimizer) -> tuple[str, dict]:
    """The one reading of the optimizer form: 'Adam' or {Adam: {learning_rate: 1e-4}} -> ('Adam', {...})."""
    if isinstance(spec_optimizer, str):
        return spec_optimizer, {}
    ((name, args),) = spec_optimizer.items()
    return name, dict(args or {})


_SCHEDULE = {
    "type": "object",
    "description": "Learning-rate schedule (a Keras LearningRateSchedule saved with the optimizer; "
    "reduce_on_plateau is a callback).",
    "additionalProperties": False,
    "properties": {
        "type": {"enum": ["constant", "step", "cosine", "reduce_on_plateau"], "default": "constant"},
        "warmup_epochs": {
            "type": "integer",
            "minimum": 0,
            "default": 0,
            "description": "Linear warm-up from 0 over this many epochs, per step (not with reduce_on_plateau).",
        },
        "step_epochs": {
            "type": "integer",
            "minimum": 1,
            "default": 30,
            "description": "step: multiply the rate by gamma every this many epochs.",
        },
        "milestones": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1},
            "minItems": 1,
            "uniqueItems": True,
            "description": "step: the epochs at which the rate is multiplied by gamma (instead of step_epochs).",
        },
        "gamma": {"type": "number", "exclusiveMinimum": 0, "default": 0.1, "description": "step: the factor."},
        "min_learning_rate": {
            "type": "number",
            "minimum": 0,
            "default": 0,
            "description": "cosine: the rate at the last epoch; reduce_on_plateau: the floor.",
        },
        "patience": {
            "type": "integer",
            "minimum": 1,
            "default": 10,
            "description": "reduce_on_plateau: epochs without a better val_loss before reducing.",
        },
        "factor": {
            "type": "number",
            "exclusiveMinimum": 0,
            "exclusiveMaximum": 1,
            "default": 0.1,
            "description": "reduce_on_plateau: the factor.",
        },
    },
    "required": ["type"],
    "allOf": [
        {"not": {"required": ["step_epochs", "milestones"]}},
        {
            "if": {"properties": {"type": {"const": "reduce_on_plateau"}}},
            "then": {"properties": {"warmup_epochs": {"const": 0}}},
        },
    ],
}

_FRACTION = {"type": "number", "minimum": 0, "maximum": 1}
_AUGMENTATION = {
    "type": "object",
    "description": "Random transforms of training images (ImageDataGenerator's ranges).",
    "additionalProperties": False,
    "properties": {
        "rotation_range": {"type": "number", "minimum": 0, "maximum": 180, "description": "Degrees."},
        "width_shift_range": {**_FRACTION, "description": "Fraction of width."},
        "height_shift_range": {**_FRACTION, "description": "Fraction of height."},
        "zoom_range": {**_FRACTION, "description": "Zoom in or out by up to this fraction."},
        "horizontal_flip": {"type": "boolean", "description": "Flip left-right with probability 1/2."},
        "vertical_flip": {"type": "boolean", "description": "Flip upside down with probability 1/2."},
        "fill_mode": {"enum": ["nearest", "reflect", "wrap", "constant"], "default": "nearest"},
    },
}
_MONITOR = {"type": "string", "default": MONITOR, "description": "A metric of the history, such as val_accuracy."}


@dataclass(frozen=True)
class Setting:
    """One training setting: where it may be given and what it means."""

    name: str
    schema: dict  # JSON Schema fragment, description included
    default: object = None  # None: none (off, or decided by the run: see default_text)
    flag: str | None = None  # the `netspec train` option that overrides it
    resumable: bool = False  # whether --resume may change it
    default_text: str | None = None  # how the docs state a default the run decides
    in_spec: bool = True  # False: command line only (no train: key)

    @property
    def description(self) -> str:
        return self.schema["description"]


SETTINGS = [
    Setting(
        "dataset",
        {"type": "string", "description": f"{', '.join(DATASETS)}, or a path (tarball, folder of images, .npz)."},
        "synthetic",
        "--data",
    ),
    Setting("batch_size", {"type": "integer", "minimum": 1, "description": "Global batch size."}, 32, "--batch-size"),
    Setting(
        "epochs",
        {
            "type": "integer",
            "minimum": 1,
            "description": "Passes over the training data (with --resume: the new total).",
        },
        10,
        "--epochs",
        resumable=True,
    ),
    Setting(
        "limit",
        {"type": "integer", "minimum": 1, "description": "Train on the first N examples and test on at most N."},
        flag="--limit",
        in_spec=False,
        default_text="all",
    ),
    Setting("shuffle", {"type": "boolean", "description": "A new order each epoch, keyed by (seed, epoch)."}, True),
    Setting(
        "validation_split",
        {
            "type": "number",
            "minimum": 0,
            "exclusiveMaximum": 1,
            "description": "Fraction of the training data held out for validation (0: validate on the test split).",
        },
        0.0,
    ),
    Setting(
        "rescale",
        {"type": "number", "description": "Multiply pixel values by this (${1 / 255} maps 0..255 to 0..1)."},
        1.0,
    ),
    Setting(
        "labels",
        {
            "enum": ["one_hot", "sparse"],
            "description": "Label encoding: one_hot (to_categorical) or sparse (class ids).",
        },
        "one_hot",
    ),
    Setting("optimizer", _optimizer_schema(), "Adam"),
    Setting("schedule", _SCHEDULE, {"type": "constant"}),
    Setting("clipnorm", {"type": "number", "exclusiveMinimum": 0, "description": "Clip each gradient to this norm."}),
    Setting("loss", {"enum": LOSSES, "description": "Loss function."}, "categorical_crossentropy"),
    Setting(
        "metrics",
        {"type": "array", "items": {"enum": METRICS}, "description": "Metrics reported each epoch."},
        ["accuracy"],
    ),
    Setting("augmentation", _AUGMENTATION, default_text="none"),
    Setting(
        "early_stopping",
        {
            "type": "object",
            "description": "Stop when the monitored metric stops improving (Keras' EarlyStopping).",
            "additionalProperties": False,
            "properties": {
                "monitor": _MONITOR,
                "patience": {"type": "integer", "minimum": 1, "default": 10},
                "min_delta": {"type": "number", "minimum": 0, "default": 0},
                "restore_best_weights": {"type": "boolean", "default": False},
            },
        },
        default_text="off",
    ),
    Setting(
        "checkpoint",
        {
            "type": "object",
            "description": "What checkpoints/best.keras is best at.",
            "additionalProperties": False,
            "properties": {"monitor": _MONITOR, "mode": {"enum": ["min", "max", "auto"], "default": "auto"}},
        },
        default_text=f"monitor {MONITOR}",
    ),
    Setting(
        "precision",
        {
            "enum": PRECISIONS,
            "description": "Numeric precision; auto: mixed_bfloat16 on CPUs with native bfloat16 (AVX512_BF16 or "
            "AMX) and on GPUs of compute capability 8.0+, mixed_float16 on 7.x, else float32.",
        },
        "auto",
        "--precision",
    ),
    Setting(
        "seed",
        {
            "type": "integer",
            "minimum": 0,
            "maximum": SEED_MAX,
            "description": "Seed everything (and turn on op determinism): CPU runs then repeat exactly.",
        },
        flag="--seed",
        default_text="random (recorded)",
    ),
]
BY_NAME = {setting.name: setting for setting in SETTINGS}
assert len(BY_NAME) == len(SETTINGS), "a setting is listed twice"

TRAIN_SCHEMA = {
    "type": "object",
    "description": "How `netspec train` trains the model.",
    "additionalProperties": False,
    "properties": {
        s.name: {**s.schema, **({} if s.default is None else {"default": s.default})} for s in SETTINGS if s.in_spec
    },
}


def default(name: str, part: str | None = None):
    """The default of a setting, or of one key of an object setting (schedule.gamma, checkpoint.monitor)."""
    setting = BY_NAME[name]
    if part is None:
        return setting.default
    return setting.schema["properties"][part].get("default")


def flagged() -> list[Setting]:
    """The settings `netspec train` has an option for, in table order."""
    return [s for s in SETTINGS if s.flag]


DOC = Path(__file__).resolve().parent.parent / "docs" / "training.md"
BEGIN, END = "<!-- settings: generated by python -m netspec.compiler.train_schema --write -->", "<!-- settings: end -->"


def default_text(setting: Setting) -> str:
    if setting.default_text is not None:
        return setting.default_text
    value = setting.default
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return "none" if value is None else f"`{value}`"


def _parts(setting: Setting) -> str:
    properties = setting.schema.get("properties", {})
    if setting.name == "optimizer":
        return "Arguments: those of the Keras optimizer's constructor (checked by name before TensorFlow starts)."
    texts = []
    for key, schema in properties.items():
        extra = f" (default {schema['default']})" if "default" in schema else ""
        texts.append(f"`{key}`{extra}" + (f": {schema['description'].rstrip('.')}" if "description" in schema else ""))
    return ("Keys: " + "; ".join(texts) + ".") if texts else ""


def render_reference() -> str:
    """The settings table of docs/training.md."""
    lines = [
        BEGIN,
        "",
        "| key | default | `netspec train` option | `--resume` may change it | meaning |",
        "|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        key = f"`{s.name}`" if s.in_spec else "(command line only)"
        meaning = s.description.replace("|", "\\|")
        parts = _parts(s)
        if parts:
            meaning += " " + parts.replace("|", "\\|")
        flag = f"`{s.flag}`" if s.flag else ""
        lines.append(f"| {key} | {default_text(s)} | {flag} | {'yes' if s.resumable else 'no'} | {meaning} |")
    lines += ["", END]
    return "\n".join(lines)


def current_doc(text: str) -> str:
    """docs/training.md with its settings table replaced by the table's current rendering."""
    start, stop = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + render_reference() + text[stop:]


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        DOC.write_text(current_doc(DOC.read_text()))
    else:
        print(render_reference())
