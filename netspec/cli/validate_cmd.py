"""`netspec validate SPEC...`: check many files like a linter."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..problems import SpecError, UsageError
from .common import EXIT_INVALID, EXIT_USAGE, SCALE_HELP, SET_HELP, complete_spec


class Format(str, Enum):
    text = "text"
    json = "json"


def validate(
    specs: List[Path] = typer.Argument(..., help="Spec files to check.", autocompletion=complete_spec),
    format: Format = typer.Option(Format.text, "--format", help="text (one line per problem) or json."),
    overrides: List[str] = typer.Option([], "--set", help=SET_HELP),
    scale: Optional[str] = typer.Option(None, "--scale", help=SCALE_HELP),
):
    """Check specs without building them: structure, arguments, names, cycles and shapes.

    Prints every problem as FILE:LINE:COL: message. Exit code 0 when all are valid,
    1 when any spec is invalid, 2 when a file cannot be read.
    """
    from ..spec import load

    format = format.value
    results, worst = [], 0
    for path in specs:
        try:
            spec = load(path, overrides, scale)
            results.append({"path": str(path), "valid": True, "problems": [], "layers": len(spec.flat.layers)})
        except SpecError as exc:
            worst = max(worst, EXIT_INVALID)
            results.append({"path": str(path), "valid": False, "problems": [p.as_dict() for p in exc.problems]})
            if format == "text":
                for problem in exc.problems:
                    typer.echo(str(problem), err=True)
        except UsageError as exc:
            worst = EXIT_USAGE
            results.append({"path": str(path), "valid": False, "error": str(exc)})
            if format == "text":
                typer.echo(f"netspec: error: {exc}", err=True)
    if format == "json":
        typer.echo(json.dumps(results, indent=2))
    else:
        ok = sum(r["valid"] for r in results)
        typer.echo(f"{ok} of {len(results)} spec{'s' if len(results) != 1 else ''} valid")
    raise typer.Exit(worst)
