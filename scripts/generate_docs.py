"""Write the parts of the documentation that come from the code:

- docs/rules/CODE.md: each rule's documentation, its module's docstring (what `pipfix --explain
  CODE` prints);
- the rules table in README.md, from the rule registry (pipfix.rules.RULES);
- the options table in docs/cli.md, from the command line's option table (pipfix.arguments).

    python scripts/generate_docs.py            # write them
    python scripts/generate_docs.py --check    # list what is out of date, exit 1 if anything is

tests/test_docs.py fails while anything is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the pipfix of this checkout

from pipfix.arguments import OPTIONS, PATHS_HELP  # noqa: E402
from pipfix.render.rule_docs import RULE_DOCS  # noqa: E402

DOCS = ROOT / "docs"
RULES_DIR = DOCS / "rules"
README = ROOT / "README.md"
CLI_REFERENCE = DOCS / "cli.md"
COMMAND = "python scripts/generate_docs.py"


def rules_table(link_base: str) -> str:
    """The rules, one row each, linking to their documentation under `link_base`."""
    rows = ["| code | name | what it finds | fixed |", "|---|---|---|---|"]
    for code, doc in sorted(RULE_DOCS.items()):
        fixed = f"yes: `{doc.fixed_example}`" if doc.fixable and doc.fixed_example else "no (advisory)"
        finds = doc.summary.removeprefix("Finds ")
        rows.append(f"| [{code}]({link_base}{doc.path}) | `{doc.name}` | {_cell(finds)} | {fixed} |")
    return "\n".join(rows) + "\n"


def options_table() -> str:
    """Every option of the command line with its help."""
    rows = ["| option | meaning |", "|---|---|", f"| `PATH ...` | {_cell(PATHS_HELP)} |"]
    for option in OPTIONS:
        value = "|".join(option.choices) if option.choices else option.metavar
        if option.negatable:
            names = [f"--{name}" for name in (option.names[0][2:], f"no-{option.names[0][2:]}")]
        else:
            names = list(option.names)
        shown = ", ".join(f"`{name}{' ' + value if value else ''}`" for name in names)
        rows.append(f"| {_cell(shown)} | {_cell(option.help)} |")
    # typer's own options
    rows.append("| `--install-completion` | Install shell completion (bash, zsh, fish or PowerShell) for pipfix. |")
    rows.append("| `--show-completion` | Print the shell completion script, to install it by hand. |")
    rows.append("| `-h`, `--help` | Show the options, the exit statuses and examples, and exit. |")
    return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def with_section(text: str, name: str, content: str, path: Path) -> str:
    """`text` with what stands between its `generated: NAME` markers replaced by `content`."""
    begin = f"<!-- generated: {name} ({COMMAND}) -->\n"
    end = f"<!-- end of generated: {name} -->\n"
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise SystemExit(f"{path}: the markers {begin.strip()} and {end.strip()} are missing")
    return text[: start + len(begin)] + content + text[stop:]


def expected() -> dict[Path, str]:
    """Each generated file and the text it must have."""
    files = {RULES_DIR / f"{code}.md": doc.markdown for code, doc in RULE_DOCS.items()}
    files[README] = with_section(README.read_text(encoding="utf-8"), "rules", rules_table("docs/"), README)
    files[CLI_REFERENCE] = with_section(
        CLI_REFERENCE.read_text(encoding="utf-8"), "options", options_table(), CLI_REFERENCE
    )
    return files


def stale() -> tuple[list[Path], list[Path]]:
    """The generated files that are missing or differ, and the rule files no rule has any more."""
    files = expected()
    differing = [path for path, text in files.items() if not path.is_file() or path.read_text(encoding="utf-8") != text]
    orphans = sorted(path for path in RULES_DIR.glob("*.md") if path not in files)
    return differing, orphans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is out of date")
    check = parser.parse_args().check
    differing, orphans = stale()
    for path in differing:
        print(f"{'out of date' if check else 'writing'}: {path.relative_to(ROOT)}")
    for path in orphans:
        print(f"{'no rule has' if check else 'removing'}: {path.relative_to(ROOT)}")
    if check:
        return 1 if differing or orphans else 0
    RULES_DIR.mkdir(parents=True, exist_ok=True)
    files = expected()
    for path in differing:
        path.write_text(files[path], encoding="utf-8")
    for path in orphans:
        path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
