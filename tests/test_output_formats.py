"""--output-format json, sarif, github and gitlab: real processes, checked against the schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipfix.render.github import escape_data, escape_property
from pipfix.rules import RULES
from tests.cli_support import PYTHON_M_PIPFIX, run, write  # noqa: F401 (run)

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
JSON_SCHEMA = json.loads((ROOT / "schemas" / "pipfix-json.schema.json").read_text())

# Fixable findings on lines 2 (twice) and 4, advisory ones on lines 3 and 7; a BOM, CRLF endings,
# a continuation line and a non-ASCII character before a finding on its line.
MIXED = (
    "\ufeffFROM python:3.12\r\n"
    "RUN pip install flask && uv pip install --system x\r\n"
    "RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir y\r\n"
    "RUN echo é && python3 -m pip install \\\r\n"
    "    requests\r\n"
    "FROM alpine AS other\r\n"
    "ENV PIP_NO_CACHE_DIR=bogus\r\n"
)
TWIN = "FROM python:3.12\nRUN pip install a\nRUN pip install a\n"


@pytest.fixture
def command() -> list[str]:
    return PYTHON_M_PIPFIX


@pytest.fixture
def tree(tmp_path) -> Path:
    write(tmp_path / "app" / "Dockerfile", MIXED)
    write(tmp_path / "twin.Dockerfile", TWIN)
    write(tmp_path / "clean.Dockerfile", "FROM alpine\n")
    return tmp_path


def fixed_by_write(run, tmp_path: Path, name: str) -> str:
    """What --write makes of tree file `name`, in a copy of it."""
    copy = write(tmp_path / "copy" / Path(name).name, (tmp_path / name).read_bytes())
    assert run("--write", "-q", str(copy)).returncode == 0
    return copy.read_bytes().decode()


def report(run, output_format: str, *args: str) -> tuple[int, object]:
    process = run("--check", "--output-format", output_format, *args)
    assert process.stdout.endswith(b"\n")
    if output_format == "github":
        return process.returncode, process.stdout.decode()
    return process.returncode, json.loads(process.stdout)


# --- json ---


def test_json_matches_its_documented_schema_and_its_edits_reproduce_the_fix(run, tree):
    status, findings = report(run, "json")
    assert status == 1
    jsonschema.Draft202012Validator(JSON_SCHEMA).validate(findings)
    assert [(f["file"], f["line"], f["code"]) for f in findings] == [
        ("app/Dockerfile", 2, "PIP001"),
        ("app/Dockerfile", 2, "PIP002"),
        ("app/Dockerfile", 3, "PIP004"),
        ("app/Dockerfile", 4, "PIP001"),
        ("app/Dockerfile", 7, "PIP003"),
        ("twin.Dockerfile", 2, "PIP001"),
        ("twin.Dockerfile", 3, "PIP001"),
    ]
    for name in ("app/Dockerfile", "twin.Dockerfile"):
        text = (tree / name).read_bytes().decode()
        edits = [edit for f in findings if f["file"] == name and f["fix"] for edit in f["fix"]["edits"]]
        for edit in sorted(edits, key=lambda edit: edit["offset"], reverse=True):
            assert line_column_offset(text, edit["line"], edit["column"]) == edit["offset"]
            text = text[: edit["offset"]] + edit["insert"] + text[edit["offset"] :]
        assert text == fixed_by_write(run, tree, name)


def test_json_positions(run, tree):
    _, findings = report(run, "json", "app/Dockerfile")
    by_line = {(f["line"], f["code"]): f for f in findings}
    python = by_line[(4, "PIP001")]
    assert (python["column"], python["end"]) == (15, {"line": 4, "column": 22})  # python3, after é
    setting = by_line[(7, "PIP003")]
    assert (setting["column"], setting["end"], setting["fix"]) == (5, {"line": 7, "column": 27}, None)
    assert by_line[(2, "PIP001")]["name"] == "pip-keeps-cache"
    assert by_line[(2, "PIP001")]["fix"]["edits"] == [
        {"offset": 34, "line": 2, "column": 16, "insert": " --no-cache-dir"}
    ]


def test_json_of_standard_input_uses_the_stdin_filename(run):
    process = run("--check", "--output-format", "json", "--stdin-filename", "x/Dockerfile", "-", stdin=TWIN.encode())
    assert process.returncode == 1
    assert {f["file"] for f in json.loads(process.stdout)} == {"x/Dockerfile"}


def test_preview_with_a_report_format_prints_the_report_and_exits_0(run, tree):
    process = run("--output-format", "json", "twin.Dockerfile")
    assert process.returncode == 0
    assert len(json.loads(process.stdout)) == 2  # no diff mixed in


def test_clean_files_give_an_empty_report(run, tree):
    for output_format, empty in (("json", b"[]\n"), ("gitlab", b"[]\n"), ("github", b"")):
        process = run("--check", "--output-format", output_format, "clean.Dockerfile")
        assert (process.returncode, process.stdout) == (0, empty)


def line_column_offset(text: str, line: int, column: int) -> int:
    """The offset of 1-based (line, column) in code points; a BOM on line 1 is not counted."""
    lines = text.split("\n")
    offset = sum(len(previous) + 1 for previous in lines[: line - 1]) + column - 1
    return offset + (1 if line == 1 and text.startswith("\ufeff") else 0)


# --- sarif ---


def test_sarif_validates_against_the_official_schema(run, tree):
    status, log = report(run, "sarif")
    assert status == 1
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert log["version"] == "2.1.0"


def test_sarif_rules_carry_descriptions_and_help(run, tree):
    _, log = report(run, "sarif")
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert {rule["id"] for rule in rules} == {rule.CODE for rule in RULES}
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"].endswith(".")
        assert len(rule["fullDescription"]["text"]) > len(rule["shortDescription"]["text"])
        assert "## What it does" in rule["help"]["markdown"]
        assert rule["help"]["text"]
    results = log["runs"][0]["results"]
    assert all(rules[result["ruleIndex"]]["id"] == result["ruleId"] for result in results)


def test_sarif_fixes_are_insertions_that_reproduce_the_fix(run, tree):
    _, log = report(run, "sarif")
    run_log = log["runs"][0]
    assert run_log["columnKind"] == "unicodeCodePoints"
    by_uri: dict[str, list] = {}
    for result in run_log["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["region"]["startLine"] <= location["region"]["endLine"]
        for fix in result.get("fixes", []):
            (change,) = fix["artifactChanges"]
            assert change["artifactLocation"]["uri"] == location["artifactLocation"]["uri"]
            for replacement in change["replacements"]:
                region = replacement["deletedRegion"]
                assert (region["startLine"], region["startColumn"]) == (region["endLine"], region["endColumn"])
                by_uri.setdefault(change["artifactLocation"]["uri"], []).append(replacement)
    assert set(by_uri) == {"app/Dockerfile", "twin.Dockerfile"}
    assert not any("fixes" in result for result in run_log["results"] if result["ruleId"] in ("PIP003", "PIP004"))
    for uri, replacements in by_uri.items():
        text = (tree / uri).read_bytes().decode()
        insertions = [
            (
                line_column_offset(text, r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]),
                r["insertedContent"]["text"],
            )
            for r in replacements
        ]
        for offset, inserted in sorted(insertions, reverse=True):
            text = text[:offset] + inserted + text[offset:]
        assert text == fixed_by_write(run, tree, uri)


def test_sarif_to_an_output_file(run, tree):
    process = run("--check", "--output-format", "sarif", "-o", "pipfix.sarif")
    assert (process.returncode, process.stdout) == (1, b"")
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads((tree / "pipfix.sarif").read_text()))


def test_sarif_uri_of_an_unusual_name(run, tmp_path):
    write(tmp_path / "my app" / "Dockerfile", TWIN)
    _, log = report(run, "sarif")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"my%20app/Dockerfile"}
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)


def test_sarif_reports_the_files_it_could_not_read_as_tool_notifications(run, tree):
    write(tree / "bad.Dockerfile", b"FROM a\nRUN pip install caf\xe9\n")
    process = run("--check", "--output-format", "sarif")
    assert process.returncode == 2
    log = json.loads(process.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    [invocation] = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["message"]["text"] == "cannot fix bad.Dockerfile: not valid UTF-8 at byte 26"
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "bad.Dockerfile",
        "uriBaseId": "%SRCROOT%",
    }
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]} == {
        "app/Dockerfile",
        "twin.Dockerfile",
    }


def test_sarif_of_a_clean_run_has_a_successful_invocation(run, tree):
    _, log = report(run, "sarif", "clean.Dockerfile")
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    assert log["runs"][0]["results"] == []


# --- paths for code scanning and GitLab: from the repository's root ---


@pytest.fixture(params=["directory", "worktree file"])
def repository(request, tmp_path) -> Path:
    """A git repository (`.git` a directory, or the file of a worktree) with docker/Dockerfile."""
    if request.param == "directory":
        (tmp_path / ".git").mkdir()
    else:
        write(tmp_path / ".git", "gitdir: /elsewhere/.git/worktrees/x\n")
    write(tmp_path / "docker" / "Dockerfile", TWIN)
    write(tmp_path / "docker" / "sub" / "api.Dockerfile", TWIN)
    return tmp_path


def machine_reports(run, cwd: Path, *paths: str) -> dict[str, object]:
    reports = {}
    for output_format in ("sarif", "github", "gitlab"):
        process = run("--check", "--output-format", output_format, *paths, cwd=cwd)
        assert process.returncode == 1, process.stderr
        reports[output_format] = process.stdout.decode() if output_format == "github" else json.loads(process.stdout)
    return reports


def reported_paths(reports: dict[str, object]) -> dict[str, set[str]]:
    sarif = reports["sarif"]["runs"][0]  # type: ignore[index]
    return {
        "sarif": {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["results"]},
        "github": {line.split("file=")[1].split(",")[0] for line in reports["github"].splitlines()},  # type: ignore[union-attr]
        "gitlab": {issue["location"]["path"] for issue in reports["gitlab"]},  # type: ignore[union-attr]
    }


def test_paths_are_relative_to_the_repository_root_from_a_subdirectory(run, repository):
    reports = machine_reports(run, repository / "docker", ".")
    expected = {"docker/Dockerfile", "docker/sub/api.Dockerfile"}
    assert reported_paths(reports) == {"sarif": expected, "github": expected, "gitlab": expected}
    sarif = reports["sarif"]["runs"][0]  # type: ignore[index]
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(reports["sarif"])
    assert sarif["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repository.as_uri() + "/"}}
    assert all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%" for r in sarif["results"]
    )
    # the same paths and fingerprints as from the root
    from_root = machine_reports(run, repository, "docker")
    assert reported_paths(from_root) == reported_paths(reports)
    assert [i["fingerprint"] for i in from_root["gitlab"]] == [i["fingerprint"] for i in reports["gitlab"]]  # type: ignore[union-attr]


def test_a_file_outside_the_repository(run, repository, tmp_path_factory):
    outside = write(tmp_path_factory.mktemp("outside") / "Dockerfile", TWIN)
    reports = machine_reports(run, repository / "docker", str(outside))
    assert reported_paths(reports) == {"sarif": {outside.as_uri()}, "github": {str(outside)}, "gitlab": {str(outside)}}
    [location] = {
        json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"])
        for r in reports["sarif"]["runs"][0]["results"]  # type: ignore[index]
    }
    assert json.loads(location) == {"uri": outside.as_uri()}  # absolute: no base


# --- github ---


def test_github_workflow_commands(run, tree):
    status, text = report(run, "github", "twin.Dockerfile")
    assert status == 1
    assert text.splitlines() == [
        "::warning file=twin.Dockerfile,line=2,col=5,endLine=2,endColumn=8,"
        "title=PIP001 pip-keeps-cache::PIP001 `pip install` keeps its download cache in the image layer",
        "::warning file=twin.Dockerfile,line=3,col=5,endLine=3,endColumn=8,"
        "title=PIP001 pip-keeps-cache::PIP001 `pip install` keeps its download cache in the image layer",
    ]


def test_github_escapes_properties_and_data(run, tmp_path):
    write(tmp_path / "a,b:c%d.Dockerfile", TWIN)
    _, text = report(run, "github")
    assert text.startswith("::warning file=a%2Cb%3Ac%25d.Dockerfile,line=2,")


def test_github_escaping_as_the_actions_toolkit():
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext%3A a%2Cb"


# --- gitlab ---


def test_gitlab_code_quality_with_unique_fingerprints(run, tree):
    status, issues = report(run, "gitlab")
    assert status == 1
    assert len(issues) == 7
    assert len({issue["fingerprint"] for issue in issues}) == 7  # twin lines too
    for issue in issues:
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["description"].startswith(issue["check_name"][:6])
        assert issue["location"]["path"] in {"app/Dockerfile", "twin.Dockerfile"}
        assert issue["location"]["lines"]["begin"] >= 1


def test_gitlab_fingerprints_survive_lines_added_above(run, tree):
    _, before = report(run, "gitlab", "twin.Dockerfile")
    write(tree / "twin.Dockerfile", "# a comment\n" + TWIN)
    _, after = report(run, "gitlab", "twin.Dockerfile")
    assert [issue["fingerprint"] for issue in before] == [issue["fingerprint"] for issue in after]
    assert [issue["location"]["lines"]["begin"] for issue in after] == [3, 4]
