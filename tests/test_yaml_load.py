"""Load stage: YAML read as plain data only, with positions for every message."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netspec.compiler.load import MAX_DEPTH, load_bytes, load_text
from netspec.problems import SpecError


def problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_text(text, "s.yaml")
    return [str(p) for p in info.value.problems]


def test_scalars_follow_yaml_1_2():
    doc = load_text("a: 1e-4\nb: 1E3\nc: .5\nd: yes\ne: 0x1F\nf: ~\ng: -2\nh: .inf\ni: '3'\nj: true\n")
    assert doc.data == {
        "a": 1e-4,
        "b": 1000.0,
        "c": 0.5,
        "d": "yes",
        "e": 31,
        "f": None,
        "g": -2,
        "h": math.inf,
        "i": "3",
        "j": True,
    }


def test_positions_of_values_and_keys():
    doc = load_text("layers:\n  - Conv2D: {filters: 3}\n")
    assert doc.where(("layers", 0, "Conv2D", "filters")) == (2, 23)
    assert doc.where(("layers", 0, "Conv2D", "filters"), key=True) == (2, 14)
    assert doc.where(("layers", 0, "Conv2D", "missing", 3)) == (2, 13)


def test_duplicate_keys_name_both_places():
    assert problems("a: 1\nb:\n  c: 1\n  c: 2\n") == ["s.yaml:4:3: duplicate key 'c' (first at line 3, column 3)"]


def test_non_standard_tags_are_refused():
    for tag in (
        "!!python/object/apply:os.system [id]",
        "!!python/name:os.system",
        "!!binary aGk=",
        "!!timestamp 2001-12-14",
        "!custom 3",
        "!!set {a}",
    ):
        found = problems(f"a: {tag}\n")
        assert len(found) == 1 and "is not allowed: specs are plain data" in found[0], tag


def test_alias_bomb_is_refused_without_expanding():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    found = problems("\n".join(lines) + "\n")
    assert found == ["s.yaml:6:8: the document expands to more than 200,000 values (an alias bomb?)"]


def test_recursive_alias_and_deep_nesting():
    assert problems("a: &x [*x]\n") == ["s.yaml:1:8: alias '*x' refers to no finished anchor (recursive or undefined)"]
    assert problems("[" * 100_000)[0].endswith(f"nesting deeper than {MAX_DEPTH} levels; a spec never needs this")


def test_keys_must_be_strings():
    assert problems("1: a\n") == ["s.yaml:1:1: key 1 is a int; keys must be strings (quote it)"]
    assert problems("? [a]\n: b\n") == ["s.yaml:1:3: mapping keys must be plain strings, not collections or aliases"]


def test_bytes_that_are_not_utf8_or_text():
    with pytest.raises(SpecError) as info:
        load_bytes(b"a: 1\nb: \xff\n", "s.yaml")
    assert str(info.value) == "s.yaml:2:4: byte 0xff is not valid UTF-8; save the spec as UTF-8 text"
    with pytest.raises(SpecError) as info:
        load_bytes(b"a: \x00\x01", "s.yaml")
    assert str(info.value) == "s.yaml:1:4: character #x0000 is not allowed in YAML text"


def test_one_document_only():
    assert problems("a: 1\n---\nb: 2\n") == ["s.yaml:2:1: a spec holds one YAML document; found a second '---'"]


SHIPPED_TEXTS = [p.read_text() for p in sorted((Path(__file__).resolve().parent.parent / "specs").glob("*.yaml"))]


@settings(max_examples=150, deadline=None)
@given(
    text=st.sampled_from(SHIPPED_TEXTS),
    where=st.integers(min_value=0, max_value=10_000),
    slip=st.sampled_from(["indent+1", "indent-1", "no-colon", "no-space", "tab", "open-brace", "open-quote"]),
)
def test_a_usual_slip_in_a_shipped_spec_is_reported_within_the_file(text, where, slip):
    """One slip anywhere in a real spec: the load either still works or names a line of the file, never crashes."""
    lines = text.splitlines()
    i = where % len(lines)
    line = lines[i]
    lines[i] = {
        "indent+1": " " + line,
        "indent-1": line[1:] if line.startswith(" ") else line,
        "no-colon": line.replace(":", "", 1),
        "no-space": line.replace(": ", ":", 1),
        "tab": "\t" + line,
        "open-brace": line + " {",
        "open-quote": line.replace(": ", ": '", 1),
    }[slip]
    try:
        load_text("\n".join(lines) + "\n", "s.yaml")
    except SpecError as exc:
        for problem in exc.problems:
            assert 1 <= problem.line <= len(lines) + 1 and problem.col >= 1
            assert problem.message and "\n" not in problem.message
            if slip == "tab" and line.strip() or "no space after the ':'" in problem.message:
                assert problem.line == i + 1, (problem, lines[i])  # the line of the slip, not where libyaml stopped
