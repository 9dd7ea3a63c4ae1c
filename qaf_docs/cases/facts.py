"""The case facts panel's source: what the case list says about a sampled case.

Kept in the register when the case is sampled (with the case list's hash), so ``qaf generate``
needs no case list and the export carries them. Only facts the case list has are kept: a column it
lacks is never a blank box on the form.
"""

from __future__ import annotations

from collections.abc import Mapping

from qaf_docs.cases.case import Case, CaseList, CaseType
from qaf_docs.cases.columns import personal_header, snake_header, strip_code
from qaf_docs.records import CaseFact

# What the episode's start date means for each kind of case, in the words of Annex A.
_START = {
    CaseType.CIN: ("cin_start", "CIN start"),
    CaseType.CP: ("cp_plan_start", "CP plan start"),
    CaseType.CLA: ("date_looked_after", "Date looked after"),
    CaseType.CARE_LEAVER: ("care_leaver_start", "Care leaver since"),
    CaseType.EARLY_HELP: ("early_help_start", "Early help start"),
    CaseType.OTHER: ("start_date", "Start date"),
}

# Attributes that are not facts about the work: where the row came from (its sheet and the stage
# the case type already says), or personal details
# the form has no need of (the child's date of birth identifies them as surely as a name; any
# other name, address or number that says who the child is: ``columns.personal_header``).
_LEFT_OUT = frozenset({"list", "stage", "date_of_birth", "unborn", "child_name"})

_WORDS = {"cin": "CIN", "cp": "CP", "cla": "CLA", "lac": "LAC", "iro": "IRO", "ehcp": "EHCP"}


def fact_headers(case_list: CaseList) -> dict[str, str]:
    """Each column's fact name -> its header as the case list writes it ("LA of Placement")."""
    headers: dict[str, str] = {}
    for row in case_list.headers.values():
        for header in row:
            text = " ".join(str(header or "").split())
            if text:
                headers.setdefault(snake_header(text), text)
    return headers


def case_facts(
    case: Case, caselist_sha256: str, headers: Mapping[str, str] | None = None
) -> tuple[CaseFact, ...]:
    """Return the facts the case list holds for ``case``, in a stable order, start date first;
    each labelled with its column's header as written (``headers``: :func:`fact_headers`), with
    its capitals and slashes ("Date of Last IRO Visit / Contact to the Child")."""
    facts: list[CaseFact] = []
    if case.start_date is not None:
        name, label = _START[case.case_type]
        facts.append(CaseFact(name, label, case.start_date.isoformat(), caselist_sha256))
    for key in sorted(case.attributes):
        value = strip_code(case.attributes[key])  # "a) Male" reads "Male"
        if (
            key in _LEFT_OUT
            or personal_header(key)
            or not value
            or any(f.name == key for f in facts)
        ):
            continue
        label = (headers or {}).get(key) or fact_label(key)
        facts.append(CaseFact(key, label[:1].upper() + label[1:], value, caselist_sha256))
    return tuple(facts)


def fact_label(key: str) -> str:
    """Return a fact's name as a person reads it: "date_of_last_cp_visit" -> "Date of last CP visit"."""
    words = [_WORDS.get(w, w) for w in key.split("_") if w]
    if not words:
        return key
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])
