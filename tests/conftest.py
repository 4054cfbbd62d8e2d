"""Shared test helpers: run the real `netspec` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
EXAMPLES = ROOT / "examples"


def run_netspec(*args, cwd=None, env=None, timeout=300, input=None) -> subprocess.CompletedProcess:
    """Run `python -m netspec ARGS` and capture its output (text)."""
    full_env = {**os.environ, "COLUMNS": "100", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "netspec", *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
    )


def assert_clean_failure(result, code: int) -> None:
    """The command failed with `code` and printed no Python traceback."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


@pytest.fixture
def netspec():
    return run_netspec
