"""Hostile and broken input through the real `netspec` command: a clean error in bounded time and memory.

Every case of tests/hostile/cases.py runs in a fresh process; its exit code and exact stderr
are pinned, and its wall time and peak memory (the child's own max RSS, from os.wait4) are
bounded: under 2 s (wall and CPU) and 300 MB. A case over 2 s is run again (three runs at
most, the fastest kept), so that a machine busy with other work is not reported as a hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile.cases import CASES, LIMIT_RSS, LIMIT_SECONDS, assert_refused_within, run_case, run_measured

import netspec

from conftest import ROOT

HOSTILE = Path(__file__).parent / "hostile"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_fails_cleanly_in_bounded_time_and_memory(case, tmp_path):
    assert_refused_within(case, run_case(case, tmp_path), tmp_path, LIMIT_SECONDS, LIMIT_RSS)


def test_corpus_has_the_cases_the_issue_lists():
    names = {p.stem for p in (ROOT / "tests" / "cases" / "invalid").glob("*.yaml")}
    for required in (
        "yaml_syntax",
        "tab_indent",
        "duplicate_key",
        "empty",
        "python_tag",
        "non_string_keys",
        "nan_inf_sizes",
        "huge_int_size",
        "repeat_bomb",
        "circular_vars",
        "circular_block_self",
        "circular_block_indirect",
        "lambda_refused",
        "code_reference",
        "code_names",
    ):
        assert required in names, required


def test_a_spec_never_imports_a_plugin_by_itself(tmp_path):
    trace = tmp_path / "imports.txt"
    case = next(c for c in CASES if c.name == "names_code")
    result = run_measured(
        case.make(tmp_path), tmp_path, {"PYTHONPATH": str(HOSTILE), "NETSPEC_DEMO_PLUGIN_TRACE": str(trace)}
    )
    assert result.code == 1 and result.stderr.splitlines() == case.stderr(tmp_path)
    assert not trace.exists(), "a spec made netspec import a module"


def test_allow_large_is_documented():
    result = run_measured(["build", "--help"], ROOT)
    assert result.code == 0
    assert "--allow-large" in result.stdout and "exceeds this machine's memory" in " ".join(result.stdout.split())


@pytest.mark.keras
def test_plugin_layer_is_used_only_when_named_on_the_command_line(tmp_path):
    trace = tmp_path / "imports.txt"
    spec = "netspec: 1\nname: scaled\ninput: {shape: [8]}\nlayers:\n  - ScaleBy: {factor: 3}\n  - Dense: 4\n"
    (tmp_path / "scaled.yaml").write_text(spec)
    env = {"PYTHONPATH": str(HOSTILE), "NETSPEC_DEMO_PLUGIN_TRACE": str(trace)}
    result = run_measured(["--plugin", "demo_plugin", "build", "scaled.yaml"], tmp_path, env, timeout=300)
    assert result.code == 0, result.stderr
    assert "scale_by_1 (ScaleBy)" in result.stdout and "Total params: 36 " in result.stdout
    assert trace.read_text() == "imported\n"
    # One more process: NETSPEC_PLUGINS alone makes the layer known, and the saved model loads in safe_mode.
    check = (
        "import keras, sys\n"
        "from netspec.cli.app import app\n"
        "code = app(['validate', 'scaled.yaml'], standalone_mode=False)\n"
        "m = keras.saving.load_model('build/scaled/model.keras', safe_mode=True)\n"
        "print(code, type(m.layers[1]).__name__, m.count_params())\n"
    )
    again = subprocess.run(
        [sys.executable, "-c", check],
        cwd=tmp_path,
        env={**os.environ, **env, "NETSPEC_PLUGINS": "demo_plugin"},
        capture_output=True,
        text=True,
    )
    assert again.stdout.split() == ["1", "of", "1", "spec", "valid", "0", "ScaleBy", "36"], again.stderr[-2000:]
    assert trace.read_text() == "imported\nimported\n"


def test_a_missing_plugin_is_a_usage_error(tmp_path):
    result = run_measured(["--plugin", "no_such_plugin_module", "validate", "x.yaml"], tmp_path)
    assert result.code == 2
    assert (
        result.stderr
        == "netspec: error: --plugin no_such_plugin_module: cannot import it (No module named 'no_such_plugin_module')\n"
    )


def test_training_memory_check_for_the_train_command():
    """netspec.compiler.limits.check_memory(spec, batch_size): weights, gradients, optimizer slots and a batch of outputs."""
    from netspec.compiler.limits import check_memory, fmt_bytes, machine_memory

    spec = netspec.loads("netspec: 1\nname: wide\ninput: {shape: [1000]}\nlayers:\n  - Dense: 1000\n", "wide.yaml")
    check_memory(spec, batch_size=32)  # 4 MB of weights: fine
    batch = 10**9  # 10^9 x (1,000 inputs + 1,000 outputs) x 4 bytes = 8 TB of activations
    need = 4 * 1_001_000 * (1 + 1 + 2) + batch * 4 * 2000
    with pytest.raises(netspec.SpecError) as info:
        check_memory(spec, batch_size=batch)
    assert str(info.value) == (
        f"wide.yaml:5:12: training this model at batch size {batch:,} needs an estimated {fmt_bytes(need)} of memory, "
        f"more than this machine's {fmt_bytes(machine_memory())}; the largest layer is 'dense_1' "
        f"(Dense, 1,001,000 parameters = {fmt_bytes(4 * 1_001_000)}). Make it smaller, or pass --allow-large to try anyway"
    )
    check_memory(spec, batch_size=batch, allow_large=True)
