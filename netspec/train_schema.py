"""What the `train:` section of a spec accepts (used by `netspec train`)."""

from __future__ import annotations

OPTIMIZERS = ["Adam", "AdamW", "SGD", "RMSprop", "Nadam", "Adamax", "Adagrad", "Adadelta", "Lion", "Ftrl"]
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

_NUM = {"type": "number"}
_OPT_ARGS = {"type": "object", "additionalProperties": {"type": ["number", "boolean", "string", "null"]}}

TRAIN_SCHEMA = {
    "type": "object",
    "description": "How `netspec train` trains the model.",
    "additionalProperties": False,
    "properties": {
        "dataset": {"type": "string", "description": "cifar10, cifar100, mnist, fashion_mnist, synthetic, or a path."},
        "batch_size": {"type": "integer", "minimum": 1, "default": 32, "description": "Examples per step."},
        "epochs": {"type": "integer", "minimum": 1, "default": 10, "description": "Passes over the training data."},
        "shuffle": {"type": "boolean", "default": True, "description": "Shuffle the training data each epoch."},
        "validation_split": {
            "type": "number",
            "minimum": 0,
            "exclusiveMaximum": 1,
            "default": 0,
            "description": "Fraction of training data held out for validation (0: validate on the test set).",
        },
        "rescale": {
            "type": "number",
            "default": 1,
            "description": "Multiply pixel values by this (1/255 maps 0..255 to 0..1).",
        },
        "labels": {"enum": ["one_hot", "sparse"], "default": "one_hot", "description": "Label encoding."},
        "optimizer": {
            "description": "An optimizer name, or {Name: {arguments}} such as {Adam: {learning_rate: 1e-4}}.",
            "anyOf": [
                {"enum": OPTIMIZERS},
                {
                    "type": "object",
                    "properties": {name: _OPT_ARGS for name in OPTIMIZERS},
                    "additionalProperties": False,
                    "minProperties": 1,
                    "maxProperties": 1,
                },
            ],
            "default": "Adam",
        },
        "schedule": {
            "type": "object",
            "description": "Learning-rate schedule.",
            "additionalProperties": False,
            "properties": {
                "type": {"enum": ["constant", "step", "cosine", "reduce_on_plateau"]},
                "warmup_epochs": {"type": "integer", "minimum": 0},
                "step_epochs": {"type": "integer", "minimum": 1},
                "milestones": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 1},
                    "minItems": 1,
                    "uniqueItems": True,
                    "description": "step: the epochs at which the rate is multiplied by gamma (instead of step_epochs).",
                },
                "gamma": {"type": "number", "exclusiveMinimum": 0},
                "min_learning_rate": {"type": "number", "minimum": 0},
                "patience": {"type": "integer", "minimum": 1},
                "factor": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            },
            "required": ["type"],
            "not": {"required": ["step_epochs", "milestones"]},
        },
        "clipnorm": {"type": "number", "exclusiveMinimum": 0, "description": "Clip each gradient to this norm."},
        "loss": {"enum": LOSSES, "default": "categorical_crossentropy", "description": "Loss function."},
        "metrics": {"type": "array", "items": {"enum": METRICS}, "default": ["accuracy"], "description": "Metrics."},
        "augmentation": {
            "type": "object",
            "description": "Random transforms of training images (ImageDataGenerator's ranges).",
            "additionalProperties": False,
            "properties": {
                "rotation_range": {"type": "number", "minimum": 0, "maximum": 180, "description": "Degrees."},
                "width_shift_range": {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1,
                    "description": "Fraction of width.",
                },
                "height_shift_range": {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1,
                    "description": "Fraction of height.",
                },
                "zoom_range": {"type": "number", "minimum": 0, "maximum": 1},
                "horizontal_flip": {"type": "boolean"},
                "vertical_flip": {"type": "boolean"},
                "fill_mode": {"enum": ["nearest", "reflect", "wrap", "constant"], "default": "nearest"},
            },
        },
        "early_stopping": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "monitor": {"type": "string", "default": "val_loss"},
                "patience": {"type": "integer", "minimum": 1, "default": 10},
                "min_delta": _NUM,
                "restore_best_weights": {"type": "boolean"},
            },
        },
        "checkpoint": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "monitor": {"type": "string", "default": "val_accuracy"},
                "mode": {"enum": ["min", "max", "auto"]},
            },
        },
        "precision": {"enum": ["float32", "mixed_float16", "mixed_bfloat16"], "description": "Numeric precision."},
        "seed": {"type": "integer", "minimum": 0},
    },
}
