"""User text made safe to print inside generated files (scripts, DOT, Mermaid): one line, nothing invisible.

A spec's description or `block:` label, or a --title, may hold line breaks, control
characters, bidirectional overrides or lone surrogates. Written as they are, they end a
comment early in an ejected script, make Graphviz reject netspec's own DOT, or hide text
from a reader. `printable` keeps every printable character and writes the others as their
Python escapes (`\\n`, `\\x1b`, `\\u202e`).
"""

from __future__ import annotations


def printable(text, ascii_only: bool = False, breaks_as_spaces: bool = False) -> str:
    """`text` with each non-printable character (and, with `ascii_only`, each non-ASCII one) escaped.

    With `breaks_as_spaces`, whitespace such as line breaks and tabs becomes a plain space instead.
    """
    text = str(text)
    if text.isprintable() and (text.isascii() or not ascii_only):
        return text
    out = []
    for c in text:
        if c.isprintable() and (c.isascii() or not ascii_only):
            out.append(c)
        elif breaks_as_spaces and c.isspace():
            out.append(" ")
        else:
            out.append(ascii(c)[1:-1])
    return "".join(out)
