"""The Python API: netspec.load(...) -> Spec with .summary(), .graph, .to_keras()."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import networkx as nx
import pytest

import netspec

from conftest import EXAMPLES, SPECS, run_netspec


def test_graph_is_the_layer_dag():
    spec = netspec.load(EXAMPLES / "residual_blocks.yaml")
    graph = spec.graph
    assert isinstance(graph, nx.DiGraph) and nx.is_directed_acyclic_graph(graph)
    assert set(graph) == {"input"} | {layer.name for layer in spec.flat.layers}
    add = next(n for n in graph if n.endswith("add_1"))
    assert [u for u, _, _ in sorted(graph.in_edges(add, data="index"), key=lambda e: e[2])] == [
        "residual_1.bn_b",
        "residual_1.shortcut",
    ]
    shortcut = graph.nodes["residual_1.shortcut"]["layer"]
    assert shortcut.params == 16 * 16
    assert shortcut.block == "residual_1"


def test_one_record_per_layer_from_expansion_to_the_table():
    """The graph's node holds the analysed record itself, the one the table prints and the diagram draws."""
    spec = netspec.load(EXAMPLES / "residual_blocks.yaml")
    rows = {row.name: row for row in spec.summary().rows}
    for layer in spec.flat.layers:
        node = spec.graph.nodes[layer.name]
        assert set(node) == {"layer"}
        assert node["layer"] is rows[layer.name]
        assert node["layer"].origin == layer.origin and node["layer"].args == layer.args
    assert spec.graph.nodes["input"]["layer"].kind == "input"
    assert spec.graph.nodes["input"]["layer"].output_shape == tuple(spec.flat.inputs["input"]["shape"])


def test_compiling_twice_gives_the_same_graph():
    a, b = (netspec.load(SPECS / "cifar_deep15.yaml").graph for _ in range(2))
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(data=True)) == list(b.edges(data=True))


def test_overrides_and_errors():
    spec = netspec.load(SPECS / "cifar_deep15.yaml", overrides=["layers.0.Conv2D.filters=16"])
    assert spec.summary().rows[0].params == 3 * 3 * 3 * 16 + 16
    with pytest.raises(netspec.SpecError) as info:
        netspec.loads("netspec: 1\ninput: {shape: [4]}\nlayers:\n  - Dense: 0\n", path="x.yaml")
    assert [str(p) for p in info.value.problems] == ["x.yaml:4:12: Dense argument 'units' must be ≥ 1; received 0"]


@pytest.mark.keras
def test_to_keras():
    model = netspec.load(SPECS / "cifar_deep15.yaml").to_keras()
    assert model.count_params() == 1_071_542
    assert model.name == "cifar_deep15"


def test_to_keras_follows_the_callers_keras_backend():
    # The Python API builds on whatever backend KERAS_BACKEND names and leaves TensorFlow alone.
    # Without JAX installed (as in CI), the backend's import error comes back as netspec's message.
    code = (
        "import sys, netspec\n"
        f"spec = netspec.load({str(SPECS / 'lenet5.yaml')!r})\n"
        "try:\n"
        "    print('built', spec.to_keras().count_params())\n"
        "except netspec.UsageError as exc:\n"
        "    print(exc)\n"
        "print('tensorflow imported:', 'tensorflow' in sys.modules)\n"
    )
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    outcome, imported = out.stdout.strip().splitlines()
    if importlib.util.find_spec("jax"):
        assert outcome == "built 61706"
    else:
        assert outcome.startswith("cannot import Keras (No module named 'jax')")
    assert imported == "tensorflow imported: False"


@pytest.mark.keras
def test_the_command_runs_keras_on_tensorflow_whatever_the_shell_says(tmp_path):
    # A shell with KERAS_BACKEND=jax (and no JAX installed) must not break `netspec build`.
    result = run_netspec("build", SPECS / "lenet5.yaml", cwd=tmp_path, env={"KERAS_BACKEND": "jax"})
    assert result.returncode == 0, result.stderr
    assert "verified by Keras" in result.stdout
