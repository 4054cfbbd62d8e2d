"""The user's install: a fresh venv made as the README's main command makes it, then the user's journey.

`python3 -m venv` and `pip install -e .` with no extras (pip's cache may serve the wheels), then every
command the README shows, through that venv's own `netspec` program and with its own Python: nothing
here may lean on the test environment's packages. This is the test that catches a module a command
imports but the main dependencies lack.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.install
ARTICLE = ROOT / "specs" / "cifar_deep15.yaml"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _clean_env() -> dict:
    """The user's shell: no PYTHONPATH or active venv of the test run leaking into the new venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return {**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "COLUMNS": "100"}


def _run(argv, cwd, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(map(str, argv)), cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=timeout
    )


def _venv_folder(tmp_path_factory) -> Path:
    """Where the venv goes: memory (/dev/shm) when it has room, else the pytest temporary folder; what is
    installed is the same. The venv holds 2.3 GB; on the 2-core test machine, with pip's cache warm, the
    install took 230 s in /dev/shm and 279 s on disk."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 6 * 2**30:
        return Path(tempfile.mkdtemp(prefix="netspec-user-", dir=shm))
    return tmp_path_factory.mktemp("user")


def test_this_is_the_readmes_main_command():
    readme = (ROOT / "README.md").read_text()
    main = re.search(r"<!-- main-command -->\n```sh\n(.+?)\n```", readme, re.S).group(1)
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/netspec build" in main


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """The README's main command, minus apt: `python3 -m venv .venv && .venv/bin/pip install -e .`."""
    folder = _venv_folder(tmp_path_factory)
    where = folder / ".venv"
    made = _run([sys.executable, "-m", "venv", where], cwd=ROOT)
    assert made.returncode == 0, made.stderr
    installed = _run([where / "bin" / "pip", "install", "-q", "-e", "."], cwd=ROOT, timeout=1200)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    yield where
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def netspec(venv, tmp_path):
    def run(*args, timeout=600):
        return _run([venv / "bin" / "netspec", *args], cwd=tmp_path, timeout=timeout)

    return run


def _ok(result) -> str:
    assert result.returncode == 0, (result.args, result.stdout[-3000:], result.stderr[-3000:])
    assert "Traceback" not in result.stderr
    return result.stdout


def test_the_venv_has_no_extras_and_its_own_netspec(venv):
    probe = "import importlib.util as u; print([m for m in ('pytest', 'hypothesis', 'sklearn') if u.find_spec(m)])"
    assert _ok(_run([venv / "bin" / "python", "-c", probe], cwd=ROOT)).strip() == "[]"
    where = _ok(_run([venv / "bin" / "python", "-c", "import netspec; print(netspec.__file__)"], cwd="/"))
    assert Path(where.strip()) == ROOT / "netspec" / "__init__.py"
    assert (venv / "bin" / "tensorboard").is_file()  # `tensorboard --logdir RUN` works after the main install


def test_the_users_journey_through_every_command(netspec, venv, tmp_path):
    built = _ok(netspec("build", ARTICLE))
    assert "Total params: 1,071,542" in built
    assert (tmp_path / "build" / "cifar_deep15" / "model.keras").is_file()

    summary = _ok(netspec("summary", ARTICLE, "--batch-size", "32"))
    assert "Total params: 1,071,542" in summary and "Training memory" in summary

    for suffix in ("svg", "png", "pdf", "dot", "mmd"):
        _ok(netspec("diagram", ARTICLE, "-o", f"net.{suffix}"))
    assert (tmp_path / "net.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    assert (tmp_path / "net.png").read_bytes().startswith(PNG_MAGIC)
    assert (tmp_path / "net.pdf").read_bytes().startswith(b"%PDF")
    assert "digraph" in (tmp_path / "net.dot").read_text()
    assert "flowchart" in (tmp_path / "net.mmd").read_text()

    trained = _ok(
        netspec("train", ARTICLE, "--cpu", "--data", "synthetic", "--epochs", "1", "--limit", "64", "--run-dir", "run")
    )
    run = tmp_path / "run"
    for name in ("model.keras", "eval.json", "curves.png", "metrics.csv", "checkpoints/last.keras"):
        assert (run / name).is_file(), (name, trained)
    assert "TensorBoard: tensorboard --logdir run/tensorboard" in trained
    assert list((run / "tensorboard" / "train").glob("events.out.tfevents.*"))

    evaluated = _ok(netspec("evaluate", "run", "--json"))
    assert '"accuracy"' in evaluated

    image = tmp_path / "cat.png"
    pixels = "bytes(range(256)) * 12"  # 32x32 RGB: 3,072 bytes
    write = f"from PIL import Image; Image.frombytes('RGB', (32, 32), {pixels}).save({str(image)!r})"
    _ok(_run([venv / "bin" / "python", "-c", write], cwd=tmp_path))
    predicted = _ok(netspec("predict", "run/model.keras", image))
    assert "cat.png" in predicted and re.search(r"\d+\.\d+ ?%", predicted)

    _ok(netspec("augment-preview", ARTICLE, "--data", "synthetic", "-o", "augment.png"))
    assert (tmp_path / "augment.png").read_bytes().startswith(PNG_MAGIC)

    imported = _ok(netspec("import", "--keras-app", "MobileNetV2", "-o", "mobilenet.yaml"))
    assert imported.startswith("Wrote mobilenet.yaml") and "3,538,984" in imported
    _ok(netspec("validate", "mobilenet.yaml"))

    _ok(netspec("eject", ARTICLE, "-o", "model.py"))
    ejected = _ok(_run([venv / "bin" / "python", "model.py"], cwd=tmp_path))
    assert "1,071,542" in ejected
