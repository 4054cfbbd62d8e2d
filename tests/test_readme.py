"""The README's two set-up commands and CI stay one and the same."""

from __future__ import annotations

import re
import subprocess

from conftest import ROOT, run_netspec


def block(marker: str) -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(rf"<!-- {marker} -->\n```sh\n(.+?)\n```\n<!-- /{marker} -->", text, re.S)
    assert match, f"README.md lacks the {marker} block"
    return match.group(1)


def test_ci_runs_exactly_the_readme_test_command():
    extracted = subprocess.run(
        [
            "bash",
            "-c",
            "sed -n '/<!-- test-command -->/,/<!-- \\/test-command -->/p' README.md | grep -v -e '^<!--' -e '^```'",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert extracted == block("test-command")
    assert "README.md" in (ROOT / ".ci" / "run").read_text()


def test_setup_commands_install_what_they_need():
    for marker in ("main-command", "test-command"):
        command = block(marker)
        assert "apt-get install -y graphviz" in command  # the `dot` program
        assert "pip install -e ." in command or "pip install -e '.[dev]'" in command
    assert block("main-command").endswith("netspec build specs/cifar_deep15.yaml")
    assert block("test-command").endswith("python -m pytest")


def test_readme_table_excerpt_is_what_summary_prints():
    text = (ROOT / "README.md").read_text()
    excerpt = text.split('Model "cifar_deep15" (verified by Keras)\n', 1)[1].split("```", 1)[0]
    printed = run_netspec("summary", ROOT / "specs" / "cifar_deep15.yaml").stdout
    for line in excerpt.splitlines():
        if line.strip() and line.strip() != "...":
            assert line in printed.splitlines(), line
