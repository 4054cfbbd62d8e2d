"""The `netspec` command end to end, in subprocesses: exit codes, outputs, the current build."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import EXAMPLES, SPECS, assert_clean_failure, run_netspec

ARTICLE = SPECS / "cifar_deep15.yaml"


def test_version_and_help():
    result = run_netspec("--version")
    assert result.returncode == 0 and result.stdout.startswith("netspec 0.")
    result = run_netspec("--help")
    assert result.returncode == 0
    for command in ("validate", "summary", "build", "expand", "schema"):
        assert command in result.stdout


def test_validate_many_files_like_a_linter():
    result = run_netspec("validate", ARTICLE, SPECS / "cifar_deep15_concise.yaml", *sorted(EXAMPLES.glob("*.yaml")))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("specs valid")
    assert result.stdout.split()[0] == result.stdout.split()[2]


def test_summary_static_table_has_the_article_totals():
    result = run_netspec("summary", ARTICLE, "--batch-size", "32")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == 'Model "cifar_deep15" (static)'
    assert "conv2d_1 (Conv2D)" in result.stdout and "(None, 32, 32, 32)" in result.stdout
    assert "Total params: 1,071,542 (4.1 MiB)" in lines
    assert "Non-trainable params: 0" in lines
    assert "MACs per example: 166.69 M (FLOPs = 2 x MACs = 333.39 M)" in lines
    assert any(line.startswith("Training memory at batch 32 (Adam): ") for line in lines)


def test_summary_json_and_markdown():
    data = json.loads(run_netspec("summary", ARTICLE, "--format", "json", "--batch-size", "8").stdout)
    assert data["totals"] == {
        "params": 1071542,
        "trainable": 1071542,
        "non_trainable": 0,
        "macs": 166694280,
        "flops": 333388560,
    }
    assert len(data["layers"]) == 41
    assert data["layers"][0]["output_shape"] == [None, 32, 32, 32]
    memory = data["training_memory"]
    assert memory["weights"] == 4 * 1071542 and memory["optimizer"] == 8 * 1071542
    assert memory["total"] == sum(memory[k] for k in ("weights", "gradients", "optimizer", "activations"))
    markdown = run_netspec("summary", ARTICLE, "--format", "markdown").stdout
    assert (
        markdown.splitlines()[2] == "| conv2d_1 (Conv2D) | (None, 32, 32, 32) | 896 | 896 | 0 | 884.74 k | 128.0 KiB |"
    )


def test_set_overrides_any_value():
    result = run_netspec("summary", ARTICLE, "--format", "json", "--set", "layers.0.Conv2D.filters=64")
    data = json.loads(result.stdout)
    assert data["layers"][0]["params"] == 3 * 3 * 3 * 64 + 64
    result = run_netspec("summary", ARTICLE, "--set", "layers.99.Dense=3")
    assert_clean_failure(result, 2)
    assert "'layers' has 41 items; no index 99" in result.stderr
    result = run_netspec("summary", ARTICLE, "--set", "trian.epochs=3")
    assert_clean_failure(result, 2)
    assert "unknown path 'trian'" in result.stderr


def test_usage_errors_exit_2_without_traceback(tmp_path):
    result = run_netspec("summary", tmp_path / "missing.yaml")
    assert_clean_failure(result, 2)
    assert result.stderr.strip() == f"netspec: error: {tmp_path / 'missing.yaml'}: no such file"
    assert_clean_failure(run_netspec("summary", tmp_path), 2)
    assert_clean_failure(run_netspec("summary", ARTICLE, "--no-such-flag"), 2)
    result = run_netspec("summary", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert "no SPEC given and no current build" in result.stderr


def test_expand_prints_a_flat_spec_that_expands_to_itself(tmp_path):
    for spec in (SPECS / "cifar_deep15_concise.yaml", EXAMPLES / "residual_blocks.yaml"):
        first = run_netspec("expand", spec)
        assert first.returncode == 0, first.stderr
        flat = yaml.safe_load(first.stdout)
        assert not {"vars", "blocks", "defaults"} & set(flat)
        assert all("name" in layer and "repeat" not in layer for layer in flat["layers"])
        (tmp_path / "flat.yaml").write_text(first.stdout)
        second = run_netspec("expand", tmp_path / "flat.yaml")
        assert second.stdout == first.stdout


def test_schema_is_json_schema():
    result = run_netspec("schema")
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "Conv2D" in schema["$defs"]["args"]


@pytest.mark.keras
def test_build_writes_the_build_directory_and_becomes_current(tmp_path):
    result = run_netspec("build", ARTICLE, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'Model "cifar_deep15" (verified by Keras)' in result.stdout
    assert "Total params: 1,071,542 (4.1 MiB)" in result.stdout
    out = tmp_path / "build" / "cifar_deep15"
    assert sorted(p.name for p in out.iterdir()) == ["model.keras", "spec.yaml", "summary.json", "summary.txt"]
    assert (tmp_path / "build" / "CURRENT").read_text() == "cifar_deep15\n"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["verified_by_keras"] and summary["totals"]["params"] == 1071542
    assert not list(tmp_path.glob("build/.*")), "no temporary files may remain"
    # Later commands may omit SPEC and use the current build.
    again = run_netspec("summary", "--format", "json", cwd=tmp_path)
    assert json.loads(again.stdout)["totals"]["params"] == 1071542
    expanded = run_netspec("expand", cwd=tmp_path)
    assert expanded.stdout == (out / "spec.yaml").read_text().split("\n", 1)[1]


def test_summary_needs_no_tensorflow():
    code = (
        "import sys, netspec; s = netspec.load(sys.argv[1]); s.summary();"
        "from netspec.table import render_text; render_text(s.summary(), 32);"
        "bad = [m for m in ('tensorflow', 'keras', 'graphviz') if m in sys.modules]; print(bad)"
    )
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", code, str(ARTICLE)], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
