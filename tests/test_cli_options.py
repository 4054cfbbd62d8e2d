"""Every option of every command: a bad value is a one-line usage error (exit 2); shell completion works.

The options are found by introspecting the command app, so commands added later are covered too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import typer

from netspec.cli.app import app

from conftest import ROOT, SPECS, assert_clean_failure, run_netspec

GROUP = typer.main.get_command(app)


def _options():
    for name, command in sorted(GROUP.commands.items()):
        for param in command.params:
            if param.param_type_name == "option":
                yield name, param


def _bad_values(param) -> list[tuple[str, list[str]]]:
    """(bad value, words the one-line message must contain) for a choice-typed or numeric option."""
    kind = param.type.name  # click's names: choice, int range, integer, float, ...
    flag = max(param.opts, key=len)
    if kind == "choice":
        return [("not-a-choice", [flag, *map(str, param.type.choices)])]
    if kind.split()[0] in ("int", "integer", "float"):
        low, high = getattr(param.type, "min", None), getattr(param.type, "max", None)
        out = [("abc", [flag, "'abc' is not a valid"])]
        out.append(
            (str(low - 1), [flag, f"{low}<=x" if high is not None else f"x>={low}"])
            if low is not None
            else ("-1", [flag])
        )
        if high is not None:
            out.append((str(high + 1), [flag, f"x<={high}"]))
        return out
    return []


CASES = [
    pytest.param(command, max(param.opts, key=len), value, words, id=f"{command} {max(param.opts, key=len)} {value}")
    for command, param in _options()
    for value, words in _bad_values(param)
]
GPU_LISTS = ["x", "0,x", "0,0", "-1", ",", "1.5"]


def test_the_app_has_choice_and_count_options_to_check():
    flags = {case.values[:2] for case in CASES}
    for expected in [
        ("summary", "--format"),
        ("validate", "--format"),
        ("diagram", "--direction"),
        ("train", "--precision"),
        ("train", "--epochs"),
        ("predict", "--top"),
    ]:
        assert expected in flags


@pytest.mark.parametrize("command,flag,value,words", CASES)
def test_a_bad_option_value_is_one_line_and_exit_2(command, flag, value, words, tmp_path):
    result = run_netspec(command, f"{flag}={value}", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("netspec: error: Invalid value for "), result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


@pytest.mark.parametrize("value", GPU_LISTS)
def test_a_malformed_gpu_list_is_one_line_and_exit_2(value, tmp_path):
    result = run_netspec("train", SPECS / "lenet5.yaml", f"--gpu={value}", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert result.stderr == (
        f"netspec: error: Invalid value for '--gpu': '{value}' "
        f"(expected {'distinct ' if value in ('0,0', '-1', ',') else ''}GPU numbers such as 0 or 0,1) "
        "(see `netspec train -h`)\n"
    )


def test_summary_format_xml_is_a_usage_error_naming_the_choices(tmp_path):
    result = run_netspec("summary", SPECS / "lenet5.yaml", "--format", "xml", cwd=tmp_path)
    assert_clean_failure(result, 2)
    assert result.stderr == (
        "netspec: error: Invalid value for '--format': 'xml' is not one of 'text', 'markdown', 'json' "
        "(see `netspec summary -h`)\n"
    )


def test_unknown_options_commands_and_missing_arguments_are_one_line(tmp_path):
    for argv, line in [
        (["summary", "--bogus"], "No such option: --bogus (see `netspec summary -h`)"),
        (["sumary"], "No such command 'sumary'. Did you mean 'summary'? (see `netspec -h`)"),
        (["build"], "Missing argument 'spec' (see `netspec build -h`)"),
    ]:
        result = run_netspec(*argv, cwd=tmp_path)
        assert_clean_failure(result, 2)
        assert result.stderr == f"netspec: error: {line}\n"


def _complete(env: dict, cwd=ROOT) -> list[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    result = subprocess.run(
        [sys.executable, "-m", "netspec"], env=full, cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def bash(line: str, cwd=ROOT) -> list[str]:
    words = line.split(" ")
    return _complete({"_NETSPEC_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}, cwd)


def test_show_completion_from_bash_prints_the_bash_script():
    """--show-completion detects the shell it is run from, as a user's `netspec --show-completion` does."""
    result = subprocess.run(
        ["bash", "-c", f"'{sys.executable}' -m netspec --show-completion"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert "_NETSPEC_COMPLETE=complete_bash" in result.stdout
    assert result.stdout.rstrip().endswith("complete -o default -F _netspec_completion netspec")


def test_bash_completes_commands_options_choices_and_spec_files(tmp_path):
    assert bash("netspec su") == ["summary"]
    assert set(bash("netspec ")) >= {"build", "summary", "diagram", "train", "validate", "eject"}
    assert "--batch-size" in bash("netspec summary --b")
    assert bash("netspec summary --format ") == ["text", "markdown", "json"]
    assert bash("netspec train x --precision mixed") == ["mixed_float16", "mixed_bfloat16"]
    assert bash("netspec diagram specs/lenet5.yaml --direction ") == ["TB", "LR"]
    assert bash("netspec build specs/cifar") == ["specs/cifar_deep15.yaml", "specs/cifar_deep15_concise.yaml"]
    (tmp_path / "nets").mkdir()
    for name in ("a.yaml", "b.yml", "notes.txt"):
        (tmp_path / "nets" / name).write_text("")
    assert bash("netspec diagram ", cwd=tmp_path) == ["nets/"]
    assert bash("netspec diagram nets/", cwd=tmp_path) == ["nets/a.yaml", "nets/b.yml"]


def test_zsh_and_fish_complete_choices():
    zsh = _complete({"_NETSPEC_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "netspec summary --format "})
    assert all(choice in "\n".join(zsh) for choice in ("text", "markdown", "json"))
    fish = _complete(
        {
            "_NETSPEC_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            "_TYPER_COMPLETE_ARGS": "netspec train --precision ",
        }
    )
    assert fish == ["auto", "float32", "mixed_float16", "mixed_bfloat16"]


def test_every_command_that_reads_a_spec_takes_set_and_the_readme_names_exactly_those():
    reading = sorted(
        name
        for name, command in GROUP.commands.items()
        if any(p.name in ("spec", "specs") for p in command.params if p.param_type_name == "argument")
    )
    for name in reading:
        assert "--set" in {opt for p in GROUP.commands[name].params for opt in p.opts}, name
    readme = (ROOT / "README.md").read_text()
    sentence = re.search(r"The commands that read a spec\n\((.+?)\) take\n`--set", readme, re.S)
    assert sentence, "README.md lacks the sentence naming the commands that take --set"
    assert sorted(re.findall(r"`([a-z-]+)`", sentence.group(1))) == reading
