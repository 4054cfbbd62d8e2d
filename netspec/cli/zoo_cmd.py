"""`netspec zoo`: the table of the model library in specs/."""

from __future__ import annotations

from pathlib import Path

import typer


def zoo(
    output: Path | None = typer.Option(None, "-o", "--output", help="Markdown file to write, e.g. docs/zoo.md."),
):
    """Print the model library's table: input, layers, parameters and MACs of every spec in specs/."""
    from .. import atomic
    from ..zoo import entries, render

    text = render(entries())
    if output is None:
        typer.echo(text, nl=False)
        return
    atomic.write_text(output, text)
    typer.echo(f"Wrote {output}")
