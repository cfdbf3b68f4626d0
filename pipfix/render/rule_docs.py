"""Rule documentation from each rule module's docstring: a title line, then `## ` sections.

`pipfix --explain CODE` prints a rule's `markdown`, docs/rules/CODE.md holds the same text
(scripts/generate_docs.py writes it), and SARIF's helpUri points at that file.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from ..rules import RULES

# docs/ as published: the repository's docs folder on its default branch. OWNER/pipfix, as in
# docs/ci.md and the README, stands for where the repository is published.
DOCS_URL = "https://github.com/OWNER/pipfix/blob/main/docs/"


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    fixable: bool
    title: str  # the docstring's first line, e.g. "PIP001 pip-keeps-cache (hadolint DL3042)"
    sections: dict[str, str]  # heading ("What it does", ...) -> its text
    markdown: str  # the whole docstring, headings included

    @property
    def path(self) -> str:
        """Its file under docs/."""
        return f"rules/{self.code}.md"

    @property
    def summary(self) -> str:
        """The first sentence of "What it does"."""
        what = " ".join(self.sections.get("What it does", self.title).split())
        return what.split(". ")[0].rstrip(".") + "."

    @property
    def fixed_example(self) -> str | None:
        """The first example line of "Fixed" (`RUN pip install --no-cache-dir ...`): what the
        fix makes of the example."""
        lines = self.sections.get("Fixed", "").splitlines()
        return next((line.strip() for line in lines if line.startswith("    ")), None)

    @property
    def description(self) -> str:
        """ "What it does" and "Why is this bad?", as plain text."""
        return " ".join(
            " ".join(self.sections[heading].split())
            for heading in ("What it does", "Why is this bad?")
            if heading in self.sections
        )


def rule_doc(rule: ModuleType) -> RuleDoc:
    text = (rule.__doc__ or "").strip()
    title, _, body = text.partition("\n")
    sections: dict[str, str] = {}
    heading = None
    for line in body.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            sections[heading] = ""
        elif heading is not None:
            sections[heading] += line + "\n"
    return RuleDoc(
        code=rule.CODE,
        name=rule.NAME,
        fixable=rule.FIXABLE,
        title=title.strip(),
        sections={heading: content.strip("\n") for heading, content in sections.items()},
        markdown=f"# {title.strip()}\n{body.rstrip()}\n",
    )


RULE_DOCS = {rule.CODE: rule_doc(rule) for rule in RULES}


def find_rule_doc(code_or_name: str) -> RuleDoc | None:
    """The documentation of the rule with this code (any case) or name."""
    wanted = code_or_name.strip()
    return RULE_DOCS.get(wanted.upper()) or next((doc for doc in RULE_DOCS.values() if doc.name == wanted), None)
