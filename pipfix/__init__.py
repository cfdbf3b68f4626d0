"""pipfix: find pip and uv calls in Dockerfiles that keep a download cache, and fix them.

The public names are imported on first use (PEP 562), so that `import pipfix.cli` (the
command line, run on every save by editors) costs nothing before it has read its input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_SETTINGS",
    "CannotFix",
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

_HOMES = {
    "CannotFix": "errors",
    "InternalError": "errors",
    "PipfixError": "errors",
    "Edit": "edits",
    "Finding": "engine",
    "Result": "engine",
    "fix": "engine",
    "DEFAULT_SETTINGS": "settings",
    "Settings": "settings",
    "Strategy": "settings",
}

if TYPE_CHECKING:
    from .edits import Edit
    from .engine import Finding, Result, fix
    from .errors import CannotFix, InternalError, PipfixError
    from .settings import DEFAULT_SETTINGS, Settings, Strategy


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'pipfix' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
