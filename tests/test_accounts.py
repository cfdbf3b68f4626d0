"""created_accounts: the accounts a RUN's script creates, as (name, uid, gid, home)."""

from __future__ import annotations

import pytest

from pipfix.accounts import Account, created_accounts

CASES = [
    ("useradd app", [Account("app", None, None, "/home/app")]),
    ("useradd -m -u 1000 -g 1000 app", [Account("app", "1000", "1000", "/home/app")]),
    ("useradd --uid=1001 --gid app --home-dir /srv/app --create-home app", [Account("app", "1001", None, "/srv/app")]),
    ("useradd app -u 1000 -s /bin/bash", [Account("app", "1000", None, "/home/app")]),  # GNU getopt permutes
    ("useradd -ru 999 -b /opt svc", [Account("svc", "999", None, "/opt/svc")]),
    ("/usr/sbin/useradd -c 'App user' -u 1000 app", [Account("app", "1000", None, "/home/app")]),
    ("useradd -u $UID $USER", []),
    ("useradd -D -b /srv", []),  # shows or sets the defaults
    ('adduser --disabled-password --gecos "" --uid 1000 app', [Account("app", "1000", None, "/home/app")]),
    ("adduser --system --uid 200 --home /var/lib/svc svc", [Account("svc", "200", None, "/var/lib/svc")]),
    ("adduser --system svc", [Account("svc", None, None, None)]),  # Debian's system users: /nonexistent
    ("adduser app sudo", []),  # adds an existing user to a group (Debian)
    ("adduser -D -u 1001 -h /opt/w worker", [Account("worker", "1001", None, "/opt/w")]),  # BusyBox
    ("adduser -S -G www -g 'Web' web", [Account("web", None, None, "/home/web")]),  # -g is the GECOS
    (
        "groupadd -g 1000 app && useradd -u 1000 -g 1000 app; adduser -D other",
        [Account("app", "1000", "1000", "/home/app"), Account("other", None, None, "/home/other")],
    ),
    ("echo useradd-like && apt-get install -y adduser sudo", []),
    ("set -e; (useradd -u 7 a) && cd /", [Account("a", "7", None, "/home/a")]),
    ("useradd 'unterminated", []),
]


@pytest.mark.parametrize(("script", "expected"), CASES, ids=[case[0] for case in CASES])
def test_created_accounts(script, expected):
    assert list(created_accounts(script)) == expected
