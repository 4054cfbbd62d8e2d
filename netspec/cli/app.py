"""The `netspec` command: one small function per sub-command, each in its own module."""

from __future__ import annotations

from typing import List

import typer

from .. import __version__
from ..tf_env import command_environment
from .augment_preview_cmd import augment_preview
from .build_cmd import build
from .common import PLUGIN_HELP, OneLineErrors, handle_errors, load_plugins
from .compare_cmd import compare
from .devices_cmd import devices
from .diagram_cmd import diagram
from .eject_cmd import eject
from .evaluate_cmd import evaluate
from .expand_cmd import expand
from .export_cmd import export
from .import_cmd import import_
from .predict_cmd import predict
from .runs_cmd import runs
from .schema_cmd import schema
from .summary_cmd import summary
from .train_cmd import train
from .validate_cmd import validate
from .zoo_cmd import zoo

app = typer.Typer(
    name="netspec",
    help="Declare Keras networks in YAML: check them, analyse them, build, draw and train them.",
    cls=OneLineErrors,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool):
    if value:
        typer.echo(f"netspec {__version__}")
        raise typer.Exit()


@app.callback()
@handle_errors
def main(
    version: bool | None = typer.Option(None, "--version", callback=_version, is_eager=True, help="Print the version."),
    plugin: List[str] = typer.Option([], "--plugin", metavar="MODULE", help=PLUGIN_HELP),
):
    """netspec: a declarative model-spec compiler for Keras."""
    command_environment()
    load_plugins(plugin)


for command in (
    validate,
    summary,
    build,
    expand,
    schema,
    diagram,
    train,
    devices,
    evaluate,
    predict,
    augment_preview,
    import_,
    eject,
    zoo,
    export,
    runs,
    compare,
):
    app.command(name=command.__name__.strip("_").replace("_", "-"))(handle_errors(command))
