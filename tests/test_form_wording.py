"""What an auditor reads on the audit tool of each preset: the framework's own words, said so that
they cannot be misread, and nothing the framework does not say presented as the council's."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import pack_docx, plan_audits
from lifecycle_helpers import INADEQUATE, reaudit, return_form
from lxml import etree

from qaf_docs.frameworks import load_framework, preset_names
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.returns.audit_form import read_document_xml
from qaf_docs.workspace import init_workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def form_paragraphs(tmp_path: Path, preset: str, style: str = "") -> list[str]:
    """The text of each paragraph of a freshly issued audit tool of ``preset`` (only those whose
    style name starts with ``style``, e.g. "Heading")."""
    workspace = init_workspace(tmp_path / preset, framework=preset)
    with open_register(workspace) as register:
        plan_audits(register, workspace, 1)
        generate_packs(workspace, register)
        audit = register.audits()[0]
    with zipfile.ZipFile(pack_docx(workspace, audit)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return [
        "".join(t.text or "" for t in p.iter(f"{W}t"))
        for p in root.iter(f"{W}p")
        if _style(p).startswith(style)
    ]


def _style(paragraph: etree._Element) -> str:
    found = paragraph.find(f"{W}pPr/{W}pStyle")
    return "" if found is None else str(found.get(f"{W}val"))


def concern_sentence(paragraphs: list[str]) -> str:
    return next(p for p in paragraphs if "Raise it today with" in p)


@pytest.mark.parametrize(
    ("preset", "said"),
    [
        # West Sussex: "escalated immediately to the allocated social worker's Team Manager,
        # relevant Service Manager and Head of Service. Additionally, the auditor must notify the
        # Assistant Director for Safeguarding, Quality and Practice, and also" the QA team.
        (
            "collaborative-audit",
            "Raise it today with the Team Manager, the Service Manager and the Head of Service, "
            "and tell the Assistant Director for Safeguarding, Quality and Practice and the "
            "Quality Assurance Team;",
        ),
        # B&NES: "the relevant service manager and Divisional Director".
        (
            "tier-one-manager-audit",
            "Raise it today with the Service Manager and the Divisional Director;",
        ),
    ],
)
def test_the_concern_box_says_who_to_tell_as_a_sentence(
    tmp_path: Path, preset: str, said: str
) -> None:
    """A bare comma list ("Head of Service, Assistant Director for Safeguarding, Quality and
    Practice, Quality Assurance Team") reads as five or six roles and loses who is told first."""
    assert said in concern_sentence(form_paragraphs(tmp_path, preset))


@pytest.mark.parametrize("preset", preset_names())
def test_no_section_heading_repeats_a_practice_area_title(tmp_path: Path, preset: str) -> None:
    """City of London's graded area "Voice of the child" was followed by a text section of the
    same title: the auditor could not tell what belonged in which box."""
    areas = {d.title.casefold() for d in load_framework(preset).domains}
    headings = [h for h in form_paragraphs(tmp_path, preset, "Heading") if h.strip()]
    assert [h for h in headings if h.strip().casefold() in areas] == []


@pytest.mark.parametrize("preset", preset_names())
def test_the_instructions_say_how_to_answer_an_area_that_does_not_apply(
    tmp_path: Path, preset: str
) -> None:
    """B&NES's closure checks (chronology, exit plan) do not apply to a case still open, and a
    blank area is refused: the auditor is told to choose "Not applicable", and only where the
    drop-down offers it."""
    offers = load_framework(preset).scale.not_applicable
    told = [p for p in form_paragraphs(tmp_path, preset) if "choose 'Not applicable'" in p]
    assert len(told) == (1 if offers else 0)
    if offers:
        assert "does not apply to this case" in told[0] and "do not leave the area blank" in told[0]


def test_the_concern_box_speaks_of_the_qa_team_not_of_the_program(tmp_path: Path) -> None:
    """Auditors never see qaf: the concern box says who records the concern in their terms."""
    said = concern_sentence(form_paragraphs(tmp_path, "live-case-audit"))
    assert "The QA team records it even if something else on the form" in said
    assert "qaf" not in said


# The councils whose documents set no grades (B&NES, City of London, Brighton & Hove): qaf adds
# Ofsted's scale. Bracknell's toolkit lists its grades and West Sussex's tools grade Good /
# Requires improvement / Inadequate, so theirs are the framework's own.
SCALE_ADDED = {
    "tier-one-manager-audit": True,
    "independent-cycle-audit": True,
    "multi-agency-audit": True,
    "live-case-audit": False,
    "collaborative-audit": False,
}


@pytest.mark.parametrize(("preset", "added"), SCALE_ADDED.items())
def test_a_grade_scale_the_framework_lacks_is_said_to_be_added(
    tmp_path: Path, preset: str, added: bool
) -> None:
    """Under a council form headed with the council's name, drop-downs graded Outstanding to
    Inadequate read as the council's own scale unless the form says where they come from."""
    said = [p for p in form_paragraphs(tmp_path, preset) if "sets no grades of its own" in p]
    if added:
        assert said == [
            "This audit's framework sets no grades of its own: the grades in the drop-downs are "
            "Ofsted's (Outstanding, Good, Requires improvement to be good, Inadequate), added "
            "for this audit tool, with no descriptors."
        ]
    else:
        assert said == []


@pytest.mark.parametrize(
    ("preset", "title"),
    [
        # West Sussex: "Audits Graded Inadequate Three Month Review of Actions and Progress".
        ("collaborative-audit", "Three Month Review of Actions and Progress"),
        # Bracknell gives no re-audit interval: qaf's default of 3 months is not the toolkit's.
        ("live-case-audit", "Review of Actions and Progress"),
    ],
)
def test_a_reaudit_is_headed_with_an_interval_only_where_the_framework_gives_one(
    tmp_path: Path, preset: str, title: str
) -> None:
    workspace = init_workspace(tmp_path / preset, framework=preset)
    framework = load_framework(preset)
    moderated = INADEQUATE if framework.sections.moderation else None
    with open_register(workspace) as register:
        plan_audits(register, workspace, 1)
        generate_packs(workspace, register)
        [first] = register.audits()
        return_form(workspace, first, framework, grade=INADEQUATE, moderated=moderated)
        [second] = reaudit(workspace, register)
    root = read_document_xml(pack_docx(workspace, second))
    headings = [
        "".join(t.text or "" for t in p.iter(f"{W}t"))
        for p in root.iter(f"{W}p")
        if _style(p).startswith("Heading")
    ]
    assert title in headings
    assert f"re-audit of {first.audit_ref}" in " ".join(root.itertext())
