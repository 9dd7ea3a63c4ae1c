"""A register a whole QA team can share: PostgreSQL for teams, SQLite kept to one computer.

Computers are played by processes with their own host identity (``QAF_HOST_ID``) and, where they
feed one register from two offices, their own workspace folder. Every refusal is one error line.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pg_server
import pytest
from click.testing import CliRunner, Result
from conftest import TODAY, complete_form, drop, pack_docx, plan_audits, use_postgres
from test_failures import wait_for
from test_form_versions import RI, saved

from qaf_docs.cli import cli, exits
from qaf_docs.errors import RegisterError, RegisterUnavailableError, RegisterUnreachableError
from qaf_docs.inbox import bulk
from qaf_docs.inbox import ingest as ingest_module
from qaf_docs.inbox import lifecycle_checks as checks
from qaf_docs.inbox.ingest import WATCH_LOCK, Ingestor, ingest_inbox
from qaf_docs.inbox.lock import WatcherLock
from qaf_docs.inbox.watch import watch_inbox
from qaf_docs.office.parts import sha256_file
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register import connection, dialect, moving
from qaf_docs.register.dialect import Db
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.register.submissions import SubmissionBook
from qaf_docs.reports.export import export_json
from qaf_docs.workspace import Workspace, init_workspace, set_register

REPO = Path(__file__).resolve().parents[1]
ON_POSTGRES = pytest.mark.parametrize("register_backend", ["postgresql"], indirect=True)


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def one_error_line(result: Result, *, after: str | None = None) -> str:
    """The command failed with one line, 'Error: …', and no traceback; the line.

    ``after``: the start of the one progress line allowed before it.
    """
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    if after is not None:
        assert lines[0].startswith(after), result.output
        lines = lines[1:]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def as_computer(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("QAF_HOST_ID", name)


def settle(folder: Path) -> None:
    """Make dropped files look long finished, so ingest need not wait for them."""
    old = time.time() - 3600
    for path in folder.iterdir():
        os.utime(path, (old, old))


def qaf(
    *args: str | Path, computer: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """``qaf ARGS`` as a process of its own, on the named computer."""
    return subprocess.Popen(
        [sys.executable, "-m", "qaf_docs", *map(str, args)],
        cwd=REPO,
        env={**os.environ, **(env or {}), "QAF_HOST_ID": computer},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


# -- credentials never in qaf.toml ---------------------------------------------------------------


def test_a_password_in_qaf_toml_is_refused_and_never_shown(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    text = ws.settings_path.read_text(encoding="utf-8")
    ws.settings_path.write_text(
        text.replace(
            "show_child_names", 'register = "postgresql://qaf:Tr0ub4dor@db/qa"\nshow_child_names'
        ),
        encoding="utf-8",
    )
    line = one_error_line(run("status", "--workspace", ws.root))
    assert "must not hold the register's password" in line
    assert "PGPASSWORD" in line and "pgpass" in line and "QAF_REGISTER_URL" in line
    assert "Tr0ub4dor" not in line and "postgresql://qaf@db/qa" in line


def test_init_refuses_a_password_before_writing_anything(tmp_path: Path) -> None:
    line = one_error_line(
        run("init", tmp_path / "ws", "--register", "postgresql://qaf@db/qa?password=Tr0ub4dor")
    )
    assert "must not hold the register's password" in line and "Tr0ub4dor" not in line
    assert not (tmp_path / "ws").exists()


def test_init_records_where_the_register_is(tmp_path: Path) -> None:
    result = run("init", tmp_path / "ws", "--register", "postgresql://qaf@db-server/qa_audits")
    assert result.exit_code == 0, result.output
    assert "register:  postgresql://qaf@db-server/qa_audits" in result.output
    ws = Workspace(tmp_path / "ws")
    assert ws.load_settings().register_at == "postgresql://qaf@db-server/qa_audits"


def test_init_under_an_environment_url_writes_it_down_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A colleague's computer has no QAF_REGISTER_URL: qaf.toml must say where the register is,
    or their qaf looks for a SQLite file and reports it missing."""
    monkeypatch.setenv("QAF_REGISTER_URL", "postgresql://qaf:Tr0ub4dor@db-server/qa_audits")
    result = run("init", tmp_path / "ws")
    assert result.exit_code == 0, result.output
    assert "from QAF_REGISTER_URL" in result.output and "Tr0ub4dor" not in result.output
    settings = Workspace(tmp_path / "ws").load_settings()
    assert settings.register_at == "postgresql://qaf@db-server/qa_audits"
    assert "Tr0ub4dor" not in (tmp_path / "ws" / "qaf.toml").read_text(encoding="utf-8")


def test_an_environment_url_that_is_not_postgresql_is_refused(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QAF_REGISTER_URL", "D:/qaf/register.db")
    assert "QAF_REGISTER_URL must be a postgresql://" in one_error_line(
        run("status", "--workspace", workspace.root)
    )


def test_the_environment_url_is_used_before_qaf_toml(
    workspace: Workspace, new_pg_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = new_pg_database()  # with its password: the environment is this computer's own
    monkeypatch.setenv("QAF_REGISTER_URL", url)
    result = run("status", "--workspace", workspace.root)
    assert result.exit_code == 0, result.output
    assert "PostgreSQL, shared by the team" in result.output
    assert pg_server.APP_PASSWORD not in result.output
    assert not workspace.register_path.exists()


@pytest.mark.parametrize(
    "password", ["q7Hs/Zk2+Lw9pQ==", "Xk9mP2vQ#7hRt", "q7Hs?Zk2", "pa[ss]", "p@ss@word"]
)
def test_a_password_with_characters_a_web_address_reserves_is_never_shown(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, password: str
) -> None:
    """Random passwords hold "/", "#", "?" or "@": the driver would take part of one for the
    server's name or port and quote it; qaf says how to write it instead, and shows none of it."""
    monkeypatch.setenv("QAF_REGISTER_URL", f"postgresql://qaf:{password}@127.0.0.1:5/qa")
    result = run("status", "--workspace", workspace.root)
    line = one_error_line(result)
    assert "Traceback" not in result.output
    for part in (password, *password.replace("#", "/").replace("?", "/").split("/")):
        if len(part) > 3:
            assert part not in result.output, result.output
    assert "postgresql://qaf@127.0.0.1:5/qa" in line
    assert "PGPASSWORD" in line and "%" in line
    # In qaf.toml, the same address is refused as holding a password, and shown without it.
    refused = one_error_line(
        run(
            "init",
            workspace.root.parent / "other",
            "--register",
            f"postgresql://qaf:{password}@db/qa",
        )
    )
    assert "must not hold the register's password" in refused and password not in refused


# -- bad input, each one clear line ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "words"),
    [
        ("wrong password", "refused the user name or password"),
        ("no password", "none was given"),
        ("unreachable server", "cannot be reached"),
        ("missing database", "does not exist on the server"),
    ],
)
def test_server_problems_are_one_line_each(
    tmp_path: Path,
    pg: pg_server.PgServer,
    monkeypatch: pytest.MonkeyPatch,
    problem: str,
    words: str,
) -> None:
    ws = init_workspace(tmp_path / "ws")
    port = pg.port
    if problem == "unreachable server":
        port = pg_server._free_port()  # nothing listens there
    database = "qa_audits"  # there is none: the first three fail before it is looked for
    set_register(ws, f"postgresql://qaf@127.0.0.1:{port}/{database}")
    if problem == "wrong password":
        monkeypatch.setenv("PGPASSWORD", "not-the-password")
    elif problem != "no password":
        monkeypatch.setenv("PGPASSWORD", pg_server.APP_PASSWORD)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))  # nor the developer's own
    line = one_error_line(run("status", "--workspace", ws.root))
    assert words in line and f"postgresql://qaf@127.0.0.1:{port}/{database}" in line
    assert "not-the-password" not in line


def test_a_database_qaf_may_not_create_its_tables_in_says_what_to_ask_it_for(
    workspace: Workspace,
    new_pg_database: Callable[[], str],
    pg: pg_server.PgServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """IT created the database as itself and granted qaf "all" on it, which on PostgreSQL 15 and
    later does not let qaf create tables: the person is told what to ask IT for."""
    url = new_pg_database()
    database = url.rsplit("/", 1)[1]
    with pg.admin_connection() as conn:
        conn.execute(f"ALTER DATABASE {database} OWNER TO {pg_server.SUPERUSER}")
        conn.execute(f"GRANT ALL ON DATABASE {database} TO {pg_server.APP_ROLE}")
    with pg.admin_connection(database) as conn:
        conn.execute(f"ALTER SCHEMA public OWNER TO {pg_server.SUPERUSER}")
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    use_postgres(workspace, url, monkeypatch)
    line = one_error_line(run("status", "--workspace", workspace.root))
    assert "may not create qaf's tables in this database" in line
    assert "make that user the database's owner" in line


@ON_POSTGRES
def test_a_register_restored_as_another_user_says_what_to_ask_it_for(
    workspace: Workspace, register: Register, pg: pg_server.PgServer
) -> None:
    """IT restored the register from pg_dump as the server's administrator: its tables are not
    qaf's own any more, and the person is told what IT must change, not "may not do this"."""
    plan_audits(register, workspace, 1)
    register.close()
    database = str(workspace.load_settings().register_at).rsplit("/", 1)[1]
    with pg.admin_connection(database) as conn:
        conn.execute(f"ALTER TABLE audits OWNER TO {pg_server.SUPERUSER}")
    line = one_error_line(run("status", "--workspace", workspace.root))
    assert "may not read or change the register's tables" in line
    assert "owner of the database's tables" in line and "pg_restore" in line


def test_a_server_too_old_for_qaf_is_named_not_called_unreachable(
    workspace: Workspace,
    new_pg_database: Callable[[], str],
    pg: pg_server.PgServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """IT points qaf at an old server (here: qaf asks for one newer than the test server): the
    person is told the server's version and what qaf needs, not to check that it is running."""
    use_postgres(workspace, new_pg_database(), monkeypatch)
    with pg.admin_connection() as conn:
        running = int(conn.info.server_version)
    monkeypatch.setattr(dialect, "PG_MIN_VERSION", (running // 10000 + 1) * 10000)
    line = one_error_line(run("status", "--workspace", workspace.root))
    assert f"runs PostgreSQL {running // 10000}, and qaf needs PostgreSQL 10 or later" in line
    assert "ask IT for a database on a newer server" in line
    assert "cannot be reached" not in line and pg_server.APP_PASSWORD not in line


def test_an_old_servers_version_is_named_as_postgresql_names_it() -> None:
    assert dialect.pg_version_name(90624) == "9.6"
    assert dialect.pg_version_name(150004) == "15"


@ON_POSTGRES
def test_a_team_register_is_backed_up_by_the_server_not_by_qaf(
    workspace: Workspace, register: Register
) -> None:
    plan_audits(register, workspace, 1)
    (workspace.samples / "round.xlsx").write_bytes(b"manifest")  # a workspace with history
    # No register file in the workspace is expected, or refused as lost: the server keeps it.
    result = run("status", "--workspace", workspace.root)
    assert result.exit_code == 0, result.output
    assert not workspace.register_path.exists()
    line = one_error_line(run("backup", "--workspace", workspace.root))
    assert "PostgreSQL server" in line and "pg_dump" in line
    assert not (workspace.root / "backups").exists()


@ON_POSTGRES
def test_two_workspaces_pointed_at_one_database_are_told(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("status", "--workspace", workspace.root).exit_code == 0
    other = init_workspace(tmp_path / "another team")
    set_register(other, str(workspace.load_settings().register_at))
    line = one_error_line(run("status", "--workspace", other.root))
    assert "belongs to another qaf workspace" in line
    assert "two workspaces cannot share one database" in line


@ON_POSTGRES
def test_the_server_going_away_mid_ingest_records_nothing_and_leaves_the_file(
    workspace: Workspace,
    register: Register,
    pg: pg_server.PgServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    complete_form(pack_docx(workspace, audit), workspace.load_framework()).save()
    dropped = drop(pack_docx(workspace, audit), workspace.inbox, "form.docx")
    database = str(workspace.load_settings().register_at).rsplit("/", 1)[1]
    real = SubmissionBook._supersede
    cut = []

    def server_goes_away(*args: object) -> None:
        if not cut:  # half-way through recording the file: the INSERT is done, the rest is not
            cut.append(pg.terminate_connections(database))
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(SubmissionBook, "_supersede", staticmethod(server_goes_away))
    with pytest.raises(RegisterUnavailableError) as info:
        ingest_inbox(workspace, settle_s=0.05)
    assert cut and cut[0] >= 1
    assert "connection to it was lost" in str(info.value) and "\n" not in str(info.value)
    assert dropped.exists(), "the file stays in the inbox"
    assert not any(workspace.processed.iterdir()) and not any(workspace.rejected.iterdir())
    assert register.submission_count() == 0 and register.counts() == {"audits issued": 1}
    # The same Register object connects again; the next run records the file once.
    [outcome] = ingest_inbox(workspace, settle_s=0.05)
    assert outcome.result == "accepted"
    assert register.submission_count() == 1 and not dropped.exists()


@ON_POSTGRES
def test_the_server_going_away_between_batches_says_what_happened_to_the_files_before(
    workspace: Workspace,
    register: Register,
    pg: pg_server.PgServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A burst bigger than one batch: the server restarts after the first batch was recorded and
    its files moved. The admin officer must learn that those went through (not to drop them
    again), not only that the register could not be used."""
    plan_audits(register, workspace, 4)
    generate_packs(workspace, register)
    framework = workspace.load_framework()
    for i, audit in enumerate(register.audits()):
        complete_form(pack_docx(workspace, audit), framework).save()
        drop(pack_docx(workspace, audit), workspace.inbox, f"form {i}.docx")
    settle(workspace.inbox)
    monkeypatch.setattr(bulk, "BATCH", 2)
    database = str(workspace.load_settings().register_at).rsplit("/", 1)[1]
    real = bulk.BulkIngestor._decide
    decided: list[object] = []

    def server_restarts_after_the_first_batch(self: Any, reading: Any, refresh: Any) -> Any:
        decided.append(reading)
        if len(decided) == 3:
            pg.terminate_connections(database)
        return real(self, reading, refresh)

    monkeypatch.setattr(bulk.BulkIngestor, "_decide", server_restarts_after_the_first_batch)
    result = run("ingest", "--workspace", workspace.root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    *handled, error = result.output.strip().splitlines()
    assert sum(": accepted" in line for line in handled) == 2, result.output
    assert error.startswith("Error: 2 file(s) handled: 2 accepted (do not drop them again)")
    assert "the other 2 file(s) stay in the inbox" in error and "connection" in error
    assert "Nothing was half-recorded" not in error
    assert len(list(workspace.processed.iterdir())) == 2
    assert len([p for p in workspace.inbox.iterdir() if p.suffix == ".docx"]) == 2
    monkeypatch.setattr(bulk.BulkIngestor, "_decide", real)
    assert run("ingest", "--workspace", workspace.root).exit_code == 0
    assert register.submission_count() == 4


# -- SQLite: one computer ------------------------------------------------------------------------


def test_a_sqlite_register_is_refused_on_a_second_computer_until_claimed(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_computer(monkeypatch, "qa-server")
    assert run("status", "--workspace", workspace.root).exit_code == 0
    as_computer(monkeypatch, "qa-laptop")
    line = one_error_line(run("status", "--workspace", workspace.root))
    assert "kept on the computer 'qa-server'" in line and "this is 'qa-laptop'" in line
    assert "Run qaf on 'qa-server'" in line and "PostgreSQL" in line
    assert "qaf register claim" in line
    # A computer renamed (or replaced, with the file on its own disk) takes it over on purpose.
    result = run("register", "claim", "--workspace", workspace.root)
    assert result.exit_code == 0 and "now owns the register" in result.output
    assert "before: 'qa-server'" in result.output
    assert run("status", "--workspace", workspace.root).exit_code == 0
    as_computer(monkeypatch, "qa-server")
    assert "kept on the computer 'qa-laptop'" in one_error_line(
        run("status", "--workspace", workspace.root)
    )


def test_a_synced_or_copied_sqlite_file_still_knows_its_computer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "register.db"
    as_computer(monkeypatch, "qa-server")
    Register.open(path).close()
    as_computer(monkeypatch, "qa-laptop")  # the same file, reached through OneDrive, say
    with pytest.raises(RegisterError) as info:
        Register.open(path)
    assert "belongs to the computer 'qa-server'" in str(info.value)


def test_a_shared_qaf_toml_naming_a_local_file_does_not_start_a_second_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = init_workspace(tmp_path / "share" / "audits", register=str(tmp_path / "D" / "qaf.db"))
    (tmp_path / "D").mkdir()
    as_computer(monkeypatch, "qa-server")
    assert run("status", "--workspace", shared.root).exit_code == 0
    # Another computer reads the same qaf.toml: its own D: drive has no register, and must not get one.
    (tmp_path / "D" / "qaf.db").rename(tmp_path / "elsewhere.db")
    as_computer(monkeypatch, "qa-laptop")
    assert "kept on the computer 'qa-server'" in one_error_line(
        run("status", "--workspace", shared.root)
    )
    assert not (tmp_path / "D" / "qaf.db").exists()


# -- two computers, one team register --------------------------------------------------------------


@ON_POSTGRES
def test_two_computers_share_a_team_register_and_no_form_is_lost_or_doubled(
    workspace: Workspace, register: Register, tmp_path: Path
) -> None:
    plan_audits(register, workspace, 10)
    generate_packs(workspace, register)
    framework = workspace.load_framework()
    forms = tmp_path / "forms"
    forms.mkdir()
    for i, audit in enumerate(register.audits()):
        complete_form(pack_docx(workspace, audit), framework).save(forms / f"form {i:02d}.docx")
    # A second office: the same workspace (same id, same team register), its own folder and inbox.
    office_b = Workspace(tmp_path / "office-b")
    shutil.copytree(workspace.root, office_b.root)
    reader = Workspace(tmp_path / "qa-lead")
    shutil.copytree(workspace.root, reader.root)
    # Both inboxes get forms 0-7 (the same files, same names); each also one of its own.
    for i in range(8):
        drop(forms / f"form {i:02d}.docx", workspace.inbox)
        drop(forms / f"form {i:02d}.docx", office_b.inbox)
    drop(forms / "form 08.docx", workspace.inbox)
    drop(forms / "form 09.docx", office_b.inbox)
    for ws in (workspace, office_b):
        settle(ws.inbox)

    ingests = [
        qaf("ingest", "--workspace", workspace.root, computer="office-a"),
        qaf("ingest", "--workspace", office_b.root, computer="office-b"),
    ]
    looks: list[int] = []
    while any(p.poll() is None for p in ingests):  # the QA lead reads meanwhile, from a third
        for command in ("status", "report"):
            look = qaf(command, "--workspace", reader.root, computer="qa-lead")
            out, _ = look.communicate(timeout=120)
            assert look.returncode == 0, out
            looks.append(look.returncode)
    codes = []
    for p in ingests:
        out, _ = p.communicate(timeout=120)
        # 3: done, with files set aside (here: the copies the other office recorded first)
        assert p.returncode in (0, exits.FILES_REJECTED), out
        codes.append(p.returncode)
    assert exits.FILES_REJECTED in codes  # eight second copies were set aside somewhere
    assert looks, "the reads ran while the ingests did"

    def files(folder: Path) -> list[Path]:
        return [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]

    processed = files(workspace.processed) + files(office_b.processed)
    set_aside = [
        p
        for p in files(workspace.rejected) + files(office_b.rejected)
        if not p.name.endswith(".rejected.txt")
    ]
    assert files(workspace.inbox) == [] and files(office_b.inbox) == []
    every_form = {sha256_file(p) for p in files(forms)}
    # Each form recorded exactly once, by one office or the other; each second copy set aside.
    assert Counter(sha256_file(p) for p in processed) == Counter(every_form)
    assert Counter(sha256_file(p) for p in set_aside) == Counter(
        sha256_file(forms / f"form {i:02d}.docx") for i in range(8)
    )
    for path in set_aside:
        note = path.with_name(path.name + ".rejected.txt").read_text(encoding="utf-8")
        assert "exact copy" in note
    assert sorted(register.submission_hashes()) == sorted(every_form)
    assert register.counts()["files processed"] == 10


def _both_offices(
    watcher_of: Callable[[Workspace, str], None], office_a: Workspace, office_b: Workspace
) -> None:
    """Run two offices' watchers at once, in threads named office-a and office-b, and wait."""
    threads = [
        threading.Thread(target=watcher_of, args=(office, name), name=name)
        for office, name in ((office_a, "office-a"), (office_b, "office-b"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


@ON_POSTGRES
def test_an_older_copy_checked_while_another_office_records_a_newer_one_is_not_recorded_over_it(
    workspace: Workspace, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two moderators' copies of one audit reach two offices' watchers at the same moment. The
    copy saved first must never end up recorded over the one saved later, whichever computer
    gets there first: the checks and the record are one turn at the register."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    framework = workspace.load_framework()
    office_b = Workspace(tmp_path / "office-b")
    shutil.copytree(workspace.root, office_b.root)
    issued = datetime.now(UTC)
    copies = {}
    for office, grade, days in ((workspace, "Good", 1), (office_b, RI, 5)):
        complete_form(pack_docx(workspace, audit), framework, grade=grade).save()
        copies[office] = drop(saved(pack_docx(workspace, audit), issued + timedelta(days=days)),
                              office.inbox, "moderated.docx")  # fmt: skip
    older_checked, newer_done = threading.Event(), threading.Event()
    real = checks.form_lifecycle_findings

    def checking(*args: Any) -> Any:
        found = real(*args)
        if threading.current_thread().name == "office-a":  # the older copy, checked: hold on
            older_checked.set()
            newer_done.wait(timeout=5)  # (with the fix, office B waits for this turn instead)
        return found

    monkeypatch.setattr(checks, "form_lifecycle_findings", checking)
    results: dict[str, str] = {}

    def watcher_of(office: Workspace, name: str) -> None:
        if name == "office-b":
            older_checked.wait(timeout=30)
        with open_register(office) as own:
            ingestor = Ingestor(office, own, office.load_settings())
            results[name] = ingestor.process(copies[office]).result
        if name == "office-b":
            newer_done.set()

    _both_offices(watcher_of, workspace, office_b)
    assert results == {"office-a": "accepted", "office-b": "accepted"}  # first come, then newer
    final = next(r for r in register.results() if r.audit_ref == audit.audit_ref)
    assert final.final_grade == RI, "the copy saved last is the one that counts"


@ON_POSTGRES
def test_the_same_file_reaching_two_offices_watchers_at_once_is_one_record_and_one_duplicate(
    workspace: Workspace, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Office B's watcher is reading the form while office A's records the very same file: B's
    copy is set aside as the exact copy it is, not refused as a copy with nothing new in it."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    complete_form(pack_docx(workspace, audit), workspace.load_framework()).save()
    office_b = Workspace(tmp_path / "office-b")
    shutil.copytree(workspace.root, office_b.root)
    copies = {
        o: drop(pack_docx(workspace, audit), o.inbox, "f.docx") for o in (workspace, office_b)
    }
    b_reading, a_done = threading.Event(), threading.Event()
    real_read = ingest_module.read_audit_form

    def reading(*args: Any) -> Any:
        if threading.current_thread().name == "office-b":
            b_reading.set()
            a_done.wait(timeout=30)
        return real_read(*args)

    monkeypatch.setattr(ingest_module, "read_audit_form", reading)
    results: dict[str, str] = {}

    def watcher_of(office: Workspace, name: str) -> None:
        if name == "office-a":
            b_reading.wait(timeout=30)
        with open_register(office) as own:
            outcome = Ingestor(office, own, office.load_settings()).process(copies[office])
            results[name] = outcome.result
        if name == "office-a":
            a_done.set()

    _both_offices(watcher_of, workspace, office_b)
    assert results == {"office-a": "accepted", "office-b": "duplicate"}
    note = (office_b.rejected / "f.docx.rejected.txt").read_text(encoding="utf-8")
    assert "exact copy" in note
    assert register.submission_count() == 1


# -- a team server away while qaf watch runs ---------------------------------------------------------


@ON_POSTGRES
def test_a_watcher_waits_for_a_server_that_is_down_at_start_or_goes_away_then_records_the_forms(
    workspace: Workspace,
    register: Register,
    pg: pg_server.PgServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The admin PC's watcher starts before the server (a power cut, say), and later the server
    restarts under it: forms dropped meanwhile wait safely and are recorded once it is back."""
    assert register.where == f"postgresql://qaf@127.0.0.1:{pg.port}/{register.where[-14:]}"
    plan_audits(register, workspace, 2)
    generate_packs(workspace, register)
    framework = workspace.load_framework()
    forms = []
    for audit in register.audits():
        complete_form(pack_docx(workspace, audit), framework).save()
        forms.append(pack_docx(workspace, audit))
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_inbox,
        args=(workspace,),
        kwargs={"poll": True, "scan_interval_s": 0.2, "stop": stop},
    )

    def away() -> list[str]:
        said = (r.getMessage() for r in caplog.records)
        return [line for line in said if line.startswith("The team register (")]

    caplog.set_level(logging.INFO)
    try:
        with pg.down():
            watcher.start()
            assert wait_for(lambda: len(away()) == 1 or not watcher.is_alive()), caplog.text
            assert watcher.is_alive(), "the watcher waits for the server instead of stopping"
            drop(forms[0], workspace.inbox, "first.docx")
            time.sleep(1.0)
            assert (workspace.inbox / "first.docx").exists()
        assert wait_for(lambda: register.submission_count() == 1), "recorded once it is back"
        assert wait_for(lambda: not (workspace.inbox / "first.docx").exists())
        with pg.down():  # the server goes away mid-run: the same wait, said the same way
            drop(forms[1], workspace.inbox, "second.docx")
            assert wait_for(lambda: len(away()) == 3), caplog.text  # away, back, away
            assert (workspace.inbox / "second.docx").exists()
        assert wait_for(lambda: register.submission_count() == 2)
    finally:
        stop.set()
        watcher.join(timeout=60)
    assert not watcher.is_alive()
    said = [line for line in away() if "cannot be reached" in line]
    assert len(said) == 2, "once each time the server goes away, not at every try"
    for line in said:
        assert f"The team register ({register.where}) cannot be reached" in line
        assert "stay there safely" in line and "at least once a minute" in line
    assert sum("can be reached again" in r.getMessage() for r in caplog.records) == 2
    assert pg_server.APP_PASSWORD not in caplog.text
    assert [p.name for p in workspace.inbox.iterdir() if not p.name.startswith(".")] == []


class _ServerSaid(Exception):
    """A psycopg error as the register sees it: libpq's words and, where the server gave one,
    its SQLSTATE."""

    def __init__(self, words: str, sqlstate: str | None) -> None:
        super().__init__(words)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "words", "waited_for"),
    [
        (None, 'connection to server at "db", port 5432 failed: Connection refused', True),
        ("57P01", "terminating connection due to administrator command", True),
        ("57P03", "the database system is starting up", True),
        (None, 'could not translate host name "db" to address: Temporary failure', True),
        ("28P01", 'password authentication failed for user "qaf"', False),
        ("3D000", 'database "qa_audits" does not exist', False),
        ("42501", "permission denied for schema public", False),
        ("40P01", "deadlock detected", False),  # another qaf command: that file is tried again
    ],
)
def test_only_a_server_out_of_reach_is_waited_for_by_the_watcher(
    sqlstate: str | None, words: str, waited_for: bool
) -> None:
    where = "postgresql://qaf@db:5432/qa_audits"
    error = connection.database_error(_ServerSaid(words, sqlstate), where)
    assert isinstance(error, RegisterUnreachableError) is waited_for, error
    if waited_for:
        assert isinstance(error, RegisterUnreachableError) and error.where == where


@pytest.mark.parametrize(
    ("problem", "words"),
    [
        ("wrong password", "refused the user name or password"),
        ("missing database", "does not exist on the server"),
    ],
)
def test_settings_that_will_never_work_stop_qaf_watch_with_their_message(
    tmp_path: Path,
    pg: pg_server.PgServer,
    monkeypatch: pytest.MonkeyPatch,
    problem: str,
    words: str,
) -> None:
    """Not worth waiting for: the scheduled task's log says what to put right, and it stops."""
    ws = init_workspace(tmp_path / "ws")
    set_register(ws, f"postgresql://qaf@127.0.0.1:{pg.port}/qa_audits")  # there is none
    password = "not-the-password" if problem == "wrong password" else pg_server.APP_PASSWORD
    monkeypatch.setenv("PGPASSWORD", password)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    result = run("watch", "--workspace", ws.root, "--poll")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("Error: ") and words in line and "cannot be reached" not in line
    log = (ws.root / "logs" / "qaf-watch.log").read_text(encoding="utf-8")
    assert "qaf watch stopped" in log and "cannot be reached" not in log


def test_qaf_ingest_still_stops_at_once_when_the_server_cannot_be_reached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = init_workspace(tmp_path / "ws")
    set_register(ws, f"postgresql://qaf@127.0.0.1:{pg_server._free_port()}/qa_audits")
    monkeypatch.setenv("PGPASSWORD", pg_server.APP_PASSWORD)
    started = time.monotonic()
    result = run("ingest", "--workspace", ws.root)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "cannot be reached" in result.output.strip().splitlines()[-1]
    assert time.monotonic() - started < 15


# -- qaf register move -----------------------------------------------------------------------------


def _demo(root: Path) -> Workspace:
    result = run("demo", "--workspace", root, "--cases", "80", "--audits", "6")
    assert result.exit_code == 0, result.output
    return Workspace(root)


def _contents(ws: Workspace) -> tuple[moving.Fingerprint, str]:
    with open_register(ws) as register:
        return moving.fingerprint(register._db), export_json(register)


def test_register_move_round_trips_the_demo_register_exactly(
    tmp_path: Path, new_pg_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _demo(tmp_path / "demo")
    before, exported = _contents(ws)
    assert before.rows["submissions"] > 0 and before.rows["ingested_files"] > 0
    # The audit lifecycle's history goes with it (status events, escalations).
    assert before.rows["audit_events"] > 0 and before.rows["escalations"] > 0
    # And which case notes and notifications each event produced, so none is produced again.
    assert before.rows["event_outcomes"] > 0 and before.rows["event_outputs"] > 0
    url = new_pg_database()  # typed with its password, as someone might
    monkeypatch.setenv("PGPASSWORD", pg_server.APP_PASSWORD)

    result = run("register", "move", "--to", url, "--workspace", ws.root)
    assert result.exit_code == 0, result.output
    assert _checked(result)["file content hashes"] == len(before.file_hashes)
    assert "The password was not written to qaf.toml" in result.output
    setting = ws.load_settings().register_at
    assert setting == url.replace(f":{pg_server.APP_PASSWORD}", "")
    assert pg_server.APP_PASSWORD not in ws.settings_path.read_text(encoding="utf-8")
    on_server = _contents(ws)
    assert on_server == (before, exported)
    assert on_server[0].differences(before) == []
    with open_register(ws) as register:  # a new submission's id follows on from the copied ones
        next_id = register._db.execute(
            "SELECT nextval(pg_get_serial_sequence('submissions', 'id'))"
        ).fetchone()[0]
    assert next_id == before.rows["submissions"] + 1

    # The old file is kept, but never used again.
    set_register(ws, None)
    assert "was moved to" in one_error_line(run("status", "--workspace", ws.root))
    set_register(ws, setting)

    # New submissions on the server continue the ids; and back to a file, still exactly the same.
    back = tmp_path / "local" / "register.db"
    result = run("register", "move", "--to", back, "--workspace", ws.root)
    assert result.exit_code == 0, result.output
    assert ws.load_settings().register_at == str(back)
    assert _contents(ws) == (before, exported)
    with open_register(ws) as register:
        plan_audits(register, ws, 1)  # and it is an ordinary register again


def _checked(result: Result) -> dict[str, int]:
    """What ``qaf register move`` says it copied and checked: how many of each, by its words."""
    lines = result.output.split("Copied and checked, the same in both:\n", 1)[1].splitlines()
    return {
        what: int(count)
        for what, count in (
            line.strip().rsplit(maxsplit=1) for line in lines[: len(moving.TABLES) + 1]
        )
    }


def test_register_move_says_what_it_checked_in_the_users_words(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    with open_register(ws) as register:
        plan_audits(register, ws, 2)
        generate_packs(ws, register)
        issued = register.audits()
    framework = ws.load_framework()
    for audit in issued:
        complete_form(pack_docx(ws, audit), framework, actions=3).save()
        drop(pack_docx(ws, audit), ws.inbox, f"{audit.audit_ref}.docx")
    assert {o.result for o in ingest_inbox(ws, settle_s=0.05)} == {"accepted"}

    moved = run("register", "move", "--to", tmp_path / "new" / "register.db", "-w", ws.root)
    assert moved.exit_code == 0, moved.output
    checked = _checked(moved)
    # The register's own table names (domain_grades, submissions …) are not what people call them.
    assert not any("_" in what or what in ("meta", "submissions") for what in checked), checked
    assert checked["audits"] == 2
    assert checked["forms (with any moderation) and trackers received"] == 2
    assert checked["practice-area grades"] == 2 * len(framework.domains)
    assert checked["agreed actions"] == 2 * 3
    assert checked["files read from the inbox"] == 2


def test_register_move_does_not_call_an_audit_moderated_in_its_own_form_unmoderated(
    tmp_path: Path,
) -> None:
    # qaf status counted the audit moderated; the move said "moderation records 0", as its table
    # holds only how audits were moderated and disputes, while the grade is on the form.
    ws = init_workspace(tmp_path / "ws")
    with open_register(ws) as register:
        plan_audits(register, ws, 1)
        generate_packs(ws, register)
        [audit] = register.audits()
    form = complete_form(pack_docx(ws, audit), ws.load_framework())
    form.text("qaf_moderator", "Quinn Moderator").choose("qaf_moderated_grade", "Good")
    form.pick_date("qaf_moderation_date", TODAY).save()
    drop(pack_docx(ws, audit), ws.inbox, "moderated.docx")
    assert [o.result for o in ingest_inbox(ws, settle_s=0.05)] == ["accepted"]
    assert "1 moderated" in run("status", "-w", ws.root).output

    moved = run("register", "move", "--to", tmp_path / "new" / "register.db", "-w", ws.root)
    assert moved.exit_code == 0, moved.output
    assert "moderation records" not in moved.output
    checked = _checked(moved)
    assert checked["forms (with any moderation) and trackers received"] == 1
    assert checked["moderation kinds and disputes recorded"] == 0


@ON_POSTGRES
def test_register_move_refuses_a_database_that_holds_a_register(
    workspace: Workspace, register: Register, tmp_path: Path
) -> None:
    plan_audits(register, workspace, 2)
    team_url = str(workspace.load_settings().register_at)
    local = init_workspace(tmp_path / "local")
    line = one_error_line(run("register", "move", "--to", team_url, "--workspace", local.root))
    # The local workspace's own id differs: the target is another workspace's register.
    assert "belongs to another qaf workspace" in line
    assert local.load_settings().register_at is None


def test_register_move_refuses_a_target_already_in_use_by_this_workspace(
    tmp_path: Path, new_pg_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _demo(tmp_path / "demo")
    url = new_pg_database()
    monkeypatch.setenv("PGPASSWORD", pg_server.APP_PASSWORD)
    with Register.open(url, workspace_id=ws.load_settings().workspace_id) as target:
        plan_audits(target, ws, 1)
    line = one_error_line(run("register", "move", "--to", url, "--workspace", ws.root))
    assert "already holds a register (1 audits" in line and "Nothing was copied" in line
    assert ws.load_settings().register_at is None


def test_a_copy_that_does_not_match_is_removed_and_nothing_switches(
    tmp_path: Path, new_pg_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _demo(tmp_path / "demo")
    before, _ = _contents(ws)
    url = new_pg_database()
    monkeypatch.setenv("PGPASSWORD", pg_server.APP_PASSWORD)
    real_copy = moving._copy

    def lossy_copy(source: object, target: object) -> None:
        real_copy(source, target)  # type: ignore[arg-type]
        target.execute(  # type: ignore[attr-defined]
            "DELETE FROM domain_grades WHERE position = 0 "
            "AND submission_id = (SELECT MIN(submission_id) FROM domain_grades)"
        )

    monkeypatch.setattr(moving, "_copy", lossy_copy)
    line = one_error_line(
        run("register", "move", "--to", url, "--workspace", ws.root), after="Copying "
    )
    grades = before.rows["domain_grades"]
    assert (
        f"The copy does not match the register (practice-area grades: {grades} here, "
        f"{grades - 1} in the copy)" in line
    )
    assert "keeps its old register" in line
    assert ws.load_settings().register_at is None
    assert _contents(ws)[0] == before  # the old register is still in use, untouched
    with Register.open(url) as target:
        assert target.counts() == {} and target.submission_count() == 0


def test_a_move_stopped_half_way_can_simply_be_run_again(
    tmp_path: Path, new_pg_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C (or a power cut) half-way through the copy back from the team's server leaves the
    new file with the register's tables and nothing in them: the same command, run again, must
    finish the move rather than send the person off to choose another file."""
    ws = _demo(tmp_path / "demo")
    monkeypatch.setenv("PGPASSWORD", pg_server.APP_PASSWORD)
    to_server = run("register", "move", "--to", new_pg_database(), "-w", ws.root)
    assert to_server.exit_code == 0, to_server.output
    before = _contents(ws)
    target = tmp_path / "local" / "register.db"
    real_copy = moving._copy

    def stopped_half_way(source: Db, new: Db) -> None:
        copy_rows = new.executemany

        def rows_then_stop(sql: str, rows: Iterable[Sequence[object]]) -> None:
            if "INTO submissions" in sql:
                raise KeyboardInterrupt
            copy_rows(sql, rows)

        monkeypatch.setattr(new, "executemany", rows_then_stop)
        real_copy(source, new)

    monkeypatch.setattr(moving, "_copy", stopped_half_way)
    assert run("register", "move", "--to", target, "-w", ws.root).exit_code != 0
    assert target.exists() and ws.load_settings().register_at != str(target)
    monkeypatch.setattr(moving, "_copy", real_copy)
    again = run("register", "move", "--to", target, "-w", ws.root)
    assert again.exit_code == 0, again.output
    assert ws.load_settings().register_at == str(target)
    assert _contents(ws) == before
    # A file that is not an empty register is still never used, nor touched.
    other = tmp_path / "notes.db"
    other.write_bytes(b"somebody's notes")
    line = one_error_line(run("register", "move", "--to", other, "-w", ws.root))
    assert "already exists: choose a new file" in line
    assert other.read_bytes() == b"somebody's notes"


def test_register_move_waits_for_no_watcher(tmp_path: Path) -> None:
    ws = _demo(tmp_path / "demo")
    with WatcherLock(ws.inbox / WATCH_LOCK):
        line = one_error_line(
            run("register", "move", "--to", "postgresql://qaf@db/qa", "--workspace", ws.root)
        )
    assert "Another watcher" in line and "already working on this inbox" in line
    assert ws.load_settings().register_at is None


def test_a_connection_opened_before_a_move_records_nothing_more_in_the_old_register(
    tmp_path: Path,
) -> None:
    """Another office's watcher, connected before the move, would go on writing into the register
    left behind as a backup, and its work would never reach the one the team now uses."""
    ws = init_workspace(tmp_path / "ws")
    with open_register(ws) as other_office:
        plan_audits(other_office, ws, 1)
        moved = run("register", "move", "--to", tmp_path / "new" / "register.db", "-w", ws.root)
        assert moved.exit_code == 0, moved.output
        with pytest.raises(RegisterError, match=r"was moved to .*Nothing is recorded in the old"):
            plan_audits(other_office, ws, 1)
        assert len(other_office.audits()) == 1  # reading the backup still works
    with open_register(ws) as register:
        assert len(register.audits()) == 1


def test_register_move_is_one_line_when_the_target_cannot_be_reached(tmp_path: Path) -> None:
    ws = _demo(tmp_path / "demo")
    port = pg_server._free_port()
    line = one_error_line(
        run(
            "register",
            "move",
            "--to",
            f"postgresql://qaf@127.0.0.1:{port}/qa",
            "--workspace",
            ws.root,
        )
    )
    assert "cannot be reached" in line
    assert ws.load_settings().register_at is None


def test_use_postgres_helper_keeps_the_password_out_of_qaf_toml(
    tmp_path: Path, new_pg_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = init_workspace(tmp_path / "ws")
    use_postgres(ws, new_pg_database(), monkeypatch)
    assert pg_server.APP_PASSWORD not in ws.settings_path.read_text(encoding="utf-8")
    with open_register(ws) as register:
        assert register.dialect == "postgresql"


def test_several_readers_at_once_on_one_team_register(
    tmp_path: Path, new_pg_database: Callable[[], str]
) -> None:
    # Reports, exports and status from several computers at once: nobody waits for anybody.
    url = new_pg_database()
    errors: list[BaseException] = []

    def look() -> None:
        try:
            for _ in range(5):
                with Register.open(url) as register:
                    register.counts()
                    register.results()
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=look) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
