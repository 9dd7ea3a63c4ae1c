"""What an auditor reads on the audit tool of each preset: the framework's own words, said so that
they cannot be misread, and nothing the framework does not say presented as the council's."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import pack_docx, plan_audits
from lxml import etree

from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.workspace import init_workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def form_paragraphs(tmp_path: Path, preset: str) -> list[str]:
    """The text of each paragraph of a freshly issued audit tool of ``preset``."""
    workspace = init_workspace(tmp_path / preset, framework=preset)
    with open_register(workspace) as register:
        plan_audits(register, workspace, 1)
        generate_packs(workspace, register)
        audit = register.audits()[0]
    with zipfile.ZipFile(pack_docx(workspace, audit)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


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
