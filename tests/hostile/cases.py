"""The hostile-input corpus: each case writes its input into a directory and says what netspec must answer.

Shared by tests/test_hostile.py (which asserts every answer, bound and figure) and
bench/bench_hostile.py (which writes the figures into the docs). Large inputs (a 50 MiB
file, 100,000-deep nesting, a billion laughs, binary files) are generated, never committed.
Small bad specs live in tests/cases/invalid/ (one file each) and are run here as one batch.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
INVALID = HERE.parent / "cases" / "invalid"
LIMIT_SECONDS = 2.0
LIMIT_RSS = 300 * 2**20


@dataclass
class Case:
    """One run of the real `netspec` command on bad input."""

    name: str
    what: str
    make: Callable[[Path], list[str]]  # writes the input into a directory; returns netspec's arguments
    code: int  # expected exit code
    stderr: Callable[[Path], list[str]]  # the exact lines expected on stderr


@dataclass
class Measured:
    code: int
    stdout: str
    stderr: str
    wall: float
    cpu: float
    rss: int  # bytes


# Linux carries a process's peak RSS across execve, and a child forked from a large parent
# (pytest with TensorFlow loaded) would report the parent's size. So a small probe process
# spawns netspec and reports the netspec process's own figures from os.wait4.
PROBE = """
import json, os, sys, time
report, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
with open(report, "w") as out:
    json.dump([code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024], out)
"""


def run_measured(args, cwd, env=None, timeout: float = 60) -> Measured:
    """Run `python -m netspec ARGS`; its exit code, output, wall time, CPU time and peak RSS (os.wait4)."""
    full_env = {**os.environ, "COLUMNS": "100", **(env or {})}
    with tempfile.TemporaryDirectory() as tmp:
        out, err, report = Path(tmp) / "out", Path(tmp) / "err", Path(tmp) / "report.json"
        netspec = [sys.executable, "-m", "netspec", *map(str, args)]
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            probe = subprocess.Popen(
                [sys.executable, "-c", PROBE, str(report), *netspec],
                cwd=cwd,
                env=full_env,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
            try:
                probe.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(probe.pid, 9)
                probe.wait()
                raise AssertionError(f"netspec {' '.join(map(str, args))} ran for more than {timeout} s") from None
        code, wall, cpu, rss = json.loads(report.read_text())
        return Measured(code, out.read_text("utf-8", "replace"), err.read_text("utf-8", "replace"), wall, cpu, rss)


def assert_refused_within(case: Case, result: Measured, directory: Path, seconds: float, rss: int) -> None:
    """The run ended as `case` says (exit code, exact stderr lines, no traceback) within the time and memory bounds."""
    assert result.code == case.code, (result.code, result.stderr[-2000:])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == case.stderr(directory)
    assert result.cpu < seconds, f"{case.name}: {result.cpu:.2f} s of CPU"
    assert result.wall < seconds, f"{case.name}: {result.wall:.2f} s wall"
    assert result.rss < rss, f"{case.name}: {result.rss / 2**20:.0f} MiB peak RSS"


def run_case(case: Case, directory: Path, tries: int = 3) -> Measured:
    """Make the case's input and run it; a run over the time limit is retried (up to `tries` runs), fastest kept.

    On a machine busy with other work a 1 s run can take 3 s of wall time, and CPU time
    grows too (shared caches), so a slow run is repeated; the run kept must meet every bound.
    """
    args = case.make(directory)
    env = {"PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent.parent)])}  # this checkout's netspec
    result = run_measured(args, directory, env)
    for _ in range(tries - 1):
        if result.wall < LIMIT_SECONDS and result.cpu < LIMIT_SECONDS:
            break
        again = run_measured(args, directory, env)
        result = again if max(again.wall, again.cpu) < max(result.wall, result.cpu) else result
    return result


def _write(directory: Path, name: str, text: str | bytes) -> str:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return name


def _corpus(directory: Path) -> list[str]:
    return ["validate", *(str(p) for p in sorted(INVALID.glob("*.yaml")))]


def _corpus_errors(directory: Path) -> list[str]:
    lines = []
    for spec in sorted(INVALID.glob("*.yaml")):
        lines += [f"{INVALID}/{line}" for line in spec.with_suffix(".err").read_text().splitlines()]
    return lines


TAGS = [
    ("!!python/object/apply:os.system [id]", "!!python/object/apply:os.system"),
    ("!!python/object/new:os.system [id]", "!!python/object/new:os.system"),
    ("!!python/object:os.system {}", "!!python/object:os.system"),
    ("!!python/name:os.system ''", "!!python/name:os.system"),
    ("!!python/module:os ''", "!!python/module:os"),
    ("!!python/tuple [1, 2]", "!!python/tuple"),
    ("!!python/bytes aGk=", "!!python/bytes"),
    ("!!binary aGk=", "!!binary"),
    ("!!timestamp 2001-12-14", "!!timestamp"),
    ("!!set {a: null}", "!!set"),
    ("!!omap [a: 1]", "!!omap"),
    ("!!pairs [a: 1]", "!!pairs"),
    ("!!merge x", "!!merge"),
    ("!!value x", "!!value"),
    ("!custom 3", "!custom"),
    ("!<tag:example.com,2000:app/x> 3", "tag:example.com,2000:app/x"),
]


def _tags(directory: Path) -> list[str]:
    names = []
    for i, (text, _) in enumerate(TAGS):
        names.append(
            _write(directory, f"tag_{i:02d}.yaml", f"netspec: 1\ninput: {{shape: [8]}}\nlayers:\n  - Dense: {text}\n")
        )
    return ["validate", *names]


def _tag_errors(directory: Path) -> list[str]:
    return [
        f"tag_{i:02d}.yaml:4:12: tag '{shown}' is not allowed: specs are plain data"
        for i, (_, shown) in enumerate(TAGS)
    ]


def _big_file(directory: Path) -> list[str]:
    line = "  - Dense: {units: 8, activation: relu}\n"
    with open(directory / "big.yaml", "w") as handle:
        handle.write("netspec: 1\ninput: {shape: [8]}\nlayers:\n")
        handle.write(line * (50 * 2**20 // len(line)))
    return ["summary", "big.yaml"]


def _many_values(directory: Path) -> list[str]:
    text = "netspec: 1\nvars:\n  v: [" + "1, " * (3 * 2**20) + "1]\n"  # 9 MiB, under the size limit
    return ["validate", _write(directory, "values.yaml", text)]


def _deep(directory: Path) -> list[str]:
    return [
        "validate",
        _write(directory, "flow_lists.yaml", "[" * 100_000),
        _write(directory, "flow_maps.yaml", "{a: " * 100_000),
        _write(directory, "block_lists.yaml", "- " * 100_000 + "x\n"),
    ]


def _laughs(directory: Path) -> list[str]:
    lines = ['lol0: &l0 "lol"']
    lines += [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 10)]
    lines += ["netspec: 1", "input: {shape: [8]}", "layers: *l9"]
    return ["summary", _write(directory, "laughs.yaml", "\n".join(lines) + "\n")]


def _aliases(directory: Path) -> list[str]:
    return [
        "validate",
        _write(directory, "alias_key.yaml", "a: &k x\n? *k\n: 1\n"),
        _write(directory, "alias_self.yaml", "netspec: 1\nlayers: &x [*x]\n"),
        _write(directory, "alias_undefined.yaml", "netspec: 1\nlayers: [*nowhere]\n"),
    ]


def _binary(directory: Path) -> list[str]:
    noise = random.Random(6).randbytes(1 << 16)
    return [
        "validate",
        _write(directory, "image.png", b"\x89PNG\r\n\x1a\n" + noise),
        _write(directory, "program.elf", b"\x7fELF\x02\x01\x01\x00" + noise),
        _write(directory, "elf_header.yaml", b"\x7fELF\x02\x01\x01\x00"),
        _write(directory, "utf16.yaml", "netspec: 1\n".encode("utf-16")),
        _write(directory, "zeros.yaml", bytes(4096)),
        _write(directory, "latin1.yaml", "netspec: 1\nname: caf\xe9\n".encode("latin-1")),
        _write(directory, "empty.yaml", ""),
    ]


def _binary_errors(directory: Path) -> list[str]:
    return [
        "image.png:1:1: byte 0x89 is not valid UTF-8; save the spec as UTF-8 text",
        "program.elf:1:9: byte 0xfe is not valid UTF-8; save the spec as UTF-8 text",
        "elf_header.yaml:1:1: character #x007f is not allowed in YAML text",
        "utf16.yaml:1:1: byte 0xff is not valid UTF-8; save the spec as UTF-8 text",
        "zeros.yaml:1:1: character #x0000 is not allowed in YAML text",
        "latin1.yaml:2:10: byte 0xe9 is not valid UTF-8; save the spec as UTF-8 text",
        "empty.yaml:1:1: the spec is empty; it needs at least `netspec: 1` and `layers:`",
    ]


SMALL = "netspec: 1\nname: small\ninput: {shape: [8]}\nlayers:\n  - Dense: 4\n"


def _directory(directory: Path) -> list[str]:
    (directory / "specs.yaml").mkdir(exist_ok=True)
    return ["summary", "specs.yaml"]


def _set_unknown(directory: Path) -> list[str]:
    return ["summary", _write(directory, "small.yaml", SMALL), "--set", "train.optimizer.lr=0.1"]


def _set_index(directory: Path) -> list[str]:
    return ["expand", _write(directory, "small.yaml", SMALL), "--set", "layers.7.Dense=3"]


def _set_through_value(directory: Path) -> list[str]:
    return ["validate", _write(directory, "small.yaml", SMALL), "--set", "name.first=x"]


TOO_BIG = (
    "netspec: 1\nname: too_big\ninput: {shape: [1000000]}\nlayers:\n  - Dense: 1000000\n    repeat: 4\n  - Dense: 10\n"
)
TOO_BIG_PARAMS = 4 * (10**12 + 10**6) + 10**7 + 10  # four Dense(1,000,000) on 1,000,000 inputs, then Dense(10)


def _too_big(directory: Path) -> list[str]:
    return ["build", _write(directory, "too_big.yaml", TOO_BIG)]


def _too_big_errors(directory: Path) -> list[str]:
    from netspec.compiler.limits import fmt_bytes, machine_memory

    largest = 10**12 + 10**6
    return [
        f"too_big.yaml:5:12: building this model needs an estimated {fmt_bytes(4 * TOO_BIG_PARAMS)} of memory, "
        f"more than this machine's {fmt_bytes(machine_memory())}; the largest layer is 'dense_1' "
        f"(Dense, {largest:,} parameters = {fmt_bytes(4 * largest)}). Make it smaller, or pass --allow-large to try anyway"
    ]


def _named_code(directory: Path) -> list[str]:
    spec = (
        "netspec: 1\ninput: {shape: [8]}\nlayers:\n"
        "  - ScaleBy: {factor: 3}\n"
        "  - demo_plugin.ScaleBy: {}\n"
        "  - Dense: {units: 4, kernel_initializer: {module: demo_plugin, class_name: ScaleBy}}\n"
    )
    return ["validate", _write(directory, "names_plugin.yaml", spec)]


CASES = [
    Case("corpus", "every spec in tests/cases/invalid/, one process", _corpus, 1, _corpus_errors),
    Case("tags", f"{len(TAGS)} non-standard YAML tags (!!python/*, !!binary, !custom ...)", _tags, 1, _tag_errors),
    Case(
        "big_file",
        "a 50 MiB spec",
        _big_file,
        1,
        lambda d: ["big.yaml:1:1: file is larger than 10 MiB, the limit for a spec"],
    ),
    Case(
        "many_values",
        "a 9 MiB list of 3 million numbers (under the size limit)",
        _many_values,
        1,
        lambda d: ["values.yaml:3:599995: the document expands to more than 200,000 values (an alias bomb?)"],
    ),
    Case(
        "deep_nesting",
        "flow lists, flow mappings and block lists nested 100,000 deep",
        _deep,
        1,
        lambda d: [
            # libyaml (PyYAML >= 6.0.4) stops a run of flow openers at 1,000 before netspec counts 64
            "flow_lists.yaml:1:1001: nesting deeper than 64 levels; a spec never needs this",
            "flow_maps.yaml:1:257: nesting deeper than 64 levels; a spec never needs this",
            "block_lists.yaml:1:129: nesting deeper than 64 levels; a spec never needs this",
        ],
    ),
    Case(
        "billion_laughs",
        "an alias bomb of 10^9 values",
        _laughs,
        1,
        lambda d: ["laughs.yaml:7:12: the document expands to more than 200,000 values (an alias bomb?)"],
    ),
    Case(
        "aliases",
        "an alias as a key, a recursive alias, an undefined alias",
        _aliases,
        1,
        lambda d: [
            "alias_key.yaml:2:3: mapping keys must be plain strings, not collections or aliases",
            "alias_self.yaml:2:13: alias '*x' refers to no finished anchor (recursive or undefined)",
            "alias_undefined.yaml:2:10: alias '*nowhere' refers to no finished anchor (recursive or undefined)",
        ],
    ),
    Case("binary", "PNG, ELF, UTF-16, NUL bytes, Latin-1, an empty file", _binary, 1, _binary_errors),
    Case(
        "directory",
        "a directory given as SPEC",
        _directory,
        2,
        lambda d: ["netspec: error: specs.yaml: is a directory, not a spec file"],
    ),
    Case(
        "missing",
        "a path that does not exist",
        lambda d: ["summary", "missing.yaml"],
        2,
        lambda d: ["netspec: error: missing.yaml: no such file"],
    ),
    Case(
        "set_unknown_path",
        "--set on a path the spec does not have",
        _set_unknown,
        2,
        lambda d: [
            "netspec: error: --set train.optimizer.lr=0.1: unknown path 'train' (keys there: input, layers, name, netspec)"
        ],
    ),
    Case(
        "set_bad_index",
        "--set on a list index out of range",
        _set_index,
        2,
        lambda d: ["netspec: error: --set layers.7.Dense=3: 'layers' has 1 items; no index 7"],
    ),
    Case(
        "set_into_scalar",
        "--set below a single value",
        _set_through_value,
        2,
        lambda d: ["netspec: error: --set name.first=x: 'name' is a single value, not a mapping or list"],
    ),
    Case(
        "too_big_to_build",
        "a model of 4 x 10^12 weights (16 TB), refused before Keras allocates",
        _too_big,
        1,
        _too_big_errors,
    ),
    Case(
        "names_code",
        "a spec naming a plugin class, a module path and a module: key, without --plugin",
        _named_code,
        1,
        lambda d: [
            "names_plugin.yaml:4:5: unknown layer type or block 'ScaleBy'.",
            "names_plugin.yaml:5:5: unknown layer type or block 'demo_plugin.ScaleBy'.",
            "names_plugin.yaml:6:43: Dense argument 'kernel_initializer' holds 'module', which would make Keras import code; specs hold data only",
            "names_plugin.yaml:6:44: Dense argument 'kernel_initializer' has no argument 'module'.",
        ],
    ),
]


# ---- expansion bounded by what it produces (issue 11): text interpolation, shared references, copies ----


def _doubling_vars(levels: int) -> str:
    lines = ["vars:", "  v0: " + "x" * 1000]
    lines += [f'  v{i}: "${{v{i - 1}}}${{v{i - 1}}}"' for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _interpolation(directory: Path) -> list[str]:
    spec = f"netspec: 1\ndescription: ${{v40}}\n{_doubling_vars(40)}input: {{shape: [4]}}\nlayers:\n  - Dense: 2\n"
    return ["validate", _write(directory, "doubling.yaml", spec)]


def _interpolation_set(directory: Path) -> list[str]:
    spec = "netspec: 1\ninput: {shape: [4]}\nvars: {w: 2}\nlayers:\n  - Dense: ${w}\n    name: n${w}\n"
    bomb = "{v0: " + "x" * 1000 + ", " + ", ".join(f'v{i}: "${{v{i - 1}}}${{v{i - 1}}}"' for i in range(1, 41)) + "}"
    return ["summary", _write(directory, "set_doubling.yaml", spec), "--set", f"vars={bomb}", "--set", "vars.w=${v40}"]


def _shared_reference(directory: Path) -> list[str]:
    big = "[" + ", ".join(["1"] * 20_000) + "]"
    spec = f"netspec: 1\ninput: {{shape: [4]}}\nvars:\n  big: {big}\nlayers:\n  - Dense: {{units: 2, x: '${{big}}'}}\n    repeat: 5000\n"
    return ["validate", _write(directory, "shared.yaml", spec)]


def _defaults_copy(directory: Path) -> list[str]:
    big = "[" + ", ".join(["0.5"] * 30_000) + "]"
    spec = f"netspec: 1\ninput: {{shape: [4]}}\ndefaults:\n  Dense: {{x: {big}}}\nlayers:\n  - Dense: 2\n    repeat: 9000\n"
    return ["expand", _write(directory, "defaults_copy.yaml", spec)]


# Issue 11: a stranger's files.


def _special_files(directory: Path) -> list[str]:
    os.mkfifo(directory / "fifo.yaml")
    (directory / "zero.yaml").symlink_to("/dev/zero")
    return ["validate", "fifo.yaml", "zero.yaml"]


IMPORT_DATA = HERE.parent / "data" / "import"


def _deep_json(directory: Path) -> list[str]:
    return ["import", _write(directory, "deep.json", "[" * 100_000 + "]" * 100_000)]


def _long_int_json(directory: Path) -> list[str]:
    return ["import", _write(directory, "long_int.json", '{"layers": [' + "9" * 5000 + "]}")]


def _big_json(directory: Path) -> list[str]:
    with open(directory / "big.json", "wb") as big:
        big.truncate(40 * 2**20)
    return ["import", "big.json"]


def _fifo_json(directory: Path) -> list[str]:
    os.mkfifo(directory / "fifo.json")
    return ["import", "fifo.json"]


def _zip_bomb(directory: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(directory / "zip_bomb.keras", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", " " * (64 * 2**20) + "{}")
    return ["import", "zip_bomb.keras"]


def _weights_bomb(directory: Path) -> list[str]:
    import zipfile

    huge = json.loads((IMPORT_DATA / "sequential_cnn.json").read_text())
    dense = next(layer for layer in huge["config"]["layers"] if layer["class_name"] == "Dense")
    dense["config"]["units"] = 10**8
    with zipfile.ZipFile(directory / "weights_bomb.keras", "w") as archive:
        archive.writestr("config.json", json.dumps(huge))
        archive.writestr("model.weights.h5", bytes(1024))
    return ["import", "weights_bomb.keras"]


def _diagram_controls(directory: Path) -> list[str]:
    text = json.dumps("".join(map(chr, range(32))) + "\ufffe <b>&\\")
    spec = f"netspec: 1\ndescription: {text}\ninput: {{shape: [4]}}\nlayers:\n  - Dense: 3\n    block: {text}\n"
    return [
        "diagram",
        _write(directory, "controls.yaml", spec),
        "-o",
        "controls.svg",
        "--blocks",
        "--title",
        "T\x01\x1b",
    ]


def _branches(directory: Path, n: int = 1000) -> list[str]:
    layers = "".join(f"  - Dense: 2\n    name: b{i}\n    inputs: input\n" for i in range(n))
    merge = "  - Concatenate: {}\n    inputs: [" + ", ".join(f"b{i}" for i in range(n)) + "]\n"
    spec = "netspec: 1\nname: branches\ninput: {shape: [4]}\nlayers:\n" + layers + merge
    return ["diagram", _write(directory, "branches.yaml", spec), "-o", "branches.dot"]


COOKIE_SPEC = (
    "netspec: 1\ndescription: \"coding: unicode_escape\\\\nopen('pwned','w')#\"\n"
    "input: {shape: [4]}\nlayers:\n  - Dense: 2\n    block: \"coding: utf-7 +AAo-open('pwned','w')#\"\n"
)


def _eject_cookie(directory: Path) -> list[str]:
    return ["eject", _write(directory, "cookie.yaml", COOKIE_SPEC), "-o", "cookie.py"]


def _output_paths(directory: Path) -> list[str]:
    (directory / "folder.py").mkdir(exist_ok=True)
    return ["eject", _write(directory, "small.yaml", SMALL), "-o", "folder.py"]


def _refusal(path: str) -> str:
    """How this system refuses a new file at `path` (permission denied, or a read-only file system)."""
    try:
        with open(path, "x"):
            pass
    except OSError as exc:
        return exc.strerror
    os.unlink(path)
    raise AssertionError(f"{path} was writable")


def _build_is_a_file(directory: Path) -> list[str]:
    _write(directory, "build", "not a folder\n")
    return ["build", _write(directory, "small.yaml", SMALL)]


CASES += [
    Case(
        "interpolation_bomb",
        "a 2 KB file whose ${...} text doubles 40 times (a terabyte if filled in)",
        _interpolation,
        1,
        lambda d: [
            "doubling.yaml:2:14: '${v10}${v10}...' grows past 1,048,576 characters when its ${...} are filled in"
        ],
    ),
    Case(
        "interpolation_bomb_set",
        "the same doubling given through --set vars=...",
        _interpolation_set,
        1,
        lambda d: [
            f"set_doubling.yaml:{line}: '${{v10}}${{v10}}...' grows past 1,048,576 characters when its ${{...}} are filled in"
            for line in ("5:12", "6:11")
        ],
    ),
    Case(
        "shared_reference",
        "a 40 KB list var referenced by 5,000 repeated layers (100 million values if copied)",
        _shared_reference,
        1,
        lambda d: ["shared.yaml:6:5: the spec expands to more than 400,000 values; specs are limited to that"],
    ),
    Case(
        "defaults_copy",
        "a 150 KB argument in defaults: applied to 9,000 repeated layers (270 million values if copied)",
        _defaults_copy,
        1,
        lambda d: ["defaults_copy.yaml:6:5: the spec expands to more than 400,000 values; specs are limited to that"],
    ),
    Case(
        "special_files",
        "a FIFO and a symlink to /dev/zero given as SPEC (a hang and an endless read)",
        _special_files,
        2,
        lambda d: [
            "netspec: error: fifo.yaml: is a named pipe (FIFO), not a spec file",
            "netspec: error: zero.yaml: is a character device, not a spec file",
        ],
    ),
    Case(
        "import_deep_json",
        "a JSON config nested 100,000 deep",
        _deep_json,
        2,
        lambda d: ["netspec: error: deep.json: JSON nested deeper than 100 levels; a model config never is"],
    ),
    Case(
        "import_long_int",
        "a JSON config holding an integer of 5,000 digits",
        _long_int_json,
        2,
        lambda d: ["netspec: error: long_int.json: an integer of 5,000 digits; netspec reads integers of 64 bits"],
    ),
    Case(
        "import_big_json",
        "a 40 MiB JSON config",
        _big_json,
        2,
        lambda d: ["netspec: error: big.json: is larger than 32 MiB, the limit for a model config"],
    ),
    Case(
        "import_fifo",
        "a FIFO given as the model config",
        _fifo_json,
        2,
        lambda d: ["netspec: error: fifo.json: is a named pipe (FIFO), not a model config"],
    ),
    Case(
        "import_zip_bomb",
        "a 64 KiB .keras whose config.json unpacks to 64 MiB",
        _zip_bomb,
        2,
        lambda d: ["netspec: error: zip_bomb.keras: config.json is larger than 32 MiB"],
    ),
    Case(
        "import_weights_bomb",
        "a .keras whose config asks for 10^11 weights while the archive stores 1 KiB",
        _weights_bomb,
        2,
        lambda d: [
            "netspec: error: weights_bomb.keras: the config describes 160,100,018,816 parameters but the archive "
            "stores 1 KiB of weights; refusing to build it"
        ],
    ),
    Case(
        "diagram_controls",
        "control characters in a description, a block: label and --title, drawn as SVG by dot",
        _diagram_controls,
        0,
        lambda d: [],
    ),
    Case(
        "diagram_branches",
        "1,000 parallel branches drawn to .dot",
        _branches,
        0,
        lambda d: [],
    ),
    Case(
        "eject_cookie",
        "eject of a spec whose description and block label are PEP 263 encoding declarations",
        _eject_cookie,
        0,
        lambda d: [],
    ),
    Case(
        "output_folder",
        "eject -o naming a folder",
        _output_paths,
        2,
        lambda d: ["netspec: error: cannot write 'folder.py': it is a folder; name a file"],
    ),
    Case(
        "output_proc",
        "eject -o under /proc",
        lambda d: ["eject", _write(d, "small.yaml", SMALL), "-o", "/proc/netspec.py"],
        2,
        lambda d: ["netspec: error: cannot write '/proc/netspec.py': no new file can be created in '/proc'"],
    ),
    Case(
        "output_unwritable",
        "diagram -o in /sys, which even root cannot write",
        lambda d: ["diagram", _write(d, "small.yaml", SMALL), "-o", "/sys/netspec.dot"],
        2,
        lambda d: [f"netspec: error: cannot write '/sys/netspec.dot': {_refusal('/sys/netspec.dot')}"],
    ),
    Case(
        "build_is_a_file",
        "netspec build where ./build is a file",
        _build_is_a_file,
        2,
        lambda d: ["netspec: error: cannot build: 'build' is a file, not a folder; move it away or build elsewhere"],
    ),
]

# Measured by bench/bench_hostile.py only: about 1.6 s of CPU here, too near the 2 s test bound for a shared CI machine.
BENCH_CASES = [
    Case(
        "diagram_10k_branches",
        "9,999 parallel branches and their Concatenate (10,000 layers, the limit) drawn to .dot",
        lambda d: _branches(d, 9_999),
        0,
        lambda d: [],
    ),
]
