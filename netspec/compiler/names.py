"""The one rule for the names a spec gives: model, input, layer, block and var names.

A name becomes a folder (`build/<model name>/`) and appears in file contents, scripts and
diagrams, so it must be a safe file name on every common file system: ASCII letters, digits,
`_` and `-`, not starting with a digit; layer names and references may hold dots between
such parts (block instances are written `instance.layer`), never a dot at the end (Windows
drops it) or two in a row. A reference (in `inputs:` and `outputs:`) may end in `:port`, one of
a layer's further outputs (a recurrent layer's states: `enc:h`); a declared name has no colon. At most MAX_LENGTH characters. Refused whatever their case:
`CURRENT` (the build folder's own file) and the names Windows reserves for devices (CON, NUL,
COM1...). The whole string must match: a trailing line break is not allowed.

The JSON Schema carries the same rule as `pattern` and `maxLength` (generated here), and
`name_problem` explains a refusal in words.
"""

from __future__ import annotations

import re

from ..printable import printable

MAX_LENGTH = 128
RESERVED = (
    "CURRENT",
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
)
_PART = "[A-Za-z_][A-Za-z0-9_-]*"
_DOTTED_PART = "[A-Za-z0-9_-]+"


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


# JSON Schema's regexes are ECMA-262's, so no inline flags and no \Z: reserved names are spelled
# in both cases, and `$(?!\n)` keeps Python's `$` from matching before a final line break.
_NOT_RESERVED = "(?!(?:" + "|".join(_any_case(w) for w in RESERVED) + r")(?:\.|$))"
SIMPLE_BODY = f"{_NOT_RESERVED}{_PART}"
DOTTED_BODY = f"{_NOT_RESERVED}{_PART}(?:\\.{_DOTTED_PART})*"
PORT = "[A-Za-z_][A-Za-z0-9_]*"
REF_BODY = f"{DOTTED_BODY}(?::{PORT})?"
SIMPLE_PATTERN = f"^{SIMPLE_BODY}$(?!\\n)"
DOTTED_PATTERN = f"^{DOTTED_BODY}$(?!\\n)"
REF_PATTERN = f"^{REF_BODY}$(?!\\n)"
PATTERNS = (SIMPLE_PATTERN, DOTTED_PATTERN, REF_PATTERN)
SIMPLE = re.compile(SIMPLE_BODY)
DOTTED = re.compile(DOTTED_BODY)
REF = re.compile(REF_BODY)


_FORMS = {False: (SIMPLE, SIMPLE_PATTERN), True: (DOTTED, DOTTED_PATTERN), "ref": (REF, REF_PATTERN)}


def schema(dotted: bool | str = False, **extra) -> dict:
    """The JSON Schema of a name (a layer name when `dotted`, a reference with its port when "ref")."""
    return {"type": "string", "pattern": _FORMS[dotted][1], "maxLength": MAX_LENGTH, **extra}


def form_of(pattern: str) -> bool | str:
    """The `dotted` form whose schema carries `pattern`."""
    return next(form for form, (_, p) in _FORMS.items() if p == pattern)


def is_name(name, dotted: bool | str = False) -> bool:
    return isinstance(name, str) and len(name) <= MAX_LENGTH and _FORMS[dotted][0].fullmatch(name) is not None


def name_problem(name, dotted: bool | str = False) -> str | None:
    """Why `name` is not a valid name, in words; None when it is one."""
    if is_name(name, dotted):
        return None
    if dotted is True and isinstance(name, str) and is_name(name, "ref"):
        return (
            f"'{printable(name)}' holds a colon, which marks a layer's further output in a reference; a name has none"
        )
    if not isinstance(name, str):
        return f"a name must be a string; received {name!r}"
    if len(name) > MAX_LENGTH:
        return f"a name of {len(name):,} characters; names have at most {MAX_LENGTH}"
    shown = printable(name)
    if name.split(".")[0].upper() in RESERVED:
        why = "the build folder's own file" if name.split(".")[0].upper() == "CURRENT" else "a device name on Windows"
        return f"'{shown}' is reserved ({why}); choose another name"
    chars = "letters, digits, _ and -, parts joined by single dots" if dotted else "letters, digits, _ and -"
    if dotted == "ref":
        return f"'{shown}' is not a valid reference (a name of {chars}, not starting with a digit; then :port for a further output)"
    return f"'{shown}' is not a valid name ({chars}; not starting with a digit)"


def default_name(text: str) -> str:
    """A valid name made from `text` (a file name, a Keras model's name): other characters become _."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", text or "model")[:MAX_LENGTH] or "model"
    if not re.match("[A-Za-z_]", name):
        name = f"m_{name}"[:MAX_LENGTH]
    return name if is_name(name) else f"{name[: MAX_LENGTH - 1]}_"
