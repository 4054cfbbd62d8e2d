"""Refusing a model too large for this machine, from the static estimate, before Keras allocates anything.

The estimate is the analyse stage's: 4 bytes per weight to build a model; to train it,
Analysis.training_memory (weights, gradients, optimizer slots and one batch of layer
outputs). It is a lower bound (layers analysed only by Keras count as zero), so a refused
spec would certainly not fit. `--allow-large` skips the check.
"""

from __future__ import annotations

import os
from pathlib import Path

from .analyse import Row
from .checks import _locate
from ..problems import Problem, SpecError
from ..table import _bytes as fmt_bytes

CGROUP_LIMITS = (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"))


def machine_memory() -> int | None:
    """Bytes of memory this process may use: physical memory, or a smaller cgroup limit; None if unknown."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    for path in CGROUP_LIMITS:
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return total


def estimate(spec, batch_size: int | None = None) -> int:
    """Estimated bytes: the weights alone, or everything training at `batch_size` needs."""
    analysis = spec.summary()
    if batch_size is None:
        return 4 * (analysis.total("trainable") + analysis.total("non_trainable"))
    return analysis.training_memory(batch_size)["total"]


def check_memory(spec, batch_size: int | None = None, allow_large: bool = False) -> None:
    """Raise SpecError when the estimate exceeds this machine's memory (call it before importing Keras).

    Without `batch_size` the estimate covers building the model (`netspec build`); with it,
    training at that batch size. The message points at the layer with the largest weights.
    """
    available = machine_memory()
    if allow_large or available is None:
        return
    need = estimate(spec, batch_size)
    if need <= available:
        return
    what = "building this model" if batch_size is None else f"training this model at batch size {batch_size:,}"
    largest = _largest(spec.summary().rows)
    if largest is None:
        where = spec.doc.problem((), "")
        about = ""
    else:
        layer = next(lay for lay in spec.flat.layers if lay.name == largest.name)
        where = _locate(spec.flat, layer)
        about = f"; the largest layer is '{largest.name}' ({largest.type}, {largest.params:,} parameters = {fmt_bytes(4 * largest.params)})"
    message = (
        f"{what} needs an estimated {fmt_bytes(need)} of memory, more than this machine's {fmt_bytes(available)}"
        f"{about}. Make it smaller, or pass --allow-large to try anyway"
    )
    raise SpecError([Problem(where.path, where.line, where.col, message)])


def _largest(rows: list[Row]) -> Row | None:
    weighted = [r for r in rows if r.params]
    return max(weighted, key=lambda r: r.params) if weighted else None


def check_inferred_weights(spec, analysis, allow_large: bool = False) -> list[str]:
    """Refuse when the weights of `analysis` exceed this machine's memory; return the layers it could not count.

    `analysis` is the spec's, with the layers that have no static rules sized by Keras' shape
    inference (keras_build.infer_opaque, which allocates nothing), so those layers are checked too.
    """
    unchecked = analysis.unknown("params")
    available = machine_memory()
    if allow_large or available is None:
        return unchecked
    need = 4 * analysis.total("params")
    if need <= available:
        return unchecked
    largest = _largest(analysis.rows)
    layer = next(lay for lay in spec.flat.layers if lay.name == largest.name)
    where = _locate(spec.flat, layer)
    message = (
        f"building this model needs {'at least ' if unchecked else ''}{fmt_bytes(need)} for its weights "
        f"(Keras' shape inference counted the layers without static rules), more than this machine's "
        f"{fmt_bytes(available)}; the largest layer is '{largest.name}' ({largest.type}, {largest.params:,} "
        f"parameters = {fmt_bytes(4 * largest.params)}). Make it smaller, or pass --allow-large to try anyway"
    )
    raise SpecError([Problem(where.path, where.line, where.col, message)])
