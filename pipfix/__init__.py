"""pipfix: find pip and uv calls in Dockerfiles that keep a download cache, and fix them."""

from .edits import Edit
from .engine import Finding, Result, fix
from .errors import CannotFix, InternalError, PipfixError
from .settings import DEFAULT_SETTINGS, Settings, Strategy

__version__ = "0.1.0"

__all__ = [
    "CannotFix",
    "DEFAULT_SETTINGS",
    "Edit",
    "Finding",
    "InternalError",
    "PipfixError",
    "Result",
    "Settings",
    "Strategy",
    "__version__",
    "fix",
]
