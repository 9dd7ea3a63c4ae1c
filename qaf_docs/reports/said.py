"""What people said in the audits, as the tracker and the reports quote it.

The child's voice, family feedback (Brighton's three questions to service users), practitioners' and
managers' views, each agency's contribution and finding (by agency name, never its lead), the theme and
missing historical information. Quoted text never holds a child's name the register knows: the
tracker and the reports take the child's and its family's names out (``names.Children``), and the
reports every staff name the register knows too (``names.Pseudonyms``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditResult
from qaf_docs.reports import sources

#: Sections where children and families speak, then the practitioners.
FAMILY = ("voice_of_child", "family_feedback")
PRACTITIONER = "practitioner_self_assessment"
AGENCIES = "agency_contributions"
HISTORY = "missing_historical_information"
#: How many quotes of each kind a report shows.
QUOTES = 8

Scrub = Callable[[str, str | None], str]


def agency_lines(a: AuditResult, scrub: Scrub) -> list[dict[str, str]]:
    """Return each agency's contribution and finding as {"agency", "text"} (contribution “…”;
    finding “…”), agencies with nothing written left out; the lead (a person) is not quoted."""
    out = []
    for x in a.agencies:
        parts = [
            f"{what} “{scrub(text.strip(), a.child_name)}”"
            for what, text in (("contribution", x.contribution), ("finding", x.finding))
            if text.strip()
        ]
        if parts:
            out.append({"agency": x.agency.strip() or "Agency not named", "text": "; ".join(parts)})
    # A council's older audit tool had one box for every agency's contribution.
    legacy = sources.sections(a).get(AGENCIES, "")
    if legacy:
        out.append({"agency": "Agencies", "text": f"contribution “{scrub(legacy, a.child_name)}”"})
    return out


def sheet_row(a: AuditResult, scrub: Scrub) -> list[str]:
    """Return the audit's texts in ``sources.SECTION_TITLES`` order (agencies one per line)."""
    said = sources.sections(a)
    agencies = "\n".join(f"{x['agency']}: {x['text']}" for x in agency_lines(a, scrub))
    return [
        agencies if k == AGENCIES else scrub(said.get(k, ""), a.child_name)
        for k in sources.SECTION_TITLES
    ]


def for_report(
    chosen: list[AuditResult], framework: Framework, scrub: Scrub, short: Callable[[str], str]
) -> dict[str, Any]:
    """Return the report's values for what people said, the themes and missing history."""
    sections = framework.sections

    voices: list[dict[str, str]] = []
    practitioners: list[str] = []
    agencies: list[dict[str, str]] = []
    themes: Counter[str] = Counter()
    history: list[dict[str, str]] = []
    for a in chosen:
        said = sources.sections(a)
        for key in FAMILY:
            quote = {
                "who": sections.title(key),
                "text": short(scrub(said.get(key, ""), a.child_name)),
            }
            if quote["text"] and quote not in voices:
                voices.append(quote)
        view = short(scrub(said.get(PRACTITIONER, ""), a.child_name))
        if view and view not in practitioners:
            practitioners.append(view)
        for line in agency_lines(a, lambda text, child: short(scrub(text, child))):
            if line not in agencies:
                agencies.append(line)
        if sources.theme(a):
            themes[" ".join(sources.theme(a).split())] += 1
        if a.missing_history:
            history.append({"ref": a.audit_ref, "case": a.case_id,
                            "what": short(scrub(said.get(HISTORY, ""), a.child_name))
                            or "Not described"})  # fmt: skip
    agencies.sort(key=lambda x: x["agency"].lower())  # each agency's findings together
    return {
        "voices": voices[:QUOTES],
        "practitioners": practitioners[:QUOTES],
        "practitioners_title": sections.title(PRACTITIONER),
        "asks_practitioners": sections.practitioner_self_assessment,
        "agency_findings": agencies,
        "asks_agencies": sections.agency_contributions,
        "themes": [{"name": t, "audits": n} for t, n in sorted(themes.items())],
        "asks_theme": sections.theme,
        "theme_title": sections.title("theme"),
        "missing_history": history,
        "asks_history": sections.missing_historical_information,
        "history_title": sections.title(HISTORY),
        "history_checked": sum(1 for a in chosen if a.missing_history is not None),
    }
