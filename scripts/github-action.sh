#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml at the root of this repository):
#   install  pipfix from the action's own checkout into a virtual environment;
#   check    `pipfix --check` with GitHub annotations, and a SARIF report when one is asked for.
# From GitHub: GITHUB_ACTION_PATH (the action's checkout), RUNNER_TEMP; the inputs come as
# PIPFIX_PYTHON, PIPFIX_PATHS, PIPFIX_ARGS and PIPFIX_SARIF_FILE. tests/test_action.py runs
# both steps with that environment.
set -euo pipefail

venv="$RUNNER_TEMP/pipfix-venv"

case "${1:-}" in
install)
    "${PIPFIX_PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"
    "$venv/bin/pipfix" --version
    ;;
check)
    set -f # the paths and the options are split at blanks and line breaks, never globbed
    read -r -d '' -a paths <<<"${PIPFIX_PATHS:-.}" || true
    read -r -d '' -a options <<<"${PIPFIX_ARGS:-}" || true
    status=0
    if [ -n "${PIPFIX_SARIF_FILE:-}" ]; then
        "$venv/bin/pipfix" --check --quiet --output-format sarif -o "$PIPFIX_SARIF_FILE" "${options[@]}" -- "${paths[@]}" || status=$?
    fi
    # The workflow commands on stdout become annotations; the summary goes to the log.
    "$venv/bin/pipfix" --check --output-format github "${options[@]}" -- "${paths[@]}" || {
        code=$?
        if [ "$code" -gt "$status" ]; then status=$code; fi
    }
    exit "$status"
    ;;
*)
    echo "usage: $0 install|check" >&2
    exit 2
    ;;
esac
