"""Memory estimates from the spec alone, and refusing a model too large for this machine before Keras allocates.

Building a model needs its weights (4 bytes each). Training at batch size B needs, in bytes:
weights and gradients (float32: 4 per weight, also under mixed precision, where Keras keeps
float32 variables), the optimizer's slots (float32 variables, as many per trainable weight as
Keras creates for that optimizer and setting: `optimizer_slots`), and one batch of every layer's
output kept for the backward pass, at the compute dtype's size (2 bytes under mixed_float16 and
mixed_bfloat16), plus the inputs at their own dtype. It is a lower bound (layers analysed only by
Keras count as zero), so a refused spec would certainly not fit. `--allow-large` skips the check.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from ..problems import SpecError
from ..units import fmt_bytes
from .analyse import DTYPE_BYTES, Analysis
from .expand import Layer
from .train_schema import default, optimizer_parts

CGROUP_LIMITS = (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
COMPUTE_BYTES = {"float32": 4, "mixed_float16": 2, "mixed_bfloat16": 2}


def _on(args: dict, key: str) -> int:
    return 1 if args.get(key) else 0


# Per-weight float32 variables each Keras optimizer creates (keras/optimizers/*.py, build()), by its arguments.
SLOTS = {
    "SGD": lambda a: _on(a, "momentum"),  # momentums only when momentum != 0 (nesterov needs momentum)
    "RMSprop": lambda a: 1 + _on(a, "momentum") + _on(a, "centered"),  # velocities (+ momentums, average_gradients)
    "Adam": lambda a: 2 + _on(a, "amsgrad"),  # momentums, velocities (+ velocity_hats)
    "AdamW": lambda a: 2 + _on(a, "amsgrad"),
    "Nadam": lambda a: 2,  # momentums, velocities (and one scalar, u_product)
    "Adamax": lambda a: 2,  # m, u
    "Adagrad": lambda a: 1,  # accumulators
    "Adadelta": lambda a: 2,  # accumulated gradients and deltas
    "Ftrl": lambda a: 2,  # accumulators, linears
    "Lion": lambda a: 1,  # momentums
}


def optimizer_slots(optimizer) -> int:
    """Float32 variables per trainable weight that Keras keeps for this optimizer (the spec's form)."""
    name, args = optimizer_parts(optimizer)
    rule = SLOTS.get(name, SLOTS["Adam"])
    return rule(args) + _on(args, "use_ema")  # use_ema: one moving average per weight


def training_memory(analysis: Analysis, batch_size: int, precision: str | None = None) -> dict:
    """Estimated bytes to train at `batch_size`: weights, gradients, optimizer slots, activations, total.

    `precision` (float32, mixed_float16, mixed_bfloat16) defaults to the spec's train.precision."""
    precision = precision or analysis.train.get("precision") or "float32"
    trainable = analysis.total("trainable")
    params = trainable + analysis.total("non_trainable")
    inputs = sum(
        math.prod(d or 1 for d in t["shape"]) * DTYPE_BYTES.get(t.get("dtype", "float32"), 4)
        for t in analysis.inputs.values()
    )
    per_example = COMPUTE_BYTES.get(precision, 4) * analysis.total("activations") + inputs
    memory = {
        "weights": 4 * params,
        "gradients": 4 * trainable,
        "optimizer": 4 * trainable * optimizer_slots(analysis.train.get("optimizer", default("optimizer"))),
        "activations": batch_size * per_example,
    }
    memory["total"] = sum(memory.values())
    return memory


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


def estimate(spec, batch_size: int | None = None, precision: str = "float32") -> int:
    """Estimated bytes: the weights alone, or everything training at `batch_size` needs."""
    analysis = spec.summary()
    if batch_size is None:
        return 4 * (analysis.total("trainable") + analysis.total("non_trainable"))
    return training_memory(analysis, batch_size, precision)["total"]


def check_memory(spec, batch_size: int | None = None, allow_large: bool = False, precision: str = "float32") -> None:
    """Raise SpecError when the estimate exceeds this machine's memory (call it before importing Keras).

    Without `batch_size` the estimate covers building the model (`netspec build`); with it,
    training at that batch size and `precision` (float32, mixed_float16 or mixed_bfloat16). The message points at the layer with the largest weights.
    """
    available = machine_memory()
    if allow_large or available is None:
        return
    need = estimate(spec, batch_size, precision)
    if need <= available:
        return
    what = "building this model" if batch_size is None else f"training this model at batch size {batch_size:,}"
    largest = _largest(spec.summary().rows)
    about = "" if largest is None else f"; {_largest_text(largest)}"
    message = (
        f"{what} needs an estimated {fmt_bytes(need)} of memory, more than this machine's {fmt_bytes(available)}"
        f"{about}. Make it smaller, or pass --allow-large to try anyway"
    )
    raise SpecError([spec.doc.problem((), message) if largest is None else largest.problem(spec.doc, message)])


def _largest_text(layer: Layer) -> str:
    return f"the largest layer is '{layer.name}' ({layer.type}, {layer.params:,} parameters = {fmt_bytes(4 * layer.params)})"


def _largest(rows: list[Layer]) -> Layer | None:
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
    message = (
        f"building this model needs {'at least ' if unchecked else ''}{fmt_bytes(need)} for its weights "
        f"(Keras' shape inference counted the layers without static rules), more than this machine's "
        f"{fmt_bytes(available)}; {_largest_text(largest)}. Make it smaller, or pass --allow-large to try anyway"
    )
    raise SpecError([largest.problem(spec.doc, message)])
