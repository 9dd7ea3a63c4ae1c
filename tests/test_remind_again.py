"""``qaf remind`` run again the same day: nothing is sent twice, and a reminder written earlier
(which the admin officer may have opened or sent) is never replaced."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import record_test_round
from lifecycle_helpers import return_form

from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord, NewAudit
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends


def remind(ws: Workspace) -> str:
    result = CliRunner().invoke(cli, ["remind", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.glob("*.eml")}


@pytest.fixture
def day(issued: list[AuditRecord], monkeypatch: pytest.MonkeyPatch) -> date:
    """Three days before the packs are due: each auditor has a reminder to write."""
    when = issued[0].due_on - timedelta(days=3)  # type: ignore[operator]
    monkeypatch.setattr("qaf_docs.clock.today", lambda: when)
    return when


def test_a_second_run_the_same_day_leaves_the_mornings_reminders_as_they_were(
    workspace: Workspace, issued: list[AuditRecord], day: date
) -> None:
    """Before, the second run wrote every reminder again over the morning's files: the admin
    officer, who had sent some already, could not tell them apart and sent them again."""
    folder = workspace.outbox / "reminders" / day.isoformat()
    assert "3 reminder(s) written to" in remind(workspace)
    morning = files(folder)
    out = remind(workspace)
    assert files(folder) == morning, "not one byte or modified time changed"
    assert "Nothing new to remind of since the reminders written earlier today: 3 left in" in out
    assert "3 things already in a reminder written earlier today are left out" in out


def test_what_is_new_since_the_morning_goes_beside_that_persons_reminder_never_over_it(
    workspace: Workspace, register: Register, issued: list[AuditRecord], day: date
) -> None:
    folder = workspace.outbox / "reminders" / day.isoformat()
    remind(workspace)
    morning = files(folder)
    first = issued[0]
    new = NewAudit(
        case_id="100299", team=first.team, worker="Worker 9", case_type="CP",
        auditor=first.auditor, auditor_email="auditor0@council.example",
        due_on=first.due_on, child_name="Childname9 Surname",
    )  # fmt: skip
    [ref] = record_test_round(register, workspace.load_settings().framework, [new])
    generate_packs(workspace, register)
    out = remind(workspace)
    assert files(folder).items() >= morning.items(), "the morning's files are as they were"
    added = folder / f"{first.auditor} (2).eml"
    text = " ".join(added.read_text("utf-8").split())
    assert f"{ref} (case 100299)" in text
    assert first.audit_ref not in text, "what the morning's reminder said is not said again"
    assert "Only what is new since your reminder earlier today." in text
    assert (
        "Written beside a reminder from earlier today, with only what is new since (the earlier "
        f"one is left as it was): {added.name}"
    ) in out


def test_a_run_stopped_before_it_recorded_its_reminders_is_not_doubled_by_the_next(
    workspace: Workspace,
    register: Register,
    issued: list[AuditRecord],
    day: date,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The files were written, then the run stopped before the register recorded them: the next
    run finds them in the folder, writes no second copy, and records them (the next day's run
    leaves them out, as it would had the first run finished)."""
    folder = workspace.outbox / "reminders" / day.isoformat()
    remind(workspace)
    with register.transaction() as db:
        db.execute("DELETE FROM reminders_sent")
    out = remind(workspace)
    assert sorted(files(folder)) == [f"{a.auditor}.eml" for a in issued]
    assert "Nothing new to remind of" in out
    monkeypatch.setattr("qaf_docs.clock.today", lambda: day + timedelta(days=1))
    assert "No reminders due today." in remind(workspace)


def test_a_reminder_written_without_an_address_is_written_again_once_the_roster_gives_one(
    workspace: Workspace, issued: list[AuditRecord], day: date
) -> None:
    """It could not have been sent, so the same day's run writes it again, addressed, over
    itself (not a second copy beside it, nor left unsendable until tomorrow)."""
    audit = issued[0]
    roster = workspace.root / "roster.csv"
    row = "Name,Email,Role,Team,Monthly Capacity\n" + f"{audit.auditor},{{}},Service Manager,,2\n"
    roster.write_text(row.format(""), encoding="utf-8")
    folder = workspace.outbox / "reminders" / day.isoformat()
    remind(workspace)
    assert "auditor0@council.example" not in (folder / f"{audit.auditor}.eml").read_text("utf-8")
    roster.write_text(row.format("auditor0@council.example"), encoding="utf-8")
    remind(workspace)
    assert "auditor0@council.example" in (folder / f"{audit.auditor}.eml").read_text("utf-8")
    assert not (folder / f"{audit.auditor} (2).eml").exists()


def test_a_morning_reminder_partly_no_longer_due_is_left_with_a_warning_naming_what(
    workspace: Workspace,
    register: Register,
    issued: list[AuditRecord],
    framework: Framework,
    day: date,
) -> None:
    """It may be open in Outlook or sent already: it is not rewritten, and the admin officer is
    told which of its lines no longer stand."""
    first = issued[0]
    new = NewAudit(
        case_id="100299", team=first.team, worker="Worker 9", case_type="CP",
        auditor=first.auditor, auditor_email="auditor0@council.example",
        due_on=first.due_on, child_name="Childname9 Surname",
    )  # fmt: skip
    record_test_round(register, workspace.load_settings().framework, [new])
    generate_packs(workspace, register)
    folder = workspace.outbox / "reminders" / day.isoformat()
    remind(workspace)
    morning = files(folder)
    text = (folder / f"{first.auditor}.eml").read_text("utf-8")
    assert f"{first.audit_ref} (case {first.case_id})" in text and "(case 100299)" in text
    return_form(workspace, first, framework)
    out = remind(workspace)
    assert files(folder) == morning
    assert (
        f"Warning: {first.auditor}.eml, written earlier today, also reminds of what is no longer "
        f"due ({first.audit_ref} (case {first.case_id}): due"
    ) in out
    assert "if it is not sent yet, take that out before sending it" in out
