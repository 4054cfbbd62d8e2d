"""`netspec eject` of a stranger's spec: whatever its strings say, the script only builds the model.

Each hostile string holds a PEP 263 encoding declaration (`coding: unicode_escape`, `raw_unicode_escape`,
`utf-7`) with a line break written the way that codec would decode it, then a payload that creates a
marker file, plus real line breaks, quotes, backslashes and Unicode line separators. The string goes in
every free-form position a spec has: the description, a `block:` label, an opaque layer's string
arguments (an optimizer's only string argument, its name, must be a valid name, so a hostile one is
refused before eject: tested below). The scripts are parsed (only the node kinds eject writes are
allowed) and then imported and run in one fresh Python process, which must build the models and
create nothing.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap

import pytest

import netspec
from netspec.eject import eject

# How each codec spells a line break inside otherwise harmless text.
LINE_BREAK = {"unicode_escape": "\\n", "raw_unicode_escape": "\\u000a", "utf-7": "+AAo-", "utf-8": "\n"}
POSITIONS = ("desc", "block", "vocab", "oov", "opt")
FREE_FORM = ("desc", "block", "vocab", "oov")  # the positions that accept any string
NODE_KINDS = {
    "Assign", "Attribute", "Call", "Compare", "Constant", "Dict", "Eq", "Expr", "FunctionDef", "If", "Import",
    "ImportFrom", "List", "Load", "Module", "Name", "Return", "Store", "Tuple", "alias", "arg", "arguments",
    "keyword", "UnaryOp", "USub",
}  # fmt: skip
NAMES = {"keras", "layers", "build_model", "compile_model", "model", "x", "inputs", "__name__"}


def hostile(codec: str, position: str) -> str:
    """A string that, read under `codec`, would end its line and create the file pwned_<position>."""
    payload = f"open('pwned_{position}','w').close()"
    tricks = "\n''' \"\"\" \\ \r\u2028\x0c\x1b é #"
    return f"coding: {codec}{LINE_BREAK[codec]}{payload}#{tricks}{LINE_BREAK[codec]}{payload}#"


def hostile_spec(codec: str, positions=FREE_FORM) -> str:
    """A valid spec with `codec`'s hostile string in each of `positions` (plain words elsewhere)."""
    s = {p: json.dumps(hostile(codec, p) if p in positions else p) for p in POSITIONS}
    return textwrap.dedent(f"""\
        netspec: 1
        name: hostile
        description: {s["desc"]}
        input: {{shape: [1]}}
        layers:
          - StringLookup: {{vocabulary: ["a", {s["vocab"]}], oov_token: {s["oov"]}}}
            block: {s["block"]}
          - Dense: 2
        train:
          optimizer: {{SGD: {{learning_rate: 0.01, name: {s["opt"]}}}}}
          loss: sparse_categorical_crossentropy
        """)


def assert_inert(source: str, codec: str) -> None:
    """Encoded as the file will be, the script parses to eject's own node kinds and names only."""
    lines = source.splitlines()
    assert lines[0] == "# -*- coding: utf-8 -*-"
    assert lines[1].startswith("# Ejected by netspec ") and "pwned" not in lines[1]
    assert source.isascii()
    tree = ast.parse(source.encode("utf-8"))  # bytes: Python honours the file's own encoding line
    assert {type(node).__name__ for node in ast.walk(tree)} <= NODE_KINDS
    assert {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} <= NAMES
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
    assert {hostile(codec, "vocab"), hostile(codec, "oov")} <= strings


@pytest.mark.parametrize("codec", sorted(LINE_BREAK))
def test_a_hostile_optimizer_name_is_refused_before_eject(codec):
    with pytest.raises(
        netspec.SpecError, match=r"(?s)hostile.yaml:10:\d+: 'train.optimizer.SGD.name': .* is not a valid name"
    ):
        netspec.loads(hostile_spec(codec, positions=("opt",)), "hostile.yaml")


@pytest.mark.parametrize("codec", sorted(LINE_BREAK))
def test_ejected_hostile_spec_parses_to_plain_calls_and_literals(codec):
    assert_inert(eject(netspec.loads(hostile_spec(codec), "hostile.yaml")), codec)


RUNNER = """\
import importlib.util, pathlib, runpy
for path in sorted(pathlib.Path('.').glob('*.py')):
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        model = module.compile_model(module.build_model())
        runpy.run_path(str(path), run_name='__main__')
        print('built', path.name, model.name, len(model.layers))
    except BaseException as exc:
        print('failed', path.name, type(exc).__name__)
"""


@pytest.mark.keras
def test_ejected_hostile_scripts_import_and_run_building_only_the_model(tmp_path):
    scripts = {}
    for codec in LINE_BREAK:
        scripts[f"{codec.replace('-', '_')}.py"] = hostile_spec(codec)
        scripts[f"{codec.replace('-', '_')}_desc.py"] = hostile_spec(codec, ["desc"])
    for name, text in scripts.items():
        (tmp_path / name).write_text(eject(netspec.loads(text, "hostile.yaml")))
    before = sorted(p.name for p in tmp_path.iterdir())
    result = subprocess.run(
        [sys.executable, "-c", RUNNER], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcomes = [line for line in result.stdout.splitlines() if line.startswith(("built ", "failed "))]
    assert sorted(outcomes) == [f"built {name} hostile 3" for name in sorted(scripts)]
    after = sorted(p.name for p in tmp_path.iterdir() if p.name != "__pycache__")
    assert after == before
