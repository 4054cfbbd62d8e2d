"""The export's outcome as the lines the command prints."""

from __future__ import annotations

from .pipeline import Outcome, Written

NAMES = {"saved_model": "SavedModel", "tflite": "TFLite", "onnx": "ONNX"}


def render(outcome: Outcome) -> str:
    """What the exports take, then for each: where it went, how close it is to Keras, what int8 cost."""
    lines = outcome.interface.describe()
    for one in outcome.exports:
        lines += _export_lines(one)
    lines += [f"note: {note}" for note in outcome.notes]
    return "\n".join(lines) + "\n"


def _export_lines(one: Written) -> list[str]:
    kind = NAMES[one.format] + (f" {one.quantize}" if one.quantize else "")
    check = one.parity
    if check.tolerance is None:
        verdict = "(int8: no limit, judged by accuracy)"
    else:
        verdict = f"(limit {check.tolerance:.0e}) {'ok' if check.passed else 'FAILED'}"
    lines = (
        [f"Wrote {one.output} ({kind}, {megabytes(one.bytes)}, converted in {one.seconds:.1f} s)"]
        if one.written
        else []
    )
    lines.append(
        f"  parity: largest |{check.runtime} - Keras| over {check.inputs}: {check.largest:.2e} {verdict}; "
        f"same top class {100 * check.same_class:.1f}%"
    )
    c = one.comparison
    if c is not None:
        lines.append(
            f"  test accuracy on {c.examples} images of {c.where}: "
            f"float {_pct(c.float_accuracy)}, int8 {_pct(c.int8_accuracy)}"
        )
        lines.append(
            f"  size: float {megabytes(c.float_bytes)}, int8 {megabytes(c.int8_bytes)} "
            f"({c.float_bytes / c.int8_bytes:.1f}x smaller)"
        )
    return lines


def failures(outcome: Outcome) -> list[str]:
    """One error line per export that does not match Keras (and so was not written)."""
    return [
        f"netspec: error: the {NAMES[one.format]} export differs from Keras by {one.parity.largest:.2e} "
        f"(limit {one.parity.tolerance:.0e}) in {one.parity.runtime} over {one.parity.inputs}; "
        f"{one.output} was not written"
        for one in outcome.exports
        if not one.written
    ]


def megabytes(size: int) -> str:
    return f"{size / 1e6:.2f} MB"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"
