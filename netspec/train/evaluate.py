"""Test loss, accuracy and a per-class table for a trained model: what eval.json holds."""

from __future__ import annotations

import numpy as np


def evaluate(model, x, y, note: dict, batch_size: int = 256) -> dict:
    """The compiled model's own loss and metrics over (x, y) (those it trained with), plus accuracy and per-class figures."""
    images = x.astype("float32") * note.get("rescale", 1)
    truth = y.astype("int64")
    classes = int(model.output_shape[-1])
    target = np.eye(classes, dtype="float32")[truth] if note.get("labels", "one_hot") == "one_hot" else truth
    measured = model.evaluate(images, target, batch_size=batch_size, verbose=0, return_dict=True)
    probabilities = np.asarray(model.predict(images, batch_size=batch_size, verbose=0), dtype="float32")
    predicted = probabilities.argmax(axis=-1)
    names = note.get("class_names") or [str(i) for i in range(classes)]
    per_class = []
    for index in range(classes):
        actual, guessed = truth == index, predicted == index
        hits = int(np.sum(actual & guessed))
        per_class.append(
            {
                "class": names[index] if index < len(names) else str(index),
                "examples": int(actual.sum()),
                "correct": hits,
                "accuracy": hits / int(actual.sum()) if actual.any() else None,
                "precision": hits / int(guessed.sum()) if guessed.any() else None,
            }
        )
    return {
        "examples": int(len(truth)),
        "loss_function": note.get("loss"),
        "loss": float(measured.pop("loss")),
        "accuracy": float(np.mean(predicted == truth)) if len(truth) else None,
        "metrics": {name: float(value) for name, value in measured.items()},
        "per_class": per_class,
    }


def render(result: dict) -> str:
    """eval.json as a small text table."""
    lines = [f"test loss {result['loss']:.4f}  accuracy {_pct(result['accuracy'])}  ({result['examples']} examples)"]
    width = max([len("class")] + [len(row["class"]) for row in result["per_class"]])
    lines.append(f"{'class':<{width}}  examples  correct  accuracy  precision")
    for row in result["per_class"]:
        lines.append(
            f"{row['class']:<{width}}  {row['examples']:>8}  {row['correct']:>7}  "
            f"{_pct(row['accuracy']):>8}  {_pct(row['precision']):>9}"
        )
    return "\n".join(lines) + "\n"


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def evaluate_target(keras, target, source: str | None, limit: int | None) -> dict:
    """Evaluate a run directory's model.keras (or a .keras file) on the test split of its dataset or `source`."""
    from pathlib import Path

    from ..problems import UsageError
    from . import data, modelfile

    target = Path(target)
    path = target / "model.keras" if target.is_dir() else target
    if target.is_dir() and not path.is_file():
        path = target / "checkpoints" / "last.keras"
    if not path.is_file():
        raise UsageError(f"{target}: no model.keras (or checkpoints/last.keras) to evaluate")
    note = modelfile.read_note(path)
    model = modelfile.load(keras, path, compile=False)
    labels = note.get("labels", "one_hot")
    # the loss and metrics the run trained with (older runs recorded only the label encoding)
    loss = note.get("loss") or ("sparse_categorical_crossentropy" if labels == "sparse" else "categorical_crossentropy")
    model.compile(loss=loss, metrics=list(note.get("metrics", ["accuracy"])))
    if source is None and limit is None:
        limit = note.get("limit")  # the run's own test split, as its eval.json measured it
    source = source or note.get("dataset")
    if source is None:
        raise UsageError(f"{path} was not written by netspec train; say which data to use with --data")
    shape = tuple(note.get("input_shape") or model.input_shape[1:])
    classes = int(model.output_shape[-1])
    test = data.load(source, shape, classes, limit)
    if not note:
        note = {"rescale": 1, "class_names": test.class_names}
    x, y = test.x_test, test.y_test
    if not len(x):
        raise UsageError(f"--data {test.source}: it has no test examples to evaluate on")
    return evaluate(model, x, y, {**note, "loss": loss})
