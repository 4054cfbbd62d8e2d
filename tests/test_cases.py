"""The bad-spec corpus: tests/cases/invalid/NAME.yaml with its exact expected messages in NAME.err.

Adding a case means adding two files. All cases are validated in one `netspec validate`
run (the command checks many files like a linter); each case is then its own test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import assert_clean_failure, run_netspec

CASES = Path(__file__).parent / "cases" / "invalid"
NAMES = sorted(p.stem for p in CASES.glob("*.yaml"))


@pytest.fixture(scope="module")
def results():
    result = run_netspec("validate", "--format", "json", *(f"{n}.yaml" for n in NAMES), cwd=CASES)
    assert_clean_failure(result, 1)
    return {Path(r["path"]).stem: r for r in json.loads(result.stdout)}


def test_corpus_is_not_empty():
    assert len(NAMES) >= 25


@pytest.mark.parametrize("name", NAMES)
def test_invalid_spec_reports_expected_problems(results, name):
    expected = (CASES / f"{name}.err").read_text().splitlines()
    found = [f"{p['path']}:{p['line']}:{p['col']}: {p['message']}" for p in results[name]["problems"]]
    assert not results[name]["valid"]
    assert found == expected


def test_text_format_prints_file_line_col_on_stderr_and_exits_1():
    result = run_netspec("validate", "unknown_layer_type.yaml", "bad_enum_value.yaml", cwd=CASES)
    assert_clean_failure(result, 1)
    assert result.stderr.splitlines() == [
        "unknown_layer_type.yaml:4:5: unknown layer type or block 'Conv2d'. Did you mean 'Conv2D'?",
        "bad_enum_value.yaml:4:51: Conv2D argument 'padding': expected one of valid, same; "
        "received 'sme' (a string). Did you mean 'same'?",
    ]
    assert result.stdout.strip() == "0 of 2 specs valid"


def test_every_command_reports_a_bad_spec_the_same_way(tmp_path):
    for command in ("summary", "expand", "build"):
        result = run_netspec(command, CASES / "cycle.yaml", cwd=tmp_path)
        assert_clean_failure(result, 1)
        assert result.stderr.strip().endswith("cycle.yaml:8:13: layers feed each other in a cycle: b → c → b")
    assert not (tmp_path / "build").exists(), "a failed build must not leave files behind"
