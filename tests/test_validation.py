"""One test per validation rule: the finding names the field, and each rule can be switched off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from conftest import TODAY, complete_form, pack_docx

from qaf_docs.dates import due_after
from qaf_docs.demo.filling import FormFiller
from qaf_docs.findings import errors, warnings
from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditRecord
from qaf_docs.returns.audit_form import read_audit_form
from qaf_docs.returns.validation import validate
from qaf_docs.workspace import ValidationRules, Workspace

Breaker = Callable[[FormFiller, Framework], object]

RULES: list[tuple[str, Breaker, str, str]] = [
    # (rule that can switch it off, how the auditor got it wrong, where, words in the message)
    (
        "every_domain_graded",
        lambda f, fw: f.text(f"qaf_grade_{fw.domains[2].key}", ""),
        "Intervention and visiting: grade",
        "no grade",
    ),
    (
        "rationale_for_every_grade",
        lambda f, fw: f.text(f"qaf_rationale_{fw.domains[0].key}", ""),
        "Assessment: rationale",
        "no rationale",
    ),
    (
        "overall_grade_required",
        lambda f, fw: f.text("qaf_overall_grade", ""),
        "Overall grade",
        "no overall grade",
    ),
    (
        "action_needs_owner",
        lambda f, fw: f.text("qaf_action_2_owner", ""),
        "Action row 2: owner",
        "no owner",
    ),
    (
        "action_needs_concrete_due_date",
        lambda f, fw: f.text("qaf_action_1_due", "ASAP"),
        "Action row 1: due date",
        "'ASAP' is not a concrete date",
    ),
    (
        "action_needs_concrete_due_date",
        lambda f, fw: f.text("qaf_action_1_due", "tbc"),
        "Action row 1: due date",
        "'tbc' is not a concrete date",
    ),
    (
        "action_needs_concrete_due_date",
        lambda f, fw: f.text("qaf_action_2_due", ""),
        "Action row 2: due date",
        "no due date",
    ),
    (
        "action_needs_concrete_due_date",
        # The day after the last allowed (the 28th day, or the working day after it).
        lambda f, fw: f.pick_date("qaf_action_1_due", due_after(TODAY, 28) + timedelta(days=1)),
        "Action row 1: due date",
        "more than 28 days after the audit",
    ),
    (
        "action_needs_owner",
        # The owner not agreed yet when the form went back: nobody to do it, nobody to remind.
        lambda f, fw: f.text("qaf_action_1_owner", "TBC"),
        "Action row 1: owner",
        "'TBC' does not name anyone",
    ),
    (
        "action_needs_owner",
        lambda f, fw: f.text("qaf_action_2_owner", "N/A"),
        "Action row 2: owner",
        "'N/A' does not name anyone",
    ),
    (
        "rationale_for_every_grade",
        lambda f, fw: f.text(f"qaf_rationale_{fw.domains[1].key}", "-"),
        "Planning: rationale",
        "has no rationale (only '-' is typed in the box)",
    ),
    (
        "rationale_for_every_grade",
        # Pasted from an e-mail: a zero-width space and a line break, nothing to read.
        lambda f, fw: f.text("qaf_overall_rationale", "\u200b\n"),
        "Overall rationale",
        "has no rationale (the box holds only spaces or a hidden character",
    ),
]


@pytest.mark.parametrize("rule, break_it, where, words", RULES)
def test_each_rule_rejects_with_a_finding_naming_the_field(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    rule: str,
    break_it: Breaker,
    where: str,
    words: str,
) -> None:
    path = pack_docx(workspace, issued[0])
    f = complete_form(path, framework)
    break_it(f, framework)
    f.save()
    form = read_audit_form(path, framework)
    found = errors(validate(form, framework, ValidationRules(), received_on=TODAY))
    assert [(x.where, words in x.message) for x in found] == [(where, True)]
    assert found[0].what_to_do, "every error tells the person what to do"
    switched_off = ValidationRules(**{rule: False})
    assert errors(validate(form, framework, switched_off, received_on=TODAY)) == []


def test_an_action_due_on_the_last_allowed_day_is_accepted(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).pick_date("qaf_action_1_due", TODAY + timedelta(days=28)).save()
    form = read_audit_form(path, framework)
    assert errors(validate(form, framework, ValidationRules(), received_on=TODAY)) == []


def test_an_action_due_long_before_the_audit_is_refused_and_a_month_first_date_named(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """ "12/01/2026" typed for 1 December reads as 12 January: overdue from the day it was agreed."""
    path = pack_docx(workspace, issued[0])
    audit_day = date(2026, 11, 23)
    meant = date(2026, 12, 1)
    form_filler = complete_form(path, framework, audit_day=audit_day)
    form_filler.text("qaf_action_1_due", "12/01/2026").save()
    form = read_audit_form(path, framework)
    [finding] = errors(validate(form, framework, ValidationRules(), received_on=audit_day))
    assert finding.where == "Action row 1: due date"
    assert "12/01/2026 is before the audit (23/11/2026)" in finding.message
    assert f"if you meant {meant:%d/%m/%Y}: dates are day/month/year" in finding.message
    # A few days before the audit's date (written up later) stays a warning.
    complete_form(path, framework, audit_day=audit_day).pick_date(
        "qaf_action_1_due", audit_day - timedelta(days=3)
    ).save()
    form = read_audit_form(path, framework)
    found = validate(form, framework, ValidationRules(), received_on=audit_day)
    assert errors(found) == [] and any(
        "before the audit date" in w.message for w in warnings(found)
    )


def test_the_due_window_is_a_setting(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).pick_date("qaf_action_1_due", TODAY + timedelta(days=20)).save()
    form = read_audit_form(path, framework)
    [finding] = errors(
        validate(form, framework, ValidationRules(action_due_within_days=14), received_on=TODAY)
    )
    assert "more than 14 days" in finding.message


def test_inadequate_overall_needs_at_least_one_action(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework, grade="Inadequate", actions=0).save()
    form = read_audit_form(path, framework)
    [finding] = errors(validate(form, framework, ValidationRules(), received_on=TODAY))
    assert finding.where == "SMART actions" and "Inadequate" in finding.message
    assert (
        errors(
            validate(
                form, framework, ValidationRules(inadequate_needs_action=False), received_on=TODAY
            )
        )
        == []
    )


def test_a_moderated_grade_change_needs_a_reason(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).choose("qaf_moderated_grade", "Requires improvement").save()
    form = read_audit_form(path, framework)
    [finding] = errors(validate(form, framework, ValidationRules(), received_on=TODAY))
    assert finding.where == "Moderation: reason"


@pytest.mark.parametrize(
    "field, where",
    [("qaf_audit_date", "Date of audit"), ("qaf_moderation_date", "Date moderated")],
)
def test_a_date_after_the_form_arrived_is_refused_naming_the_field(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, field: str, where: str
) -> None:
    # 2027 picked for 2026: taken as given, the audit would count in a quarter still to come.
    path = pack_docx(workspace, issued[0])
    slip = date(TODAY.year + 1, TODAY.month, min(TODAY.day, 28))
    complete_form(path, framework).pick_date(field, slip).save()
    form = read_audit_form(path, framework)
    found = errors(validate(form, framework, ValidationRules(), received_on=TODAY))
    [finding] = [f for f in found if f.where == where]
    assert f"{slip:%d/%m/%Y} is after the day the form arrived ({TODAY:%d/%m/%Y})" in str(finding)
    # The next day is allowed: a form saved just after midnight, read where it is still yesterday.
    on_time = complete_form(path, framework).pick_date(field, TODAY + timedelta(days=1))
    on_time.save()
    findings = validate(read_audit_form(path, framework), framework, ValidationRules(),
                        received_on=TODAY)  # fmt: skip
    assert not [f for f in errors(findings) if f.where == where]


def test_soft_findings_are_warnings_not_rejections(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    f = complete_form(path, framework)
    f.text("qaf_voice_of_child", "").text("qaf_audit_date", "")
    f.save()
    form = read_audit_form(path, framework)
    found = validate(form, framework, ValidationRules(), received_on=TODAY)
    assert errors(found) == []
    assert {w.where for w in warnings(found)} == {"Voice of the child", "Date of audit"}
    [voice] = [w for w in warnings(found) if w.where == "Voice of the child"]
    assert "only what is typed inside the grey box is read" in voice.message


@pytest.mark.parametrize(
    "typed, said",
    [
        ("10/25/2026", "'10/25/2026' looks like a US-style date (month first); use day/month/year"),
        ("12th Dec", "'12th Dec' is not a date on its own: it gives no year"),
        ("31/11/2026", "'31/11/2026' is not a real date"),
        ("by 12th Dec", "'12th Dec' is not a date on its own: it gives no year"),
        ("next Tues", "'next Tues' is not a concrete date"),
        ("w/c 12/10", "'w/c 12/10' is not a concrete date"),
    ],
)
def test_a_due_date_typed_wrongly_says_what_is_wrong_with_it(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str, said: str
) -> None:
    """A date written month first, with no year or on a day the month lacks is a date, not a
    vague promise: the note says what to put right, as it does for the date of audit (before,
    each was 'not a concrete date')."""
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).text("qaf_action_1_due", typed).save()
    form = read_audit_form(path, framework)
    [found] = errors(validate(form, framework, ValidationRules(), received_on=TODAY))
    assert (found.where, found.message) == ("Action row 1: due date", said)


@pytest.mark.parametrize("typed", ["by {}", "By {}", "due by {}", "on or before {}"])
def test_a_due_date_typed_as_by_a_date_is_that_date(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str
) -> None:
    """'by 03/12/2026' over the date picker says the date plainly: it is read, not refused."""
    due = TODAY + timedelta(days=10)
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).text("qaf_action_1_due", typed.format(f"{due:%d/%m/%Y}")).save()
    form = read_audit_form(path, framework)
    assert form.actions[0].due_on == due
    assert errors(validate(form, framework, ValidationRules(), received_on=TODAY)) == []


@pytest.mark.parametrize(
    "owner", ["jane.smith@council.gov.uk", "Team manager", "SW (Ann)", "Ann - TBC with TM", "IRO"]
)
def test_an_owner_named_any_way_is_accepted(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, owner: str
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).text("qaf_action_1_owner", owner).save()
    form = read_audit_form(path, framework)
    assert form.actions[0].owner == owner
    assert errors(validate(form, framework, ValidationRules(), received_on=TODAY)) == []


@pytest.mark.parametrize(
    "owner, due, said",
    [
        (
            "",
            "03/12/2026",
            "only the due date (03/12/2026) is filled in; the action itself is blank",
        ),
        ("T. Manager", "", "only the owner (T. Manager) is filled in; the action itself is blank"),
    ],
)
def test_a_row_without_its_action_is_one_finding_that_says_what_is_there(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    owner: str,
    due: str,
    said: str,
) -> None:
    """A row added to the actions table with only a date (or a name) in it: one note for the row
    saying what is in it, not also "no owner" or "no due date" for a row that may be meant to go."""
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).add_action_row("", owner, due).save()
    form = read_audit_form(path, framework)
    found = errors(validate(form, framework, ValidationRules(), received_on=TODAY))
    assert [(f.where, f.message) for f in found] == [("Action row 3: action", said)]
    assert "or, if there is no action, clear the row" in found[0].what_to_do


def test_every_warning_says_what_to_do(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """An action due a few days before the audit and an empty Voice of the child box are kept
    with a warning; the warning said what was odd but not what to do about it."""
    path = pack_docx(workspace, issued[0])
    f = complete_form(path, framework).pick_date("qaf_action_1_due", TODAY - timedelta(days=3))
    f.text("qaf_voice_of_child", "").save()
    form = read_audit_form(path, framework)
    found = warnings(validate(form, framework, ValidationRules(), received_on=TODAY))
    assert [(w.where, bool(w.what_to_do)) for w in found] == [
        ("Action row 1: due date", True),
        ("Voice of the child", True),
    ]
    assert f"{TODAY - timedelta(days=3):%d/%m/%Y} is before the audit date" in found[0].message
    assert "Check the date with the auditor" in found[0].what_to_do
    assert "move it into the grey box" in found[1].what_to_do
