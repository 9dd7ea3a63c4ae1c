"""Reading the framework-shaped parts of an audit tool: ticked indicators and agency sections,
and the note for a "Not applicable" the framework does not allow."""

from __future__ import annotations

from collections.abc import Mapping

from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework, Scale
from qaf_docs.office import field_names as names
from qaf_docs.office.form_fields import FieldValue
from qaf_docs.records import AgencyFinding


def ticked_indicators(
    fields: Mapping[str, FieldValue], framework: Framework, domain_key: str
) -> tuple[str, ...]:
    """Return the indicators of a domain whose check boxes are ticked, in the framework's order."""
    ticked = []
    for box_name, text in _indicator_boxes(framework)[domain_key]:
        box = fields.get(box_name)
        if box is not None and box.checked:
            ticked.append(text)
    return tuple(ticked)


# Each framework's indicator check boxes, named once: a form holds a hundred or more of them.
# Keyed by id() with the framework kept alive beside its boxes, so an id is never reused.
_BOXES: dict[int, tuple[Framework, dict[str, tuple[tuple[str, str], ...]]]] = {}


def _indicator_boxes(framework: Framework) -> dict[str, tuple[tuple[str, str], ...]]:
    known = _BOXES.get(id(framework))
    if known is not None and known[0] is framework:
        return known[1]
    boxes = {
        d.key: tuple(
            (names.indicator_field(d.key, number), text)
            for number, text in enumerate(
                (text for grade in framework.scale.grades for text in d.indicators_for(grade)),
                start=1,
            )
        )
        for d in framework.domains
    }
    if len(_BOXES) >= 32:  # a process sees a handful of frameworks; never let this grow
        _BOXES.clear()
    _BOXES[id(framework)] = (framework, boxes)
    return boxes


def agency_findings(fields: Mapping[str, FieldValue]) -> list[AgencyFinding]:
    """Return each agency section that has anything written in it, in the form's order."""
    out: list[AgencyFinding] = []
    number = 1
    while names.agency_field(number, "name") in fields:
        agency, lead, contribution, finding = (
            _text(fields, names.agency_field(number, part)) for part in names.AGENCY_PARTS
        )
        # A default agency's name is printed on the form: the section counts only once filled in.
        if lead or contribution or finding:
            out.append(AgencyFinding(agency, lead, contribution, finding))
        number += 1
    return out


def not_applicable_refused(where: str, scale: Scale, *, may_be_na: bool) -> Finding:
    """Return the error for "Not applicable" where the framework does not allow it."""
    if may_be_na:
        why = "this framework does not allow 'Not applicable': every area must be graded"
    else:
        why = "an overall or moderated grade cannot be 'Not applicable'"
    return Finding("error", where, f"{why}", f"Choose one of: {', '.join(scale.grades)}.")


def unsettled_grade(where: str, raw: str, *, deleted_box: bool = False) -> Finding:
    """Return the error for a grade typed with a question mark ("Inadequate?"): not settled, so
    never recorded as if it were (Inadequate starts the escalation pathway)."""
    said = f"'{raw}' has a question mark: the grade is not settled"
    if deleted_box:
        said = f"the grade box has been deleted from the form, and {said}"
    return Finding(
        "error",
        where,
        said,
        "Choose the grade you have decided on from the list, with no question mark; if unsure, "
        "talk it through with your manager or the QA team first. A grade is recorded as given "
        "(Inadequate starts the escalation pathway).",
    )


_COUNTED = {2: "two", 3: "three", 4: "four"}


def several_grades(
    where: str, raw: str, several: list[str], *, deleted_box: bool = False
) -> Finding:
    """Return the error for one box given several grades ("Good/RI", "Good (bordering on RI)")."""
    named = f"{_COUNTED.get(len(several), len(several))} grades ({' and '.join(several)})"
    said = f"'{raw}' gives {named}; a grade box takes one"
    if deleted_box:
        said = (
            f"the grade box has been deleted from the form, and '{raw}', typed where it was, "
            f"gives {named}; a grade takes one"
        )
    return Finding(
        "error",
        where,
        said,
        "Choose the one grade that fits best from the list, and say in the rationale what falls "
        "short of it or goes beyond it.",
    )


def _text(fields: Mapping[str, FieldValue], name: str) -> str:
    value = fields.get(name)
    return value.text if value else ""


_AREA_FIELDS = (("qaf_grade_", "graded"), ("qaf_modgrade_", "moderated"), ("qaf_rationale_", ""))
_AREA_PREFIXES = tuple(prefix for prefix, _ in _AREA_FIELDS)


def areas_not_in_framework(fields: Mapping[str, FieldValue], framework: Framework) -> list[Finding]:
    """A practice area the form fills in but the framework read against lacks, as an error.

    A form is read against the framework text its pack was made from, so this happens only to a
    pack older than qaf keeping that text, when an area was removed from the framework file since:
    the form is refused rather than its grade and rationale dropped without a word.
    """
    known = {d.key for d in framework.domains}
    filled: dict[str, list[str]] = {}
    for name, value in fields.items():
        if not name.startswith(_AREA_PREFIXES):
            continue
        for prefix, what in _AREA_FIELDS:
            key = name.removeprefix(prefix)
            if key != name and key not in known and value.text.strip():
                said = f"{what} '{value.text.strip()}'" if what else "a rationale is written"
                filled.setdefault(key, []).append(said)
                break
    return [
        Finding(
            "error",
            f"Practice area '{key}'",
            f"{' and '.join(said)} on this form, but the framework ({framework.name}) no longer "
            "has this area, so it cannot be recorded",
            "The QA lead can put the area back in the framework file and drop this form in the "
            "inbox again unchanged; or, if the area no longer counts, clear its grade and "
            "rationale and send it again.",
        )
        for key, said in filled.items()
    ]
