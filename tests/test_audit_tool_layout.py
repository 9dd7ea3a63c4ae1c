"""What every generated audit tool looks like on paper: per preset, the framework's own parts are
there, rows never split, pages break where a reader expects, and nothing a council would have to
delete is printed."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import TODAY, printed_text, record_test_round
from lxml import etree

from qaf_docs.frameworks import NOT_APPLICABLE, preset_names
from qaf_docs.office.field_names import MISSING_HISTORY, agency_field, indicator_field
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import NewAudit
from qaf_docs.register.store import Register
from qaf_docs.workspace import init_workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _issue(tmp_path: Path, preset: str, *, team: str = "Locality 1", case_type: str = "CP"):  # type: ignore[no-untyped-def]
    ws = init_workspace(tmp_path / preset, framework=preset, council_name="Northshire Council")
    with Register.open(ws.register_path) as register:
        record_test_round(
            register, preset, round_id="r1",
            audits=[NewAudit("C1", team, team and "Worker 1", case_type, "Auditor 1",
                             "a1@council.example", TODAY + timedelta(days=20))],
        )  # fmt: skip
        [(docx, _)] = generate_packs(ws, register)
    return ws, docx


def _parts(docx: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(docx) as z:
        return {
            n: etree.fromstring(z.read(n))
            for n in z.namelist()
            if n.startswith("word/") and n.endswith(".xml") and "/_rels" not in n
        }


def _text(root: etree._Element) -> str:
    return "".join(t.text or "" for t in root.iter(f"{W}t"))


def _tags(root: etree._Element) -> set[str]:
    return {t.get(f"{W}val", "") for t in root.iter(f"{W}tag")}


@pytest.mark.parametrize("preset", preset_names())
def test_every_preset_prints_its_own_parts_and_nothing_stray(tmp_path: Path, preset: str) -> None:
    ws, docx = _issue(tmp_path, preset)
    framework = ws.load_framework()
    parts = _parts(docx)
    body = parts["word/document.xml"]
    text = _text(body)
    tags = _tags(body)
    everything = " ".join(_text(r) for r in parts.values())
    # One box per indicator, beside its domain's grade.
    for d in framework.domains:
        count = sum(len(v) for v in d.indicators.values())
        assert {indicator_field(d.key, n) for n in range(1, count + 1)} <= tags
        assert indicator_field(d.key, count + 1) not in tags
    for grade, descriptor in framework.scale.descriptors.items():
        assert descriptor in text, grade
    # The council's own guidance to its auditors is printed, in its words (before, the preset held
    # it and no auditor ever saw it).
    assert framework.guidance
    assert "The framework's guidance" in text
    for line in framework.guidance:
        assert line in text, line
    if framework.audit_period:
        assert "Period covered" in text
    for name in framework.sections.enabled():
        for question in framework.sections.questions(name):
            assert question in text, (name, question)
    assert (MISSING_HISTORY in tags) == framework.sections.missing_historical_information
    assert (agency_field(1, "finding") in tags) == framework.sections.agency_contributions
    # Only the workspace's council, once per page header; no template fingerprint, no raw tags.
    assert "Northshire Council" in everything
    for council in ("West Sussex", "Bracknell", "Brighton", "B&NES", "City of London"):
        assert council not in everything
    assert "template " not in everything.lower()
    assert "{{" not in everything and "{%" not in everything
    # No row of any table splits across a page.
    for tr in body.iter(f"{W}tr"):
        assert tr.find(f"{W}trPr/{W}cantSplit") is not None


@pytest.mark.parametrize("preset", preset_names())
def test_not_applicable_is_offered_only_where_the_framework_allows_it(
    tmp_path: Path, preset: str
) -> None:
    ws, docx = _issue(tmp_path, preset)
    allowed = ws.load_framework().scale.not_applicable
    items = [
        i.get(f"{W}displayText") for i in _parts(docx)["word/document.xml"].iter(f"{W}listItem")
    ]
    assert (NOT_APPLICABLE in items) == allowed


def test_case_type_is_capitalised_and_a_case_with_no_team_prints_no_blank_rows(
    tmp_path: Path,
) -> None:
    _, docx = _issue(tmp_path, "collaborative-audit", team="", case_type="care leaver")
    text = _text(_parts(docx)["word/document.xml"])
    assert "Care leaver" in text and "care leaver" not in text
    assert "Allocated worker" not in text and "Team" not in text.split("Case type")[0]


def _pages(docx: Path, out: Path) -> list[str]:
    """The text of each printed page, as LibreOffice lays the form out."""
    text = printed_text(docx, out)
    return [" ".join(page.split()) for page in text.split("\f")]


def _page_of(pages: list[str], words: str, start: int = 0) -> int:
    return next(n for n in range(start, len(pages)) if words in pages[n])


@pytest.mark.parametrize("preset", preset_names())
def test_on_paper_an_areas_grade_is_on_its_titles_page_and_a_table_keeps_its_header(
    tmp_path: Path, preset: str
) -> None:
    ws, docx = _issue(tmp_path, preset)
    framework = ws.load_framework()
    pages = _pages(docx, tmp_path / "pdf")
    # Each area's grade and rationale print on the page of its title and indicators
    # (West Sussex's Assessment, with 33 indicators, used to leave them on the next page).
    for n, domain in enumerate(framework.domains, start=1):
        title = _page_of(pages, f"{n}. {domain.title}")
        area = pages[title].split(f"{n}. {domain.title}", 1)[1]
        assert "Rationale and evidence" in area, (domain.title, title + 1)
    # "What each grade means" never sits alone at a page foot, and every page the grades run
    # onto repeats the table's header.
    if framework.scale.descriptors:
        heading = _page_of(pages, "What each grade means")
        first, *_, last = framework.scale.descriptors.values()
        assert "Grade Descriptor" in pages[heading].split("What each grade means", 1)[1]
        assert " ".join(first.split()[:6]) in pages[heading]
        end = _page_of(pages, " ".join(last.split()[-6:]), heading)
        for n in range(heading + 1, end + 1):
            below_page_header = pages[n].split("Children's Services Quality Assurance", 1)[-1]
            assert below_page_header.lstrip().startswith("Grade Descriptor"), n + 1
