"""The user accounts a RUN creates with `useradd` or `adduser` (Debian's, with `--` options, or
BusyBox's, with single letters): their uid, gid and home, so that a later `USER app` (or `USER
1000`) has a known home and a cache mount the uid it needs."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from typing import NamedTuple

from .options import read_options


class Account(NamedTuple):
    name: str
    uid: str | None  # as given: a number, or None when not given or not static
    gid: str | None  # a number, when given as one
    home: str | None  # None when not known (Debian's system users get /nonexistent)


# A useradd or adduser command (at the start of a command: `apt-get install adduser` is none)
# and its arguments, up to the next separator.
_COMMAND = re.compile(r"(?:^|[;&|(`])[ \t]*(?:\S*/)?(useradd|adduser)[ \t]+([^;&|()\n`]*)", re.MULTILINE)
_USERADD_VALUES = frozenset(
    {
        "-b", "--base-dir", "-c", "--comment", "-d", "--home-dir", "-e", "--expiredate", "-f", "--inactive",
        "-g", "--gid", "-G", "--groups", "-k", "--skel", "-K", "--key", "-p", "--password", "-R", "--root",
        "-P", "--prefix", "-s", "--shell", "-u", "--uid", "-Z", "--selinux-user",
    }
)  # fmt: skip
_DEBIAN_ADDUSER_VALUES = frozenset(
    {
        "--home", "--shell", "--uid", "--gid", "--ingroup", "--gecos", "--comment", "--firstuid", "--lastuid",
        "--firstgid", "--lastgid", "--conf", "--key",
    }
)  # fmt: skip
_BUSYBOX_ADDUSER_VALUES = frozenset({"-h", "-g", "-s", "-G", "-u", "-k"})
_PLAIN = re.compile(r"[^'\"\\\\$`]*")  # no quoting or expansion: split at blanks as the shell does
_NUMBER = re.compile(r"\d+")
_NAME = re.compile(r"[A-Za-z_][\w.-]*\$?")


def created_accounts(script: str) -> Iterator[Account]:
    """The accounts the commands of a RUN's script create, in order."""
    for match in _COMMAND.finditer(script):
        arguments = match[2]
        if _PLAIN.fullmatch(arguments):
            words = arguments.split()
        else:
            try:
                words = shlex.split(arguments)
            except ValueError:
                continue
        account = _useradd(words) if match[1] == "useradd" else _adduser(words)
        if account is not None:
            yield account


def _useradd(words: list[str]) -> Account | None:
    options = read_options(words, 0, _USERADD_VALUES, permute=True)
    if len(options.operands) != 1 or options.named & {"-D", "--defaults"}:
        return None
    name = options.operands[0]
    base = options.value("-b", "--base-dir") or "/home"
    home = options.value("-d", "--home-dir") or f"{base.rstrip('/')}/{name}"
    return _account(name, options.value("-u", "--uid"), options.value("-g", "--gid"), home)


def _adduser(words: list[str]) -> Account | None:
    debian = any(word.startswith("--") for word in words)
    options = read_options(words, 0, _DEBIAN_ADDUSER_VALUES if debian else _BUSYBOX_ADDUSER_VALUES, permute=True)
    if not options.operands:
        return None
    name = options.operands[0]
    if len(options.operands) > 1 and not options.named:
        return None  # `adduser USER GROUP` adds an existing user to a group
    if not debian:  # `adduser [OPTIONS] USER [GROUP]`: -g is the GECOS field, -G a group by name
        return _account(name, options.value("-u"), None, options.value("-h") or f"/home/{name}")
    if len(options.operands) != 1:
        return None
    system_home = "/nonexistent" if "--system" in options.named else f"/home/{name}"
    return _account(name, options.value("--uid"), options.value("--gid"), options.value("--home") or system_home)


def _account(name: str, uid: str | None, gid: str | None, home: str) -> Account | None:
    if not _NAME.fullmatch(name):
        return None  # a variable, or not a name
    return Account(
        name,
        uid if uid and _NUMBER.fullmatch(uid) else None,
        gid if gid and _NUMBER.fullmatch(gid) else None,
        home if home.startswith("/") and "$" not in home and home != "/nonexistent" else None,
    )
