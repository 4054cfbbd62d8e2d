"""What every command shares: finding the spec, printing problems, exit codes.

Exit codes: 0 success, 1 invalid spec, 2 usage or environment error,
3 an internal netspec bug (reported as such, with how to report it).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from pathlib import Path

import typer
from typer.core import TyperGroup

from ..problems import NetspecBug, SpecError, UsageError

# The click exception behind a bad option value or a missing argument (typer may bundle its own click).
ClickUsageError = typer.BadParameter.__base__
BUILD_DIR = Path("build")
CURRENT = BUILD_DIR / "CURRENT"
EXIT_INVALID, EXIT_USAGE, EXIT_BUG = 1, 2, 3

SET_HELP = "Override any value of the spec: dotted.path=value (repeatable), e.g. --set train.epochs=5."
SCALE_HELP = "Use the spec's scale NAME (a named set of var values under scales:); default: the spec's scale:."
PLUGIN_HELP = (
    "Import MODULE for the custom layer classes in its NETSPEC_LAYERS list (repeatable; also "
    "NETSPEC_PLUGINS=mod1,mod2). This runs MODULE's code: name only modules you trust. "
    "A spec itself can never cause an import."
)


def spec_path(spec: Path | None) -> Path:
    """The SPEC argument, or the current build's expanded spec when it is omitted."""
    if spec is not None:
        return spec
    from ..compiler.names import is_name
    from ..safe_read import read_regular

    if not CURRENT.exists():
        raise UsageError("no SPEC given and no current build here; run `netspec build SPEC` first or name a SPEC")
    name = read_regular(CURRENT, 1024, "build pointer").decode("utf-8", "replace").strip()
    if not is_name(name):
        raise UsageError(f"{CURRENT} does not name a build; run `netspec build SPEC` again")
    path = BUILD_DIR / name / "spec.yaml"
    if not path.is_file():
        raise UsageError(f"the current build points at {path}, which is missing; run `netspec build SPEC` again")
    return path


def complete_spec(incomplete: str) -> list[str]:
    """Shell completion of a SPEC argument: YAML files and folders that start with `incomplete`."""
    folder, _, stem = incomplete.rpartition("/")
    base = Path(folder or ".")
    if not base.is_dir():
        return []
    prefix = f"{folder}/" if folder else ""
    found = []
    for entry in sorted(base.iterdir()):
        if not entry.name.startswith(stem) or (entry.name.startswith(".") and not stem.startswith(".")):
            continue
        if entry.is_dir():
            found.append(f"{prefix}{entry.name}/")
        elif entry.suffix in (".yaml", ".yml"):
            found.append(prefix + entry.name)
    return found


def gpu_list(value: str) -> list[int]:
    """--gpu: distinct GPU numbers, `0` or `0,1`, checked while the command line is parsed."""
    from ..train.devices import parse_gpus

    try:
        return parse_gpus(value)
    except UsageError as exc:
        raise typer.BadParameter(f"{value!r} ({str(exc).split(': ', 1)[-1]})") from None


def usage_line(exc: ClickUsageError) -> str:
    """A click usage error as netspec's one line: what was wrong, what is accepted, where the help is."""
    where = f" (see `{exc.ctx.command_path} -h`)" if exc.ctx is not None else ""
    return f"netspec: error: {exc.format_message().rstrip('.')}{where}"


class OneLineErrors(TyperGroup):
    """The command group: a bad option value or a missing argument is one line on stderr and exit 2."""

    def make_context(self, info_name, args, parent=None, **extra):
        with _usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx):
        with _usage_errors():
            return super().invoke(ctx)


@contextlib.contextmanager
def _usage_errors():
    try:
        yield
    except ClickUsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `netspec` alone prints its help
            raise
        typer.echo(usage_line(exc), err=True)
        raise typer.Exit(EXIT_USAGE) from None


def load_plugins(modules) -> None:
    """Import the plugin modules named by --plugin and NETSPEC_PLUGINS (nothing else ever imports one)."""
    from .. import plugins

    names = [*modules, *plugins.from_env()]
    if names:
        plugins.load(names)


def load_spec(spec: Path | None, overrides=(), scale: str | None = None):
    from ..spec import load

    return load(spec_path(spec), overrides, scale)


def print_problems(exc: SpecError, as_json: bool = False) -> None:
    if as_json:
        typer.echo(json.dumps({"valid": False, "problems": [p.as_dict() for p in exc.problems]}, indent=2))
        return
    for problem in exc.problems:
        typer.echo(str(problem), err=True)


def handle_errors(func):
    """Turn netspec's exceptions into messages and exit codes; never a traceback for a user mistake."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except SpecError as exc:
            print_problems(exc)
            raise typer.Exit(EXIT_INVALID) from None
        except UsageError as exc:
            typer.echo(f"netspec: error: {exc}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        except ClickUsageError as exc:
            typer.echo(usage_line(exc), err=True)
            raise typer.Exit(EXIT_USAGE) from None
        except NetspecBug as exc:
            typer.echo(
                f"netspec: internal error (a bug in netspec, not in your spec; please report it): {exc}", err=True
            )
            raise typer.Exit(EXIT_BUG) from None
        except KeyboardInterrupt:
            typer.echo("netspec: interrupted", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:  # an internal failure: say it is a bug, keep the traceback on request
            if os.environ.get("NETSPEC_DEBUG"):
                raise
            typer.echo(
                f"netspec: internal error (a bug in netspec, not in your spec; please report it, "
                f"and rerun with NETSPEC_DEBUG=1 for the traceback): {type(exc).__name__}: {exc}",
                err=True,
            )
            raise typer.Exit(EXIT_BUG) from None

    return wrapper
