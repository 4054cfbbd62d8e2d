"""Nothing half-written: `netspec build` killed at random points, and builds running at once.

Whatever the moment, build/ must hold, at every final name, either the old complete build or
the new complete one: build/<name>/ with exactly its four files, all four from the same
build (the spec, the table, the JSON and the Keras model agree), and build/CURRENT naming a
complete build. Only hidden debris (`.staging-*`, `.CURRENT.*.tmp`) may remain after a kill,
and the next build sweeps it.

The kill loop runs two builders at once in one directory, each building both specs over and
over with alternating layer sizes (so the two processes build the same spec and different
specs at the same time) through the real CLI (`netspec.cli.app`, in-process, so TensorFlow
starts once per builder). The builders are frozen with SIGSTOP at random moments to inspect
build/ (what a kill at that instant would leave), then killed with SIGKILL at random moments
and inspected again. Set NETSPEC_KILL_SEED to replay a failing run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import run_netspec

FILES = ["model.keras", "spec.yaml", "summary.json", "summary.txt"]
SPECS = {
    "alpha": ("netspec: 1\nname: alpha\ninput: {shape: [4]}\nlayers:\n  - Dense: 8\n  - Dense: 2\n", (8, 12)),
    "beta": ("netspec: 1\nname: beta\ninput: {shape: [6]}\nlayers:\n  - Dense: 5\n  - Dense: 3\n", (5, 7)),
}
PARAMS = {  # parameters of each spec for each size of its first Dense layer
    "alpha": {units: 4 * units + units + 2 * units + 2 for units in (8, 12)},
    "beta": {units: 6 * units + units + 3 * units + 3 for units in (5, 7)},
}
BUILDER = """
import sys
from netspec.cli.app import app

plan = [step.split(":") for step in sys.argv[1:]]
i = 0
while True:
    spec, size = plan[i % len(plan)]
    app(["build", spec + ".yaml", "--set", f"layers.0.Dense={size}"], standalone_mode=False)
    i += 1
"""
SNAPSHOTS = 12
READY_TIMEOUT = 240


def check_build_dir(root: Path) -> list[str]:
    """Assert that build/ is consistent; return the names of the complete builds in it."""
    entries = sorted(p.name for p in root.iterdir())
    visible = [n for n in entries if not n.startswith(".")]
    hidden = [n for n in entries if n.startswith(".")]
    assert set(visible) <= {"CURRENT", *SPECS}, entries
    assert all(n.startswith((".staging-", ".CURRENT.")) for n in hidden), hidden
    builds = [n for n in visible if n in SPECS]
    for name in builds:
        check_build(root / name, name)
    if "CURRENT" in visible:
        current = (root / "CURRENT").read_text()
        assert current in {f"{n}\n" for n in builds}, (current, builds)
    return builds


def check_build(out: Path, name: str) -> None:
    """The four files are complete and come from one build."""
    assert sorted(p.name for p in out.iterdir()) == FILES, sorted(p.name for p in out.iterdir())
    spec = yaml.safe_load((out / "spec.yaml").read_text())
    units = spec["layers"][0]["Dense"]["units"]
    params = PARAMS[name][units]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"]["params"] == params
    assert f"Total params: {params:,} " in (out / "summary.txt").read_text()
    with zipfile.ZipFile(out / "model.keras") as archive:
        assert archive.testzip() is None
        config = json.loads(archive.read("config.json"))
    sizes = {layer["config"]["name"]: layer["config"].get("units") for layer in config["config"]["layers"]}
    assert sizes["dense_1"] == units


def write_specs(directory: Path) -> None:
    for name, (text, _) in SPECS.items():
        (directory / f"{name}.yaml").write_text(text)


def start_builder(directory: Path, number: int, plan: list[str]) -> subprocess.Popen:
    log = open(directory / f"builder-{number}.log", "w")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-c", BUILDER, *plan],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, "COLUMNS": "100"},
    )


@pytest.mark.keras
def test_builds_killed_at_random_points_leave_old_or_new_complete(tmp_path):
    seed = int(os.environ.get("NETSPEC_KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    write_specs(tmp_path)
    debris = tmp_path / "build" / ".staging-left-by-a-kill"
    debris.mkdir(parents=True)
    (debris / "model.keras").write_bytes(b"PK\x03\x04 half a zip")
    (tmp_path / "build" / ".CURRENT.x1y2.tmp").write_text("alp")
    builders = [
        start_builder(tmp_path, 1, ["alpha:8", "beta:5", "alpha:12", "beta:7"]),
        start_builder(tmp_path, 2, ["beta:7", "alpha:12", "beta:5", "alpha:8"]),
    ]
    root = tmp_path / "build"
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not ((root / "alpha").is_dir() and (root / "beta").is_dir()):
            dead = [b for b in builders if b.poll() is not None]
            assert not dead, [p.read_text()[-2000:] for p in tmp_path.glob("*.log")]
            assert time.monotonic() < deadline, "the builders did not finish a first build"
            time.sleep(0.05)
        assert not debris.exists() and not (tmp_path / "build" / ".CURRENT.x1y2.tmp").exists(), "debris not swept"
        assert oct((root / "alpha").stat().st_mode & 0o777) == oct(0o777 & ~_umask())
        for _ in range(SNAPSHOTS):
            time.sleep(rng.uniform(0, 0.4))
            for b in builders:
                b.send_signal(signal.SIGSTOP)
            try:
                assert sorted(check_build_dir(root)) == ["alpha", "beta"], f"seed {seed}"
            finally:
                for b in builders:
                    b.send_signal(signal.SIGCONT)
        for b in rng.sample(builders, len(builders)):
            time.sleep(rng.uniform(0, 0.5))
            b.kill()
            b.wait()
        assert sorted(check_build_dir(root)) == ["alpha", "beta"], f"seed {seed}"
        assert all(b.returncode == -signal.SIGKILL for b in builders), [
            p.read_text()[-2000:] for p in tmp_path.glob("*.log")
        ]
    finally:
        for b in builders:
            if b.poll() is None:
                b.send_signal(signal.SIGCONT)
                b.kill()
                b.wait()


def test_a_failed_build_leaves_the_previous_build_untouched(tmp_path):
    out = tmp_path / "build" / "alpha"
    out.mkdir(parents=True)
    for name in FILES:
        (out / name).write_text(name)
    (tmp_path / "build" / "CURRENT").write_text("alpha\n")
    (tmp_path / "alpha.yaml").write_text(SPECS["alpha"][0].replace("Dense: 8", "Dense: 0"))
    result = run_netspec("build", "alpha.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "alpha.yaml:5:12: Dense argument 'units' must be ≥ 1; received 0\n"
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == ["CURRENT", "alpha"]
    assert [(out / name).read_text() for name in FILES] == FILES


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
