"""The throwaway PostgreSQL server helper itself: it starts, authenticates, isolates and cleans up."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pg_server
import psycopg
import pytest
from pg_server import APP_PASSWORD, APP_ROLE, NOT_FOUND, PgServer, PgServerError


@pytest.fixture(scope="module")
def pg() -> PgServer:
    """The session's server; skipped here when PostgreSQL is not installed (an error in CI)."""
    found = pg_server.server_or_skip_reason()
    if isinstance(found, str):
        pytest.skip(found)
    return found


@pytest.fixture
def pg_db(pg: PgServer) -> Iterator[str]:
    """A fresh database for one test; its URL."""
    name = "t_" + uuid.uuid4().hex[:12]
    url = pg.create_database(name)
    yield url
    pg.drop_database(name)


def _dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _postmaster_pid(server: PgServer) -> int:
    return int((server.data_dir / "postmaster.pid").read_text(encoding="ascii").split()[0])


def _state(pid: int) -> str:
    """The process's state letter ("S", "R", "Z" for a zombie…), or "gone"."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except FileNotFoundError:
        return "gone"
    return stat.rsplit(")", 1)[1].split()[0]


def _alive(pid: int) -> bool:
    return _state(pid) not in ("gone", "Z")


# -- finding the server or the reason to skip (no server needed) ---------------------------------


def test_no_binaries_gives_a_skip_reason_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_server, "_session", None)
    monkeypatch.setattr(pg_server, "find_binaries", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    assert pg_server.server_or_skip_reason() == NOT_FOUND


def test_no_binaries_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_server, "_session", None)
    monkeypatch.setattr(pg_server, "find_binaries", lambda: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(PgServerError, match="CI must run the PostgreSQL tests"):
        pg_server.server_or_skip_reason()


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("1", True), ("", False), ("false", False)]
)
def test_ci_detection(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("CI", value)
    assert pg_server.in_ci() is expected


def test_find_binaries_prefers_highest_working_debian_major(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_install(major: str, *, works: bool) -> None:
        bindir = tmp_path / major / "bin"
        bindir.mkdir(parents=True)
        for name in ("initdb", "pg_ctl", "postgres"):
            prog = bindir / name
            body = f'echo "{name} (PostgreSQL) {major}.1"' if works else "exit 1"
            prog.write_text(f"#!/bin/sh\n{body}\n", encoding="ascii")
            prog.chmod(0o755)

    fake_install("9.6", works=True)
    fake_install("13", works=True)
    fake_install("17", works=False)  # a broken newer install is passed over
    monkeypatch.setattr(pg_server, "DEBIAN_ROOT", tmp_path)
    monkeypatch.delenv("QAF_PG_BINDIR", raising=False)
    found = pg_server.find_binaries()
    assert found is not None
    assert found.major == 13
    assert found.bindir == tmp_path / "13" / "bin"


def test_find_binaries_none_when_nothing_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_server, "DEBIAN_ROOT", tmp_path / "absent")
    monkeypatch.delenv("QAF_PG_BINDIR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pg_server.find_binaries() is None


def test_a_broken_forced_bindir_is_an_error_not_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QAF_PG_BINDIR", str(tmp_path))
    with pytest.raises(PgServerError, match="QAF_PG_BINDIR"):
        pg_server.find_binaries()


def test_scratch_dir_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QAF_PG_TMPDIR", str(tmp_path))
    assert pg_server._scratch_root() == tmp_path
    monkeypatch.delenv("QAF_PG_TMPDIR")
    monkeypatch.setattr(pg_server, "_SHM_MIN_FREE", 1 << 60)  # a RAM disk too small to use
    assert pg_server._scratch_root() == Path(tempfile.gettempdir())


# -- the running server ---------------------------------------------------------------------------


@pytest.mark.postgres
def test_app_role_connects_with_its_password_over_tcp(pg: PgServer, pg_db: str) -> None:
    assert (
        pg_db
        == f"postgresql://{APP_ROLE}:{APP_PASSWORD}@127.0.0.1:{pg.port}/{pg_db.rsplit('/', 1)[1]}"
    )
    with psycopg.connect(pg_db) as conn:
        row = conn.execute("SELECT current_user, inet_server_addr()::text").fetchone()
        assert row is not None
        user, addr = row
        assert user == APP_ROLE
        assert addr == "127.0.0.1/32"
        # The role owns its database: it can create tables without grants.
        conn.execute("CREATE TABLE audits (ref text PRIMARY KEY)")


@pytest.mark.postgres
def test_server_settings(pg: PgServer) -> None:
    with pg.admin_connection() as conn:
        settings = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
                (
                    [
                        "listen_addresses",
                        "fsync",
                        "synchronous_commit",
                        "full_page_writes",
                        "max_connections",
                        "port",
                    ],
                ),
            ).fetchall()
        )
    assert settings == {
        "listen_addresses": "127.0.0.1",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "100",
        "port": str(pg.port),
    }


@pytest.mark.postgres
def test_databases_are_isolated(pg: PgServer) -> None:
    names = ["t_" + uuid.uuid4().hex[:12] for _ in range(2)]
    url_a, url_b = (pg.create_database(name) for name in names)
    try:
        with psycopg.connect(url_a) as conn:
            conn.execute("CREATE TABLE audits (ref text)")
            conn.execute("INSERT INTO audits VALUES ('QA-1')")
        with psycopg.connect(url_b) as conn:
            found = conn.execute("SELECT to_regclass('audits')").fetchone()
            assert found == (None,)
        with psycopg.connect(url_a) as conn:
            assert conn.execute("SELECT ref FROM audits").fetchall() == [("QA-1",)]
    finally:
        for name in names:
            pg.drop_database(name)


@pytest.mark.postgres
def test_wrong_password_is_refused(pg: PgServer, pg_db: str) -> None:
    wrong = pg_db.replace(APP_PASSWORD, "not-the-password")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong, connect_timeout=10)


@pytest.mark.postgres
def test_superuser_is_not_trusted_over_tcp(pg: PgServer) -> None:
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(
            host="127.0.0.1", port=pg.port, user="postgres", dbname="postgres", connect_timeout=10
        )


@pytest.mark.postgres
def test_terminate_connections_breaks_an_open_connection(pg: PgServer, pg_db: str) -> None:
    dbname = pg_db.rsplit("/", 1)[1]
    conn = psycopg.connect(pg_db)
    try:
        conn.execute("SELECT 1")
        assert pg.terminate_connections(dbname) == 1
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
        assert conn.broken
    finally:
        conn.close()
    # The database itself is fine: a new connection works.
    with psycopg.connect(pg_db) as again:
        assert again.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.postgres
def test_drop_database_with_a_client_still_connected(pg: PgServer) -> None:
    name = "t_" + uuid.uuid4().hex[:12]
    conn = psycopg.connect(pg.create_database(name))
    try:
        pg.drop_database(name)
    finally:
        conn.close()
    with pg.admin_connection() as admin:
        assert (
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            is None
        )


@pytest.mark.postgres
def test_bad_database_names_are_refused(pg: PgServer) -> None:
    with pytest.raises(ValueError, match="database name"):
        pg.create_database('x"; DROP DATABASE postgres; --')


# -- life cycle (own servers, not the session's) ---------------------------------------------------


@pytest.mark.postgres
def test_stop_removes_everything_and_leaves_no_server(pg: PgServer) -> None:
    server = PgServer(pg.binaries).start()
    base, postmaster = server.base_dir, _postmaster_pid(server)
    assert base is not None and base.is_dir()
    assert _alive(postmaster)
    url = server.create_database("survives_restart")
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE kept (n int)")
    port = server.port
    server.restart()
    assert server.port == port
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('kept')::text").fetchone() == ("kept",)
    postmaster = _postmaster_pid(server)
    server.stop()
    assert not base.exists()
    assert _state(postmaster) == "gone"  # stopped and reaped: not left a zombie
    server.stop()  # twice is harmless


@pytest.mark.postgres
def test_a_server_left_by_a_killed_run_is_reaped(pg: PgServer) -> None:
    orphan = PgServer(pg.binaries).start()
    base, postmaster = orphan.base_dir, _postmaster_pid(orphan)
    assert base is not None
    # Pretend the test run that started it was killed (so its atexit never ran).
    (base / "owner.pid").write_text(f"{_dead_pid()}\n", encoding="ascii")
    pg_server._reap_stale_servers()
    assert not base.exists()
    assert not _alive(postmaster)
    orphan.stop()  # only reaps the process; must not fail
    assert _state(postmaster) == "gone"


@pytest.mark.postgres
def test_start_failure_reports_the_server_log(
    pg: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = PgServer(pg.binaries)
    original = server._write_settings

    def broken_settings() -> None:
        original()
        with (server.data_dir / "qaf_test.conf").open("a", encoding="utf-8") as f:
            f.write("shared_buffers = 'not a size'\n")

    monkeypatch.setattr(server, "_write_settings", broken_settings)
    with pytest.raises(PgServerError, match="shared_buffers") as failed:
        server.start()
    assert "end of server log" in str(failed.value)
    assert server.base_dir is None  # the temporary directory went with it
