"""PIP003 invalid-no-cache-value (advisory, never fixed)

## What it does
Finds `PIP_NO_CACHE_DIR` set (by ENV, ARG or an inline prefix) to a value pip does not accept
as a boolean, such as `10`, `bogus` or `" 1"`.

## Why is this bad?
pip aborts with `invalid truth value` before installing anything: the build fails. Every valid
boolean turns the cache off, `0` and `false` included; an empty value leaves it on.

## Example
    ENV PIP_NO_CACHE_DIR=bogus

## Fixed
    ENV PIP_NO_CACHE_DIR=1
"""

from __future__ import annotations

from ..cache import PIP_BOOLEANS
from ..stages import Setting
from .violation import Violation

CODE = "PIP003"
NAME = "invalid-no-cache-value"
FIXABLE = False
VARIABLE = "PIP_NO_CACHE_DIR"


def check(setting: Setting) -> Violation | None:
    if setting.name != VARIABLE or not setting.value or setting.value.lower() in PIP_BOOLEANS:
        return None
    message = f"{VARIABLE}={setting.value!r} is not a boolean pip accepts: pip will abort"
    return Violation(CODE, message, setting.offset, None)
