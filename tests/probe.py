"""The probe package (tests/data/probe): a dependency-free sdist, so that pip builds a wheel and
keeps it in its cache, for the tests that run real installers and builds."""

from __future__ import annotations

import sys
from pathlib import Path

PROBE = Path(__file__).parent / "data" / "probe"


def build_probe_sdist(directory: Path) -> None:
    """Write pipfix_probe-1.0.tar.gz into `directory`, with the probe's own build backend."""
    sys.path.insert(0, str(PROBE))
    try:
        import backend  # tests/data/probe/backend.py

        backend.build_sdist(str(directory))
    finally:
        sys.path.remove(str(PROBE))
        sys.modules.pop("backend", None)
