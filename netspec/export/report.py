"""The export's outcome as the lines the command prints."""

from __future__ import annotations

from .pipeline import Outcome

NAMES = {"saved_model": "SavedModel", "tflite": "TFLite", "onnx": "ONNX"}


def render(outcome: Outcome) -> str:
    """What was written, what it takes, how close it is to Keras, and (int8) what quantisation cost."""
    kind = NAMES[outcome.format] + (f" {outcome.quantize}" if outcome.quantize else "")
    check = outcome.parity
    verdict = "ok" if check.passed else "FAILED"
    limit = f" (limit {check.tolerance:.0e})" if check.tolerance is not None else ""
    lines = []
    if outcome.written:
        lines.append(
            f"Wrote {outcome.output} ({kind}, {megabytes(outcome.bytes)}, converted in {outcome.seconds:.1f} s)"
        )
    lines += outcome.interface.describe()
    lines.append(
        f"parity: largest |{check.runtime} - Keras| over {check.inputs}: {check.largest:.2e}{limit} {verdict}; "
        f"same top class {100 * check.same_class:.1f}%"
    )
    if outcome.comparison is not None:
        c = outcome.comparison
        lines.append(
            f"test accuracy on {c.examples} images of {c.where}: float {_pct(c.float_accuracy)}, int8 {_pct(c.int8_accuracy)}"
        )
        lines.append(
            f"size: float {megabytes(c.float_bytes)}, int8 {megabytes(c.int8_bytes)} ({c.float_bytes / c.int8_bytes:.1f}x smaller)"
        )
    lines += [f"note: {note}" for note in outcome.notes]
    return "\n".join(lines) + "\n"


def failure(outcome: Outcome) -> str:
    """The one-line error of an export that does not match Keras (nothing was written)."""
    check = outcome.parity
    return (
        f"netspec: error: the {NAMES[outcome.format]} export differs from Keras by {check.largest:.2e} "
        f"(limit {check.tolerance:.0e}) in {check.runtime} over {check.inputs}; {outcome.output} was not written"
    )


def megabytes(size: int) -> str:
    return f"{size / 1e6:.2f} MB"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"
