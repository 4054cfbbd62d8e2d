"""return_state and initial states through the real command: the seq2seq example's table, JSON, diagram and eject."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import EXAMPLES, run_netspec

SEQ2SEQ = EXAMPLES / "seq2seq.yaml"


def test_table_shows_the_states_after_the_main_output():
    result = run_netspec("summary", SEQ2SEQ)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("  ")}
    assert (
        "enc (LSTM)                    (None, 256) + 2 states (None, 256)  328,704   10.49 M      3.0 KiB"
        in rows["enc"]
    )
    assert "(None, 40, 256)                     328,704   13.11 M     40.0 KiB" in rows["dec"]
    assert "Activations: bytes of one example's float32 output (with its states)." in result.stdout
    assert "Total params: 690,778 (2.6 MiB)" in result.stdout


def test_json_gives_each_state_shape_by_port():
    result = run_netspec("summary", SEQ2SEQ, "--format", "json")
    layers = {row["name"]: row for row in json.loads(result.stdout)["layers"]}
    assert layers["enc"]["state_shapes"] == {"h": [None, 256], "c": [None, 256]}
    assert layers["enc"]["activation_bytes"] == 3 * 256 * 4
    assert layers["dec"]["inputs"] == ["target_embedding", "enc:h", "enc:c"]
    assert "state_shapes" not in layers["dec"]


def test_expand_writes_references_that_expand_again_to_the_same(tmp_path):
    first = run_netspec("expand", SEQ2SEQ)
    assert "inputs: [target_embedding, 'enc:h', 'enc:c']" in first.stdout
    (tmp_path / "flat.yaml").write_text(first.stdout)
    assert run_netspec("expand", tmp_path / "flat.yaml").stdout == first.stdout


def test_diagram_labels_the_state_edge(tmp_path):
    for suffix in ("dot", "mmd"):
        result = run_netspec("diagram", SEQ2SEQ, "-o", tmp_path / f"s.{suffix}")
        assert result.returncode == 0, result.stderr
    assert '"enc" -> "dec" [label=" h, c", weight=4];' in (tmp_path / "s.dot").read_text()
    assert 'n_enc -->|"h, c"| n_dec' in (tmp_path / "s.mmd").read_text()


def test_states_inside_blocks_are_named_through_the_instance(tmp_path):
    spec = tmp_path / "blocks.yaml"
    spec.write_text(
        "netspec: 1\n"
        "inputs: {src: {shape: [6, 4]}, tgt: {shape: [7, 4]}}\n"
        "blocks:\n"
        "  encoder:\n"
        "    layers:\n"
        "      - LSTM: {units: 5, return_state: true}\n"
        "        name: rnn\n"
        "  decoder:\n"
        "    inputs: [seq, h, c]\n"
        "    layers:\n"
        "      - LSTM: {units: 5, return_sequences: true}\n"
        "        inputs: [seq, h, c]\n"
        "layers:\n"
        "  - encoder:\n"
        "    name: e\n"
        "    inputs: src\n"
        "  - decoder:\n"
        "    inputs: [tgt, e:h, e:c]\n"
        "outputs: [decoder_1, e.rnn:h]\n"
    )
    result = run_netspec("expand", spec)
    assert result.returncode == 0, result.stderr
    assert "inputs: [tgt, 'e.rnn:h', 'e.rnn:c']" in result.stdout
    assert "outputs: [decoder_1.lstm_1, 'e.rnn:h']" in result.stdout


@pytest.mark.keras
def test_build_and_ejected_script_agree_with_keras(tmp_path):
    build = run_netspec("build", SEQ2SEQ, cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    assert "enc (LSTM)                    (None, 256) + 2 states (None, 256)" in build.stdout
    assert json.loads((tmp_path / "build/seq2seq/summary.json").read_text())["totals"]["params"] == 690_778
    script = tmp_path / "seq2seq.py"
    assert run_netspec("eject", SEQ2SEQ, "-o", script).returncode == 0
    source = script.read_text()
    assert "enc, enc_h, enc_c = layers.LSTM(units=256, return_state=True, name='enc')(x)" in source
    assert "layers.LSTM(units=256, return_sequences=True, name='dec')(x, initial_state=[enc_h, enc_c])" in source
    count = "import runpy, sys; print(runpy.run_path(sys.argv[1])['build_model']().count_params())"
    ran = subprocess.run([sys.executable, "-c", count, str(script)], capture_output=True, text=True, timeout=300)
    assert ran.stdout.split()[-1] == "690778", ran.stderr


def test_a_state_passed_to_a_block_has_its_shape(tmp_path):
    spec = tmp_path / "shapes.yaml"
    spec.write_text(
        "netspec: 1\n"
        "inputs: {src: {shape: [6, 4]}, tgt: {shape: [7, 4]}}\n"
        "blocks:\n"
        "  decoder:\n"
        "    inputs: [seq, h, c]\n"
        "    layers:\n"
        "      - LSTM: {units: '${h.channels}', return_sequences: true}\n"
        "        inputs: [seq, h, c]\n"
        "      - Dense: '${c.shape[0] * 2}'\n"
        "layers:\n"
        "  - LSTM: {units: 5, return_state: true}\n"
        "    name: enc\n"
        "    inputs: src\n"
        "  - decoder:\n"
        "    inputs: [tgt, enc:h, enc:c]\n"
    )
    result = run_netspec("summary", spec, "--format", "json")
    assert result.returncode == 0, result.stderr
    shapes = [row["output_shape"] for row in json.loads(result.stdout)["layers"]]
    assert shapes == [[None, 5], [None, 7, 5], [None, 7, 10]]
