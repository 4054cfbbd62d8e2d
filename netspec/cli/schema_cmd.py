"""`netspec schema`: print the JSON Schema of specs."""

from __future__ import annotations

import typer


def schema():
    """Print the JSON Schema that specs are validated against (generated from the layer registry).

    Point an editor at it for completion and live checks, e.g. with the YAML
    language server: `# yaml-language-server: $schema=netspec.schema.json`.
    """
    from ..compiler.schema import schema_json

    typer.echo(schema_json(), nl=False)
