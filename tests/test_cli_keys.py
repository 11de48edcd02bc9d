"""`lextime keys create|list|revoke`: scopes and expiry, shown once, listed without secrets, revoked for good."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest

from service.cli import main
from service.store.db import create_pool
from service.store.keys import ApiKey, authenticate

TOKEN = re.compile(r"^lx_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")


def run(argv: list[str], database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("LEXTIME_LOG_FORMAT", "json")
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def who(database: str, token: str) -> ApiKey | None:
    async def check() -> ApiKey | None:
        pool = await create_pool(database)
        try:
            return await authenticate(pool, token)
        finally:
            await pool.close()
    return asyncio.run(check())


def test_create_list_revoke(database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
                            ) -> None:
    code, out, err = run(["keys", "create", "adilet-sync", "--scope", "write", "--scope", "correct",
                          "--expires", "30d"], database, monkeypatch, capsys)
    assert code == 0, err
    token = out.splitlines()[-1]
    assert TOKEN.match(token), out
    assert "write, correct" in out and "expiring" in out
    assert token not in err  # shown once, on stdout, never in the logs
    key = who(database, token)
    assert key is not None and key.name == "adilet-sync" and key.scopes == ("write", "correct")

    code, out, _ = run(["keys", "create", "auditor", "--scope", "read"], database, monkeypatch, capsys)
    assert code == 0
    reader = out.splitlines()[-1]

    code, out, _ = run(["keys", "list"], database, monkeypatch, capsys)
    assert code == 0
    assert re.search(r"adilet-sync\s+[0-9a-f]{16}\s+write,correct\s+active", out), out
    assert re.search(r"auditor\s+[0-9a-f]{16}\s+read\s+active", out), out
    assert token.split("_", 2)[2] not in out
    assert out.splitlines()[-1] == "2 keys, 2 active."

    code, out, _ = run(["keys", "revoke", "adilet-sync"], database, monkeypatch, capsys)
    assert code == 0 and "revoked" in out
    assert who(database, token) is None
    assert who(database, reader) is not None
    code, out, _ = run(["keys", "list"], database, monkeypatch, capsys)
    assert re.search(r"adilet-sync\s+\S+\s+\S+\s+revoked", out), out
    assert out.splitlines()[-1] == "2 keys, 1 active."


def test_refusals(database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["keys", "revoke", "nobody"], database, monkeypatch, capsys)
    assert code == 1 and "no API key is named 'nobody'" in err and "Traceback" not in err
    assert run(["keys", "create", "twice"], database, monkeypatch, capsys)[0] == 0
    code, _, err = run(["keys", "create", "twice"], database, monkeypatch, capsys)
    assert code == 1 and "already exists" in err
    code, _, err = run(["keys", "create", "bad\tname"], database, monkeypatch, capsys)
    assert code == 1 and "printable" in err
    for argv in (["keys", "create", "x", "--scope", "root"], ["keys", "create", "x", "--expires", "yesterday"],
                 ["keys", "create", "x", "--expires", "2001-01-01"], ["keys", "create", "x", "--expires", "2030-01-01T00:00"],
                 ["keys", "revoke"]):
        with pytest.raises(SystemExit) as exit_info:
            run(argv, database, monkeypatch, capsys)
        assert exit_info.value.code == 2, argv


def test_expiry_forms(database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from service.cli import _expires

    now = datetime.now(tz=UTC)
    assert abs(_expires("12h") - (now + timedelta(hours=12))) < timedelta(minutes=1)
    day = (now + timedelta(days=10)).date()
    assert _expires(day.isoformat()) == datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
    assert _expires("2099-01-01T10:00:00+05:00").utcoffset() == timedelta(hours=5)
