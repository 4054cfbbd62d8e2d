"""`${...}` substitution: vars and block parameters, with a tiny safe arithmetic.

`${name}` alone in a string is replaced by the value itself (any type);
inside longer text it is formatted into the string. Expressions may use
numbers, names, + - * / // % and parentheses -- nothing else is evaluated.
"""

from __future__ import annotations

import ast
import operator
import re

from ..problems import did_you_mean
from .numbers import check_number

VAR = re.compile(r"\$\{([^{}]*)\}")
_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_LIMIT = 10**15
MAX_CHAIN = 50


class SubstitutionError(Exception):
    """A `${...}` that cannot be resolved; the message says why."""


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
    """A copy of `value` with every `${...}` resolved; errors go to on_error(path, msg) or raise."""
    if isinstance(value, dict):
        return {k: substitute(v, scope, on_error, path + (k,)) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, scope, on_error, path + (i,)) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value
    try:
        whole = VAR.fullmatch(value.strip())
        if whole:
            return evaluate(whole.group(1), scope)
        return VAR.sub(lambda m: _text(evaluate(m.group(1), scope)), value)
    except SubstitutionError as exc:
        if on_error is None:
            raise
        on_error(path, str(exc))
        return value


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def evaluate(expr: str, scope: Scope):
    """Evaluate a `${...}` expression over the scope."""
    try:
        return _eval(ast.parse(expr.strip(), mode="eval").body, scope, expr)
    except SyntaxError as exc:
        if "integer string conversion" in str(exc):  # a decimal literal of over 4,300 digits
            raise SubstitutionError(f"'${{{_short(expr)}}}': {check_number(2**63)}") from None
        raise SubstitutionError(f"'${{{_short(expr)}}}' is not a name or an arithmetic expression") from None
    except RecursionError:  # a hostile expression such as 1+1+...+1, thousands of terms long
        raise SubstitutionError(f"'${{{expr[:30]}...}}' nests too deeply; split it into vars") from None


def _eval(node, scope: Scope, expr: str):
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        if check_number(node.value):
            raise SubstitutionError(f"'${{{_short(expr)}}}': {check_number(node.value)}")
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _number(_eval(node.operand, scope, expr), expr)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left = _number(_eval(node.left, scope, expr), expr)
        right = _number(_eval(node.right, scope, expr), expr)
        try:
            result = _OPS[type(node.op)](left, right)
        except ZeroDivisionError:
            raise SubstitutionError(f"'${{{expr}}}' divides by zero") from None
        if abs(result) > _LIMIT:
            raise SubstitutionError(f"'${{{expr}}}' is {result:.3g}, beyond any sensible size")
        return result
    raise SubstitutionError(f"'${{{expr}}}' may use only names, numbers, + - * / // % and parentheses")


def _short(expr: str) -> str:
    return expr if len(expr) <= 40 else expr[:30] + "..."


def _number(value, expr: str):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SubstitutionError(f"'${{{expr}}}' does arithmetic on {value!r}, which is not a number")
    return value
