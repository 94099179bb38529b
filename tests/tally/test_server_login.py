"""Officials on the intake server: wrong password, missing CSRF, expired session and an
unauthenticated resolve are each refused and logged; a proper login resolves a conflict."""

from __future__ import annotations

from pathlib import Path

import httpx
from click.testing import CliRunner

from suaradesa.cli import cli
from tally.db import TallyDB
from tally.server.auth import audit_log
from tests.tally.factory import StationRun
from tests.tally.live import LiveServer

PASSWORD = "benar-sekali-42"


def _audit(db_path: Path) -> list[tuple[str, str, str, str]]:
    with TallyDB.open(db_path) as db:
        return [(str(a["user"]), str(a["action"]), str(a["outcome"]), str(a["detail"]))
                for a in reversed(audit_log(db))]


def test_login_csrf_expiry_and_resolve(db_path: Path, runs: dict[tuple[str, str], StationRun]
                                       ) -> None:
    result = CliRunner().invoke(cli, ["tally", "users", "add", "--db", str(db_path), "--name",
                                      "camat", "--display", "Ibu Camat"],
                                input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    with TallyDB.open(db_path) as db:
        stored = db.conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    short = CliRunner().invoke(cli, ["tally", "users", "add", "--db", str(db_path), "--name",
                                     "x", "--display", "X", "--password", "short"])
    assert short.exit_code == 1 and "10 characters" in short.output

    run = next(iter(runs.values()))
    clock = [1_800_000_000.0]
    with LiveServer(db_path, now=lambda: clock[0]) as url, httpx.Client(
            base_url=url, timeout=60) as c:
        for data in (run.export(), run.export(extra_events=1, key=None)):
            assert c.post("/api/v1/deliveries", content=data).status_code == 200
        # a conflicting bundle: same station, same kiosk, fewer ballots
        conflicting = _conflicting(run)
        body = c.post("/api/v1/deliveries", content=conflicting).json()
        assert body["outcome"] == "conflict", body
        held = [body["digest"]]
        action = {"village": run.village, "station": run.station, "keep": held[0],
                  "reason": "berita acara TPS"}

        # unauthenticated resolve
        r = c.post("/api/v1/resolve", json=action)
        assert r.status_code == 401
        csrf = c.get("/api/v1/session").json()["csrf"]
        # login without / with a wrong CSRF token
        r = c.post("/api/v1/login", json={"user": "camat", "password": PASSWORD})
        assert r.status_code == 403
        r = c.post("/api/v1/login", json={"user": "camat", "password": PASSWORD},
                   headers={"X-CSRF-Token": "forged"})
        assert r.status_code == 403
        # wrong password, unknown user
        for user, pw in (("camat", "salah-sekali-99"), ("nobody", PASSWORD)):
            r = c.post("/api/v1/login", json={"user": user, "password": pw},
                       headers={"X-CSRF-Token": csrf})
            assert r.status_code == 401 and "session" not in r.headers.get("set-cookie", "")
        # a proper login
        r = c.post("/api/v1/login", json={"user": "camat", "password": PASSWORD},
                   headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200
        token = r.json()["csrf"]
        assert "httponly" in r.headers["set-cookie"].lower()
        assert "samesite=strict" in r.headers["set-cookie"].lower()
        # logged in, but no / a wrong CSRF token on the action
        assert c.post("/api/v1/resolve", json=action).status_code == 403
        assert c.post("/api/v1/resolve", json=action,
                      headers={"X-CSRF-Token": csrf}).status_code == 403
        # the session expires (8 h after login)
        clock[0] += 9 * 3600
        r = c.post("/api/v1/resolve", json=action, headers={"X-CSRF-Token": token})
        assert r.status_code == 401
        with TallyDB.open(db_path) as db:
            assert db.resolutions() == []
        # log in again and resolve (positive control)
        csrf = c.get("/api/v1/session").json()["csrf"]
        r = c.post("/api/v1/login", json={"user": "camat", "password": PASSWORD},
                   headers={"X-CSRF-Token": csrf})
        token = r.json()["csrf"]
        r = c.post("/api/v1/resolve", json=action, headers={"X-CSRF-Token": token})
        assert r.status_code == 200, r.text
        assert c.post("/api/v1/logout", json={}, headers={"X-CSRF-Token": token}
                      ).status_code == 200
        assert c.post("/api/v1/resolve", json=action,
                      headers={"X-CSRF-Token": token}).status_code == 401
    with TallyDB.open(db_path) as db:
        (res,) = db.resolutions()
    assert res.kept == held[0] and res.official == "Ibu Camat (camat)"
    log = _audit(db_path)
    refused = [(u, a, d) for u, a, o, d in log if o == "refused"]
    assert ("", "resolve", "not logged in") in refused
    assert ("camat", "login", "missing or wrong CSRF token") in refused
    assert ("camat", "login", "wrong password") in refused
    assert ("nobody", "login", "unknown user") in refused
    assert ("camat", "resolve", "missing or wrong CSRF token") in refused
    assert ("", "resolve", "session expired or unknown") in refused
    assert any(a == "session" and o == "expired" for _, a, o, _ in log)
    assert [(u, a, o) for u, a, o, _ in log if o == "ok"] == [
        ("camat", "user_added", "ok"), ("camat", "login", "ok"), ("camat", "login", "ok"),
        ("camat", "resolve", "ok"), ("camat", "logout", "ok")]
    assert all(PASSWORD not in d for *_, d in log)


def _conflicting(run: StationRun) -> bytes:
    """A bundle for the same station that is not an extension: one ballot fewer."""
    import dataclasses

    from ballotcore import elgamal

    fewer = dataclasses.replace(run, ballots=run.ballots[:-1])
    n = len(run.aggregate)
    aggregate = tuple(elgamal.aggregate(b.ballot.ciphertexts[j] for b in fewer.ballots)
                      for j in range(n))
    return dataclasses.replace(fewer, aggregate=aggregate).export(with_results=False)


def test_a_flood_of_refused_actions_is_limited_and_cannot_fill_the_audit_log(
        db_path: Path) -> None:
    from tally.server.config import ServerConfig

    config = ServerConfig(action_burst=5, actions_per_minute=1.0, login_burst=3,
                          logins_per_minute=1.0)
    with LiveServer(db_path, config) as url, httpx.Client(base_url=url, timeout=60) as c:
        codes = [c.post("/api/v1/resolve", json={}).status_code for _ in range(20)]
        csrf = c.get("/api/v1/session").json()["csrf"]
        logins = [c.post("/api/v1/login", json={"user": "x", "password": "y" * 12},
                         headers={"X-CSRF-Token": csrf}).status_code for _ in range(10)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    assert logins[:3] == [401] * 3 and set(logins[3:]) == {429}
    assert len(_audit(db_path)) == 5 + 3  # only the refusals within the limits are rows
