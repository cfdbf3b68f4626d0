"""Shared test configuration: the hypothesis profiles.

HYPOTHESIS_PROFILE picks one (or pytest's --hypothesis-profile):
- dev (the default): a few hundred examples per property, random, quick;
- ci: a fixed seed (derandomize) and enough examples that the property suite runs for a few
  minutes on two cores; .ci/run selects it.
PIPFIX_HYPOTHESIS_EXAMPLES still overrides the number of examples (tests/test_properties.py).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,  # tree-sitter's first parse and a loaded CI machine make timings noisy
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}

settings.register_profile("dev", max_examples=300, **_COMMON)
settings.register_profile("ci", max_examples=4000, derandomize=True, database=None, print_blob=True, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
