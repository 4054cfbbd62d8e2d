"""`build/<name>/`: the expanded spec, the Keras model and its verified table, written atomically."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import atomic
from .table import render_json, render_text
from .yaml_dump import dump_spec


def build(spec, root: Path = Path("build"), verbose: bool = False):
    """Compile `spec` with Keras, write its build directory, make it current; return (dir, analysis)."""
    from .keras_build import build_model, verified

    model = build_model(spec, verbose)
    analysis = verified(spec.summary(), model)
    out = root / spec.name
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        model.save(staging / "model.keras")
        (staging / "model.keras").replace(out / "model.keras")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    batch = spec.train.get("batch_size")
    header = f"# Expanded by `netspec build` from {spec.path}; every layer named, nothing left to resolve.\n"
    atomic.write_text(out / "summary.json", render_json(analysis, batch, verified=True))
    atomic.write_text(out / "summary.txt", render_text(analysis, batch, verified=True))
    atomic.write_text(out / "spec.yaml", header + dump_spec(spec.expanded()))
    atomic.write_text(root / "CURRENT", spec.name + "\n")
    return out, analysis
