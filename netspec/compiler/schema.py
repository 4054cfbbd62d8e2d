"""The JSON Schema of a spec, generated from the layer registry (never written by hand).

Two forms from one source. The strict form (`spec_schema(check_args=False)` plus each layer's
`args_schema()`) is what `netspec validate` runs after vars are substituted and defaults and blocks
expanded. The editor form (`editor_schema()`, printed by `netspec schema`) describes the file as
the user writes it: `${...}` wherever a value may go, arguments that defaults or a block may
supply not required, the bare `- Type:` form, hover text on every argument.
"""

from __future__ import annotations

import json

from ..layers import ALIASES, CORE, known_names
from . import names
from .train_schema import TRAIN_SCHEMA

SCHEMA_ID = "https://netspec.dev/schema/netspec-1.json"
META_KEYS = ("name", "inputs", "repeat", "block", "when")

_NAME = names.schema()
_LAYER_NAME = names.schema(dotted=True)
_REF_NAME = names.schema(dotted="ref")
EXPR_PATTERN = r"\$\{"
_EXPR = {"type": "string", "pattern": EXPR_PATTERN, "description": "A ${...} computed when the item is expanded."}
_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "shape": {
            "type": "array",
            "minItems": 1,
            "items": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]},
            "description": "Shape of one example (no batch axis); null for a variable size.",
        },
        "dtype": {"enum": ["float32", "float16", "bfloat16", "int32", "int64", "uint8"], "default": "float32"},
    },
    "required": ["shape"],
}


def layer_envelope(check_args: bool = True, computed: bool = False) -> dict:
    """A layer item: a bare type name, or one type key with its arguments plus meta keys.

    As written (computed=False) a meta key may still be a `${...}`; once expansion has
    substituted an item, computed=True checks the values it produced (repeat may then be 0).
    """
    types = {name: {"$ref": f"#/$defs/args/{name}"} for name in CORE} if check_args else {}

    def meta(schema: dict) -> dict:
        return schema if computed else {"anyOf": [schema, _EXPR], "description": schema.pop("description")}

    return {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "minProperties": 1,
                "properties": {
                    "name": meta(
                        {**_LAYER_NAME, "description": "Layer name (default: type_N, as Keras numbers them)."}
                    ),
                    "inputs": {
                        "anyOf": [_REF_NAME, {"type": "array", "items": _REF_NAME, "minItems": 1}],
                        "description": "Names of the layers or inputs feeding this one (default: the previous layer).",
                    },
                    "repeat": meta(
                        {
                            "type": "integer",
                            "minimum": 0 if computed else 1,
                            "description": "Stack this many copies; ${index} and ${count} inside them.",
                        }
                    ),
                    "when": meta(
                        {"type": "boolean", "description": "false: the layer is absent; its consumers take its input."}
                    ),
                    "block": {"type": "string", "description": "Set by `netspec expand`: the block instance."},
                    **types,
                },
            },
        ]
    }


def args_defs() -> dict:
    return {name: layer.schema() for name, layer in CORE.items()}


def defaults_schema(check_args: bool = True) -> dict:
    if not check_args:
        return {"type": "object", "additionalProperties": {"type": "object"}}
    props = {}
    for name, layer in CORE.items():
        props[name] = {
            "type": "object",
            "properties": layer.args,
            "additionalProperties": False,
        }
    return {"type": "object", "properties": props, "description": "Default arguments per layer type."}


def spec_schema(check_args: bool = True) -> dict:
    """The whole spec's JSON Schema, as `netspec schema` prints it for editors.

    Validation runs it in two tiers: `check_args=False` (structure, before
    expansion) on the file, then `$defs/args/<Type>` on each expanded layer,
    once vars, blocks and defaults have been resolved.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "netspec model spec",
        "type": "object",
        "additionalProperties": False,
        "required": ["netspec", "layers"],
        "properties": {
            "netspec": {"const": 1, "description": "Format version."},
            "name": {**_NAME, "description": "Model name (default: the file name)."},
            "description": {"type": "string"},
            "input": {"$ref": "#/$defs/input"},
            "inputs": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": _NAME,
                "additionalProperties": {"$ref": "#/$defs/input"},
            },
            "layers": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/layer"}},
            "outputs": {"anyOf": [_REF_NAME, {"type": "array", "items": _REF_NAME, "minItems": 1}]},
            "defaults": defaults_schema(check_args),
            "vars": {"type": "object", "propertyNames": _NAME, "description": "Values used as ${name}."},
            "blocks": {
                "type": "object",
                "propertyNames": _NAME,
                "additionalProperties": {"$ref": "#/$defs/block"},
            },
            "scales": {
                "type": "object",
                "propertyNames": _NAME,
                "additionalProperties": {"type": "object", "propertyNames": _NAME},
                "description": "Named sets of var values, chosen with --scale NAME.",
            },
            "scale": {**_NAME, "description": "The scale used when --scale is not given."},
            "train": TRAIN_SCHEMA,
        },
        "$defs": {
            "input": _INPUT,
            "layer": layer_envelope(check_args),
            "block": {
                "type": "object",
                "additionalProperties": False,
                "required": ["layers"],
                "properties": {
                    "description": {"type": "string"},
                    "params": {
                        "anyOf": [
                            {"type": "array", "items": _NAME},
                            {"type": "object", "propertyNames": _NAME},
                        ],
                        "description": "Parameter names (a list: all required) or names with defaults.",
                    },
                    "inputs": {
                        "anyOf": [_NAME, {"type": "array", "items": _NAME, "minItems": 1, "uniqueItems": True}],
                        "description": "Names of the block's inputs, bound at each use (default: in).",
                    },
                    "defaults": {**defaults_schema(False), "description": "Default arguments inside this block."},
                    "layers": {
                        "type": "array",
                        "minItems": 1,
                        # Block bodies hold ${param}s: checked as layers once instantiated.
                        "items": {"$ref": "#/$defs/layer"} if check_args else {"type": ["object", "string"]},
                    },
                },
            },
            "args": args_defs(),
        },
    }


# --- the editor form -----------------------------------------------------------------------------

VAR_REF = {
    "type": "string",
    "pattern": r"\$\{[^{}]*\}",
    "description": "A ${...} substitution: a var, a block parameter, or arithmetic on them.",
}
BLOCK_NAME = "^[a-z_][A-Za-z0-9_-]*$"  # the editor form takes a key that starts in lower case for a block
_ANNOTATIONS = ("description", "markdownDescription", "default", "title")
_SCHEMA_MAPS = ("properties", "$defs")
_SUBSCHEMAS = ("items", "additionalProperties", "then", "else")  # "if" is a test, never substituted


def _lenient(node, merge: bool = True):
    """`node` with a `${...}` string accepted in place of every value it constrains.

    Merged into the node's own keywords where JSON Schema allows it (a string type with the
    `${...}` pattern beside the integer type and its minimum), so that an editor reports a wrong
    literal by the original rule ("0 is less than the minimum of 1"), not by the `${...}` branch.
    """
    if isinstance(node, list):
        return [_lenient(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _lenient(sub) for name, sub in value.items()}
        elif key in _SUBSCHEMAS and isinstance(value, dict):
            out[key] = _lenient(value)
        elif key == "anyOf":
            out[key] = [_lenient(sub, merge=False) for sub in value] + [VAR_REF]
        else:  # propertyNames, not, required, enum, ...: keys are never substituted
            out[key] = value
    kind = out.get("type")
    if not merge or "anyOf" in node or "$ref" in out:
        return out
    if "enum" in out or "const" in out:
        notes = {k: out.pop(k) for k in _ANNOTATIONS if k in out}
        return {**notes, "anyOf": [out, VAR_REF]}
    if kind is not None:
        kinds = [kind] if isinstance(kind, str) else list(kind)
        if "string" not in kinds:
            out.update(type=[*kinds, "string"], pattern=VAR_REF["pattern"])
        elif "pattern" in out:
            out["pattern"] = f"{out['pattern']}|{VAR_REF['pattern']}"
    return out


def _hover(name: str, arg: dict) -> dict:
    """An argument's schema with hover text (description and markdownDescription) from the registry."""
    text = arg.get("description", "")
    markdown = f"**{name}**: {text}" if text else f"**{name}**"
    if "default" in arg:
        markdown += f"\n\nDefault: `{json.dumps(arg['default'])}`"
    return {**arg, "description": text or name, "markdownDescription": markdown}


def _editor_args(layer) -> dict:
    """What may follow a core type key in the file: its arguments (none required), a shorthand, or nothing."""
    mapping = {
        "type": "object",
        "properties": {name: _hover(name, arg) for name, arg in layer.args.items()},
        "additionalProperties": not layer.static,
    }
    forms = [mapping, {"type": "null"}]
    if layer.positional:
        forms.insert(1, dict(layer.args[layer.positional]))
    doc = f"**{layer.name}**: {layer.doc}\n\nArguments: " + ", ".join(f"`{a}`" for a in layer.args)
    return {"description": layer.doc, "markdownDescription": doc, "anyOf": forms}


def _editor_layer() -> dict:
    types = sorted(set(known_names()) - set(CORE) - set(ALIASES))
    keyed = {name: {"$ref": f"#/$defs/args/{name}"} for name in CORE}
    keyed.update({alias: {"$ref": f"#/$defs/args/{target}"} for alias, target in ALIASES.items()})
    item = layer_envelope()
    bare, mapping = item["anyOf"]
    names = sorted([*keyed, *types])
    bare.update(_type_name(names), description="A layer type without arguments, or a block without parameters.")
    mapping["properties"].update(keyed)
    mapping["propertyNames"] = _type_name([*META_KEYS, *names])
    return item


def _type_name(names: list) -> dict:
    """A known layer type, or (starting in lower case) a block; an unknown type is reported as not one of them."""
    return {"if": {"pattern": BLOCK_NAME}, "else": {"enum": names}}


def editor_schema() -> dict:
    """The schema `netspec schema` prints, for editors and other JSON Schema clients (see docs/spec.md)."""
    schema = spec_schema()
    schema["$defs"]["layer"] = _editor_layer()
    schema["$defs"]["args"] = {name: _editor_args(layer) for name, layer in CORE.items()}
    for name, layer in CORE.items():  # new mappings: the registry's own are not touched
        defaults = schema["properties"]["defaults"]["properties"][name]
        defaults["properties"] = {arg: _hover(arg, value) for arg, value in layer.args.items()}
    defs = schema.pop("$defs")
    args = defs.pop("args")
    lenient = _lenient(schema, merge=False)
    lenient["$defs"] = {name: _lenient(sub) for name, sub in defs.items()}
    lenient["$defs"]["args"] = {name: _lenient(sub) for name, sub in args.items()}
    return lenient


def schema_json() -> str:
    return json.dumps(editor_schema(), indent=2, sort_keys=False) + "\n"
