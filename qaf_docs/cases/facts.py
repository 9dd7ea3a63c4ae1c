"""The case facts panel's source: what the case list says about a sampled case.

Kept in the register when the case is sampled (with the case list's hash), so ``qaf generate``
needs no case list and the export carries them. Only facts the case list has are kept: a column it
lacks is never a blank box on the form.
"""

from __future__ import annotations

from qaf_docs.cases.case import Case, CaseType
from qaf_docs.cases.columns import personal_header, strip_code
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


def case_facts(case: Case, caselist_sha256: str) -> tuple[CaseFact, ...]:
    """Return the facts the case list holds for ``case``, in a stable order, start date first."""
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
        facts.append(CaseFact(key, fact_label(key), value, caselist_sha256))
    return tuple(facts)


def fact_label(key: str) -> str:
    """Return a fact's name as a person reads it: "date_of_last_cp_visit" -> "Date of last CP visit"."""
    words = [_WORDS.get(w, w) for w in key.split("_") if w]
    if not words:
        return key
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])
