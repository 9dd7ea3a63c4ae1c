"""Midnight: one file is received on one day, whatever the clock does while qaf reads it.

The wall clock here ticks one second each time anything asks it, starting two seconds before
midnight, so the day turns while a form is being checked and recorded."""

from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

import pytest
from conftest import TODAY, complete_form, drop, pack_docx

from qaf_docs import clock
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.records import AuditRecord
from qaf_docs.register import values
from qaf_docs.register.location import open_register
from qaf_docs.reports.export import export_json
from qaf_docs.workspace import Workspace

REAL_TODAY = clock.today  # qaf's own clock, before the tests' fixture holds it still
EVE = TODAY - timedelta(days=1)


class _Wall:
    """A wall clock at 23:59:58 the day before the tests' day, a second later at every look."""

    start = datetime.combine(EVE, datetime.min.time()) + timedelta(hours=23, minutes=59, seconds=58)
    at = start

    @classmethod
    def look(cls) -> datetime:
        cls.at += timedelta(seconds=1)
        return cls.at


class _Date(date):
    @classmethod
    def today(cls) -> _Date:
        day = _Wall.look().date()
        return cls(day.year, day.month, day.day)


class _Datetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _Datetime:
        at = _Wall.look()
        return cls.combine(at.date(), at.time(), tzinfo=tz)


def test_a_form_read_as_midnight_passes_is_received_on_the_day_its_note_names(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _Wall.at = _Wall.start
    audit = issued[0]
    complete_form(pack_docx(workspace, audit), framework).text("qaf_audit_date", "").save()
    path = drop(pack_docx(workspace, audit), workspace.inbox, "form.docx")
    old = (datetime.now() - timedelta(hours=1)).timestamp()
    os.utime(path, (old, old))  # long finished copying
    monkeypatch.setattr(clock, "today", REAL_TODAY)  # qaf's own clock, as on a council's PC
    monkeypatch.setattr(clock, "date", _Date)
    monkeypatch.setattr(clock, "datetime", _Datetime, raising=False)
    monkeypatch.setattr(values, "datetime", _Datetime, raising=False)  # (where it was asked before)
    [outcome] = ingest_inbox(workspace, settle_s=0.0)
    assert outcome.result == "accepted", outcome
    said = " ".join(str(f) for f in outcome.findings)
    assert f"the date the form was received ({EVE:%d/%m/%Y}) is used" in said
    assert _Wall.at.date() == TODAY  # midnight passed while the form was read
    with open_register(workspace) as register:
        audits = json.loads(export_json(register))["audits"]
    [exported] = [a for a in audits if a["audit_ref"] == audit.audit_ref]
    # Before: the warning said the 23rd and the register said it came back on the 24th.
    assert exported["returned_on"] == EVE.isoformat()


def test_qaf_status_sees_one_day_when_midnight_passes_while_it_runs(
    workspace: Workspace, issued: list[AuditRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What waits on whom, and the warnings of who cannot be told, are worked out for one day:
    before, the second half asked the clock again, after midnight, and could call an audit
    overdue that the first half did not."""
    from click.testing import CliRunner

    from qaf_docs.cli import cli
    from qaf_docs.cli import lifecycle as cli_lifecycle
    from qaf_docs.reports import lifecycle as reports_lifecycle

    _Wall.at = _Wall.start + timedelta(seconds=1)  # 23:59:59, until the first half is done
    monkeypatch.setattr(_Wall, "look", classmethod(lambda cls: cls.at))
    monkeypatch.setattr(clock, "today", REAL_TODAY)
    monkeypatch.setattr(clock, "date", _Date)
    monkeypatch.setattr(clock, "datetime", _Datetime, raising=False)
    days: list[date] = []
    real_lines, real_plan = reports_lifecycle.lifecycle_lines, cli_lifecycle.plan_for

    def lines(ws: Workspace, register: Any, today: date) -> Any:
        days.append(today)
        _Wall.at += timedelta(seconds=2)  # midnight passes
        return real_lines(ws, register, today)

    def plan(ws: Workspace, register: Any, today: date) -> Any:
        days.append(today)
        return real_plan(ws, register, today)

    monkeypatch.setattr(reports_lifecycle, "lifecycle_lines", lines)
    monkeypatch.setattr(cli_lifecycle, "plan_for", plan)
    result = CliRunner().invoke(cli, ["status", "--workspace", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert days == [EVE, EVE]
