"""Check a completed audit against the framework's rules; each rule is a setting in ``qaf.toml``."""

from __future__ import annotations

from datetime import date, timedelta

from qaf_docs.dates import due_after, parse_date
from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditForm
from qaf_docs.returns.audit_form import as_due_date
from qaf_docs.returns.moderation_kind import checked_kind
from qaf_docs.returns.placeholders import names_nobody, says_nothing
from qaf_docs.workspace import ValidationRules

VAGUE_DATES = (
    "asap",
    "tbc",
    "tba",
    "ongoing",
    "immediately",
    "as soon as possible",
    "n/a",
    "soon",
)


def validate(
    form: AuditForm, framework: Framework, rules: ValidationRules, *, received_on: date
) -> list[Finding]:
    """Return every finding for ``form``: errors reject the file, warnings are kept with the audit."""
    found: list[Finding] = []
    for d in form.domains:
        if d.grade is None and rules.every_domain_graded and not _already_reported(form, d.title):
            found.append(
                Finding(
                    "error", f"{d.title}: grade", "no grade chosen", "Choose a grade from the list."
                )
            )
        # "Not applicable" is an answer, not a grade: it needs no rationale.
        if (
            framework.scale.is_grade(d.grade)
            and says_nothing(d.rationale)
            and rules.rationale_for_every_grade
        ):
            found.append(
                Finding(
                    "error",
                    f"{d.title}: rationale",
                    f"the grade '{d.grade}' has no rationale{_only(d.rationale)}",
                    "Explain the grade with reference to evidence on the file.",
                )
            )
    if form.overall_grade is None and rules.overall_grade_required:
        if not _already_reported(form, "Overall grade"):
            found.append(
                Finding("error", "Overall grade", "no overall grade chosen", "Choose a grade.")
            )
    elif (
        form.overall_grade
        and says_nothing(form.overall_rationale)
        and rules.rationale_for_every_grade
    ):
        found.append(
            Finding(
                "error",
                "Overall rationale",
                f"the overall grade '{form.overall_grade}' has no rationale"
                f"{_only(form.overall_rationale)}",
                "Summarise why the case was graded this way.",
            )
        )
    found += _action_findings(form, framework, rules, received_on)
    found += _moderation_findings(form)
    found += checked_kind(form, framework)
    found += _dates_after_arrival(form, received_on)
    if (
        rules.warn_if_voice_of_child_empty
        and framework.sections.voice_of_child
        and not form.texts.get("voice_of_child")
    ):
        found.append(
            Finding(
                "warning",
                "Voice of the child",
                "left empty (only what is typed inside the grey box is read, not text beside it)",
                "If the child's voice was written beside the box, ask the auditor to move it "
                "into the grey box and send the form again.",
            )
        )
    if (
        rules.warn_if_audit_date_missing
        and form.audit_date is None
        and not _already_reported(form, "Date of audit")
    ):
        found.append(
            Finding(
                "warning",
                "Date of audit",
                f"not given; the date the form was received ({received_on:%d/%m/%Y}) is used",
            )
        )
    return found


def _moved_on(start: date, within: int, latest: date) -> str:
    """Why the last day allowed is later than the limit's own last day, or ""."""
    last = start + timedelta(days=within)
    if latest == last:
        return ""
    return f" (day {within}, {last:%d/%m/%Y}, is not a working day, so the next working day counts)"


def _already_reported(form: AuditForm, where_prefix: str) -> bool:
    """True when reading the form already reported a problem with this field (no double notes)."""
    return any(f.where.startswith(where_prefix) for f in form.findings)


def _action_findings(
    form: AuditForm, framework: Framework, rules: ValidationRules, received_on: date
) -> list[Finding]:
    found: list[Finding] = []
    # No limit where neither the framework nor qaf.toml sets one (most councils' documents).
    within = rules.action_window(framework.timescales.action_due_within_days)
    start = form.audit_date or received_on
    # A limit ending on a weekend or bank holiday runs to the next working day, as a form due
    # back on a Sunday is on time on the Monday (West Sussex's "maximum 4 weeks" from 27
    # November ends on Christmas Day: an action due on 29 December is within it).
    latest = due_after(start, within) if within is not None else None
    for a in form.actions:
        where = f"Action row {a.row}"
        if not a.description:
            # One finding for the row: "no owner" beside it would send the auditor to fill in a
            # row that may be meant to go (a row added, or one left after the action was cut).
            found.append(_no_action(where, a.owner, a.due_text))
            continue
        if not a.owner and rules.action_needs_owner:
            found.append(
                Finding(
                    "error", f"{where}: owner", "no owner named", "Name the person responsible."
                )
            )
        elif names_nobody(a.owner) and rules.action_needs_owner:
            found.append(
                Finding(
                    "error",
                    f"{where}: owner",
                    f"'{a.owner}' does not name anyone (a SMART action names who will do it)",
                    "Type the name or role of the person responsible, e.g. 'Team manager'; "
                    "agree it with the team before sending the form back.",
                )
            )
        if not rules.action_needs_concrete_due_date:
            continue
        if not a.due_text and a.due_on is None:
            found.append(Finding("error", f"{where}: due date", "no due date", "Pick a due date."))
        elif a.due_on is None:
            found.append(
                Finding(
                    "error",
                    f"{where}: due date",
                    _why_not_a_date(a.due_text),
                    "Pick a date with the date picker, e.g. 03/12/2026.",
                )
            )
        elif latest is not None and a.due_on > latest:
            found.append(
                Finding(
                    "error",
                    f"{where}: due date",
                    f"{a.due_on:%d/%m/%Y} is more than {within} days after the audit "
                    f"({start:%d/%m/%Y})",
                    f"Set a due date on or before {latest:%d/%m/%Y}"
                    + (_moved_on(start, within, latest) if within else "")
                    + ", or split the action into steps.",
                )
            )
        elif a.due_on < start - timedelta(days=_DUE_BEFORE_AUDIT_DAYS):
            # Weeks or months before the audit: never an agreed action's date. Often a date typed
            # month first ("12/01/2026" for 1 December), which reads as a date long past.
            swapped = _day_month_swapped(a.due_on)
            hint = (
                f" (if you meant {swapped:%d/%m/%Y}: dates are day/month/year)"
                if swapped is not None
                and start <= swapped
                and (latest is None or swapped <= latest)
                else ""
            )
            found.append(
                Finding(
                    "error",
                    f"{where}: due date",
                    f"{a.due_on:%d/%m/%Y} is before the audit ({start:%d/%m/%Y}){hint}",
                    "Pick the date the action is due with the date picker.",
                )
            )
        elif a.due_on < start:
            found.append(
                Finding(
                    "warning",
                    f"{where}: due date",
                    f"{a.due_on:%d/%m/%Y} is before the audit date ({start:%d/%m/%Y})",
                    "Check the date with the auditor: an action agreed at the audit is due after "
                    "it. If it is wrong, they can correct it in the form and send it again (the "
                    "copy saved last is the one that counts).",
                )
            )
    inadequate = framework.scale.inadequate
    if (
        rules.inadequate_needs_action
        and inadequate
        and form.overall_grade == inadequate
        and not [a for a in form.actions if a.description]
    ):
        found.append(
            Finding(
                "error",
                "SMART actions",
                "the overall grade is Inadequate but no action is recorded",
                "Agree at least one SMART action with an owner and a due date.",
            )
        )
    return found


def _no_action(where: str, owner: str, due_text: str) -> Finding:
    given = [
        f"the {what} ({said})" for what, said in (("owner", owner), ("due date", due_text)) if said
    ]
    return Finding(
        "error",
        f"{where}: action",
        f"only {' and '.join(given)} {'are' if len(given) > 1 else 'is'} filled in; the action "
        "itself is blank",
        "Type the action in this row, with its owner and due date; or, if there is no action, "
        "clear the row (or delete it).",
    )


def _only(rationale: str) -> str:
    """What stands in a rationale box that says nothing, for the message ("" when it is empty)."""
    if not rationale:
        return ""
    seen = "".join(c for c in " ".join(rationale.split()) if c.isprintable()).strip()
    if seen:
        return f" (only '{seen}' is typed in the box)"
    return " (the box holds only spaces or a hidden character, often pasted from an e-mail)"


def _why_not_a_date(typed: str) -> str:
    """Why a due date typed over the date picker is not one: what is wrong with a date written
    wrongly (month first, no year, a day the month lacks), else that it is not a concrete date."""
    if typed.strip().lower().rstrip(".!") in VAGUE_DATES:
        return f"'{typed}' is not a concrete date (SMART actions need a real date)"
    _, reason = parse_date(as_due_date(typed))
    if reason and not reason.endswith(_UNRECOGNISED):
        return reason
    return f"'{typed}' is not a concrete date"


_UNRECOGNISED = "is not a date in a recognised form (use day/month/year)"


def _moderation_findings(form: AuditForm) -> list[Finding]:
    if (
        form.moderated_grade
        and form.overall_grade
        and form.moderated_grade != form.overall_grade
        and not form.moderation_reason
    ):
        return [
            Finding(
                "error",
                "Moderation: reason",
                f"the grade was changed from '{form.overall_grade}' to '{form.moderated_grade}' "
                "without a reason",
                "The moderator should record why the grade changed.",
            )
        ]
    return []


def _dates_after_arrival(form: AuditForm, received_on: date) -> list[Finding]:
    """A date of audit or of moderation after the day the form arrived is a slip (2027 for 2026,
    a month picked wrongly); taken as given, the audit would be counted in a quarter to come.

    A day's grace: a form saved just after midnight may be read where the date is still the day
    before.
    """
    latest = received_on + timedelta(days=1)
    return [
        Finding(
            "error",
            where,
            f"{day:%d/%m/%Y} is after the day the form arrived ({received_on:%d/%m/%Y})",
            "Pick the day it was done with the date picker, checking the month and year.",
        )
        for where, day in (
            ("Date of audit", form.audit_date),
            ("Date moderated", form.moderation_date),
        )
        if day is not None and day > latest and not _already_reported(form, where)
    ]


#: An action due up to a week before the audit date is kept with a warning (the date on the form
#: may be when the audit was written up); earlier than that is refused.
_DUE_BEFORE_AUDIT_DAYS = 7


def _day_month_swapped(day: date) -> date | None:
    """The date with day and month exchanged, as someone typing month first meant it."""
    try:
        return date(day.year, day.day, day.month) if day.day <= 12 else None
    except ValueError:
        return None
