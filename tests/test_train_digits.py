"""Real learning, shown: scikit-learn's handwritten digits to at least 90% test accuracy on the CPU.

The default precision (auto) is trained beside float32 on the machine running the tests: auto
must not pick a precision that loses more than 0.5 points of digits accuracy against float32.
"""

from __future__ import annotations

import json

import pytest
from train_fixtures import DIGITS, write_digits_npz

from netspec.train import precision

from conftest import run_netspec

pytestmark = [pytest.mark.keras, pytest.mark.training]


def train_digits(where, *extra) -> tuple[dict, dict, str]:
    run = where / ("run" + "".join(extra).replace("--precision", "-"))
    result = run_netspec(
        "train", DIGITS, "--cpu", "--data", "digits.npz", "--seed", "0", "--epochs", "10", "--run-dir", run, *extra,
        cwd=where,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    settings = json.loads((run / "run.json").read_text())["settings"]
    return json.loads((run / "eval.json").read_text()), settings, result.stdout


def test_digits_reach_90_percent_and_auto_precision_loses_nothing_against_float32(tmp_path):
    write_digits_npz(tmp_path / "digits.npz")
    evaluation, settings, stdout = train_digits(tmp_path)
    assert evaluation["examples"] == 360
    assert evaluation["accuracy"] >= 0.90, evaluation
    assert all(row["accuracy"] >= 0.75 for row in evaluation["per_class"]), evaluation["per_class"]
    assert "data: digits.npz: 1437 train, 360 validation examples" in stdout
    expected, reason = precision.choose("auto", [], precision.cpu_bf16_flags())
    assert (settings["precision"], settings["precision_reason"]) == (expected, reason)
    assert f"precision: {expected} ({reason})\n" in stdout
    if expected == "float32":
        return  # auto is float32 itself on this machine
    reference, _, _ = train_digits(tmp_path, "--precision", "float32")
    assert evaluation["accuracy"] >= reference["accuracy"] - 0.005, (evaluation["accuracy"], reference["accuracy"])
