"""Names in the reports: no child's name in quoted text, worker labels that say nothing of a name."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from conftest import TODAY, plan_audits
from openpyxl import load_workbook
from test_reports import FakeRegister, audit, document_text

from qaf_docs.register.store import Register
from qaf_docs.reports.period_report import build_period_report
from qaf_docs.reports.periods import parse_period
from qaf_docs.reports.qa_tracker import build_tracker
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

DAY = date(2026, 8, 20)


def said_sheet(path: Any) -> dict[str, list[Any]]:
    sheet = load_workbook(path)["What people said"]
    return {r[0].value: [c.value for c in r] for r in sheet.iter_rows(min_row=2) if r[0].value}


def test_the_childs_name_is_taken_out_of_what_the_reports_quote(workspace: Workspace) -> None:
    results = [
        audit(1, "Good", child_name="Zebedee Smith",
              sections={"voice_of_child": "Zebedee said he is scared at home.",
                        "family_feedback": "Mum said ZEBEDEE SMITH sleeps badly; zebedee agreed."}),
        audit(2, "Good", child_name="Ann Lee",
              sections={"voice_of_child": "Ann likes school; planned annual review."}),
    ]  # fmt: skip
    fake: Any = FakeRegister(results)
    text = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY)
    )
    assert "The child said he is scared at home." in text
    assert "Mum said the child sleeps badly; the child agreed." in text
    assert "The child likes school; planned annual review." in text  # whole words only
    for name in ("Zebedee", "ZEBEDEE", "zebedee", "Smith"):
        assert name not in text
    said = said_sheet(build_tracker(workspace, fake, today=DAY))
    assert said["QA-00001"][4] == "The child said he is scared at home."
    assert said["QA-00001"][5] == "Mum said the child sleeps badly; the child agreed."
    assert said["QA-00002"][4] == "The child likes school; planned annual review."


def test_the_register_hands_the_childs_name_to_the_reports(
    workspace: Workspace, register: Register
) -> None:
    refs = plan_audits(register, workspace, 1)
    (found,) = [a for a in register.results(TODAY) if a.audit_ref == refs[0]]
    assert found.child_name == "Childname0 Surname"
    assert "Childname0" not in repr(found)  # never in a log line


def test_worker_labels_are_given_per_report_in_audit_order(workspace: Workspace) -> None:
    said = {"voice_of_child": "Visited by Zoe Young and Adam Able together."}
    results = [
        audit(1, "Good", worker="Zoe Young", on=date(2026, 8, 3), sections=said),
        audit(2, "Good", worker="Adam Able", on=date(2026, 8, 4)),
        audit(3, "Good", worker="Adam Able", on=date(2026, 11, 4), sections=said),
    ]
    fake: Any = FakeRegister(results)
    q3 = document_text(build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY))
    q4 = document_text(build_period_report(workspace, fake, parse_period("quarter", "2026Q4"), DAY))
    # Zoe's audit comes first, so Zoe is Worker A though Adam comes first by name.
    assert "Visited by Worker A and Worker B together." in q3
    # In Q4 Adam is the report's only worker: Worker A there, and Zoe is no label at all.
    assert "Visited by [name removed] and Worker A together." in q4
    # The only worker is said in a sentence (a table of one row compares nothing), no gap.
    assert "The one audit graded was of one worker (Worker A)," in q4
    assert "Worker B" not in q4.split("How well did we do it")[1]
