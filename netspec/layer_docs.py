"""The layer reference (docs/layers.md), generated from the registry.

Regenerate with `python -m netspec.layer_docs --write`; a test keeps it current.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .layers import ALIASES, CORE, REFUSED
from .layers.args import ACTIVATIONS
from .layers.registry import FILE_ARGS, OPAQUE_NAMES, WHY_OPAQUE

DOC = Path(__file__).resolve().parent.parent / "docs" / "layers.md"
FAMILY_ORDER = [
    "convolution",
    "dense",
    "embedding",
    "core",
    "activation",
    "regularization",
    "normalization",
    "pooling",
    "reshape",
    "merge",
    "recurrent",
    "attention",
    "encoding",
    "augmentation",
    "preprocessing",
]


def _type_text(schema: dict) -> str:
    if schema.get("enum") == ACTIVATIONS:
        return "activation name"
    if "enum" in schema:
        return " \\| ".join("null" if v is None else f"`{v}`" for v in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(_type_text(s) for s in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        n = schema.get("minItems")
        size = f"[{n}]" if n and n == schema.get("maxItems") else ""
        return f"list{size} of {_type_text(schema.get('items', {}))}"
    if kind == "object":
        return "mapping"
    text = "/".join(kind) if isinstance(kind, list) else kind
    if "minimum" in schema:
        text += f" ≥ {schema['minimum']}"
    return text


def _default(schema: dict, required: bool) -> str:
    if required:
        return "**required**"
    if "default" in schema:
        return f"`{json.dumps(schema['default'])}`"
    return ""


def render() -> str:
    """Markdown reference of every core layer type and the rules around the others."""
    out = [
        "# Layer reference",
        "",
        "Generated from netspec's layer registry (`python -m netspec.layer_docs --write`); do not edit by hand.",
        "",
        "A layer is written as its Keras class name followed by its arguments, e.g.",
        "`- Conv2D: {filters: 32, kernel_size: 3, padding: same}`. The types below have full",
        "argument checking and static shape, parameter and MAC rules. Shapes exclude the batch axis;",
        "MACs count multiply-accumulates of the weights (FLOPs = 2 × MACs).",
        "",
    ]
    aliases = len(ALIASES)
    out += [f"{len(CORE)} layer types have static rules ({aliases} more names are Keras' aliases of them).", ""]
    for family in FAMILY_ORDER:
        layers = [lt for lt in CORE.values() if lt.family == family]
        if not layers:
            continue
        out += [f"## {family.capitalize()}", ""]
        for lt in layers:
            out += [f"### {lt.name}", "", lt.doc, ""]
            if lt.positional:
                out += [f"Shorthand: `- {lt.name}: VALUE` sets `{lt.positional}`.", ""]
            if lt.merge:
                out += ["Takes two or more inputs (`inputs: [a, b]`).", ""]
            if lt.ranks:
                out += ["Input rank (batch included): " + " or ".join(str(r + 1) for r in lt.ranks) + ".", ""]
            if lt.args:
                out += ["| argument | accepts | default | meaning |", "|---|---|---|---|"]
                for arg, schema in lt.args.items():
                    desc = schema.get("description", "")
                    out.append(f"| `{arg}` | {_type_text(schema)} | {_default(schema, arg in lt.required)} | {desc} |")
                out.append("")
            else:
                out += ["No arguments.", ""]
    out += [
        "## Activation names",
        "",
        "Wherever an argument takes an activation name: " + ", ".join(f"`{a}`" for a in ACTIVATIONS) + ".",
        "",
        "## Aliases",
        "",
        ", ".join(f"`{a}` → `{t}`" for a, t in sorted(ALIASES.items())),
        "",
        "## Other Keras layers",
        "",
        "These public `keras.layers` classes have no static rule. They may be used by name: their",
        "arguments are passed to Keras as given, and their shapes and parameters come from Keras at",
        "`netspec build`. `netspec summary` shows `?` for such a layer and for the layers that depend on",
        "it, and its totals say they are lower bounds, naming the layers they leave out.",
        "Arguments that name a local file (a vocabulary path of "
        + ", ".join(f"`{n}`" for n in sorted(FILE_ARGS))
        + ")",
        "are refused, since a spec is data, unless `netspec build --allow-files` is given. Before building,",
        "`netspec build` sizes these layers by Keras' shape inference without allocating their weights, so",
        "that its memory guard covers them; it warns about any layer it could not size.",
        "",
        "| class | why no static rule |",
        "|---|---|",
        *[f"| `{n}` | {WHY_OPAQUE.get(n, 'not yet given a static rule')} |" for n in sorted(OPAQUE_NAMES)],
        "",
        "## Refused",
        "",
        "| class | why |",
        "|---|---|",
        *[f"| `{name}` | {why} |" for name, why in sorted(REFUSED.items())],
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    text = render()
    if sys.argv[1:] == ["--write"]:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(text)
    else:
        sys.stdout.write(text)
