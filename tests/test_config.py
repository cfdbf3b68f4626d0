"""Configuration files: where pipfix finds them, what beats what, and the errors it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipfix.config import rule_codes
from tests.cli_support import PYTHON_M_PIPFIX, run, stderr_lines, write  # noqa: F401 (run)

FLASK = "FROM python:3.12\nRUN pip install flask\n"
FLASK_FLAG = "FROM python:3.12\nRUN pip install --no-cache-dir flask\n"
FLASK_ENV = "FROM python:3.12\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n"


@pytest.fixture
def command() -> list[str]:
    return PYTHON_M_PIPFIX


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository root (it holds .git) with a Dockerfile to fix in sub/."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    write(tmp_path / "repo" / "sub" / "Dockerfile", FLASK)
    return tmp_path / "repo"


def fixed_text(run, cwd: Path, *args: str) -> str:
    """What pipfix makes of sub/Dockerfile (standard input, named sub/Dockerfile)."""
    process = run(*args, "--stdin-filename", "sub/Dockerfile", "-", stdin=FLASK.encode(), cwd=cwd)
    assert process.returncode == 0, process.stderr
    return process.stdout.decode()


# --- where the file is found ---


def test_pyproject_tool_pipfix(run, repo):
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.pipfix]\nstrategy = "env"\n')
    assert fixed_text(run, repo) == FLASK_ENV


def test_pipfix_toml_wins_over_pyproject_and_dot_pipfix_toml_over_both(run, repo):
    write(repo / "pyproject.toml", '[tool.pipfix]\nstrategy = "env"\n')
    write(repo / "pipfix.toml", 'strategy = "flag"\n')
    assert fixed_text(run, repo) == FLASK_FLAG
    write(repo / ".pipfix.toml", 'strategy = "env"\n')
    assert fixed_text(run, repo) == FLASK_ENV


def test_the_closest_file_wins_and_files_are_not_merged(run, repo):
    write(repo / "pipfix.toml", 'strategy = "env"\nignore = ["PIP003"]\n')
    write(repo / "sub" / "pipfix.toml", 'ignore = ["PIP002"]\n')
    assert fixed_text(run, repo) == FLASK_FLAG  # sub/pipfix.toml sets no strategy


def test_a_pyproject_without_tool_pipfix_is_passed_over(run, repo):
    write(repo / "pipfix.toml", 'strategy = "env"\n')
    write(repo / "sub" / "pyproject.toml", "[tool.black]\nline-length = 100\n")
    assert fixed_text(run, repo) == FLASK_ENV


def test_the_search_stops_at_the_repository_root(run, repo):
    write(repo.parent / "pipfix.toml", 'strategy = "env"\n')
    assert fixed_text(run, repo) == FLASK_FLAG


def test_the_search_starts_in_the_files_common_directory(run, repo):
    write(repo / "sub" / "pipfix.toml", 'strategy = "env"\n')
    process = run("--write", "sub/Dockerfile", cwd=repo)
    assert process.returncode == 0
    assert (repo / "sub" / "Dockerfile").read_text() == FLASK_ENV


def test_verbose_names_the_file_used(run, repo):
    write(repo / "pipfix.toml", 'strategy = "env"\n')
    process = run("-v", "--check", "sub", cwd=repo)
    assert stderr_lines(process)[0] == f"using configuration {repo / 'pipfix.toml'}"


def test_config_option_uses_that_file_only(run, repo, tmp_path):
    write(repo / "pipfix.toml", 'strategy = "flag"\n')
    write(tmp_path / "elsewhere" / "settings.toml", 'strategy = "env"\n')
    assert fixed_text(run, repo, "--config", str(tmp_path / "elsewhere" / "settings.toml")) == FLASK_ENV
    write(tmp_path / "elsewhere" / "pyproject.toml", '[tool.pipfix]\nstrategy = "env"\n')
    assert fixed_text(run, repo, "--config", "../elsewhere/pyproject.toml") == FLASK_ENV


def test_isolated_ignores_every_file(run, repo):
    write(repo / "pipfix.toml", 'strategy = "env"\n')
    assert fixed_text(run, repo, "--isolated") == FLASK_FLAG


# --- precedence: command line > file > defaults ---


def test_the_command_line_beats_the_file(run, repo):
    write(repo / "pipfix.toml", 'strategy = "env"\nrespect-gitignore = false\n')
    assert fixed_text(run, repo, "--strategy", "flag") == FLASK_FLAG


def test_ignore_from_the_file_and_the_command_line_add_up(run, repo):
    write(repo / "sub" / "Dockerfile", FLASK + "RUN uv pip install x\nENV PIP_NO_CACHE_DIR=bad\n")
    write(repo / "pipfix.toml", 'ignore = ["PIP001"]\n')
    codes = {line.split()[1] for line in run("--check", cwd=repo).stdout.decode().splitlines()}
    assert codes == {"PIP002", "PIP003"}
    process = run("--check", "--ignore", "PIP002", cwd=repo)
    assert [line.split()[1] for line in process.stdout.decode().splitlines()] == ["PIP003"]


def test_select_from_the_file_is_replaced_by_the_command_line_and_ignore_still_applies(run, repo):
    write(repo / "sub" / "Dockerfile", FLASK + "RUN uv pip install x\nENV PIP_NO_CACHE_DIR=bad\n")
    write(repo / "pipfix.toml", 'select = ["PIP001", "pip002"]\nignore = ["PIP001"]\n')

    def codes(*args: str) -> list[str]:
        return [line.split()[1] for line in run("--check", *args, cwd=repo).stdout.decode().splitlines()]

    assert codes() == ["PIP002"]
    assert codes("--select", "PIP003,PIP001") == ["PIP003"]


def test_exclude_keys(run, repo):
    for name in ("vendor/Dockerfile", "third_party/Dockerfile", ".venv/Dockerfile"):
        write(repo / name, FLASK)
    write(repo / "pipfix.toml", 'extend-exclude = ["vendor/"]\n')

    def found(*args: str) -> set[str]:
        process = run("--check", *args, cwd=repo)
        return {line.split(":")[0] for line in process.stdout.decode().splitlines()}

    assert found() == {"sub/Dockerfile", "third_party/Dockerfile"}
    assert found("--extend-exclude", "third_party") == {"sub/Dockerfile"}
    write(repo / "pipfix.toml", 'exclude = ["vendor/"]\n')  # replaces the defaults
    assert found() == {"sub/Dockerfile", "third_party/Dockerfile", ".venv/Dockerfile"}
    assert found("--exclude", "sub/") == {"vendor/Dockerfile", "third_party/Dockerfile", ".venv/Dockerfile"}


def test_exclude_patterns_are_relative_to_the_configuration_file(run, repo):
    write(repo / "docker" / "Dockerfile", FLASK)
    write(repo / "pipfix.toml", 'extend-exclude = ["/docker/"]\n')
    process = run("--check", ".", cwd=repo / "sub")
    assert process.stdout.startswith(b"Dockerfile:2:5: PIP001")
    process = run("--check", "..", cwd=repo / "sub")
    assert {line.split(b":")[0] for line in process.stdout.splitlines()} == {b"../sub/Dockerfile"}


def test_respect_gitignore_key(run, repo):
    write(repo / ".gitignore", "sub/\n")
    assert run("--check", cwd=repo).returncode == 0
    write(repo / "pipfix.toml", "respect-gitignore = false\n")
    assert run("--check", cwd=repo).returncode == 1
    assert run("--check", "--respect-gitignore", cwd=repo).returncode == 0


# --- errors: exit 2, naming the file, the key and what is allowed ---


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            'strategi = "env"\n',
            "unknown key 'strategi' in the file; allowed keys: strategy, exclude, extend-exclude, "
            "select, ignore, respect-gitignore",
        ),
        ('strategy = "both"\n', "bad value for 'strategy': 'both'; allowed: 'flag' or 'env' or 'mount'"),
        ("strategy = 1\n", "bad value for 'strategy': 1; allowed: 'flag' or 'env' or 'mount'"),
        ('exclude = "vendor/"\n', "bad value for 'exclude': 'vendor/'; allowed: a list of gitignore-style patterns"),
        (
            'ignore = ["PIP999"]\n',
            "bad value for 'ignore': ['PIP999']; allowed: a list of rule codes among " + ", ".join(rule_codes()),
        ),
        ('respect-gitignore = "yes"\n', "bad value for 'respect-gitignore': 'yes'; allowed: true or false"),
        (
            'select = "PIP001"\n',
            f"bad value for 'select': 'PIP001'; allowed: a list of rule codes among {', '.join(rule_codes())}",
        ),
    ],
)
def test_errors_name_the_file_the_key_and_what_is_allowed(run, repo, content, expected):
    write(repo / "pipfix.toml", content)
    process = run("--check", cwd=repo)
    assert (process.returncode, process.stdout) == (2, b"")
    assert stderr_lines(process) == [f"error: {repo / 'pipfix.toml'}: {expected}"]


def test_an_unknown_key_in_pyproject(run, repo):
    write(repo / "pyproject.toml", "[tool.pipfix]\nline-length = 100\n")
    process = run("-", stdin=FLASK.encode(), cwd=repo)
    assert (process.returncode, process.stdout) == (2, b"")
    assert stderr_lines(process)[0].startswith(
        f"error: {repo / 'pyproject.toml'}: unknown key 'line-length' in [tool.pipfix]; "
    )


def test_a_file_that_is_not_toml(run, repo):
    write(repo / "pipfix.toml", "strategy = \n")
    process = run("--check", cwd=repo)
    assert (process.returncode, process.stdout) == (2, b"")
    assert stderr_lines(process)[0].startswith(f"error: {repo / 'pipfix.toml'}: not valid TOML: ")


def test_a_missing_config_option_file(run, repo):
    process = run("--config", "missing.toml", cwd=repo)
    assert (process.returncode, process.stdout) == (2, b"")
    assert stderr_lines(process) == ["error: missing.toml: no such file or directory"]


def test_a_changed_file_is_read_again(tmp_path):
    # the language server looks the configuration up on every request; it keeps what it read
    # only while the file stays the same
    import os

    from pipfix.config import load_config

    path = tmp_path / "pipfix.toml"
    path.write_text('strategy = "env"\n')
    assert load_config(path).strategy == "env"
    path.write_text('strategy = "flag"\nignore = ["PIP003"]\n')
    assert load_config(path).ignore == {"PIP003"}
    status = path.stat()
    path.write_text('strategy = "flag"\nignore = ["PIP004"]\n')  # the same size
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000))
    assert load_config(path).ignore == {"PIP004"}
