"""The documentation that comes from the code: docs/rules/CODE.md, the README's rules table and
docs/cli.md's options (scripts/generate_docs.py), `pipfix --explain`, SARIF's helpUri; and every
`pipfix` command line in a code block of README.md and docs/ is one the command line accepts."""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys
from dataclasses import replace

import pytest

from pipfix.arguments import EXAMPLES
from pipfix.command import Invocation
from pipfix.render.rule_docs import DOCS_URL, RULE_DOCS
from pipfix.rules import RULES
from tests.cli_support import CLEAN_ENV, PYTHON_M_PIPFIX, SOURCE_ROOT, through_typer

DOCS = SOURCE_ROOT / "docs"
GENERATOR = SOURCE_ROOT / "scripts" / "generate_docs.py"


def generator():
    spec = importlib.util.spec_from_file_location("generate_docs", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_documentation_is_up_to_date():
    differing, orphans = generator().stale()
    names = [str(path.relative_to(SOURCE_ROOT)) for path in differing + orphans]
    assert not names, (
        f"out of date with the rule registry or the option table: {', '.join(names)}; "
        f"run `python scripts/generate_docs.py` and commit what it writes"
    )


def test_the_check_mode_of_the_generator_exits_0_when_up_to_date():
    process = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True)
    assert (process.returncode, process.stdout) == (0, "")


def test_a_new_rule_fails_the_readme_table_until_it_is_regenerated(monkeypatch):
    module = generator()
    doc = next(iter(RULE_DOCS.values()))
    monkeypatch.setitem(module.RULE_DOCS, "PIP999", replace(doc, code="PIP999"))
    differing, _ = module.stale()
    assert module.README in differing
    assert DOCS / "rules" / "PIP999.md" in differing


def test_every_rule_has_its_page_and_nothing_else_is_there():
    assert sorted(path.stem for path in (DOCS / "rules").glob("*.md")) == sorted(rule.CODE for rule in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.CODE)
def test_explain_prints_the_rules_page(rule):
    page = (DOCS / "rules" / f"{rule.CODE}.md").read_bytes()
    assert page.startswith(f"# {rule.CODE} {rule.NAME}".encode())
    for name in (rule.CODE, rule.CODE.lower(), rule.NAME):
        process = subprocess.run(
            [*PYTHON_M_PIPFIX, "--explain", name],
            capture_output=True,
            env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT)},
            timeout=60,
        )
        assert (process.returncode, process.stdout, process.stderr) == (0, page, b"")


def test_explain_of_an_unknown_rule_exits_2_and_lists_the_rules():
    process = subprocess.run(
        [*PYTHON_M_PIPFIX, "--explain", "PIP999"],
        capture_output=True,
        text=True,
        env={**CLEAN_ENV, "PYTHONPATH": str(SOURCE_ROOT)},
        timeout=60,
    )
    assert (process.returncode, process.stdout) == (2, "")
    assert "Error: Invalid value for '--explain': PIP999: not a rule; the rules: PIP001 (pip-keeps-cache)" in (
        process.stderr
    )


def test_sarif_rules_point_at_their_pages():
    from pipfix.render.sarif import rule_descriptor

    for code, doc in RULE_DOCS.items():
        uri = rule_descriptor(doc)["helpUri"]
        assert uri == f"{DOCS_URL}rules/{code}.md"
        assert (DOCS / uri.removeprefix(DOCS_URL)).is_file()


# --- every pipfix command line shown in the documentation parses ------------------------------

SHELL_OPERATORS = {"<", ">", "|", "&&", "||", ";", "2>", "#"}


def documented_command_lines() -> list[tuple[str, str]]:
    """(file, line) for each line of a sh or console code block that runs pipfix, and for each
    example of `pipfix --help`."""
    found = [
        ("pipfix --help", re.split(r"\s{2,}", line.strip())[0])  # the command, not what it does
        for line in EXAMPLES.splitlines()
        if line.startswith("  pipfix") and not line.startswith("  pipfix lsp")
    ]
    for path in [SOURCE_ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        for block in re.findall(r"```(?:sh|console|bash)\n(.*?)```", path.read_text(), re.DOTALL):
            for line in block.splitlines():
                line = line.strip().removeprefix("$ ")
                if (line.startswith("pipfix ") or line == "pipfix") and not line.startswith("pipfix lsp"):
                    found.append((path.name, line))
    return found


def test_the_documentation_shows_command_lines():
    assert len(documented_command_lines()) >= 8


@pytest.mark.parametrize(("name", "line"), documented_command_lines())
def test_every_documented_command_line_parses(name, line):
    words = shlex.split(line, comments=True)[1:]
    cut = next((index for index, word in enumerate(words) if word in SHELL_OPERATORS), len(words))
    asked, _, err = through_typer(words[:cut])
    assert isinstance(asked, Invocation) or asked == 0, f"{name}: {line}: {err}"
