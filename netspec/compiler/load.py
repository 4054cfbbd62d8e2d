"""Load stage: YAML text -> plain data, with the position of every key and value kept.

Only plain data is ever built: mappings with string keys, lists, strings, numbers,
booleans and null. The scalars follow YAML 1.2's core schema, so `1e-4` is a
number and `yes` is a string. Duplicate keys, non-standard tags, recursive or
exploding aliases and absurd nesting are reported as problems, never obeyed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml import events as ev

from ..problems import Problem, SpecError
from ..safe_read import FileTooLarge, read_regular, size_text
from . import syntax
from .numbers import check_number

MAX_BYTES = 10 * 2**20
MAX_VALUES = 200_000
MAX_DEPTH = 64

TAG = "tag:yaml.org,2002:"
SCALAR_TAGS = {TAG + t for t in ("str", "int", "float", "bool", "null")}
COLLECTION_TAGS = {TAG + "map", TAG + "seq"}


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema resolution of plain scalars."""

    yaml_implicit_resolvers: dict = {}


for _tag, _regex, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    _Resolver.add_implicit_resolver(TAG + _tag, re.compile(_regex), list(_first))


_RESOLVER = _Resolver()


def plain_tag(text: str) -> str:
    """The tag netspec gives `text` written as a plain (unquoted) YAML scalar: str, int, float, bool or null."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))


class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _Resolver):
    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _Resolver.__init__(self)


Path_ = tuple


@dataclass
class Document:
    """A loaded YAML file: its data and where each value and key came from."""

    path: str
    data: Any
    positions: dict = field(default_factory=dict)
    key_positions: dict = field(default_factory=dict)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Line and column of the value (or key) at `path`, else of its nearest ancestor."""
        path = tuple(path)
        if key and path in self.key_positions:
            return self.key_positions[path]
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def value_at(self, path: Path_):
        """The value at `path` in the file as written, or None."""
        node = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def problem(self, path: Path_, message: str, key: bool = False) -> Problem:
        line, col = self.where(path, key)
        return Problem(self.path, line, col, message)


def read_file(path: str | Path) -> Document:
    """Read and load a spec file; a missing, unreadable or non-regular file is a usage error."""
    try:
        raw = read_regular(path, MAX_BYTES, "spec file")
    except FileTooLarge:
        limit = size_text(MAX_BYTES)
        raise SpecError([Problem(str(path), 1, 1, f"file is larger than {limit}, the limit for a spec")]) from None
    return load_bytes(raw, str(path))


def load_bytes(raw: bytes, path: str = "<string>") -> Document:
    """Decode UTF-8 bytes and load them."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise SpecError(
            [Problem(path, line, col, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the spec as UTF-8 text")]
        ) from None
    return load_text(text, path)


def load_text(text: str, path: str = "<string>") -> Document:
    """Load YAML text into a Document; raise SpecError with every problem found."""
    builder = _Builder(path)
    try:
        builder.run(_events(_parser(text)))
    except yaml.MarkedYAMLError as exc:
        builder.problems.append(_syntax_problem(text, path, exc))
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        builder.problems.append(
            Problem(path, line, col, f"character #x{exc.character:04x} is not allowed in YAML text")
        )
    except _Stop:
        pass
    if builder.problems:
        raise SpecError(builder.problems)
    return Document(path, builder.root, builder.positions, builder.key_positions)


def _syntax_problem(text: str, path: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    if "maximum nesting depth" in str(exc.problem):  # libyaml >= 0.2.6 stops at 1,000 levels before we see 64
        return Problem(
            path, mark.line + 1, mark.column + 1, f"nesting deeper than {MAX_DEPTH} levels; a spec never needs this"
        )
    context = exc.context_mark
    line, col, message = syntax.explain(
        text,
        exc.problem or "",
        (mark.line, mark.column),
        exc.context,
        (context.line, context.column) if context is not None else None,
    )
    return Problem(path, line, col, message)


def _parser(text: str):
    """libyaml's parser where PyYAML was built with it (10x faster), else PyYAML's own."""
    if getattr(yaml, "__with_libyaml__", False):
        return yaml.CBaseLoader(text)
    return _Parser(text)


def _events(parser):
    while parser.check_event():
        yield parser.get_event()


class _Stop(Exception):
    pass


_NO_KEY = object()


@dataclass
class _Frame:
    container: Any
    path: tuple
    anchor: str | None
    start_total: int
    key: Any = _NO_KEY


class _Builder:
    """Builds plain data from parser events (iteratively, so depth is bounded by us)."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []
        self.positions: dict = {}
        self.key_positions: dict = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.total = 0
        self.root: Any = None
        self.documents = 0

    def fail(self, mark, message: str):
        self.problems.append(Problem(self.path, mark.line + 1, mark.column + 1, message))
        raise _Stop

    def note(self, mark, message: str):
        self.problems.append(Problem(self.path, mark.line + 1, mark.column + 1, message))

    def run(self, events):
        for event in events:
            if isinstance(event, ev.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.fail(event.start_mark, "a spec holds one YAML document; found a second '---'")
            elif isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
                frame = self.stack.pop()
                if frame.anchor:
                    self.anchors[frame.anchor] = (frame.container, self.total - frame.start_total + 1)
                self.attach(frame.container)
            elif isinstance(event, ev.NodeEvent):
                self.node(event)

    def node(self, event):
        parent = self.stack[-1] if self.stack else None
        if parent is not None and isinstance(parent.container, dict) and parent.key is _NO_KEY:
            self.key(parent, event)
            return
        if parent is None:
            path = ()
        elif isinstance(parent.container, dict):
            path = parent.path + (parent.key,)
        else:
            path = parent.path + (len(parent.container),)
        mark = event.start_mark
        self.positions.setdefault(path, (mark.line + 1, mark.column + 1))
        if isinstance(event, ev.AliasEvent):
            if event.anchor not in self.anchors:
                self.fail(mark, f"alias '*{event.anchor}' refers to no finished anchor (recursive or undefined)")
            value, size = self.anchors[event.anchor]
            self.count(size, mark)
            self.attach(value)
            return
        self.count(1, mark)
        if isinstance(event, ev.ScalarEvent):
            value = self.scalar(event)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
            self.attach(value)
            return
        tag = event.tag
        if tag not in (None, "!") and tag not in COLLECTION_TAGS:
            self.fail(mark, f"tag '{_short(tag)}' is not allowed: specs are plain data")
        if len(self.stack) >= MAX_DEPTH:
            self.fail(mark, f"nesting deeper than {MAX_DEPTH} levels; a spec never needs this")
        container = {} if isinstance(event, ev.MappingStartEvent) else []
        self.stack.append(_Frame(container, path, event.anchor, self.total))

    def count(self, n: int, mark):
        self.total += n
        if self.total > MAX_VALUES:
            self.fail(mark, f"the document expands to more than {MAX_VALUES:,} values (an alias bomb?)")

    def key(self, parent: _Frame, event):
        mark = event.start_mark
        if not isinstance(event, ev.ScalarEvent):
            self.fail(mark, "mapping keys must be plain strings, not collections or aliases")
        key = self.scalar(event)
        if not isinstance(key, str):
            self.note(mark, f"key {key!r} is a {type(key).__name__}; keys must be strings (quote it)")
            key = str(key)
        path = parent.path + (key,)
        if key in parent.container:
            first = self.key_positions[path]
            self.note(mark, f"duplicate key '{key}' (first at line {first[0]}, column {first[1]})")
        else:
            self.key_positions[path] = (mark.line + 1, mark.column + 1)
        parent.key = key

    def scalar(self, event):
        tag = event.tag
        text = event.value
        if tag is None and event.implicit[0] and len(text) < 19 and text.isascii() and text.isdigit():
            return int(text)  # the common case, a plain size, without the resolver (a third of the time)
        if tag in (None, "!"):
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit) if tag is None else TAG + "str"
        if tag not in SCALAR_TAGS:
            self.fail(event.start_mark, f"tag '{_short(tag)}' is not allowed: specs are plain data")
        try:
            return _CONVERT[tag[len(TAG) :]](text)
        except ValueError as exc:
            self.fail(event.start_mark, f"cannot read {text[:40]!r} as {tag[len(TAG) :]}: {exc}")

    def attach(self, value):
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        if isinstance(parent.container, dict):
            parent.container[parent.key] = value
            parent.key = _NO_KEY
        else:
            parent.container.append(value)


def _short(tag: str) -> str:
    return "!!" + tag[len(TAG) :] if tag.startswith(TAG) else tag


def _int(text: str) -> int:
    t = text.replace("_", "")
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("+-")
    if len(t) <= 24:  # never convert thousands of digits (Python refuses above 4,300, slowly)
        value = sign * int(t, 0 if t.startswith(("0x", "0o")) else 10)
        if check_number(value) is None:
            return value
    raise ValueError(check_number(2**63))


def _float(text: str) -> float:
    t = text.replace("_", "").lower()
    if t.endswith(".inf"):
        return -math.inf if t.startswith("-") else math.inf
    if t == ".nan":
        return math.nan
    value = float(t)
    if check_number(value):  # 1e999: an overflow, not an explicit .inf
        raise ValueError(check_number(value))
    return value


def _bool(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise ValueError("expected true or false")
    return text.lower() == "true"


def _null(text: str) -> None:
    if text not in ("", "~", "null", "Null", "NULL"):
        raise ValueError("expected null")
    return None


_CONVERT = {"str": str, "int": _int, "float": _float, "bool": _bool, "null": _null}
