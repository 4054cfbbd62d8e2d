"""Fuzzing: random YAML and mutated shipped specs get a clean error or a valid result, never a crash.

In-process, through the Python API (`netspec.loads`, `Spec.summary()` and the table): the
only exceptions allowed out are SpecError and UsageError, and every problem points inside
the text. Some accepted mutants are then built in Keras, whose shapes and parameter counts
must equal the static analysis (`keras_build.verified` raises NetspecBug when they differ).

Example counts are bounded (the Keras tier builds 4 accepted size mutants of the small specs) for CI and the runs are derandomized (the same inputs every time);
set NETSPEC_FUZZ_EXAMPLES=5000 to fuzz harder locally.
"""

from __future__ import annotations

import ast
import copy
import os
import random

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netspec
from netspec.compiler.load import load_text
from netspec.problems import SpecError, UsageError
from netspec.table import render_text
from netspec.yaml_dump import dump_spec

from conftest import EXAMPLES, SPECS, run_netspec

EXAMPLES_N = int(os.environ.get("NETSPEC_FUZZ_EXAMPLES", "100"))
KERAS_EXAMPLES = 4
KERAS_TRIES = 200
KERAS_MAX_PARAMS = 2_000_000
SHIPPED = {p.name: p.read_text() for p in sorted([*SPECS.glob("*.yaml"), *EXAMPLES.glob("*.yaml")])}
SHIPPED_DATA = {name: load_text(text).data for name, text in SHIPPED.items()}
SMALL = [n for n, t in SHIPPED.items() if netspec.loads(t).summary().total("trainable") <= KERAS_MAX_PARAMS]
FUZZ = settings(
    max_examples=EXAMPLES_N,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

WORDS = st.sampled_from(
    [
        "netspec", "name", "input", "inputs", "layers", "outputs", "blocks", "vars", "defaults", "train",
        "shape", "repeat", "params", "in", "Dense", "Conv2D", "Flatten", "Add", "Concatenate", "Dropout",
        "MaxPooling2D", "BatchNormalization", "Lambda", "units", "filters", "kernel_size", "padding", "same",
        "valid", "relu", "softmax", "${w}", "${w * 2}", "${missing}", "${1/0}", "os.system", "module",
        "class_name", "<<", "", " ", "\t", "~", "null", ".nan", "-.inf", "1e3", "0x10", "yes",
    ]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    WORDS,
)
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.one_of(WORDS, st.text(max_size=8)), inner, max_size=5)
    ),
    max_leaves=40,
)


def compile_cleanly(text: str):
    """netspec.loads(text) and the table: return the Spec, or None for a clean refusal."""
    try:
        spec = netspec.loads(text, "<fuzz>")
    except (SpecError, UsageError) as exc:
        lines = text.count("\n") + 2
        for problem in getattr(exc, "problems", []):
            assert problem.path == "<fuzz>" and 1 <= problem.line <= lines and problem.col >= 1, problem
            assert problem.message.strip(), problem
        return None
    render_text(spec.summary())
    return spec


@FUZZ
@given(TREES)
def test_random_yaml_trees(tree):
    compile_cleanly(yaml.safe_dump(tree, allow_unicode=True))


@FUZZ
@given(st.sampled_from(sorted(SHIPPED)), st.data())
def test_mutated_shipped_specs(name, data):
    compile_cleanly(mutant(name, lambda seq: data.draw(st.sampled_from(seq)), random_value=lambda: data.draw(TREES)))


@FUZZ
@given(st.sampled_from(sorted(SHIPPED)), st.data())
def test_text_mutations_of_shipped_specs(name, data):
    text = SHIPPED[name]
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 12))
        insert = data.draw(
            st.one_of(
                st.just(""),
                WORDS,
                st.sampled_from(["\t", ":", "- ", "[", "{", "&a ", "*a", "!!", "\n  ", "'", "\x00", "\ufeff"]),
                st.text(max_size=4),
            )
        )
        text = text[:at] + insert + text[at + cut :]
    compile_cleanly(text)


def test_every_shipped_spec_compiles_and_reexpands_to_itself():
    for name, text in SHIPPED.items():
        spec = compile_cleanly(text)
        assert spec is not None, name
        again = netspec.loads(dump_spec(spec.expanded()), "<expanded>")
        assert again.expanded() == spec.expanded(), name


@pytest.mark.keras
def test_accepted_mutants_build_in_keras_with_the_same_shapes_and_counts():
    from netspec.keras_build import build_model, verified

    rng = random.Random(6)
    built = []
    for _ in range(KERAS_TRIES):
        name = rng.choice(SMALL)
        spec = compile_cleanly(mutant(name, rng.choice, size_only=True))
        if spec is None or len(spec.flat.layers) > 80:
            continue
        analysis = spec.summary()
        if analysis.total("trainable") + analysis.total("non_trainable") > KERAS_MAX_PARAMS:
            continue
        model = build_model(spec)
        checked = verified(analysis, model)  # raises NetspecBug on any disagreement with Keras
        assert checked.total("trainable") == sum(int(w.numpy().size) for w in model.trainable_weights)
        built.append(name)
        if len(built) == KERAS_EXAMPLES:
            break
    assert len(built) == KERAS_EXAMPLES, built


def mutant(name: str, choose, size_only: bool = False, random_value=None) -> str:
    """A shipped spec with one to three random edits to its data, as YAML text; `choose(seq)` picks one."""
    tree = copy.deepcopy(SHIPPED_DATA[name])
    for _ in range(choose([1, 2, 3])):
        paths = list(_paths(tree))
        if size_only:  # sizes and paddings only, so that many mutants stay valid
            paths = [p for p in paths if p[0] != "netspec" and _is_size(_at(tree, p))] or paths
        path = choose(paths)
        parent, key = _at(tree, path[:-1]), path[-1]
        old = parent[key]
        op = choose(["replace", "nudge", "delete", "duplicate"])
        if op == "delete" and not size_only:
            del parent[key]
        elif op == "duplicate" and isinstance(parent, list) and not size_only:
            parent.insert(key, copy.deepcopy(old))
        elif isinstance(old, int) and not isinstance(old, bool):
            parent[key] = choose([0, 1, 2, old - 1, old + 1, old * 2, old * 1000, -old, 2**40])
        elif size_only and isinstance(old, str) and old in ("same", "valid"):
            parent[key] = "valid" if old == "same" else "same"
        elif random_value is not None:
            parent[key] = random_value()
        elif not size_only:
            parent[key] = choose([None, True, -1, 0.5, float("nan"), "", "${w}", [], {}, [1, [2]], {"a": {"b": None}}])
    return yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)


def _is_size(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or value in ("same", "valid")


def _paths(node, prefix=()):
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield prefix + (key,)
        yield from _paths(value, prefix + (key,))


def _at(node, path):
    for key in path:
        node = node[key]
    return node


HOSTILE_STRINGS = [
    "coding: unicode_escape\\nopen('pwned','w')#",
    "coding: utf-7 +AAo-open('pwned','w')#",
    "coding: raw_unicode_escape\\u000aopen('pwned','w')#",
    "\n''' \"\"\" \\ \r\u2028\u202e\x00\x01\x1b\x7f\x85\ufffe",
    "<b>&amp;</b> #quot; `x` ]] }} %% \\",
    "CURRENT", "a\n", "con", "x" * 10_000, "1e5", "0o17", ".inf", "yes", "",
    "${0x" + "f" * 40 + "}", "${" + "9" * 5000 + "}", "${1e308 * 10}", "${x" * 50,
]  # fmt: skip
HOSTILE_NUMBERS = [2**63, -(2**63) - 1, 2**64, 10**30, 1e308, -1e308, float("inf"), float("nan"), 0, -1, 2**62]
# The static commands run in-process on every accepted mutant: the shipped specs of up to 60 layers keep it quick.
FEW_LAYERS = [n for n, t in SHIPPED.items() if len(netspec.loads(t).flat.layers) <= 60]
HOSTILE_FUZZ = settings(FUZZ, max_examples=max(EXAMPLES_N // 2, 1))
HOSTILE_VALUES = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.sampled_from(HOSTILE_NUMBERS), TREES)


def static_commands(text: str) -> None:
    """What validate, summary, expand, diagram (.dot, .mmd) and eject do, in-process: a clean error or a result."""
    from test_eject_hostile import NODE_KINDS

    from netspec.diagram.dot import to_dot
    from netspec.diagram.mermaid import to_mermaid
    from netspec.diagram.view import build_view
    from netspec.eject import eject

    spec = compile_cleanly(text)
    if spec is None:
        return
    expanded = spec.expanded()
    assert netspec.loads(dump_spec(expanded), "<expanded>").expanded() == expanded
    for options in ({}, {"compact": True, "blocks": True}, {"collapse_blocks": True}):
        view = build_view(spec, **options)
        assert all(c.isprintable() for line in to_dot(view).splitlines() for c in line)
        assert all(c.isprintable() for line in to_mermaid(view).splitlines() for c in line)
    source = eject(spec)
    assert source.isascii() and source.startswith("# -*- coding: utf-8 -*-\n")
    assert {type(node).__name__ for node in ast.walk(ast.parse(source.encode()))} <= NODE_KINDS


@HOSTILE_FUZZ
@given(st.sampled_from(FEW_LAYERS), st.data())
def test_static_commands_on_shipped_specs_with_hostile_values(name, data):
    choose = lambda seq: data.draw(st.sampled_from(seq))  # noqa: E731
    static_commands(mutant(name, choose, random_value=lambda: data.draw(HOSTILE_VALUES)))


def test_hostile_mutants_through_the_real_commands(tmp_path):
    rng = random.Random(11)
    for i in range(2):
        path = tmp_path / f"mutant{i}.yaml"
        text = mutant(rng.choice(FEW_LAYERS), rng.choice, random_value=lambda: rng.choice(HOSTILE_STRINGS))
        path.write_text(text)
        for command in (["validate", path], ["diagram", path, "-o", tmp_path / f"m{i}.mmd"]):
            result = run_netspec(*command, cwd=tmp_path)
            assert result.returncode in (0, 1, 2), (command, result.stderr[-2000:])
            assert "Traceback" not in result.stdout + result.stderr
