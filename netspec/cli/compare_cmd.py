"""`netspec compare RUN...`: the runs' curves overlaid in one picture, the settings that differ, the final metrics."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def compare(
    run_dirs: List[Path] = typer.Argument(..., metavar="RUN...", help="Run folders written by netspec train."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Picture to write (default: compare.png)."),
):
    """Overlay the runs' loss and accuracy per epoch (train and validation) and print how they differ."""
    from .. import atomic
    from ..problems import UsageError
    from ..train import compare as comparing
    from ..train import runs as listing

    for path in run_dirs:
        if not (path / "run.json").is_file():
            raise UsageError(f"{path}: not a run folder (no run.json); `netspec runs` lists them")
    found = [listing.read(path) for path in run_dirs]
    names = [str(path) for path in run_dirs]
    typer.echo(comparing.render_table(found, names), nl=False)
    target = output or Path("compare.png")
    if target.is_dir():
        raise UsageError(f"-o {target}: is a folder; name a .png file")
    atomic.write_bytes(target, comparing.render_png(found, names))
    typer.echo(f"Wrote {target}")
