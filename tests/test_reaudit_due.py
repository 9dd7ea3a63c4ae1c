"""When a case is due its re-audit, said the same in every place: by the framework of the audit
being re-audited (a workspace can run several), and not at all once the QA team resolved its
Inadequate pathway by hand (`qaf escalations --resolve`)."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import resources
from typing import Any

from click.testing import CliRunner, Result
from conftest import TODAY, plan_audits
from lifecycle_helpers import INADEQUATE, return_form
from openpyxl import load_workbook
from test_reports import FakeRegister, audit, document_text

from qaf_docs.cases.rounds import history
from qaf_docs.cli import cli
from qaf_docs.dates import add_months
from qaf_docs.frameworks import Framework
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.store import Register
from qaf_docs.reports.period_report import build_period_report
from qaf_docs.reports.periods import parse_period
from qaf_docs.workspace import Workspace

PRESET = (resources.files("qaf_docs") / "presets" / "collaborative-audit.toml").read_text("utf-8")


def qaf(ws: Workspace, *args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    return result


def reaudit_rows(ws: Workspace) -> list[tuple[Any, ...]]:
    """The tracker's Re-audits sheet: (audit ref, what, date) of each re-audit row."""
    qaf(ws, "report")
    sheet = load_workbook(ws.tracker_path)["Re-audits & escalations"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "Audit ref"))
    return [(r[0], r[4], r[5]) for r in rows[header + 1 :] if r[4] and "Escalated" not in r[4]]


def test_a_reaudit_the_qa_team_resolved_by_hand_is_no_longer_due_anywhere(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """Before, the tracker still said "Re-audit due" and the next re-audit round drew the case,
    though qaf status and the reminders had dropped it."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [a] = register.audits()
    day = TODAY - timedelta(days=100)  # its re-audit is past due
    return_form(workspace, a, framework, grade=INADEQUATE, moderated=INADEQUATE, audit_day=day)
    due = add_months(day, framework.timescales.reaudit_after_months)
    assert reaudit_rows(workspace) == [(a.audit_ref, "Re-audit due", _at(due))]
    assert history(register, workspace, TODAY).reaudit_due == {a.case_id: due}

    note = "Head of Service agreed no re-audit: the case closed"
    qaf(workspace, "escalations", "--resolve", "1", "--note", note, "--by", "Sam Lead")

    assert reaudit_rows(workspace) == [
        (a.audit_ref, f"No re-audit: escalation resolved by Sam Lead ({note})", _at(TODAY))
    ]
    assert history(register, workspace, TODAY).reaudit_due == {}
    assert "follow-up audit" not in qaf(workspace, "status").output
    assert "audited again" not in qaf(workspace, "escalations", "--all").output


def _at(day: date) -> Any:
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


def _six_monthly(ws: Workspace) -> None:
    """The workspace runs the preset by default and its own copy re-auditing at 6 months."""
    text = PRESET.replace("reaudit_after_months = 3", "reaudit_after_months = 6")
    assert text != PRESET
    (ws.root / "six-monthly.toml").write_text(text, "utf-8")
    settings = ws.settings_path.read_text("utf-8")
    ws.settings_path.write_text(
        settings.replace(
            'frameworks = ["collaborative-audit"]',
            'frameworks = ["collaborative-audit", "six-monthly.toml"]',
        ),
        "utf-8",
    )


def test_a_missed_reaudit_is_reported_by_the_framework_of_the_audit_re_audited(
    workspace: Workspace,
) -> None:
    """Before, the quarterly report counted every re-audit at the default framework's 3 months:
    an audit of a framework re-auditing at 6 was reported missed a quarter early."""
    _six_monthly(workspace)
    missed = audit(1, "Inadequate", on=date(2026, 2, 10), framework_id="six-monthly.toml")
    fake: Any = FakeRegister([missed])
    q2 = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q2"), TODAY)
    )
    assert "fell due in this period" not in q2
    q3 = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), TODAY)
    )
    assert "Re-audits that fell due in this period and have not been done: 1." in q3
    # In a table, not "1 (QA-00001 (case C00001, due 10/08/2026))": brackets within brackets.
    assert "Audit ref\nCase ID\nRe-audit due\nQA-00001\nC00001\n10/08/2026" in q3


def test_a_reaudit_falls_due_by_its_own_frameworks_months_in_sampling_and_the_tracker(
    workspace: Workspace,
) -> None:
    from qaf_docs.register.location import open_register

    _six_monthly(workspace)
    settings = workspace.settings_path.read_text("utf-8")
    # Audits drawn under the council's own framework first …
    workspace.settings_path.write_text(
        settings.replace(
            '["collaborative-audit", "six-monthly.toml"]',
            '["six-monthly.toml", "collaborative-audit"]',
        ),
        "utf-8",
    )
    framework = workspace.load_framework()
    with open_register(workspace) as register:
        plan_audits(register, workspace, 1)
        generate_packs(workspace, register)
        [a] = register.audits()
        assert a.framework_id == "six-monthly.toml"
        day = TODAY - timedelta(days=10)
        return_form(workspace, a, framework, grade=INADEQUATE, moderated=INADEQUATE, audit_day=day)
    # … then the preset made the default.
    workspace.settings_path.write_text(settings, "utf-8")
    assert workspace.load_framework().timescales.reaudit_after_months == 3
    due = add_months(day, 6)
    with open_register(workspace) as register:
        assert history(register, workspace, TODAY).reaudit_due == {a.case_id: due}
    assert reaudit_rows(workspace) == [(a.audit_ref, "Re-audit due", _at(due))]


def test_after_an_escalation_the_follow_up_falls_due_when_status_says_in_the_tracker_and_sampling(
    workspace: Workspace,
) -> None:
    """Inadequate twice: the Assistant Director step's follow-up audit comes
    escalate_after_months after the re-audit (West Sussex: "a follow-up audit three months after
    the re-audit"). qaf escalations said so; the tracker and sampling counted reaudit_after_months."""
    from lifecycle_helpers import reaudit

    from qaf_docs.register.location import open_register

    text = PRESET.replace("escalate_after_months = 3", "escalate_after_months = 5")
    assert text != PRESET
    (workspace.root / "five.toml").write_text(text, "utf-8")
    settings = workspace.settings_path.read_text("utf-8")
    workspace.settings_path.write_text(
        settings.replace('frameworks = ["collaborative-audit"]', 'frameworks = ["five.toml"]'),
        "utf-8",
    )
    framework = workspace.load_framework()
    with open_register(workspace) as register:
        plan_audits(register, workspace, 1)
        generate_packs(workspace, register)
        [first] = register.audits()
        early = TODAY - timedelta(days=120)
        return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE,
                    audit_day=early)  # fmt: skip
        [second] = reaudit(workspace, register)
        return_form(workspace, second, framework, name="r.docx", grade=INADEQUATE,
                    moderated=INADEQUATE)  # fmt: skip
        assert [e.level for e in register.escalations(open_only=True)] == ["assistant_director"]
        due = add_months(TODAY, 5)
        assert history(register, workspace, TODAY).reaudit_due == {second.case_id: due}
    said = " ".join(qaf(workspace, "escalations").output.split())
    assert f"due to be audited again by {due:%d/%m/%Y}" in said
    assert (second.audit_ref, "Re-audit due", _at(due)) in reaudit_rows(workspace)
