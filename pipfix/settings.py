"""Engine options (output, colour and write mode belong to the CLI)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Strategy(str, enum.Enum):
    FLAG = "flag"  # insert --no-cache-dir (--no-cache for uv) into the call
    ENV = "env"  # prefix the call with PIP_NO_CACHE_DIR=1 (UV_NO_CACHE=1 for uv)
    MOUNT = "mount"  # a BuildKit cache mount on the directory the call uses (else the flag)


@dataclass(frozen=True, slots=True)
class Settings:
    strategy: Strategy = Strategy.FLAG
    ignore: frozenset[str] = frozenset()  # rule codes never reported, e.g. {"PIP002"}
    honor_hadolint_pragmas: bool = True


DEFAULT_SETTINGS = Settings()
