"""`netspec runs [DIR]`: every run folder under DIR with its spec, progress, best metric, accuracy and status."""

from __future__ import annotations

from pathlib import Path

import typer


def runs(
    folder: Path = typer.Argument(Path("runs"), help="Folder to search, sub-folders included (default: runs/)."),
    form: str = typer.Option("text", "--format", help="text, json or markdown."),
):
    """List the training runs under DIR: spec, start, epochs done/total, best, test accuracy, precision, status."""
    from ..problems import UsageError
    from ..train import runs as listing

    if form not in ("text", "json", "markdown"):
        raise UsageError(f"--format {form}: expected text, json or markdown")
    found = [listing.read(path) for path in listing.find(folder)]
    if not found and form == "text":
        typer.echo(f"no runs under {folder}/")
        return
    typer.echo(listing.render(found, form), nl=False)
