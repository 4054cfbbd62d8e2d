"""The JSON Schema of a spec, generated from the layer registry (never written by hand)."""

from __future__ import annotations

import json

from ..layers import CORE
from ..train_schema import TRAIN_SCHEMA
from . import names

SCHEMA_ID = "https://netspec.dev/schema/netspec-1.json"
META_KEYS = ("name", "inputs", "repeat", "block")

_NAME = names.schema()
_REF_NAME = names.schema(dotted=True)
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


def layer_envelope(check_args: bool = True) -> dict:
    """A layer item: a bare type name, or one type key with its arguments plus meta keys."""
    types = {name: {"$ref": f"#/$defs/args/{name}"} for name in CORE} if check_args else {}
    return {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "minProperties": 1,
                "properties": {
                    "name": {**_REF_NAME, "description": "Layer name (default: type_N, as Keras numbers them)."},
                    "inputs": {
                        "anyOf": [_REF_NAME, {"type": "array", "items": _REF_NAME, "minItems": 1}],
                        "description": "Names of the layers or inputs feeding this one (default: the previous layer).",
                    },
                    "repeat": {"type": "integer", "minimum": 1, "description": "Stack this many copies."},
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


def schema_json() -> str:
    return json.dumps(spec_schema(), indent=2, sort_keys=False) + "\n"
