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
    domain = framework.domain(domain_key)
    texts = [text for grade in framework.scale.grades for text in domain.indicators_for(grade)]
    ticked = []
    for number, text in enumerate(texts, start=1):
        box = fields.get(names.indicator_field(domain.key, number))
        if box is not None and box.checked:
            ticked.append(text)
    return tuple(ticked)


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


def _text(fields: Mapping[str, FieldValue], name: str) -> str:
    value = fields.get(name)
    return value.text if value else ""
