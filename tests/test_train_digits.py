"""Real learning, shown: scikit-learn's handwritten digits to at least 90% test accuracy on the CPU."""

from __future__ import annotations

import json

import pytest
from train_fixtures import DIGITS, write_digits_npz

from conftest import run_netspec

pytestmark = [pytest.mark.keras, pytest.mark.training]


def test_digits_reach_90_percent_test_accuracy(tmp_path):
    write_digits_npz(tmp_path / "digits.npz")
    result = run_netspec(
        "train",
        DIGITS,
        "--cpu",
        "--data",
        "digits.npz",
        "--seed",
        "0",
        "--epochs",
        "10",
        "--run-dir",
        "run",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    evaluation = json.loads((tmp_path / "run" / "eval.json").read_text())
    assert evaluation["examples"] == 360
    assert evaluation["accuracy"] >= 0.90, evaluation
    assert all(row["accuracy"] >= 0.75 for row in evaluation["per_class"]), evaluation["per_class"]
    assert "data: digits.npz: 1437 train, 360 validation examples" in result.stdout
