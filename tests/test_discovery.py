"""Which files pipfix finds under a directory, and which it leaves out: real processes on
temporary trees."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipfix.discovery import DEFAULT_EXCLUDE, Filters, discover
from tests.cli_support import PYTHON_M_PIPFIX, SOURCE_ROOT, run, stderr_lines, write  # noqa: F401 (run)

FLASK = "FROM python:3.12\nRUN pip install flask\n"
FLASK_FLAG = "FROM python:3.12\nRUN pip install --no-cache-dir flask\n"


@pytest.fixture
def command() -> list[str]:
    return PYTHON_M_PIPFIX


def reported(process) -> list[str]:
    """The files named in --check output, in order, each once."""
    names = [line.split(b":")[0].decode() for line in process.stdout.splitlines()]
    return list(dict.fromkeys(names))


def make_tree(root: Path, names: list[str], text: str = FLASK) -> None:
    for name in names:
        write(root / name, text)


def git_repository(root: Path) -> Path:
    (root / ".git" / "info").mkdir(parents=True)
    return root


@pytest.mark.parametrize(
    "name",
    [
        "Dockerfile",
        "dockerfile",
        "DOCKERFILE",
        "Dockerfile.prod",
        "dockerfile.Dev",
        "api.Dockerfile",
        "api.DOCKERFILE",
        "web.dockerfile",
        "Containerfile",
        "containerfile",
        "Containerfile.test",
        "worker.containerfile",
        "worker.ContainerFile",
        "Dockerfile-dev",
        "dockerfile_prod",
        "Containerfile-test",
        "CONTAINERFILE_ci",
        "Dockerfile.cpp",
        "Dockerfile.j2",
    ],
)
def test_every_name_pattern_in_any_case(run, tmp_path, name):
    make_tree(tmp_path, [f"deep/er/{name}"])
    assert reported(run("--check")) == [f"deep/er/{name}"]


@pytest.mark.parametrize(
    "name",
    [
        "Dockerfile.dockerignore",
        "Containerfile.containerignore",
        "Dockerfilex",
        "myDockerfile",
        "notes.txt",
        "docker-compose.yml",
        "dockerfile.py",
        "dockerfile_test.go",
        "Dockerfile-parser.js",
        "Dockerfile.md",
        "dockerfile_requirements.txt",
        "Containerfile-lint.yaml",
    ],
)
def test_other_names_are_not_searched(run, tmp_path, name):
    make_tree(tmp_path, [name])
    process = run("--check")
    assert (process.returncode, process.stdout) == (0, b"")
    assert stderr_lines(process) == ["no Dockerfiles found"]


def test_hidden_directories_are_searched_but_not_git(run, tmp_path):
    make_tree(
        tmp_path, [".devcontainer/Dockerfile", ".github/docker/Dockerfile", ".git/Dockerfile", "sub/.git/Dockerfile"]
    )
    assert reported(run("--check")) == [".devcontainer/Dockerfile", ".github/docker/Dockerfile"]


def test_output_is_sorted_and_each_file_once(run, tmp_path):
    make_tree(tmp_path, ["b/Dockerfile", "a/Dockerfile", "Dockerfile"])
    process = run("--check", "b", ".", "a/Dockerfile", "b/Dockerfile")
    assert reported(process) == ["Dockerfile", "a/Dockerfile", "b/Dockerfile"]


def test_files_are_sorted_as_paths_are_component_by_component(tmp_path, monkeypatch):
    """Strings, in the order and spelling of sorted(set(map(Path, ...))): `a/b` before `a.b`
    ('/' sorts after '.' in a string, not between components), no `./` from a search of `.`."""
    names = [
        "a/Dockerfile",
        "a.b/Dockerfile",
        "a-b/Dockerfile",
        "a/b/Dockerfile",
        "ab/Dockerfile",
        "B/Dockerfile",
        "a b/Dockerfile",
        "a/Dockerfile.dev",
        "Dockerfile",
    ]
    make_tree(tmp_path, names)
    monkeypatch.chdir(tmp_path)
    filters = Filters(root=tmp_path, exclude=DEFAULT_EXCLUDE)
    found = discover([Path("."), Path("a/./Dockerfile"), Path("a.b")], filters)
    assert found.files == [str(path) for path in sorted(set(map(Path, names)))]
    assert discover([Path("a")], filters).files == ["a/Dockerfile", "a/Dockerfile.dev", "a/b/Dockerfile"]


# --- .gitignore ---


def test_gitignore_files_in_a_repository(run, tmp_path):
    git_repository(tmp_path)
    write(tmp_path / ".gitignore", "build/\n*.local.Dockerfile\n")
    write(tmp_path / "app" / ".gitignore", "!keep.local.Dockerfile\ngenerated/\n")
    write(tmp_path / ".git" / "info" / "exclude", "scratch/\n")
    make_tree(
        tmp_path,
        [
            "Dockerfile",
            "build/Dockerfile",
            "sub/build/Dockerfile",
            "x.local.Dockerfile",
            "app/keep.local.Dockerfile",
            "app/other.local.Dockerfile",
            "app/generated/Dockerfile",
            "generated/Dockerfile",
            "scratch/Dockerfile",
        ],
    )
    assert reported(run("--check")) == [
        "Dockerfile",
        "app/keep.local.Dockerfile",
        "generated/Dockerfile",
    ]
    assert len(reported(run("--check", "--no-respect-gitignore"))) == 9


def test_gitignore_above_the_searched_directory_counts_up_to_the_repository_root(run, tmp_path):
    git_repository(tmp_path / "repo")
    write(tmp_path / "repo" / ".gitignore", "build/\n")
    write(tmp_path / ".gitignore", "*\n")  # outside the repository: not git's business
    make_tree(tmp_path / "repo", ["src/Dockerfile", "src/build/Dockerfile"])
    assert reported(run("--check", "src", cwd=tmp_path / "repo")) == ["src/Dockerfile"]


def test_gitignore_outside_a_repository_is_not_used(run, tmp_path):
    write(tmp_path / ".gitignore", "build/\n")
    make_tree(tmp_path, ["build/Dockerfile"])
    assert reported(run("--check")) == ["build/Dockerfile"]


def test_verbose_names_the_ignoring_file(run, tmp_path):
    git_repository(tmp_path)
    write(tmp_path / ".gitignore", "build/\n")
    make_tree(tmp_path, ["build/Dockerfile"])
    process = run("-v", "--check")
    assert stderr_lines(process)[0] == f"skipped build: ignored by {tmp_path / '.gitignore'}"


# --- excludes ---


def test_default_excludes(run, tmp_path):
    make_tree(tmp_path, [".venv/Dockerfile", "node_modules/pkg/Dockerfile", ".tox/py/Dockerfile", "app/Dockerfile"])
    assert reported(run("--check")) == ["app/Dockerfile"]


def test_exclude_replaces_the_defaults_and_extend_exclude_adds(run, tmp_path):
    make_tree(tmp_path, [".venv/Dockerfile", "app/Dockerfile", "vendor/Dockerfile", "app/test.Dockerfile"])
    assert reported(run("--check", "--exclude", "vendor")) == [
        ".venv/Dockerfile",
        "app/Dockerfile",
        "app/test.Dockerfile",
    ]
    assert reported(run("--check", "--extend-exclude", "vendor/", "--extend-exclude", "test.*")) == ["app/Dockerfile"]


def test_anchored_and_negated_patterns(run, tmp_path):
    make_tree(tmp_path, ["docker/Dockerfile", "app/docker/Dockerfile", "ci.Dockerfile", "prod.Dockerfile"])
    process = run("--check", "--exclude", "/docker/", "--exclude", "*.Dockerfile", "--exclude", "!prod.Dockerfile")
    assert reported(process) == ["app/docker/Dockerfile", "prod.Dockerfile"]


def test_named_files_are_processed_unless_force_exclude(run, tmp_path):
    git_repository(tmp_path)
    write(tmp_path / ".gitignore", "ignored.Dockerfile\n")
    make_tree(tmp_path, ["vendor/Dockerfile", "ignored.Dockerfile"])
    named = ["--extend-exclude", "vendor/", "vendor/Dockerfile", "ignored.Dockerfile"]
    assert reported(run("--check", *named)) == ["ignored.Dockerfile", "vendor/Dockerfile"]
    process = run("--check", "--force-exclude", *named)
    assert (process.returncode, process.stdout) == (0, b"")
    assert stderr_lines(process) == ["no Dockerfiles found"]


def test_force_exclude_on_a_named_directory(run, tmp_path):
    make_tree(tmp_path, ["vendor/Dockerfile"])
    assert reported(run("--check", "--extend-exclude", "vendor", "vendor")) == ["vendor/Dockerfile"]
    assert reported(run("--check", "--extend-exclude", "vendor", "--force-exclude", "vendor")) == []


@pytest.mark.parametrize(("args", "stdout"), [([], FLASK.encode()), (["--check"], b"")])
def test_an_excluded_stdin_filename_is_passed_through(run, args, stdout):
    process = run(
        *args,
        "--force-exclude",
        "--extend-exclude",
        "vendor/",
        "--stdin-filename",
        "vendor/Dockerfile",
        "-",
        stdin=FLASK.encode(),
    )
    assert (process.returncode, process.stdout, process.stderr) == (0, stdout, b"")


def test_a_kept_stdin_filename_is_fixed(run):
    process = run(
        "--force-exclude",
        "--extend-exclude",
        "vendor/",
        "--stdin-filename",
        "app/Dockerfile",
        "-",
        stdin=FLASK.encode(),
    )
    assert (process.returncode, process.stdout) == (0, FLASK_FLAG.encode())


# --- symbolic links ---


def test_a_symlink_loop_does_not_hang(run, tmp_path):
    make_tree(tmp_path, ["a/Dockerfile"])
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "a" / "up").symlink_to(tmp_path, target_is_directory=True)
    process = run("--check")  # the run fixture times out a hang
    assert reported(process) == ["a/Dockerfile"]


def test_a_symlinked_dockerfile_is_processed(run, tmp_path):
    target = write(tmp_path / "shared" / "base.txt", FLASK)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").symlink_to(target)
    assert reported(run("--check")) == ["app/Dockerfile"]


_NAMES = st.sampled_from(["venv", ".venv", "node_modules", "build", "a.b", "x_1", "Dockerfile", "docker-file"])


@settings(max_examples=500, deadline=None)
@given(
    patterns=st.lists(st.tuples(_NAMES, st.booleans()).map(lambda p: p[0] + "/" * p[1]), min_size=1, max_size=5),
    parts=st.lists(_NAMES, min_size=1, max_size=4),
    is_dir=st.booleans(),
)
def test_name_patterns_match_as_pathspec_matches_them(patterns, parts, is_dir) -> None:
    # plain-name patterns (all the default ones) are matched without pathspec
    from pathspec import GitIgnoreSpec

    relative = "/".join(parts) + "/" * is_dir
    result = GitIgnoreSpec.from_lines(patterns).check_file(relative)
    expected = result.index if result.include else None
    assert Filters(Path("."), tuple(patterns)).excluding(relative) == expected


def test_a_pattern_with_more_than_a_name_goes_to_pathspec() -> None:
    filters = Filters(Path("."), ("venv", "sub/*.Dockerfile"))
    assert filters.excluding("sub/x.Dockerfile") == 1
    assert filters.excluding("other/sub/x.Dockerfile") is None
    assert filters.excluding("a/venv/Dockerfile") == 0


NAMES = [
    "Dockerfile",
    "Dockerfile.dev",
    "Dockerfile-dev",
    "Dockerfile_prod",
    "api.Dockerfile",
    "Containerfile",
    "containerfile_ci",
    "Dockerfile.cpp",
    "Dockerfile.dockerignore",
    "app.containerignore",
    "dockerfile.py",
    "dockerfile_test.go",
    "Dockerfile-parser.js",
    "Dockerfile.md",
    "Dockerfiles",
    "Dockerfile.",
    "docker-compose.yml",
]


@pytest.mark.parametrize("hook", ["pipfix", "pipfix-check"])
def test_the_pre_commit_hooks_pass_the_names_a_search_finds(hook):
    import re

    import yaml

    from pipfix.discovery import NOT_DOCKERFILE_EXTENSIONS, is_dockerfile_name

    manifest = (SOURCE_ROOT / ".pre-commit-hooks.yaml").read_text()
    files = re.compile(next(entry["files"] for entry in yaml.safe_load(manifest) if entry["id"] == hook))
    names = NAMES + [f"Dockerfile.{extension.upper()}" for extension in NOT_DOCKERFILE_EXTENSIONS]
    for name in names:
        for path in (name, f"sub/dir/{name}"):
            assert bool(files.search(path)) is is_dockerfile_name(name), path
