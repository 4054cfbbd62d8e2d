"""What netspec writes as YAML (expand, build/<name>/spec.yaml, import) reads back as the same data."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

import netspec
from netspec.compiler.load import load_text
from netspec.importer import from_config
from netspec.yaml_dump import dump_spec

from conftest import run_netspec

# Strings that YAML 1.1 or YAML 1.2 would read as something else when written plain.
LOOKALIKES = [
    "1e5", "-1E+3", "0o17", "0x1F", "0x_", "1_000", "+1", ".5", "5.", ".inf", "-.Inf", ".nan", "NaN",
    "true", "False", "yes", "no", "on", "off", "y", "n", "null", "Null", "~", "", " ", "1:20", "0b101",
    "2001-12-14", "=", "<<", "- a", ": b", "#c", "'", '"', "\n", "a\nb", "\t", "\x85", "\u2028", "\ufeff",
    "\x00", "\x1b", "é", "%YAML", "---", "...", "&a", "*a", "!tag", "@", "`", "{", "[", "|", ">",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.sampled_from(LOOKALIKES),
    st.text(max_size=12),
    st.lists(st.sampled_from(LOOKALIKES), min_size=1, max_size=3).map("".join),
)
KEYS = st.one_of(st.sampled_from(LOOKALIKES), st.text(min_size=1, max_size=8))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=20,
)
SETTINGS = settings(max_examples=80, deadline=None, derandomize=True)


def same(a, b) -> bool:
    """Equal as data, with -0.0 and 0.0 told apart."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@SETTINGS
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_dumped_yaml_loads_as_the_same_data(data):
    assert same(load_text(dump_spec(data)).data, data)


@SETTINGS
@given(st.sampled_from(LOOKALIKES) | st.text(max_size=12), VALUES)
def test_expanded_spec_reads_back_as_itself(description, value):
    """`netspec expand` and build/<name>/spec.yaml write dump_spec(spec.expanded())."""
    data = {
        "netspec": 1,
        "name": "roundtrip",
        "description": description,
        "input": {"shape": [4]},
        "layers": [{"TextVectorization": {"max_tokens": 16000, "extra": value}}],
    }
    spec = netspec.loads(dump_spec(data), "<roundtrip>")
    expanded = spec.expanded()
    assert same(netspec.loads(dump_spec(expanded), "<again>").expanded(), expanded)


@SETTINGS
@given(VALUES)
def test_imported_spec_reads_back_as_the_data_import_made(value):
    config = {
        "name": "m",
        "layers": [
            {"class_name": "InputLayer", "config": {"batch_shape": [None, 4], "name": "x"}},
            {"class_name": "TextVectorization", "config": {"name": "noise", "max_tokens": 16000, "extra": value}},
        ],
    }
    data, _ = from_config(config)
    assert same(load_text(dump_spec(data)).data, data)


def test_expand_writes_a_number_like_description_that_reads_back(tmp_path):
    (tmp_path / "s.yaml").write_text('netspec: 1\ndescription: "1e5"\ninput: {shape: [4]}\nlayers:\n  - Dense: 2\n')
    expanded = run_netspec("expand", "s.yaml", cwd=tmp_path)
    assert expanded.returncode == 0, expanded.stderr
    assert "description: '1e5'\n" in expanded.stdout
    (tmp_path / "e.yaml").write_text(expanded.stdout)
    result = run_netspec("validate", "e.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
