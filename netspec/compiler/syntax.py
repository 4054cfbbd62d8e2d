"""YAML syntax errors in netspec's words: the likely slip, and the line where it was made.

libyaml reports where it gave up, which is often the line after the slip ("mapping values are not
allowed in this context" for a missing space after a colon one line up). `explain` looks at the
text around that place for the usual slips (a tab, an unclosed quote or bracket, a missing colon or
space after one, indentation that matches no line above) and returns (line, column, message) with
1-based positions; when none fits, libyaml's own words at libyaml's place.
"""

from __future__ import annotations

import re

LOOK_BACK = 2000  # lines above the error that the hints read: bounded time on a hostile file
_CLOSE = {"{": "}", "[": "]"}
_QUOTED = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'""")
_NO_SPACE = re.compile(r"(?:^|[\s{,\[])([A-Za-z_][\w.-]*):(?=[^\s:/])")
_NO_COLON = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w.-]*)(?: +[^\s:#][^:]*)?$")


def explain(text: str, problem: str, problem_at: tuple, context: str | None, context_at: tuple | None):
    """(line, col, message) for a libyaml error; positions are 0-based (line, column) pairs."""
    lines = text.splitlines() or [""]
    line = min(problem_at[0], len(lines) - 1)
    for hint in (_tab, _quote, _bracket, _simple_key, _missing_space, _missing_colon, _indentation):
        found = hint(lines, line, problem, problem_at, context or "", context_at)
        if found:
            at_line, at_col, message = found
            return at_line + 1, at_col + 1, f"YAML syntax error: {message}"
    return problem_at[0] + 1, problem_at[1] + 1, f"YAML syntax error: {problem or context}"


def _tab(lines, line, problem, problem_at, context, context_at):
    first = max(0, line - LOOK_BACK)
    for i, text in enumerate(lines[first : line + 1], start=first):
        lead = text[: len(text) - len(text.lstrip(" \t"))]
        if "\t" in lead:
            return (
                i,
                lead.index("\t"),
                "a tab in the indentation; YAML indents with spaces only: replace it with spaces",
            )
    return None


def _quote(lines, line, problem, problem_at, context, context_at):
    if "quoted scalar" not in context or context_at is None:
        return None
    quote = _char(lines, context_at)
    return (*context_at, f"the quote {quote} opened here is never closed: add the closing {quote}")


def _bracket(lines, line, problem, problem_at, context, context_at):
    if not problem.startswith("did not find expected ','") or context_at is None:
        return None
    opened = _char(lines, context_at)
    if opened not in _CLOSE:
        return None
    closed = _char(lines, problem_at)
    if closed in _CLOSE.values():
        at = f"line {problem_at[0] + 1}, column {problem_at[1] + 1}"
        return (*context_at, f"the '{opened}' opened here is closed by the '{closed}' at {at}: use '{_CLOSE[opened]}'")
    return (*context_at, f"the '{opened}' opened here is never closed: add '{_CLOSE[opened]}' after its last item")


def _simple_key(lines, line, problem, problem_at, context, context_at):
    if problem != "could not find expected ':'" or context_at is None:
        return None
    key = re.match(r"[\w.-]+", lines[context_at[0]][context_at[1] :])
    if not key:
        return None
    return (
        context_at[0],
        context_at[1] + key.end(),
        f"a ':' is missing after '{key.group()}' (a key is written '{key.group()}:')",
    )


def _missing_space(lines, line, problem, problem_at, context, context_at):
    for i in range(line, max(line - 3, -1), -1):
        match = _NO_SPACE.search(_code(lines[i]))
        if match:
            key = match.group(1)
            return i, match.end(1), f"no space after the ':' of '{key}': YAML needs '{key}: value', with a space"
    return None


def _missing_colon(lines, line, problem, problem_at, context, context_at):
    if "mapping values are not allowed" not in problem:
        return None
    before = _previous(lines, problem_at[0])
    if before is None:
        return None
    match = _NO_COLON.match(_code(lines[before]))
    if not match or not match.group(0).strip() or match.group(0).rstrip().endswith(":"):
        return None
    key = match.group(2)
    return before, match.end(2), f"a ':' is missing after '{key}' (a key is written '{key}: value')"


def _indentation(lines, line, problem, problem_at, context, context_at):
    if not any(p in problem for p in ("expected '-' indicator", "expected key", "mapping values are not allowed")):
        return None
    indent = _indent(lines[line])
    candidates = _columns_above(lines, line)
    if not candidates or indent in {col for col, _ in candidates}:
        return None
    column, where = min(candidates, key=lambda c: (abs(c[0] - indent), -c[1]))
    return (
        line,
        indent,
        f"this line is indented {_spaces(indent)}, which lines up with no line above it; line {where + 1} is "
        f"indented {_spaces(column)}: items of one mapping or list must start in the same column",
    )


def _columns_above(lines, line) -> list[tuple[int, int]]:
    """(column, line) where a line after `line - 1` may start: the previous line's and its parents'."""
    out, limit = [], None
    for i in range(line - 1, max(-1, line - 1 - LOOK_BACK), -1):
        stripped = lines[i].lstrip(" ")
        indent = len(lines[i]) - len(stripped)
        if not stripped or stripped.startswith("#") or (limit is not None and indent >= limit):
            continue
        text = _code(lines[i])
        out.append((indent, i))
        item = re.match(r"(\s*- +)\S", text)
        if item:
            out.append((item.end(1), i))
        limit = indent
        if indent == 0:
            break
    return out


def _previous(lines, line) -> int | None:
    for i in range(line - 1, max(-1, line - 1 - LOOK_BACK), -1):
        if _code(lines[i]).strip():
            return i
    return None


def _code(text: str) -> str:
    """The line with quoted text blanked out and any comment removed (columns kept; the first 1,000)."""
    text = _QUOTED.sub(lambda m: m.group()[0] + "x" * (len(m.group()) - 2) + m.group()[-1], text[:1000])
    comment = re.search(r"(?:^|\s)#", text)
    return text[: comment.start()] if comment else text


def _spaces(n: int) -> str:
    return f"{n} space{'s' if n != 1 else ''}"


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _char(lines, at) -> str:
    row, col = at
    return lines[row][col] if row < len(lines) and col < len(lines[row]) else ""
