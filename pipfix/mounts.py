"""The mount strategy: a BuildKit cache mount on the directory a call really caches in, inserted
as its RUN's first flag instead of the edit that turns the cache off. Where a mount cannot be
placed safely the call keeps that edit (the flag strategy's) and its finding says why.

docs/mount.md says when to choose the strategy and what each fall-back protects against.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property

from .accounts import Account
from .cache import CacheUse, Run
from .edits import Edit
from .installers import FixKind
from .rules.violation import Violation
from .shell import Command
from .stages import mount_targets
from .wrappers import program_name, unwrap

# Programs that run a command as another user, whose home and uid pipfix does not follow.
_USER_SWITCHES = frozenset(("sudo", "doas", "su", "runuser", "gosu", "su-exec", "setpriv", "chroot", "setuidgid"))
# A target BuildKit reads as written: no quotes, comma, blank, variable or escape character.
_PLAIN_PATH = re.compile(r"/[\w./+@%~:-]*")
# Where a path word ends in a script.
_PATH_END = r"""[^\s;&|()<>'"`]*"""


class _Unsafe(Exception):
    """Why no cache mount can be placed for a call."""


def explained(violation: Violation, use: CacheUse) -> Violation:
    """A call that keeps its cache in a RUN with cache mounts: the finding names the directory
    the call really uses, which no mount of the RUN covers."""
    mounts = use.context.cache_mounts
    if not mounts or use.directory is None:
        return violation
    covered = ", ".join(mounts)
    message = f"{violation.message}: it caches in {use.directory}, which the cache mount on {covered} does not cover"
    return violation._replace(message=message)


class MountSite:
    """What the mounts of one RUN depend on besides each call: found once for all its calls, so
    that a RUN of many calls costs no more per call than a RUN of one."""

    def __init__(self, run: Run) -> None:
        self.run = run
        instruction = run.instruction
        self.script = run.text[instruction.script_map.before(0) : instruction.end]  # heredocs included
        self._mentions: dict[tuple[str, str | None], str | None] = {}

    @cached_property
    def user_switch(self) -> str | None:
        return _user_switch(self.run.commands)

    def mention(self, directory: str, home: str | None) -> str | None:
        key = (directory, home)
        if key not in self._mentions:
            self._mentions[key] = _mention(self.script, directory, home)
        return self._mentions[key]


def mounted(violation: Violation, use: CacheUse, site: MountSite) -> Violation:
    """The violation fixed with cache mounts on the call's cache; or, where that is not safe,
    with the fix it has and the reason added to its message."""
    try:
        mounts = _mounts(use, site)
    except _Unsafe as unsafe:
        return violation._replace(message=f"{violation.message} (no cache mount: {unsafe})")
    return violation._replace(fix=Edit(site.run.instruction.flags_start, mounts))


# Tools whose own fix stays: a mount would not hold all the fix covers, or would break what links
# into it (docs/mount.md).
_FIX_KEPT = {
    "pipx": "pipx runs pip or uv, whichever it finds, each with its own cache; --pip-args reaches both",
    "pipenv": "pipenv fills its own and pip's caches, which `pipenv --clear` empties; the clean-up stays",
    "conda": "conda links the packages of its pkgs directory into environments; the clean-up stays",
}


def _mounts(use: CacheUse, site: MountSite) -> str:
    """`--mount=type=cache,target=DIR ` (with `,uid=N,gid=M` for a non-root user) for each
    directory of the call's cache; raises _Unsafe when there can be none."""
    installer = use.invocation.installer
    if installer.name in _FIX_KEPT or installer.fix is FixKind.CLEAN_UP:
        raise _Unsafe(_FIX_KEPT.get(installer.name, "its clean-up stays"))
    context = use.context
    if context.windows or context.dialect != "posix":
        raise _Unsafe("a Windows stage, and Windows containers have no mounts")
    frontend = frontend_support(context.syntax)
    if frontend is UNKNOWN_FRONTEND:
        raise _Unsafe(f"`# syntax={context.syntax}` names a frontend pipfix cannot tell knows RUN --mount")
    if frontend is NO_MOUNTS:
        raise _Unsafe(f"`# syntax={context.syntax}` is older than 1.2, the first Dockerfile frontend with RUN --mount")
    if not use.invocation.env_reachable:
        raise _Unsafe("the call runs in another environment (sudo, env -i): its cache directory is not known")
    if switch := site.user_switch:
        raise _Unsafe(f"the RUN runs `{switch}`: which user's cache the call fills is not known")
    if context.user is None:
        raise _Unsafe("its USER is set from a build argument that has no value here")
    directory = use.directory
    if directory is None:
        cause = "" if context.home else f" (USER {context.user} has no home pipfix knows)"
        raise _Unsafe(f"its cache directory is not known statically{cause}")
    owner = _owner(context.user, context.account)
    if owner and frontend is MOUNTS_WITHOUT_OWNER:
        raise _Unsafe(f"`# syntax={context.syntax}` knows RUN --mount but not its uid option")
    if directory == "/" or not _PLAIN_PATH.fullmatch(directory):
        raise _Unsafe(f"its cache directory {directory!r} cannot stand unquoted in a mount flag")
    # Poetry's cache directory also holds its virtualenvs: the mounts go on what its fix removes
    targets = [f"{directory}/{name}" for name in installer.removed] or [directory]
    for target in targets:
        if target in mount_targets(site.run.instruction, context.env):
            raise _Unsafe(f"the RUN already mounts something on {target}")
        if mention := site.mention(target, context.home):
            raise _Unsafe(f"the RUN also uses {mention} itself, and a mount on {target} would change what that does")
    return "".join(f"--mount=type=cache,target={target}{owner} " for target in targets)


def _user_switch(commands: Sequence[Command]) -> str | None:
    """The first program of the RUN's commands (nested scripts included) that runs a command as
    another user, itself or behind wrappers (`nice sudo -u app ...`); a call in the script it
    runs (`su app -c '...'`) cannot tell. A mere word (`apt-get install sudo`) is none."""
    for command in commands:
        if not command.words:
            continue
        variables = {**command.exported, **command.assignments}
        unwrapped = unwrap(command.words, variables, lambda word: True)
        if unwrapped is None:  # wrappers that run nothing (`sudo` alone)
            names = [program_name(command.words[0], variables)]
        else:
            index, wrapping = unwrapped
            names = [*wrapping.names, program_name(command.words[index], variables)]
        if switch := next((name for name in names if name in _USER_SWITCHES), None):
            return switch
    return None


def _owner(user: str, account: Account | None) -> str:
    """`,uid=N[,gid=M]` for a non-root USER given by number, or by the name of an account an
    earlier RUN created with its uid; "" for root: a cache mount is owned by root, and another
    user could not write to it."""
    name, _, group = user.partition(":")
    if name in ("root", "0"):
        return ""
    uid = name if name.isdigit() else account and account.uid
    if not uid:
        raise _Unsafe(
            f"USER {name}: a mount that user can write to needs its uid, which pipfix cannot know"
            " (give it with useradd -u in an earlier RUN, or write USER by number)"
        )
    gid = group if group.isdigit() else (account.gid if account and not group else None)
    return f",uid={uid}" + (f",gid={gid}" if gid else "")


def _mention(script: str, directory: str, home: str | None) -> str | None:
    """The first place the RUN's script (heredocs included) names the cache directory, a path in
    it, or one of its parents up to the home (or /): a command that reads the cache, cleans it
    (`rm -rf` fails on a mount point) or creates it does something else under a mount. The words
    that set the directory (`--cache-dir DIR`, `PIP_CACHE_DIR=DIR`) are not mentions."""
    names = [(directory, _PATH_END)]  # anything in it
    parts = directory.split("/")
    for end in range(len(parts) - 1, 1, -1):
        parent = "/".join(parts[:end])
        if parent == home:
            break
        names.append((parent, r"\.?\*?"))  # itself, or all it holds (`/*`)
    if home and home != "/" and directory.startswith(home + "/"):
        names += [(alias + name[len(home) :], tail) for name, tail in names for alias in ("~", "$HOME", "${HOME}")]
    pattern = "|".join(rf"(?<![\w.~$/-]){re.escape(name)}(?:/{tail})?(?![\w.*/-])" for name, tail in names)
    for match in re.finditer(pattern, script):
        before = script[max(0, match.start() - 16) : match.start()].rstrip("\"', \t")
        if not before.endswith(("=", "--cache-dir")):
            return match.group()
    return None


# What the frontend of a `# syntax=` directive knows of cache mounts.
MOUNTS = "mounts"
MOUNTS_WITHOUT_OWNER = "mounts without uid/gid"
NO_MOUNTS = "no mounts"
UNKNOWN_FRONTEND = "not docker/dockerfile, or no version"
_FRONTEND = re.compile(r"(?:[^\s@]*/)?docker/dockerfile(?:-upstream)?:([^@\s]+)(?:@\S*)?")
_VERSION = re.compile(r"(\d+)(?:\.(\d+))?(?:\.\d+)?(-.*)?")
_CHANNELS = frozenset({"labs", "latest", "master", "experimental", "mainline"})


def frontend_support(syntax: str | None) -> str:
    """What the Dockerfile frontend a `# syntax=` directive names knows of cache mounts. RUN
    --mount came in the experimental channel (`1.0-experimental`) and reached the mainline with
    its uid/gid options in 1.2; a channel tag (`1`, `labs`, `master`, `experimental`) is newer.
    Without a directive the builder's own frontend reads the file: BuildKit's in Docker 23 and
    later. Another frontend, or one pinned by digest alone, may not know mounts."""
    if syntax is None:
        return MOUNTS
    match = _FRONTEND.fullmatch(syntax.strip().lower())
    if match is None:
        return UNKNOWN_FRONTEND
    tag = match[1]
    version = _VERSION.fullmatch(tag)
    if version is None:
        return MOUNTS if tag.split("-", 1)[0] in _CHANNELS else UNKNOWN_FRONTEND
    major, minor = int(version[1]), int(version[2] or 0)
    if major >= 1 and (version[2] is None or (major, minor) >= (1, 2)):
        return MOUNTS
    return MOUNTS_WITHOUT_OWNER if major >= 1 and "experimental" in (version[3] or "") else NO_MOUNTS
