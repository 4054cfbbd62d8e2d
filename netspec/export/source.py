"""What SOURCE names (a spec, a build folder, a run folder, a .keras file) and what the run's data says about input.

Everything here reads files only; the Keras model itself is loaded by `load_model` once TensorFlow is up.
Run folders are read through the note that `netspec train` puts in their model.keras (train/modelfile.py),
with every key optional, so a run written by an older or newer netspec still exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..problems import UsageError

SPEC_SUFFIXES = (".yaml", ".yml")


@dataclass
class Source:
    """A model to export and what is known about the data it was trained on."""

    label: str  # how SOURCE is named in messages
    kind: str  # "spec", "build", "run" or "keras"
    name: str  # the model's name: the spec's, or the .keras file's stem
    rescale: float = 1.0  # train.rescale: multiplies the raw input before the first layer
    model_file: Path | None = None  # None for a spec: the model is built from it, untrained
    spec_file: Path | None = None
    note: dict = field(default_factory=dict)  # the netspec note of model_file ({} when none)
    folder: Path = Path(".")  # where exports go by default

    @property
    def dataset(self) -> str | None:
        return self.note.get("dataset")


def resolve(source: Path | None, current_spec: Path) -> Source:
    """The Source that SOURCE names; `current_spec` is the current build's spec.yaml (used when SOURCE is None)."""
    if source is None:
        return _build(current_spec.parent, str(current_spec.parent))
    label = str(source)
    if not source.exists():
        raise UsageError(f"{label}: no such file or folder (expected a spec, a build or run folder, or a .keras file)")
    if source.is_dir():
        if (source / "run.json").is_file():
            return _run(source, label)
        if (source / "model.keras").is_file() and (source / "spec.yaml").is_file():
            return _build(source, label)
        if _run_model(source) is not None:
            return _run(source, label)
        raise UsageError(
            f"{label}: neither a run folder (run.json, model.keras) nor a build folder (spec.yaml, model.keras)"
        )
    if source.suffix == ".keras":
        return _keras_file(source, label)
    if source.suffix in SPEC_SUFFIXES:
        return _spec(source, label)
    raise UsageError(f"{label}: expected a spec (.yaml), a build or run folder, or a .keras file")


def _spec(path: Path, label: str) -> Source:
    from ..spec import load

    spec = load(path)
    rescale = float(spec.train.get("rescale") or 1.0)
    return Source(label, "spec", spec.name, rescale, spec_file=path, folder=Path("exports") / spec.name)


def _build(folder: Path, label: str) -> Source:
    from ..spec import load

    model = folder / "model.keras"
    if not model.is_file():
        raise UsageError(f"{label}: no model.keras in this build folder; run `netspec build SPEC` again")
    spec = load(folder / "spec.yaml")
    rescale = float(spec.train.get("rescale") or 1.0)
    # not into build/<name>/ itself: the next `netspec build` replaces that folder whole
    return Source(label, "build", spec.name, rescale, model, folder / "spec.yaml", folder=Path("exports") / spec.name)


def _run_model(folder: Path) -> Path | None:
    for candidate in (folder / "model.keras", folder / "checkpoints" / "last.keras"):
        if candidate.is_file():
            return candidate
    return None


def _run(folder: Path, label: str) -> Source:
    from ..train import modelfile

    model = _run_model(folder)
    if model is None:
        raise UsageError(f"{label}: this run has no model.keras (or checkpoints/last.keras) yet")
    note = modelfile.read_note(model)
    name = note.get("spec") or folder.parent.name
    spec = folder / "spec.yaml"
    rescale = float(note.get("rescale") or _recorded_rescale(folder) or 1.0)
    return Source(label, "run", name, rescale, model, spec if spec.is_file() else None, note, folder)


def _recorded_rescale(folder: Path) -> float | None:
    """train.rescale as run.json's settings record it, for a model file whose note does not carry it."""
    from ..train import rundir

    try:
        return rundir.read_run(folder).get("settings", {}).get("rescale")
    except (UsageError, AttributeError):
        return None


def _keras_file(path: Path, label: str) -> Source:
    from ..train import modelfile

    note = modelfile.read_note(path)
    name = note.get("spec") or path.stem
    return Source(label, "keras", name, float(note.get("rescale") or 1.0), path, note=note, folder=path.parent)


def load_model(keras, source: Source):
    """The Keras model of `source`: the saved one, or for a spec a freshly built (untrained, seeded) one."""
    if source.model_file is None:
        from ..spec import load

        keras.utils.set_random_seed(0)
        return load(source.spec_file).to_keras()
    from ..train import modelfile

    return modelfile.load(keras, source.model_file, compile=False)
