"""The editor schema (`netspec schema`) in a real third-party client: check-jsonschema's command line."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

import netspec
from netspec.compiler.schema import editor_schema
from netspec.layers import CORE
from netspec.problems import UsageError
from netspec.yaml_dump import dump_spec

from conftest import EXAMPLES, ROOT, SPECS, run_netspec

CHECK = Path(sys.executable).with_name("check-jsonschema")
VALID_TEST_SPECS = sorted((ROOT / "tests" / "data").glob("**/*.yaml"))
SHIPPED = sorted(SPECS.glob("*.yaml")) + sorted(EXAMPLES.glob("*.yaml")) + VALID_TEST_SPECS


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "netspec.schema.json"
    result = run_netspec("schema")
    assert result.returncode == 0, result.stderr
    path.write_text(result.stdout)
    return path


def check(schema_file, *files, verbose=False) -> subprocess.CompletedProcess:
    argv = [CHECK, "--schemafile", schema_file, *(["--verbose"] if verbose else []), *files]
    return subprocess.run(list(map(str, argv)), capture_output=True, text=True, timeout=120)


def test_every_shipped_and_test_spec_passes_and_netspec_validate_agrees(schema_file):
    assert len(SHIPPED) >= 15
    validated = run_netspec("validate", *SHIPPED)
    assert validated.returncode == 0, validated.stderr
    result = check(schema_file, *SHIPPED)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_expanded_specs_pass_too(schema_file, tmp_path):
    files = []
    for spec in SHIPPED:  # what `netspec expand` prints, without a process per spec
        files.append(tmp_path / spec.name)
        files[-1].write_text(dump_spec(netspec.load(spec).expanded()))
    result = check(schema_file, *files)
    assert result.returncode == 0, result.stdout


SUBSTITUTED = """\
netspec: 1
name: written_with_vars
vars: {side: 16, width: 8, drop: 0.25, shape: [16, 16, 3], act: relu}
input: {shape: "${shape}"}
defaults:
  Conv2D: {kernel_size: 3, padding: same, activation: "${act}"}
blocks:
  pair:
    params: {filters: 8}
    layers:
      - Conv2D: {filters: "${filters}"}
        name: first
      - Conv2D: {filters: "${2 * filters}"}
layers:
  - Conv2D: {filters: "${width}", strides: "${side // 8}"}
    name: stem_${width}
    repeat: "${1 + 1}"
  - pair: {filters: "${width}"}
  - MaxPooling2D:
    name: pool
  - Dropout: "${drop}"
  - Flatten
  - Dense: {units: "${width + 2}", activation: softmax}
train:
  rescale: "${1 / 255}"
  epochs: "${width}"
  optimizer: {Adam: {learning_rate: "${drop / 100}"}}
"""


def test_substitutions_missing_arguments_and_bare_colons_are_accepted(schema_file, tmp_path):
    spec = tmp_path / "vars.yaml"
    spec.write_text(SUBSTITUTED)
    assert run_netspec("validate", spec).returncode == 0
    result = check(schema_file, spec)
    assert result.returncode == 0, result.stdout


BASE = """\
netspec: 1
input: {shape: [28, 28, 1]}
layers:
  - Conv2D: {filters: 8, kernel_size: 3}
  - Flatten
  - Dense: {units: 10}
"""
FLAGGED = [
    (
        "unknown layer type",
        ("Conv2D: {filters", "Conv2d: {filters"),
        "$.layers[0]: 'Conv2d' is not one of ['name', 'inputs', 'repeat', 'block', 'when', 'Activation'",
    ),
    ("unknown bare layer type", ("- Flatten", "- Flaten"), "$.layers[1]: 'Flaten' is not one of ['Activation'"),
    (
        "unknown argument of a core layer",
        ("{filters: 8", "{filter: 8"),
        "$.layers[0].Conv2D: Additional properties are not allowed ('filter' was unexpected)",
    ),
    (
        "literal of the wrong type",
        ("{filters: 8", "{filters: eight"),
        "$.layers[0].Conv2D.filters: 'eight' does not match",
    ),
    (
        "literal out of range",
        ("{filters: 8", "{filters: 0"),
        "$.layers[0].Conv2D.filters: 0 is less than the minimum of 1",
    ),
    (
        "rate out of range",
        ("  - Flatten", "  - Dropout: {rate: 1.5}\n  - Flatten"),
        "$.layers[1].Dropout.rate: 1.5 is greater than or equal to the maximum of 1",
    ),
    (
        "unknown enum value",
        ("kernel_size: 3}", "kernel_size: 3, padding: sme}"),
        "'sme' is not one of ['valid', 'same']",
    ),
    (
        "unknown top-level key",
        ("layers:", "trian: {epochs: 1}\nlayers:"),
        "$: Additional properties are not allowed ('trian'",
    ),
    (
        "unknown train key",
        ("layers:", "train: {epoch: 1}\nlayers:"),
        "$.train: Additional properties are not allowed ('epoch'",
    ),
]


def test_the_schema_flags_what_an_editor_should(schema_file, tmp_path):
    files = []
    for i, (_, (old, new), _) in enumerate(FLAGGED):
        assert old in BASE
        files.append(tmp_path / f"typo_{i}.yaml")
        files[-1].write_text(BASE.replace(old, new, 1))
    validated = json.loads(run_netspec("validate", "--format", "json", *files).stdout)
    assert [entry["valid"] for entry in validated] == [False] * len(files)  # netspec agrees that each is wrong
    result = check(schema_file, *files, verbose=True)
    assert result.returncode == 1
    reports = result.stdout.split(str(tmp_path / "typo_"))[1:]  # one section per file, in order
    assert len(reports) >= len(files)
    for i, (case, _, message) in enumerate(FLAGGED):
        section = "".join(r for r in reports if r.startswith(f"{i}.yaml::"))
        assert message in section, (case, section)


def _argument_schemas(layer_schema: dict) -> dict:
    """The argument mapping: the first object form (a wrapper's second one is its nested-layer shorthand)."""
    mapping = next(form for form in layer_schema["anyOf"] if form.get("type") == "object")
    return mapping["properties"]


def test_every_argument_carries_hover_text_from_the_registry():
    schema = editor_schema()
    for name, layer in CORE.items():
        args = _argument_schemas(schema["$defs"]["args"][name])
        assert set(args) == set(layer.args), name
        assert schema["$defs"]["args"][name]["description"] == layer.doc
        for arg, rule in layer.args.items():
            assert args[arg]["description"] == rule.get("description", arg), (name, arg)
            assert args[arg]["markdownDescription"].startswith(f"**{arg}**"), (name, arg)
            if "default" in rule:
                assert f"Default: `{json.dumps(rule['default'])}`" in args[arg]["markdownDescription"]
        defaults = schema["properties"]["defaults"]["properties"][name]["properties"]
        assert {a: d["markdownDescription"] for a, d in defaults.items()} == {
            a: d["markdownDescription"] for a, d in args.items()
        }
    conv = _argument_schemas(schema["$defs"]["args"]["Conv2D"])["filters"]
    assert conv["description"] == CORE["Conv2D"].args["filters"]["description"]


def test_the_registry_is_not_changed_by_making_the_editor_schema():
    before = json.dumps({name: layer.args for name, layer in CORE.items()}, sort_keys=True, default=str)
    editor_schema()
    assert json.dumps({name: layer.args for name, layer in CORE.items()}, sort_keys=True, default=str) == before


def test_mutants_that_netspec_accepts_pass_the_editor_schema_too(schema_file, tmp_path):
    """Random edits of the shipped specs (test_fuzz's mutants, seeded): every one netspec accepts, check-jsonschema accepts."""
    from test_fuzz import SHIPPED, mutant

    rng = random.Random(10)
    accepted = []
    for attempt in range(400):
        name = rng.choice(sorted(SHIPPED))
        text = mutant(name, rng.choice, size_only=attempt % 2 == 0)
        try:
            netspec.loads(text, name)
        except (netspec.SpecError, UsageError):
            continue
        accepted.append(tmp_path / f"mutant_{attempt}_{name}")
        accepted[-1].write_text(text)
        if len(accepted) == 40:
            break
    assert len(accepted) >= 30
    result = check(schema_file, *accepted)
    assert result.returncode == 0, result.stdout[-3000:]
