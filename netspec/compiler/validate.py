"""Validate stage: run the generated JSON Schema and turn its errors into sentences.

Tier 1 checks the file's structure before expansion; `check_layer_args` checks
each expanded layer's arguments against its registry schema. The named semantic
checks (names, cycles, shapes) live in checks.py and analyse.py.
"""

from __future__ import annotations

import functools
import json
import math

import jsonschema

from ..layers.args import ACTIVATIONS
from ..layers.base import LayerType
from ..printable import printable
from ..problems import Problem, did_you_mean
from .load import Document
from .names import PATTERNS, form_of, is_name, name_problem
from .schema import EXPR_PATTERN, META_KEYS, layer_envelope, spec_schema

_TYPE_WORDS = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


def _is_integer(checker, value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(checker, value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# JSON Schema counts 3.0 as an integer and NaN as a number; a layer size must be neither.
_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"integer": _is_integer, "number": _is_number}
    ),
)


@functools.cache
def _structure_validator():
    return _Validator(spec_schema(check_args=False))


_ARGS_VALIDATORS: dict = {}


def _args_validator(layer: LayerType):
    if layer.name not in _ARGS_VALIDATORS:
        _ARGS_VALIDATORS[layer.name] = _Validator(layer.args_schema())
    return _ARGS_VALIDATORS[layer.name]


@functools.cache
def _layer_validator(computed: bool = False):
    return _Validator(layer_envelope(check_args=False, computed=computed))


def _key(value) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def _item_key(item) -> str:
    """An item's cache key, with its valid names and input names all written alike.

    A name's validity is its pattern alone, so two items that differ only in valid names are valid
    or invalid together; without this, every item of a large spec (each named) would be checked.
    """
    if not isinstance(item, dict):
        return _key(item)
    shaped = dict(item)
    if is_name(shaped.get("name"), dotted=True):
        shaped["name"] = "n"
    refs = shaped.get("inputs")
    if is_name(refs, dotted="ref"):
        shaped["inputs"] = "n"
    elif isinstance(refs, list) and all(is_name(ref, dotted="ref") for ref in refs):
        shaped["inputs"] = ["n"] * min(len(refs), 2)  # the schema asks only for one name at least
    return _key(shaped)


def check_structure(doc: Document) -> list[Problem]:
    """Tier 1: the file's structure against the generated schema.

    Layer items are checked one by one, and an item equal to one already found valid is not
    checked again: large specs repeat the same few layers thousands of times.
    """
    data = doc.data
    if data is None:
        return [Problem(doc.path, 1, 1, "the spec is empty; it needs at least `netspec: 1` and `layers:`")]
    if not isinstance(data, dict):
        message = f"a spec is a mapping of keys such as netspec, input and layers; received {_kind(data)}"
        return [doc.problem((), message)]
    layers = data.get("layers")
    per_item = isinstance(layers, list) and layers
    top = {**data, "layers": ["Flatten"]} if per_item else data
    problems = _errors(_structure_validator(), top, (), doc)
    if per_item:
        valid: set = set()
        for i, item in enumerate(layers):
            key = _item_key(item)
            if key not in valid:
                found = _errors(_layer_validator(), item, ("layers", i), doc)
                problems += found
                if not found:
                    valid.add(key)
    return problems


def _errors(validator, instance, prefix: tuple, doc: Document) -> list[Problem]:
    out = []
    for error in validator.iter_errors(instance):
        out.extend(
            _explain(
                error,
                tuple(error.absolute_path),
                lambda p, key=False: doc.problem(prefix + tuple(p), "", key),
                lambda p: _subject(prefix + tuple(p)),
            )
        )
    return out


_VALID_ITEMS: set = set()


def check_item(item, path: tuple, doc: Document) -> list[Problem]:
    """A layer item once expansion has substituted it: its meta keys hold what they must."""
    if isinstance(item, str):
        return []
    meta = {k: v for k, v in item.items() if k in META_KEYS}
    key = _item_key(meta)
    if not meta or key in _VALID_ITEMS:
        return []
    found = _errors(_layer_validator(True), meta, path, doc)
    if not found:
        _VALID_ITEMS.add(key)
    return found


_VALID_ARGS: set = set()


def check_layer_args(layer: LayerType, args: dict, locate) -> list[Problem]:
    """Tier 2: one expanded layer's arguments; `locate(arg_path, key=False)` gives a Problem stub."""
    key = layer.name + _key(args)
    if key in _VALID_ARGS:
        return []
    problems = []
    for error in _args_validator(layer).iter_errors(args):
        path = tuple(error.absolute_path)
        problems.extend(
            _explain(error, path, locate, lambda p: f"{layer.name} argument '{p[0]}'" if p else layer.name, layer)
        )
    if not problems:
        _VALID_ARGS.add(key)
    return problems


def did_you_mean_any(name: str, candidates) -> bool:
    """True when one of `candidates` looks like a misspelling of `name`."""
    return any(did_you_mean(c, [name]) for c in candidates)


def _subject(path: tuple) -> str:
    if not path:
        return "the spec"
    return "'" + ".".join(str(p) for p in path) + "'"


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float)):
        return f"{value!r} (a number)"
    if isinstance(value, str):
        return f"'{value}' (a string)" if len(value) < 60 else f"'{value[:57]}...' (a string)"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _expected(schema: dict) -> str:
    if schema.get("enum") == ACTIVATIONS:
        return "a Keras activation name (see docs/layers.md)"
    if "enum" in schema:
        values = [str(v) for v in schema["enum"] if v is not None]
        return "one of " + ", ".join(values[:10]) + (f", ... ({len(values)} in all)" if len(values) > 10 else "")
    if "const" in schema:
        return repr(schema["const"])
    if "anyOf" in schema:
        return " or ".join(_expected(s) for s in schema["anyOf"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(_TYPE_WORDS.get(k, k) for k in kind)
    text = _TYPE_WORDS.get(kind, "a value")
    if kind == "array" and "items" in schema:
        n = schema.get("minItems")
        count = f"{n} " if n is not None and n == schema.get("maxItems") else ""
        text = f"a list of {count}{_expected(schema['items']).removeprefix('an ').removeprefix('a ')}s"
    if kind in ("integer", "number") and "minimum" in schema:
        text += f" ≥ {schema['minimum']}"
    return text


def _stub(locate, path, message, key=False) -> Problem:
    base = locate(path, key)
    return Problem(base.path, base.line, base.col, message)


def _explain(error, path, locate, subject_of, layer: LayerType | None = None) -> list[Problem]:
    v, inst, schema = error.validator, error.instance, error.schema
    subject = subject_of(path)
    if v == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        out = []
        for key in inst:
            if key not in allowed:
                owner = layer.name if layer and not path else subject
                hint = did_you_mean(key, allowed)
                noun = "argument" if layer else "key"
                out.append(_stub(locate, path + (key,), f"{owner} has no {noun} '{key}'.{hint}", key=True))
        return out
    if v == "required":
        unknown = [k for k in inst if k not in schema.get("properties", {})]
        # A misspelt key is reported as unknown with its correction; do not report it missing too.
        missing = [r for r in schema["required"] if r not in inst and not did_you_mean_any(r, unknown)]
        noun = "argument" if layer else "key"
        owner = layer.name if layer and not path else subject
        return [_stub(locate, path, f"{owner} requires {noun} '{m}'", key=True) for m in missing]
    if v in ("anyOf", "oneOf"):
        return _explain_any(error, path, locate, subject_of, layer)
    if v == "enum":
        hint = did_you_mean(inst, [e for e in schema["enum"] if e is not None]) if isinstance(inst, str) else ""
        return [
            _stub(locate, path, f"{subject}: expected {_expected(schema)}; received {_kind(inst)}.{hint}".rstrip("."))
        ]
    if v == "type":
        hint = _integer_hint(schema, inst)
        return [_stub(locate, path, f"{subject}: expected {_expected(schema)}; received {_kind(inst)}{hint}")]
    if v in ("pattern", "maxLength") and error.schema.get("pattern") in PATTERNS:
        problem = name_problem(inst, dotted=form_of(error.schema["pattern"]))
        if "propertyNames" in error.schema_path:  # the key itself is the name: point at it
            return [_stub(locate, path + (inst,), f"{subject}: {problem}", key=True)]
        return [_stub(locate, path, f"{subject}: {problem}")]
    if v == "pattern":
        return [
            _stub(
                locate,
                path,
                f"{subject}: '{printable(inst)}' is not a valid name (letters, digits, _ and -; not starting with a digit)",
            )
        ]
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        op = {"minimum": "≥", "exclusiveMinimum": ">", "maximum": "≤", "exclusiveMaximum": "<"}[v]
        return [_stub(locate, path, f"{subject} must be {op} {error.validator_value}; received {inst!r}")]
    if v in ("minItems", "maxItems", "minProperties", "maxProperties"):
        bound = "at least" if v.startswith("min") else "at most"
        noun = "items" if "Items" in v else "entries"
        return [_stub(locate, path, f"{subject} needs {bound} {error.validator_value} {noun}; received {len(inst)}")]
    if v == "const":
        return [_stub(locate, path, f"{subject}: expected {error.validator_value!r}; received {_kind(inst)}")]
    if v == "not" and set(error.validator_value) == {"required"} and isinstance(inst, dict):
        first, *others = error.validator_value["required"]
        names = " and ".join(f"'{k}'" for k in others)
        return [
            _stub(locate, path + (others[-1],), f"{subject}: '{first}' and {names} exclude each other; give one", True)
        ]
    if v == "not":
        return [_stub(locate, path, f"{subject}: {inst!r} is not allowed here")]
    return [_stub(locate, path, f"{subject}: {error.message}")]


def _integer_hint(schema: dict, value) -> str:
    """Where an integer is needed and a float arrived: how to make one."""
    if schema.get("type") != "integer" or not isinstance(value, float) or not math.isfinite(value):
        return ""
    if value.is_integer():
        return f"; write {int(value)}, or wrap the expression in ${{int(...)}}"
    return "; wrap the expression in ${int(...)}, ${round(...)} or ${ceil(...)}"


def _is_expression_branch(error) -> bool:
    return error.validator == "pattern" and error.validator_value == EXPR_PATTERN


def _explain_any(error, path, locate, subject_of, layer) -> list[Problem]:
    """Explain an anyOf failure through the branch whose type fits the value, else list what fits."""
    by_branch: dict[int, list] = {}
    for sub in error.context:
        by_branch.setdefault(sub.schema_path[0], []).append(sub)
    fitting = [errs for errs in by_branch.values() if not any(e.validator == "type" and not e.path for e in errs)]
    if len(fitting) > 1:  # a plain value is explained by its own branch, not by "it is no ${...} either"
        fitting = [errs for errs in fitting if not all(_is_expression_branch(e) for e in errs)] or fitting
    if len(fitting) == 1:
        out = []
        for sub in fitting[0]:
            out.extend(_explain(sub, tuple(sub.absolute_path), locate, subject_of, layer))
        return out
    return [
        _stub(locate, path, f"{subject_of(path)}: expected {_expected(error.schema)}; received {_kind(error.instance)}")
    ]
