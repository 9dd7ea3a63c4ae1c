"""A register a council has used for a year, opened by a newer qaf: upgraded once, all or nothing.

A register "from an older qaf" is built here by that qaf's own migrations (the first ``k`` steps),
not by undoing this one's, so what is upgraded is what an older qaf really left. On both back ends.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from test_framework_changes import (
    PRESET,
    RI,
    _area_grades,
    _council_copy,
    _edit_framework,
    _fingerprint,
    _moderate_every_area,
    _moderation_form,
    _pack,
    _returned_by_the_auditor,
    _without_last_area,
)
from test_register import NOV, raw, record

from qaf_docs.errors import RegisterError
from qaf_docs.register import store
from qaf_docs.register.dialect import Db
from qaf_docs.register.location import open_register
from qaf_docs.register.migrations import MIGRATIONS
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

Step = tuple[str, Callable[[Db], None]]


def open_as(qaf: list[Step], location: Path | str, monkeypatch: pytest.MonkeyPatch) -> Register:
    """Open the register as a qaf whose migrations are ``qaf`` would."""
    with monkeypatch.context() as m:
        m.setattr(store, "MIGRATIONS", qaf)
        return Register.open(location)


def schema(location: Path | str) -> dict[str, Any]:
    """Every table's columns (name, type, nullability, default) and every index's name."""
    if isinstance(location, Path):
        with closing(sqlite3.connect(location)) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            found: dict[str, Any] = {
                t: sorted(tuple(r[1:]) for r in db.execute(f"PRAGMA table_info({t})"))
                for t in tables
            }
            found["indexes"] = sorted(
                r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            )
        return found
    with psycopg.connect(location) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity "
            "FROM information_schema.columns WHERE table_schema = 'public'"
        ).fetchall()
        found = {}
        for table, *rest in sorted(columns, key=lambda r: [str(v) for v in r]):
            found.setdefault(table, []).append(tuple(rest))
        found["indexes"] = sorted(
            r[0]
            for r in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
        )
    return found


def versions(location: Path | str) -> list[int]:
    sql = "SELECT version FROM schema_migrations ORDER BY version"
    if isinstance(location, Path):
        with closing(sqlite3.connect(location)) as db:
            return [int(r[0]) for r in db.execute(sql)]
    with psycopg.connect(location) as conn:
        return [int(r[0]) for r in conn.execute(sql)]


# The versions councils have registers at: each release's last step, and the steps of the last
# few (the framework texts and their fingerprints, 18 and 19, among them).
OLDER = (12, 17, 18, 19)


@pytest.mark.parametrize("older", OLDER)
def test_a_register_an_older_qaf_made_is_upgraded_to_what_a_new_one_is_and_keeps_its_audits(
    register_location: Path | str,
    new_pg_database: Callable[[], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    older: int,
) -> None:
    with open_as(MIGRATIONS[:older], register_location, monkeypatch) as old:
        refs = record(old, NOV, 3)
    with Register.open(register_location) as register:
        assert [a.audit_ref for a in register.audits()] == refs
        assert register.schema_version() == len(MIGRATIONS)
    assert versions(register_location) == list(range(1, len(MIGRATIONS) + 1))  # each step once
    fresh = tmp_path / "fresh.db" if isinstance(register_location, Path) else new_pg_database()
    Register.open(fresh).close()
    assert schema(register_location) == schema(fresh)


def failing_step(db: Db) -> None:
    db.execute("CREATE TABLE half_made (x INTEGER)")  # done, then the step fails half way
    raise ValueError("a newer step's bug")


def test_an_upgrade_that_fails_half_way_changes_nothing_and_says_so_in_words(
    register_location: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = 17  # steps 18 to the end succeed; the one after them fails
    with open_as(MIGRATIONS[:older], register_location, monkeypatch) as old:
        refs = record(old, NOV, 2)
    before = schema(register_location)
    newer = [*MIGRATIONS, ("a step that fails", failing_step)]
    with pytest.raises(RegisterError) as info:
        open_as(newer, register_location, monkeypatch)
    said = str(info.value)
    assert "could not be upgraded" in said and "nothing was changed" in said.lower()
    assert f"step {len(newer)} of {len(newer)}" in said and "a step that fails" in said
    assert "\n" not in said and "Traceback" not in said
    # All or nothing: not even the steps before the failing one were kept.
    assert schema(register_location) == before
    assert versions(register_location) == list(range(1, older + 1))
    # The qaf that made it still opens it, with everything in it.
    with open_as(MIGRATIONS[:older], register_location, monkeypatch) as old:
        assert [a.audit_ref for a in old.audits()] == refs


def test_an_upgrade_the_database_refuses_half_way_is_one_plain_line_and_changes_nothing(
    register_location: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = 17
    with open_as(MIGRATIONS[:older], register_location, monkeypatch) as old:
        record(old, NOV, 2)  # both in Team A
    before = schema(register_location)

    def refused(db: Db) -> None:
        db.execute("CREATE UNIQUE INDEX one_audit_per_team ON audits(team)")

    newer = [*MIGRATIONS, ("one audit per team", refused)]
    with pytest.raises(RegisterError) as info:
        open_as(newer, register_location, monkeypatch)
    said = str(info.value)
    assert "could not be upgraded" in said and "one audit per team" in said
    assert "\n" not in said
    assert schema(register_location) == before
    assert versions(register_location) == list(range(1, older + 1))


# -- forms recorded at 18: the framework text their pack was made from -----------------------------


def _as_recorded_at_18(ws: Workspace) -> None:
    """Make the register look as a qaf at schema 18 left it: the packs' framework texts kept, but
    not which one each accepted form was read against (19 began recording that)."""
    with open_register(ws) as register, register.transaction() as db:
        db.execute("UPDATE submissions SET framework_sha256 = NULL")
        db.execute("DELETE FROM schema_migrations WHERE version > 18")


def test_a_form_recorded_at_18_is_moderated_against_the_text_its_pack_was_made_from(
    tmp_path: Path, make_workspace: Callable[..., Workspace]
) -> None:
    ws = _council_copy(tmp_path / "ws", make_workspace)
    made_with = ws.load_framework()
    ref = _returned_by_the_auditor(ws, made_with)
    _as_recorded_at_18(ws)
    _edit_framework(ws, _without_last_area(PRESET))  # the council drops an area afterwards
    # Before: the upgrade left the form with no text recorded, so its moderation form was made from
    # the file as it is now and refused ("records the practice area … which the framework file no
    # longer has. No moderation form was written").
    path = _moderation_form(ws, ref)
    assert _fingerprint(path) == _fingerprint(_pack(ws, 0)) != ""
    _moderate_every_area(ws, path, made_with)
    assert _area_grades(ws) == [(d.title, RI, "Good") for d in made_with.domains]


def test_a_form_recorded_at_18_is_not_given_a_text_when_two_could_be_its_packs(
    tmp_path: Path, make_workspace: Callable[..., Workspace]
) -> None:
    ws = _council_copy(tmp_path / "ws", make_workspace)
    ref = _returned_by_the_auditor(ws, ws.load_framework())
    with open_register(ws) as register, register.transaction() as db:
        db.execute(  # another text of the framework, kept before the pack was issued
            "INSERT INTO framework_texts (sha256, framework_id, text, kept_at) "
            "SELECT ?, framework_id, text, '2000-01-01T00:00:00+00:00' FROM framework_texts",
            ("e" * 64,),
        )
    _as_recorded_at_18(ws)
    with open_register(ws) as register:
        form = register.returned_form(ref)
    assert form is not None and form["framework_sha256"] == ""  # read against the file, as before


def test_a_register_a_newer_qaf_upgrades_meanwhile_takes_no_more_writes_from_this_one(
    register_location: Path | str,
) -> None:
    # The watcher on the server runs for days; a colleague's newer qaf upgrades the team register
    # meanwhile. Before: the old watcher went on recording into a layout it does not know.
    with Register.open(register_location) as register:
        record(register, NOV, 1)
        raw(
            register_location,
            f"INSERT INTO schema_migrations VALUES ({len(MIGRATIONS) + 1}, 'a later change', "
            "'2030-01-01T00:00:00+00:00')",
        )
        with pytest.raises(RegisterError) as info:
            record(register, NOV, 1)
        said = str(info.value)
        assert "newer version of qaf" in said and "upgrade qaf on this computer" in said
        assert len(register.audits()) == 1  # nothing more was recorded


def test_computers_opening_an_older_register_at_once_upgrade_it_once(
    register_location: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_as(MIGRATIONS[:12], register_location, monkeypatch) as old:
        refs = record(old, NOV, 2)
    start = threading.Barrier(3)
    failures: list[BaseException] = []

    def upgrade() -> None:
        start.wait()
        try:
            Register.open(register_location).close()
        except BaseException as e:  # reported below
            failures.append(e)

    threads = [threading.Thread(target=upgrade) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert failures == []
    assert versions(register_location) == list(range(1, len(MIGRATIONS) + 1))
    with Register.open(register_location) as register:
        assert [a.audit_ref for a in register.audits()] == refs
