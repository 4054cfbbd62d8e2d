"""Golden test: the article network's table equals the article's own model.summary(), row for row."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, SPECS, run_netspec

ROW = re.compile(r"^(\S+) \((\w+)\)?\s+\(None, ([\d, ]+)\)\s+(\d+)\s*$")


def article_rows() -> list[tuple]:
    rows = []
    for line in (ROOT / "tests" / "data" / "article_summary.txt").read_text().splitlines():
        match = ROW.match(line)
        if match:
            name, cut_type, shape, params = match.groups()
            rows.append((name, cut_type, [None, *map(int, shape.split(", "))], int(params)))
    return rows


def assert_same_as_article(layers: list[dict]) -> None:
    expected = article_rows()
    assert len(expected) == 41
    assert len(layers) == len(expected)
    for layer, (name, cut_type, shape, params) in zip(layers, expected, strict=True):
        assert layer["name"] == name
        assert layer["type"].startswith(cut_type), (layer["type"], cut_type)  # Keras 2 cut names at 12 chars
        assert layer["output_shape"] == shape, name
        assert layer["params"] == params, name
    assert sum(layer["params"] for layer in layers) == 1_071_542


def test_static_summary_matches_the_article():
    result = run_netspec("summary", SPECS / "cifar_deep15.yaml", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert_same_as_article(json.loads(result.stdout)["layers"])


@pytest.mark.keras
def test_keras_verified_build_matches_the_article(tmp_path):
    result = run_netspec("build", SPECS / "cifar_deep15.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "build" / "cifar_deep15" / "summary.json").read_text())
    assert summary["verified_by_keras"] is True
    assert_same_as_article(summary["layers"])
    assert "Total params: 1,071,542 (4.1 MiB)" in result.stdout


def test_concise_variant_has_the_same_count():
    result = run_netspec("summary", SPECS / "cifar_deep15_concise.yaml", "--format", "json")
    totals = json.loads(result.stdout)["totals"]
    assert totals["params"] == 1_071_542
    assert totals["macs"] == 166_694_280
