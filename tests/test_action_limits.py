"""Limits on when an action is due are the council's document's, or none: Bracknell's live case
audit sets "within 1 month" (31 days) and immediate actions "within 5 working days", West Sussex
"maximum 4 weeks"; B&NES, City of London and Brighton set neither. The form says only the limits
that apply, and validation refuses only those."""

from __future__ import annotations

import re
import zipfile
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pytest
from conftest import (
    TODAY,
    actions_header,
    complete_form,
    drop,
    edit_template_body,
    record_test_round,
    with_immediate_column,
)
from lxml import etree

from qaf_docs.dates import working_days_after
from qaf_docs.frameworks import load_framework, preset_names
from qaf_docs.inbox.ingest import Outcome, ingest_inbox
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import NewAudit
from qaf_docs.register.store import Register
from qaf_docs.returns.audit_form import read_audit_form
from qaf_docs.returns.smart import smart_findings
from qaf_docs.returns.validation import validate
from qaf_docs.workspace import ValidationRules, Workspace, init_workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NO_LIMIT = ("tier-one-manager-audit", "independent-cycle-audit", "multi-agency-audit")
NO_WORKING_DAY_LIMIT = (*NO_LIMIT, "collaborative-audit")


def _issue(tmp_path: Path, preset: str, *, older_template: bool = False) -> tuple[Workspace, Path]:
    """One audit issued under ``preset``; ``older_template``: from a workspace template made
    before the Immediate column depended on the framework (it prints the column for every one)."""
    ws = init_workspace(tmp_path / preset, framework=preset, council_name="Northshire Council")
    if older_template:
        with_immediate_column(ws.templates / "audit_tool.docx")
    with Register.open(ws.register_path) as register:
        record_test_round(
            register, preset, round_id="r1",
            audits=[NewAudit("C1", "Locality 1", "Worker 1", "CP", "Auditor 1",
                             "a1@council.example", TODAY + timedelta(days=20))],
        )  # fmt: skip
        [(docx, _)] = generate_packs(ws, register)
    return ws, docx


def _return(ws: Workspace, docx: Path, due: date, *, immediate: bool) -> Outcome:
    form = complete_form(docx, ws.load_framework(), actions=1)
    form.text("qaf_action_1", "See the child alone and record their words")
    form.pick_date("qaf_action_1_due", due)
    if immediate:
        form.tick("qaf_action_1_immediate")
    form.save()
    drop(docx, ws.inbox)
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    return outcome


def _due_dates_kept(ws: Workspace) -> list[date | None]:
    with Register.open(ws.register_path) as register:
        return [a.due_on for r in register.results() for a in r.actions]


def _note(ws: Workspace, docx: Path) -> str:
    return (ws.rejected / f"{docx.name}.rejected.txt").read_text("utf-8")


@pytest.mark.parametrize("preset", NO_LIMIT)
def test_a_framework_without_a_limit_accepts_an_action_due_in_40_days(
    tmp_path: Path, preset: str
) -> None:
    ws, docx = _issue(tmp_path, preset)
    outcome = _return(ws, docx, TODAY + timedelta(days=40), immediate=False)
    assert outcome.result == "accepted", outcome.findings
    assert _due_dates_kept(ws) == [TODAY + timedelta(days=40)]


def test_live_case_audit_still_refuses_an_action_due_after_a_month(tmp_path: Path) -> None:
    ws, docx = _issue(tmp_path, "live-case-audit")
    outcome = _return(ws, docx, TODAY + timedelta(days=40), immediate=False)
    assert outcome.result == "rejected"
    note = _note(ws, docx)
    assert "Action row 1: due date" in note and "is more than 31 days after the audit" in note
    assert _due_dates_kept(ws) == []


@pytest.mark.parametrize("preset", NO_WORKING_DAY_LIMIT)
def test_a_form_from_before_with_immediate_ticked_is_accepted_where_the_framework_has_none(
    tmp_path: Path, preset: str
) -> None:
    # A form issued before the column was left out still has it: its tick is read and kept,
    # and an action due in 8 working days is not refused under a framework with no such limit.
    ws, docx = _issue(tmp_path, preset, older_template=True)
    assert "Immediate" in actions_header(docx)
    due = working_days_after(TODAY, 8)
    outcome = _return(ws, docx, due, immediate=True)
    assert outcome.result == "accepted", outcome.findings
    assert _due_dates_kept(ws) == [due]
    with Register.open(ws.register_path) as register:
        assert [a.immediate for r in register.results() for a in r.actions] == [True]


@pytest.mark.parametrize("preset", preset_names())
def test_the_form_has_an_immediate_column_only_where_the_framework_has_immediate_actions(
    tmp_path: Path, preset: str
) -> None:
    # Only Bracknell's document has immediate actions ("Immediate actions arising from audit
    # completed by the responsible manager within 5 working days"); in the others "immediate" is
    # a safeguarding concern raised at once, or a board's annual "immediate action".
    _, docx = _issue(tmp_path, preset)
    header = actions_header(docx)
    assert ("Immediate" in header) == (preset == "live-case-audit")
    assert header[:4] == ["No.", "Action", "Owner", "Due date"]
    assert header[-2:] == ["Success criterion", "Impact on the child"]


def test_live_case_audit_still_refuses_an_immediate_action_in_8_working_days(
    tmp_path: Path,
) -> None:
    ws, docx = _issue(tmp_path, "live-case-audit")
    outcome = _return(ws, docx, working_days_after(TODAY, 8), immediate=True)
    assert outcome.result == "rejected"
    note = _note(ws, docx)
    assert "Action row 1: due date" in note and "within 5 working days" in note
    assert _due_dates_kept(ws) == []


def _body_text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return "".join(t.text or "" for t in root.iter(f"{W}t"))


@pytest.mark.parametrize("preset", preset_names())
def test_the_form_states_only_the_limits_and_ticks_its_framework_has(
    tmp_path: Path, preset: str
) -> None:
    ws, docx = _issue(tmp_path, preset)
    framework = ws.load_framework()
    text = _body_text(docx)
    within = framework.timescales.action_due_within_days
    immediate = framework.timescales.immediate_action_working_days
    assert (within, immediate) == {
        "live-case-audit": (31, 5),
        "collaborative-audit": (28, None),
    }.get(preset, (None, None))
    if within:
        assert f"a real date within {within} days of the audit, never 'ASAP'" in text
    else:
        assert "a real date, never 'ASAP'" in text and "days of the audit" not in text
    assert ("Tick Immediate for an action due within 5 working days." in text) == bool(immediate)
    assert "working days" not in text or immediate
    has_indicators = any(d.indicators for d in framework.domains)
    assert has_indicators == (preset == "collaborative-audit")
    assert ("tick each indicator that applies" in text) == has_indicators
    assert "read what good looks like, choose a grade" in text or has_indicators


def test_a_council_framework_that_sets_the_limits_keeps_them(tmp_path: Path) -> None:
    ws, docx = _issue(tmp_path, "independent-cycle-audit", older_template=True)
    preset = load_framework("independent-cycle-audit")
    own = ws.root / "our-framework.toml"
    text = (resources.files("qaf_docs") / "presets" / "independent-cycle-audit.toml").read_text(
        encoding="utf-8"
    )
    # The council uncomments the preset's two lines: "# action_due_within_days = 28  no limit …".
    own.write_text(
        re.sub(
            r"^# ((?:immediate_action_working|action_due_within)_days = \d+).*$",
            r"\1",
            text,
            flags=re.M,
        ),
        "utf-8",
    )
    framework = load_framework(own)
    assert framework.domains == preset.domains
    complete_form(docx, framework, actions=2).pick_date(
        "qaf_action_1_due", TODAY + timedelta(days=40)
    ).pick_date("qaf_action_2_due", working_days_after(TODAY, 8)).tick(
        "qaf_action_2_immediate"
    ).save()
    form = read_audit_form(docx, framework)
    found = validate(form, framework, ValidationRules(), received_on=TODAY)
    assert [(f.where, f.severity) for f in found if "due date" in f.where] == [
        ("Action row 1: due date", "error")
    ]
    assert "more than 28 days after the audit" in found[0].message
    [late] = [f for f in smart_findings(form, framework) if f.where == "Action row 2: due date"]
    assert "within 5 working days" in late.message
    # The same form under the preset, which sets no limit: nothing about due dates.
    under_preset = [
        *validate(form, preset, ValidationRules(), received_on=TODAY),
        *smart_findings(form, preset),
    ]
    assert [f for f in under_preset if "due date" in f.where] == []


def test_qaf_toml_may_lift_or_set_the_limit(tmp_path: Path) -> None:
    ws, docx = _issue(tmp_path, "live-case-audit")
    framework = ws.load_framework()
    complete_form(docx, framework, actions=1).pick_date(
        "qaf_action_1_due", TODAY + timedelta(days=40)
    ).save()
    form = read_audit_form(docx, framework)

    def due_errors(rules: ValidationRules) -> list[str]:
        found = validate(form, framework, rules, received_on=TODAY)
        return [f.message for f in found if f.where == "Action row 1: due date"]

    assert due_errors(ValidationRules()) != []
    assert due_errors(ValidationRules(action_due_within_days=0)) == []  # 0: no limit
    assert due_errors(ValidationRules(action_due_within_days=45)) == []
    [message] = due_errors(ValidationRules(action_due_within_days=14))
    assert "more than 14 days" in message


OLD_SENTENCE = (  # the template's words before a limit could be left out
    "Agree SMART actions: what will be done, by whom and by when (a real date within "
    "{{ action_days }} days of the audit, never 'ASAP'), how you will know it worked, and its "
    "impact on the child. Tick Immediate for an action due within {{ immediate_days }} "
    "working days. Add rows to the actions table if you need more."
)


def test_a_workspace_template_from_before_never_prints_none_for_a_limit_not_set(
    tmp_path: Path,
) -> None:
    ws = init_workspace(tmp_path / "ws", framework="tier-one-manager-audit")
    template = ws.templates / "audit_tool.docx"

    def edit(body: etree._Element) -> None:
        [paragraph] = [
            p for p in body.iter(f"{W}p")
            if "".join(t.text or "" for t in p.iter(f"{W}t")).startswith("Agree SMART")
        ]  # fmt: skip
        texts = list(paragraph.iter(f"{W}t"))
        texts[0].text = OLD_SENTENCE
        for t in texts[1:]:
            t.text = ""

    edit_template_body(template, edit)
    with Register.open(ws.register_path) as register:
        record_test_round(
            register, "tier-one-manager-audit", round_id="r1",
            audits=[NewAudit("C1", "Locality 1", "Worker 1", "CP", "Auditor 1",
                             "a1@council.example", TODAY + timedelta(days=20))],
        )  # fmt: skip
        [(docx, _)] = generate_packs(ws, register)
    text = _body_text(docx)
    assert "None" not in text
    assert "a real date within an agreed number of days of the audit" in text
    assert "due within an agreed number of working days" in text


@pytest.mark.parametrize(
    "audit_day, due, words",
    [
        # West Sussex's "maximum 4 weeks" from Friday 27 November 2026 ends on Christmas Day;
        # Saturday, Sunday and Monday 28th (Boxing Day's bank holiday) follow it.
        (date(2026, 11, 27), date(2026, 12, 29), None),
        (date(2026, 11, 27), date(2026, 12, 30), "on or before 29/12/2026"),
        # Four weeks from a Saturday end on a Saturday: the Monday after is the last day.
        (date(2026, 10, 3), date(2026, 11, 2), None),
        (date(2026, 10, 3), date(2026, 11, 3), "on or before 02/11/2026"),
    ],
)
def test_a_limit_ending_on_a_weekend_or_bank_holiday_runs_to_the_next_working_day(
    tmp_path: Path, audit_day: date, due: date, words: str | None
) -> None:
    """As a form due back on a Sunday is on time on the Monday: an action agreed for the first
    working day after the last day of the 4 weeks is not refused."""
    ws, docx = _issue(tmp_path, "collaborative-audit")
    framework = ws.load_framework()
    complete_form(docx, framework, audit_day=audit_day, actions=1).pick_date(
        "qaf_action_1_due", due
    ).save()
    form = read_audit_form(docx, framework)
    found = validate(form, framework, ValidationRules(), received_on=due)
    said = [f"{f.message} {f.what_to_do}" for f in found if f.where == "Action row 1: due date"]
    if words is None:
        assert said == []
    else:
        [message] = said
        assert "is more than 28 days after the audit" in message and words in message
        assert "is not a working day, so the next working day counts" in message
