"""`${...}` substitution: vars, block parameters and block inputs, with a small, bounded expression language.

`${expr}` alone in a string is replaced by the value itself (any type); inside
longer text it is formatted into the string. An expression may use numbers,
strings, true/false, names, `+ - * / // %`, comparisons, `and or not`,
`a if c else b`, `x[i]`, a block input's `.shape` and `.channels`, and the
functions in FUNCTIONS -- nothing else is evaluated. Every number obeys one
rule (numbers.py: integers within 64 bits, floats finite), and interpolated text is at most
MAX_TEXT characters.
"""

from __future__ import annotations

import ast
import math
import operator
import re

from ..problems import did_you_mean
from .numbers import check_number

VAR = re.compile(r"\$\{([^{}]*)\}")
MAX_CHAIN = 50
MAX_TEXT = 1 << 20
BLOCK_INPUT = "in"
_IN_NAME = "__block_in__"  # `in` is a Python keyword: `${in.channels}` is parsed under this name
_IN_ATTR = re.compile(r"(?<![\w.])in(?=\s*\.)")

_ARITH = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


class SubstitutionError(Exception):
    """A `${...}` that cannot be resolved; the message says why."""


def make_divisible(value, divisor, min_value=None) -> int:
    """Keras Applications' `_make_divisible`: round to a multiple of divisor, never more than 10% down."""
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return int(rounded)


def _int(value):
    return int(value)


FUNCTIONS = {
    "int": (_int, 1, 1),
    "round": (lambda x, digits=None: round(x) if digits is None else round(x, int(digits)), 1, 2),
    "floor": (math.floor, 1, 1),
    "ceil": (math.ceil, 1, 1),
    "abs": (abs, 1, 1),
    "min": (min, 2, 16),
    "max": (max, 2, 16),
    "make_divisible": (make_divisible, 2, 3),
}
_KEYWORDS = {"make_divisible": ("min_value",)}


class Tensor:
    """A block input as `${...}` sees it: read-only `.shape` (no batch axis) and `.channels`."""

    def __init__(self, name: str, shape_of):
        self.name = name
        self._shape_of = shape_of

    def attribute(self, attr: str, expr: str):
        if attr not in ("shape", "channels"):
            raise SubstitutionError(f"'${{{expr}}}': a block input has .shape and .channels; not .{attr}")
        shape = self._shape_of(self.name)
        if isinstance(shape, str):
            raise SubstitutionError(f"'${{{expr}}}': the shape of '{self.name}' is not known before build ({shape})")
        return list(shape) if attr == "shape" else shape[-1]


class Scope:
    """Names visible to `${...}`: resolved lazily, so vars may use vars, and cycles are caught."""

    def __init__(self, raw: dict, parent: Scope | None = None):
        self.raw = raw
        self.parent = parent
        self.done: dict = {}
        self.active: list[str] = []

    def names(self) -> list[str]:
        return list(self.raw) + (self.parent.names() if self.parent else [])

    def get(self, name: str):
        if name == _IN_NAME:
            name = BLOCK_INPUT
        if name in self.done:
            return self.done[name]
        if name in self.raw:
            if len(self.active) >= MAX_CHAIN:
                raise SubstitutionError(
                    f"vars refer to vars more than {MAX_CHAIN} deep: {' → '.join(self.active[:3])} → ..."
                )
            if name in self.active:
                cycle = " → ".join(self.active[self.active.index(name) :] + [name])
                raise SubstitutionError(f"vars refer to each other in a circle: {cycle}")
            self.active.append(name)
            try:
                value = substitute(self.raw[name], self)
            finally:
                self.active.pop()
            self.done[name] = value
            return value
        if self.parent is not None:
            return self.parent.get(name)
        raise SubstitutionError(f"'${{{name}}}' names no var or parameter.{did_you_mean(name, self.names())}")


def substitute(value, scope: Scope, on_error=None, path: tuple = ()):
    """`value` with every `${...}` resolved; errors go to on_error(path, msg) or raise.

    Parts without `${` are returned as they are (shared, not copied): later stages never mutate them.
    """
    if isinstance(value, dict):
        out = {k: substitute(v, scope, on_error, path + (k,)) for k, v in value.items()}
        return value if all(out[k] is value[k] for k in value) else out
    if isinstance(value, list):
        items = [substitute(v, scope, on_error, path + (i,)) for i, v in enumerate(value)]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if not isinstance(value, str) or "${" not in value:
        return value
    try:
        whole = VAR.fullmatch(value.strip())
        if whole:
            result = evaluate(whole.group(1), scope)
            if isinstance(result, Tensor):
                raise SubstitutionError(f"'{value.strip()}' is a block input; use .shape or .channels of it")
            return result
        return _interpolate(value, scope)
    except SubstitutionError as exc:
        if on_error is None:
            raise
        on_error(path, str(exc))
        return value


def _interpolate(text: str, scope: Scope) -> str:
    parts, size, last = [], 0, 0
    for match in VAR.finditer(text):
        piece = _text(evaluate(match.group(1), scope))
        parts += [text[last : match.start()], piece]
        size += match.start() - last + len(piece)
        last = match.end()
        if size > MAX_TEXT:
            raise SubstitutionError(
                f"'{text[:30]}...' grows past {MAX_TEXT:,} characters when its ${{...}} are filled in"
            )
    return "".join(parts) + text[last:]


def _text(value) -> str:
    if isinstance(value, Tensor):
        raise SubstitutionError(f"block input '{value.name}' is not text; use .shape or .channels of it")
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def evaluate(expr: str, scope: Scope):
    """Evaluate a `${...}` expression over the scope."""
    try:
        tree = ast.parse(_IN_ATTR.sub(_IN_NAME, expr.strip()), mode="eval")
    except SyntaxError as exc:
        if "integer string conversion" in str(exc):  # a decimal literal of over 4,300 digits
            raise SubstitutionError(f"'${{{_short(expr)}}}': {check_number(2**63)}") from None
        raise SubstitutionError(f"'${{{expr}}}' is not a name or an expression (see docs/spec.md)") from None
    except (RecursionError, MemoryError, ValueError):
        raise SubstitutionError(f"'${{{expr[:30]}...}}' nests too deeply; split it into vars") from None
    try:
        return _eval(tree.body, scope, expr)
    except RecursionError:  # a hostile expression such as 1+1+...+1, thousands of terms long
        raise SubstitutionError(f"'${{{expr[:30]}...}}' nests too deeply; split it into vars") from None


def _checked(value, expr: str):
    """`value`, once it obeys the one number rule (numbers.py)."""
    reason = check_number(value)
    if reason:
        raise SubstitutionError(f"'${{{_short(expr)}}}': {reason}")
    return value


def _short(expr: str) -> str:
    return expr if len(expr) <= 40 else expr[:30] + "..."


def _eval(node, scope: Scope, expr: str):
    kind = type(node)
    if kind is ast.Name:
        if node.id in ("true", "false"):
            return node.id == "true"
        return scope.get(node.id)
    if kind is ast.Constant and type(node.value) in (int, float, bool, str, type(None)):
        return _checked(node.value, expr)
    if kind is ast.UnaryOp and isinstance(node.op, ast.Not):
        return not _truth(_eval(node.operand, scope, expr), expr)
    if kind is ast.UnaryOp and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _number(_eval(node.operand, scope, expr), expr)
        return -v if isinstance(node.op, ast.USub) else v
    if kind is ast.BinOp and type(node.op) in _ARITH:
        return _arith(node, scope, expr)
    if kind is ast.BoolOp:
        return _bool_op(node, scope, expr)
    if kind is ast.Compare and all(type(op) in _COMPARE for op in node.ops):
        return _compare(node, scope, expr)
    if kind is ast.IfExp:
        branch = node.body if _truth(_eval(node.test, scope, expr), expr) else node.orelse
        return _eval(branch, scope, expr)
    if kind is ast.Call:
        return _call(node, scope, expr)
    if kind is ast.Attribute:
        target = _eval(node.value, scope, expr)
        if not isinstance(target, Tensor):
            raise SubstitutionError(f"'${{{expr}}}': only a block input has attributes (.shape, .channels)")
        return target.attribute(node.attr, expr.strip())
    if kind is ast.Subscript:
        return _index(node, scope, expr)
    raise SubstitutionError(
        f"'${{{expr}}}' may use only names, numbers, + - * / // %, comparisons, and/or/not, "
        f"'a if c else b', x[i] and the functions {', '.join(FUNCTIONS)}"
    )


def _arith(node, scope, expr):
    left = _eval(node.left, scope, expr)
    right = _eval(node.right, scope, expr)
    if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
        if len(left) + len(right) > MAX_TEXT:
            raise SubstitutionError(f"'${{{expr[:30]}...}}' builds text longer than {MAX_TEXT:,} characters")
        return left + right
    left, right = _number(left, expr), _number(right, expr)
    try:
        result = _ARITH[type(node.op)](left, right)
    except ZeroDivisionError:
        raise SubstitutionError(f"'${{{expr}}}' divides by zero") from None
    except OverflowError:
        raise SubstitutionError(f"'${{{_short(expr)}}}': {check_number(float('inf'))}") from None
    if isinstance(node.op, ast.FloorDiv) and isinstance(result, float) and math.isfinite(result):
        result = int(result)  # a floor division is a whole number, whatever its operands
    return _checked(result, expr)


def _bool_op(node, scope, expr):
    is_and = isinstance(node.op, ast.And)
    value = None
    for operand in node.values:
        value = _eval(operand, scope, expr)
        if _truth(value, expr) != is_and:
            return value
    return value


def _compare(node, scope, expr):
    left = _eval(node.left, scope, expr)
    for op, right_node in zip(node.ops, node.comparators, strict=True):
        right = _eval(right_node, scope, expr)
        ordered = not isinstance(op, (ast.Eq, ast.NotEq))
        if ordered and not (_is_number(left) and _is_number(right)):
            raise SubstitutionError(f"'${{{expr}}}' compares {left!r} and {right!r}; < > <= >= need numbers")
        if not _COMPARE[type(op)](left, right):
            return False
        left = right
    return True


def _call(node, scope, expr):
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in FUNCTIONS:
        shown = name or f"({ast.unparse(node.func)})"
        hint = did_you_mean(shown, FUNCTIONS)
        raise SubstitutionError(
            f"'${{{expr}}}' calls {shown}(), which is not one of {', '.join(FUNCTIONS)}.{hint}".rstrip(".")
        )
    func, least, most = FUNCTIONS[name]
    allowed = _KEYWORDS.get(name, ())
    bad = [k.arg for k in node.keywords if k.arg not in allowed]
    if bad or any(isinstance(a, ast.Starred) for a in node.args):
        raise SubstitutionError(f"'${{{expr}}}': {name}() takes no argument {bad[0] if bad else '*'!r}")
    args = [_number(_eval(a, scope, expr), expr) for a in node.args]
    kwargs = {k.arg: _optional_number(_eval(k.value, scope, expr), expr) for k in node.keywords}
    if not least <= len(args) + len(kwargs) <= most:
        count = f"{least}" if least == most else f"{least} to {most}"
        raise SubstitutionError(f"'${{{expr}}}': {name}() takes {count} arguments; received {len(args) + len(kwargs)}")
    try:
        return _checked(func(*args, **kwargs), expr)
    except ZeroDivisionError:
        raise SubstitutionError(f"'${{{expr}}}' divides by zero") from None
    except (OverflowError, ValueError) as exc:
        raise SubstitutionError(f"'${{{expr}}}': {name}() fails: {exc}") from None


def _index(node, scope, expr):
    target = _eval(node.value, scope, expr)
    index = _eval(node.slice, scope, expr)
    if not isinstance(target, (list, str)):
        raise SubstitutionError(f"'${{{expr}}}' indexes {target!r}, which is not a list or text")
    if not (isinstance(index, int) and not isinstance(index, bool)) or not -len(target) <= index < len(target):
        raise SubstitutionError(f"'${{{expr}}}': index {index!r} is outside the {len(target)} items of {target!r}")
    return target[index]


def _truth(value, expr: str) -> bool:
    if isinstance(value, (bool, int, float, str)):
        return bool(value)
    raise SubstitutionError(f"'${{{expr}}}' tests {value!r}, which is not true or false")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value, expr: str):
    if not _is_number(value):
        raise SubstitutionError(f"'${{{expr}}}' does arithmetic on {value!r}, which is not a number")
    return value


def _optional_number(value, expr: str):
    return None if value is None else _number(value, expr)
