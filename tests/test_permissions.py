"""Permissions, owners, hard links and extended attributes, through the real command line.

Every permission problem (a named file or directory, a path under a directory that cannot be
entered, a directory met while searching, a --stdin-filename, a configuration file) is
`error: cannot fix PATH: permission denied` or names the configuration file, with exit 2, no
traceback, and the other files still processed. Those run pipfix as a user permission bits
apply to (`nobody` through setpriv when the tests run as root, as in CI; cli_support.unprivileged).

`--write` keeps a file's owner, group, mode and extended attributes, and its hard links; the
tests that give a file to another user run as root.
"""

from __future__ import annotations

import errno
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from pipfix import files
from pipfix.runner import Mode, Status, process_file
from pipfix.settings import DEFAULT_SETTINGS
from tests.cli_support import NOBODY, PYTHON_M_PIPFIX, run, unprivileged, write  # noqa: F401 (fixtures)


@pytest.fixture
def command() -> list[str]:
    return PYTHON_M_PIPFIX


FLASK = "FROM python:3.12\nRUN pip install flask\n"
FLASK_FLAG = "FROM python:3.12\nRUN pip install --no-cache-dir flask\n"

as_root = pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")


@pytest.fixture
def shared_tmp():
    """A directory the unprivileged user can work in (pytest's tmp_path is private to the test
    user)."""
    directory = Path(tempfile.mkdtemp(prefix="pipfix-permissions-"))
    directory.chmod(0o777)
    yield directory
    for root, dirnames, _ in os.walk(directory):
        for name in dirnames:
            os.chmod(os.path.join(root, name), 0o755)
    subprocess.run(["rm", "-rf", str(directory)], check=False)


def tree(root: Path, modes: dict[str, int], texts: dict[str, str]) -> None:
    """Files (`texts`, mode 0o666) and then the modes of files and directories (`modes`)."""
    for name, text in texts.items():
        write(root / name, text).chmod(0o666)
    for directory in {path.parent for path in root.rglob("*")} - {root}:
        directory.chmod(0o777)
    for name, mode in modes.items():
        (root / name).chmod(mode)


def lines(process: subprocess.CompletedProcess[bytes]) -> list[str]:
    """stderr's lines, the summary's counts of files only (what follows `;` counts findings)."""
    assert b"Traceback" not in process.stderr
    *messages, summary = process.stderr.decode().splitlines()
    return [*messages, summary.split(";")[0]]


# --- permission problems, as a user permission bits apply to ---------------------------------


# The modes deny every user but root, the file's owner included.
@pytest.mark.parametrize(
    ("bad_mode", "directory_mode", "reason"),
    [
        pytest.param(0o000, 0o777, "permission denied", id="no read permission"),
        pytest.param(0o444, 0o777, "permission denied (the file is read-only)", id="no write permission"),
        pytest.param(0o444, 0o555, "permission denied (the file is read-only)", id="read-only in read-only directory"),
        pytest.param(0o666, 0o600, "permission denied", id="under a directory that cannot be entered"),
    ],
)
def test_a_named_file_that_cannot_be_fixed(unprivileged, shared_tmp, bad_mode, directory_mode, reason):
    texts = {"bad/Dockerfile": FLASK, "good/Dockerfile": FLASK}
    tree(shared_tmp, {"bad/Dockerfile": bad_mode, "bad": directory_mode}, texts)
    process = unprivileged("--write", "bad/Dockerfile", "good/Dockerfile", cwd=shared_tmp)
    assert process.returncode == 2
    assert lines(process) == [
        f"error: cannot fix bad/Dockerfile: {reason}",
        "fixed good/Dockerfile",
        "1 file fixed, 1 error",
    ]
    (shared_tmp / "bad").chmod(0o755)
    (shared_tmp / "bad" / "Dockerfile").chmod(0o644)
    assert (shared_tmp / "bad" / "Dockerfile").read_text() == FLASK
    assert (shared_tmp / "good" / "Dockerfile").read_text() == FLASK_FLAG


def test_a_writable_file_in_a_read_only_directory_is_rewritten_in_place(unprivileged, shared_tmp):
    tree(shared_tmp, {"bad": 0o555}, {"bad/Dockerfile": FLASK, "good/Dockerfile": FLASK})
    inode = (shared_tmp / "bad" / "Dockerfile").stat().st_ino
    process = unprivileged("--write", "bad/Dockerfile", "good/Dockerfile", cwd=shared_tmp)
    assert (process.returncode, lines(process)) == (
        0,
        ["fixed bad/Dockerfile", "fixed good/Dockerfile", "2 files fixed"],
    )
    assert (shared_tmp / "bad" / "Dockerfile").read_text() == FLASK_FLAG
    assert (shared_tmp / "bad" / "Dockerfile").stat().st_ino == inode  # the directory could take no new file
    assert os.listdir(shared_tmp / "bad") == ["Dockerfile"]


@pytest.mark.parametrize("mode", ["--write", "--check"])
def test_a_directory_met_while_searching_that_cannot_be_read(unprivileged, shared_tmp, mode):
    texts = {
        "Dockerfile": FLASK,
        "private/Dockerfile": FLASK,
        "private/deeper/Dockerfile": FLASK,
        "z/Dockerfile": FLASK,
    }
    tree(shared_tmp, {"private": 0o000}, texts)
    process = unprivileged(mode, ".", cwd=shared_tmp)
    assert process.returncode == 2
    errors = [line for line in lines(process) if line.startswith("error:")]
    assert errors == ["error: cannot fix private: permission denied"]
    summary = lines(process)[-1]
    assert summary == ("2 files fixed, 1 error" if mode == "--write" else "2 files would be fixed, 1 error")
    if mode == "--write":
        assert (shared_tmp / "z" / "Dockerfile").read_text() == FLASK_FLAG


def test_a_named_directory_that_cannot_be_read(unprivileged, shared_tmp):
    tree(shared_tmp, {"locked": 0o300}, {"locked/Dockerfile": FLASK, "good/Dockerfile": FLASK})  # not listable
    process = unprivileged("--write", "locked", "good", cwd=shared_tmp)
    assert process.returncode == 2
    assert lines(process) == [
        "error: cannot fix locked: permission denied",
        "fixed good/Dockerfile",
        "1 file fixed, 1 error",
    ]


def test_stdin_filename_under_a_directory_that_cannot_be_entered(unprivileged, shared_tmp):
    # the configuration is searched from the file's directory: a configuration pipfix cannot
    # see is not taken as missing
    tree(shared_tmp, {"locked": 0o600}, {"locked/Dockerfile": FLASK})  # not searchable
    process = unprivileged("--stdin-filename", "locked/Dockerfile", "-", cwd=shared_tmp, stdin=FLASK.encode())
    assert (process.returncode, process.stdout) == (2, b"")
    assert lines(process) == [f"error: {shared_tmp / 'locked' / '.pipfix.toml'}: permission denied"]


@pytest.mark.parametrize("how", ["found", "--config"])
def test_a_configuration_file_that_cannot_be_read(unprivileged, shared_tmp, how):
    tree(shared_tmp, {"pipfix.toml": 0o000}, {"pipfix.toml": 'strategy = "env"\n', "Dockerfile": FLASK})
    (shared_tmp / ".git").mkdir()
    args = ["--config", "pipfix.toml", "Dockerfile"] if how == "--config" else ["Dockerfile"]
    process = unprivileged("--write", *args, cwd=shared_tmp)
    shown = "pipfix.toml" if how == "--config" else str(shared_tmp / "pipfix.toml")
    assert (process.returncode, lines(process)) == (2, [f"error: {shown}: permission denied"])
    assert (shared_tmp / "Dockerfile").read_text() == FLASK  # not fixed with settings pipfix cannot read


def test_another_users_file_that_one_may_write_keeps_its_owner(unprivileged, shared_tmp):
    # a new file would belong to the user running pipfix: it is rewritten in place instead
    tree(shared_tmp, {}, {"Dockerfile": FLASK})
    dockerfile = shared_tmp / "Dockerfile"
    before = dockerfile.stat()
    if before.st_uid == os.geteuid() and os.geteuid() != 0:
        pytest.skip("needs a file of another user: run the tests as root")
    process = unprivileged("--write", "Dockerfile", cwd=shared_tmp)
    assert (process.returncode, lines(process)) == (0, ["fixed Dockerfile", "1 file fixed"])
    after = dockerfile.stat()
    assert dockerfile.read_text() == FLASK_FLAG
    assert (after.st_ino, after.st_uid, after.st_gid) == (before.st_ino, before.st_uid, before.st_gid)
    assert os.listdir(shared_tmp) == ["Dockerfile"]


# --- what --write keeps ----------------------------------------------------------------------


@as_root
def test_write_as_root_keeps_the_owner_group_and_mode(run, tmp_path):
    # `docker run -v "$PWD:/src" ... pipfix -w` and sudo run as root on a user's files
    dockerfile = write(tmp_path / "Dockerfile", FLASK)
    os.chown(dockerfile, NOBODY, 4242)
    dockerfile.chmod(0o2754)
    inode = dockerfile.stat().st_ino
    process = run("--write", "Dockerfile")
    assert process.returncode == 0, process.stderr
    after = dockerfile.stat()
    assert dockerfile.read_text() == FLASK_FLAG
    assert (after.st_uid, after.st_gid, after.st_mode & 0o7777) == (NOBODY, 4242, 0o2754)
    assert after.st_ino != inode  # still the atomic replace
    assert os.listdir(tmp_path) == ["Dockerfile"]


def test_hard_links_keep_seeing_one_file(run, tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", "FROM python:3.12\n# é\nRUN pip install flask\n")
    other = tmp_path / "docker" / "Dockerfile.linked"
    other.parent.mkdir()
    os.link(dockerfile, other)
    inode = dockerfile.stat().st_ino
    process = run("--write", "Dockerfile")
    assert process.returncode == 0, process.stderr
    fixed = "FROM python:3.12\n# é\nRUN pip install --no-cache-dir flask\n"
    assert dockerfile.read_text() == other.read_text() == fixed
    assert dockerfile.stat().st_ino == other.stat().st_ino == inode
    assert dockerfile.stat().st_nlink == 2
    assert sorted(os.listdir(tmp_path)) == ["Dockerfile", "docker"]


def test_the_in_place_write_leaves_the_text_before_the_first_fix_alone(tmp_path, monkeypatch):
    # a crash in the middle of an in-place write cannot touch what comes before the first fix
    dockerfile = write(tmp_path / "Dockerfile", "FROM python:3.12\n" + "# padding\n" * 1000 + "RUN pip install a\n")
    os.link(dockerfile, tmp_path / "link")
    before = dockerfile.read_bytes()
    written_from = []
    real_pwrite = os.pwrite

    def pwrite(descriptor, data, offset):
        written_from.append(offset)
        return real_pwrite(descriptor, data, offset)

    monkeypatch.setattr(files.os, "pwrite", pwrite)
    assert process_file(dockerfile, Mode.WRITE, DEFAULT_SETTINGS).status is Status.CHANGED
    after = dockerfile.read_bytes()
    first_difference = next(i for i, (old, new) in enumerate(zip(before, after, strict=False)) if old != new)
    assert first_difference > len(before) - 20
    assert written_from and min(written_from) == first_difference
    assert (tmp_path / "link").read_text().endswith("RUN pip install --no-cache-dir a\n")


def xattrs_supported(directory: Path) -> bool:
    probe = directory / "probe"
    probe.write_text("")
    try:
        os.setxattr(probe, "user.pipfix", b"1")
    except (OSError, AttributeError):
        return False
    finally:
        probe.unlink()
    return True


def test_extended_attributes_are_kept(tmp_path):
    if not xattrs_supported(tmp_path):
        pytest.skip("the file system of the temporary directory has no user extended attributes")
    dockerfile = write(tmp_path / "Dockerfile", FLASK)
    os.setxattr(dockerfile, "user.origin", b"https://example.invalid/Dockerfile")
    os.setxattr(dockerfile, "user.empty", b"")
    inode = dockerfile.stat().st_ino
    assert process_file(dockerfile, Mode.WRITE, DEFAULT_SETTINGS).status is Status.CHANGED
    assert dockerfile.read_text() == FLASK_FLAG
    assert dockerfile.stat().st_ino != inode  # the atomic replace, the attributes copied
    assert {name: os.getxattr(dockerfile, name) for name in os.listxattr(dockerfile)} == {
        "user.origin": b"https://example.invalid/Dockerfile",
        "user.empty": b"",
    }


def test_attributes_a_new_file_cannot_get_mean_an_in_place_write(tmp_path, monkeypatch):
    if not xattrs_supported(tmp_path):
        pytest.skip("the file system of the temporary directory has no user extended attributes")
    dockerfile = write(tmp_path / "Dockerfile", FLASK)
    os.setxattr(dockerfile, "user.origin", b"x")
    inode = dockerfile.stat().st_ino

    def refused(*args):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(files.os, "setxattr", refused)
    assert process_file(dockerfile, Mode.WRITE, DEFAULT_SETTINGS).status is Status.CHANGED
    assert dockerfile.read_text() == FLASK_FLAG
    assert dockerfile.stat().st_ino == inode
    assert os.getxattr(dockerfile, "user.origin") == b"x"
    assert os.listdir(tmp_path) == ["Dockerfile"]
