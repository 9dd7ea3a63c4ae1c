"""The parts of the audit tool a framework decides: indicators, grade descriptors, sections,
agency sections and the case facts panel, as values the Word template loops over.

Field names come from ``office.field_names`` so the reader finds what was written here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from qaf_docs.dates import parse_date, written_date
from qaf_docs.frameworks import Framework
from qaf_docs.office import content_controls as cc
from qaf_docs.office import field_names as names
from qaf_docs.records import CaseFact, case_type_words

# Sections with a box of their own in the template (not in the loop of free-text sections).
_OWN_LAYOUT = ("agency_contributions", "missing_historical_information", "moderation")

# What a section asks when the framework gives no questions of its own.
_DEFAULT_QUESTIONS = {
    "theme": "The theme or question this audit looks at.",
    "voice_of_child": "How are the child's wishes, feelings and lived experience shown on the "
    "file and in the plan?",
    "practitioner_self_assessment": "The practitioner's own view of the work on this case, in "
    "their words.",
    "family_feedback": "What the child, young person or family said about the help they receive.",
}

EXTRA_AGENCY_SLOTS = 2
"""Blank agency sections added after the framework's default agencies."""


def case_type_label(case_type: str) -> str:
    """Return a case type as printed: "care leaver" -> "Care leaver", "CIN" stays "CIN"."""
    return case_type_words(case_type)


def descriptors(framework: Framework) -> list[dict[str, str]]:
    """Return the scale's grades with the council's descriptor of each (only those it describes)."""
    scale = framework.scale
    return [
        {"grade": g, "text": scale.descriptors[g]}
        for g in scale.choices
        if scale.descriptors.get(g)
    ]


def indicator_groups(
    framework: Framework, domain_key: str, ticked: Collection[str] = ()
) -> list[dict[str, Any]]:
    """Return a domain's indicators by grade, each with the check box the auditor ticks (ticked
    already for those in ``ticked``: a moderation form shows what the auditor ticked)."""
    domain = framework.domain(domain_key)
    groups: list[dict[str, Any]] = []
    number = 0
    for grade in framework.scale.grades:
        items = []
        for text in domain.indicators_for(grade):
            number += 1
            field = names.indicator_field(domain.key, number)
            label = f"{domain.title}: {text}"[:200]
            items.append({"text": text, "box": cc.checkbox_control(field, label, text in ticked)})
        if items:
            groups.append({"grade": grade, "boxes": items})
    return groups


def text_sections(framework: Framework) -> list[dict[str, Any]]:
    """Return the free-text sections this framework asks for, in order, with their questions."""
    sections = framework.sections
    out: list[dict[str, Any]] = []
    for name in sections.enabled():
        if name in _OWN_LAYOUT:
            continue
        title = sections.title(name)
        questions = sections.questions(name)
        hint = "" if questions else _DEFAULT_QUESTIONS.get(name, "")
        if name == "theme" and framework.themes:
            hint = f"For example: {', '.join(framework.themes)}."
        out.append(
            {
                "key": name,
                "title": title,
                "questions": questions,
                "hint": hint,
                "box": cc.text_control(names.section_field(name), title),
            }
        )
    return out


def moderation(framework: Framework) -> dict[str, Any]:
    """Return the moderation section's heading, the questions the framework asks of it, and its
    type-of-moderation drop-down where the framework names kinds ("" where it names none, and the
    template leaves the row out)."""
    kinds = framework.moderation.kinds
    return {
        "title": framework.sections.title("moderation"),
        "questions": framework.sections.questions("moderation"),
        "kind": cc.dropdown_control(
            names.MODERATION_KIND,
            names.MODERATION_KIND_LABEL,
            [names.moderation_kind_choice(k) for k in kinds],
        )
        if kinds
        else "",
    }


def missing_history(framework: Framework) -> dict[str, Any] | None:
    """Return the missing-historical-information check box and its details box, if asked for."""
    sections = framework.sections
    if not sections.missing_historical_information:
        return None
    name = "missing_historical_information"
    return {
        "title": sections.title(name),
        "questions": sections.questions(name),
        "box": cc.checkbox_control(names.MISSING_HISTORY, "Historical information missing"),
        "details": cc.text_control(names.section_field(name), sections.title(name)),
    }


def agency_sections(framework: Framework) -> list[dict[str, Any]]:
    """Return one section per agency (the framework's defaults, then blank ones), or none."""
    if not framework.sections.agency_contributions:
        return []
    agencies = [*framework.agencies.default, *([""] * EXTRA_AGENCY_SLOTS)]
    out = []
    for number, agency in enumerate(agencies, start=1):
        label = agency or f"Agency {number}"
        out.append(
            {
                "number": number,
                "default": agency,  # the agency printed in this section ("" for a blank one)
                "name": cc.text_control(
                    names.agency_field(number, "name"), f"Agency {number}", agency
                ),
                "lead": cc.text_control(names.agency_field(number, "lead"), f"{label}: lead"),
                "contribution": cc.text_control(
                    names.agency_field(number, "contribution"), f"{label}: contribution"
                ),
                "finding": cc.text_control(
                    names.agency_field(number, "finding"), f"{label}: finding"
                ),
            }
        )
    return out


def fact_rows(
    facts: tuple[CaseFact, ...], framework: Framework, case_type: str, on: date
) -> list[dict[str, str]]:
    """Return the case facts panel: each fact, the days since a dated one, and a timescale flag."""
    rows = []
    for fact in facts:
        check = _check_for(framework, fact.name)
        # A fact with a timescale is a date: read it as the case list's dates are read (a serial
        # number too); any other fact only when written as a date ("02/12/2025", "2025-12-02").
        when = parse_date(fact.value, today=on)[0] if check else written_date(fact.value, today=on)
        shown = when.strftime("%d/%m/%Y") if when else fact.value
        since = flag = ""
        if check is not None and when is None:
            limit = check.days_for(case_type)
            flag = (
                f"Could not be read as a date, so not checked: check by hand "
                f"({check.label.lower()} due every {limit} days)"
            )
        if when is not None and when <= on:
            days = (on - when).days
            since = f"{days} day{'s' if days != 1 else ''}"
            if check is not None:
                limit = check.days_for(case_type)
                flag = (
                    f"Over {limit} days ({check.label.lower()} due every {limit} days)"
                    if days > limit
                    else f"Within {limit} days"
                )
        rows.append({"label": fact.label, "value": shown, "since": since, "flag": flag})
    return rows


def _check_for(framework: Framework, fact_name: str) -> Any:
    # A case list names its columns its own way ("date_of_last_supervision"): match on the fact.
    for check in framework.timescales.checks:
        if fact_name == check.fact or check.fact in fact_name:
            return check
    return None
