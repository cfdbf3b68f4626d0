"""The GitHub Action (action.yml): its steps run as GitHub runs a composite action's bash steps,
`bash --noprofile --norc -eo pipefail` on the step's `run`, with the step's `env` (the inputs
substituted into its `${{ inputs.NAME }}` expressions) and what the runner provides:
GITHUB_ACTION_PATH (the action's checkout: a copy of this tree), RUNNER_TEMP, GITHUB_WORKSPACE
(the working directory). The install step installs pipfix for real (it needs PyPI)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.cli_support import SOURCE_ROOT
from tests.install_support import INSTALL_TIMEOUT, source_tree

ACTION = yaml.safe_load((SOURCE_ROOT / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]
FLASK = "FROM python:3.12\nRUN pip install flask\n"
FLASK_FLAG = "FROM python:3.12\nRUN pip install --no-cache-dir flask\n"
ANNOTATION = (
    "::warning file=Dockerfile,line=2,col=5,endLine=2,endColumn=8,title=PIP001 pip-keeps-cache::"
    "PIP001 `pip install` keeps its download cache in the image layer"
)


def test_the_action_is_composite_with_bash_steps_that_read_inputs_from_the_environment():
    assert ACTION["runs"]["using"] == "composite"
    assert [step["name"] for step in STEPS] == ["Install pipfix", "pipfix --check"]
    for step in STEPS:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"]  # inputs reach the script only through env, never spliced into it
    used = {name for step in STEPS for value in step.get("env", {}).values() for name in expressions(value)}
    assert used == set(ACTION["inputs"])


def expressions(value: str) -> list[str]:
    return re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", value)


class Runner:
    """A GitHub runner for this action: the action's checkout, RUNNER_TEMP and a workspace."""

    def __init__(self, root: Path) -> None:
        self.action_path = source_tree(root / "action")
        self.temp = root / "runner-temp"
        self.temp.mkdir()

    def step(self, index: int, workspace: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
        given = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs
        step = STEPS[index]
        env = {
            **os.environ,
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "GITHUB_ACTION_PATH": str(self.action_path),
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_WORKSPACE": str(workspace),
        }
        for name, value in step.get("env", {}).items():
            env[name] = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda match: given[match.group(1)], str(value))
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
        )


@pytest.fixture(scope="module")
def runner(tmp_path_factory) -> Runner:
    """A runner on which the install step ran."""
    installed = Runner(tmp_path_factory.mktemp("runner"))
    process = installed.step(0, installed.temp)
    assert process.returncode == 0, process.stderr
    assert process.stdout.splitlines()[-1].startswith("pipfix ")
    return installed


@pytest.fixture
def workspace(tmp_path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text(FLASK)
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "Dockerfile").write_text(FLASK_FLAG)
    return tmp_path


def test_findings_become_annotations_and_fail_the_step(runner, workspace):
    process = runner.step(1, workspace)
    assert process.returncode == 1
    assert process.stdout.splitlines() == [ANNOTATION]
    assert process.stderr.splitlines()[-1].startswith("1 file would be fixed, 1 unchanged; 1 finding")
    assert (workspace / "Dockerfile").read_text() == FLASK  # --check writes nothing


def test_a_clean_tree_passes(runner, workspace):
    process = runner.step(1, workspace, paths="clean")
    assert (process.returncode, process.stdout) == (0, "")


def test_paths_and_args_are_split_at_blanks(runner, workspace):
    process = runner.step(1, workspace, paths="clean\n  Dockerfile", args="--select PIP002  --isolated")
    assert (process.returncode, process.stdout) == (0, "")
    star = runner.step(1, workspace, paths="*")  # never globbed
    assert star.returncode == 2
    assert "error: cannot fix *: " in star.stderr


def test_a_sarif_report_when_asked(runner, workspace):
    process = runner.step(1, workspace, **{"sarif-file": "reports/pipfix.sarif"})
    assert process.returncode == 2  # its directory does not exist: an error, said so
    assert "cannot write reports/pipfix.sarif" in process.stderr
    (workspace / "reports").mkdir()
    process = runner.step(1, workspace, **{"sarif-file": "reports/pipfix.sarif"})
    assert process.returncode == 1
    assert process.stdout.splitlines() == [ANNOTATION]  # the annotations too
    log = json.loads((workspace / "reports" / "pipfix.sarif").read_text())
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "PIP001"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"


def test_the_configuration_of_the_repository_applies(runner, workspace):
    (workspace / "pipfix.toml").write_text('ignore = ["PIP001"]\n')
    assert runner.step(1, workspace).returncode == 0
