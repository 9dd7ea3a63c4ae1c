"""What an auditor writes about a child names its brothers and sisters too; where the register
holds their names (``show_child_names`` on), they go no further than the child's name does.

The child's names are said as "the child" in e-mails, the QA tracker and the reports; the other
children the register holds under the child's surname as "another child". The case note, for the
child's own record, keeps the words. The QA tracker is read by senior managers and boards: its
actions and concerns quoted the child's own name too.
"""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner
from conftest import TODAY, complete_form, drop, pack_docx, plan_audits
from openpyxl import load_workbook
from test_message_child_names import names_shown
from test_reports import document_text

from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.store import Register
from qaf_docs.reports.names import Children
from qaf_docs.workspace import Workspace

__all__ = ["names_shown"]  # the fixture, used by name

CONCERN = "Childname1 Surname said Childname0 was hit by an adult."
ACTION = "See Childname0 and childname1 alone"


def cells(path: Any) -> dict[str, list[str]]:
    """Every text cell of every sheet of a workbook, by sheet."""
    book = load_workbook(path)
    return {
        sheet.title: [
            c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)
        ]
        for sheet in book.worksheets
    }


def test_a_sibling_the_register_holds_is_another_child_beyond_the_childs_record(
    names_shown: Workspace, register: Register, framework: Framework
) -> None:
    ws = names_shown
    plan_audits(register, ws, 2)  # Childname0 Surname and Childname1 Surname: one family
    generate_packs(ws, register)
    audit = register.audits()[0]
    form = complete_form(pack_docx(ws, audit), framework, grade="Inadequate")
    form.text("qaf_overall_rationale", "Childname0 shares a room with Childname1 Surname.")
    form.text("qaf_voice_of_child", "Childname0 said childname1 keeps them safe.")
    form.text("qaf_action_1", ACTION).text("qaf_action_2", "See Childname0")
    form.tick("qaf_concern").text("qaf_concern_text", CONCERN)
    drop(form.save(), ws.inbox, "form.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "accepted", outcome.findings
    quarter = f"{TODAY.year}Q{(TODAY.month - 1) // 3 + 1}"
    for command in (["remind"], ["report"], ["report", "quarter", quarter]):
        result = CliRunner().invoke(cli, [*command, "-w", str(ws.root)])
        assert result.exit_code == 0, result.output

    emails = [
        *(ws.outbox / "notifications").rglob("*.eml"),
        *(ws.outbox / "reminders").rglob("*.eml"),
    ]
    bodies = {p.name: " ".join(p.read_text(encoding="utf-8").split()) for p in emails}
    assert bodies and {n: b for n, b in bodies.items() if "childname" in b.casefold()} == {}
    said = "\n".join(bodies.values())
    assert "The child shares a room with another child." in said
    assert "See the child and another child alone" in said
    assert "Another child said the child was hit by an adult." in said

    tracker = cells(ws.outbox / "QA_tracker.xlsx")
    assert {s: [c for c in v if "childname" in c.casefold()] for s, v in tracker.items()} == {
        s: [] for s in tracker
    }
    assert "See the child and another child alone" in tracker["Actions"]
    assert "Another child said the child was hit by an adult." in tracker["Concerns"]
    assert "The child said another child keeps them safe." in tracker["What people said"]
    # Kept with a warning that quotes it: the Warnings sheet quoted the child's name.
    assert any("'See the child' is too vague" in w for w in tracker["Warnings"])

    report = document_text(ws.outbox / "reports" / f"QA_report_{quarter}.docx")
    assert "childname" not in report.casefold()
    assert "The child said another child keeps them safe." in report

    notes = "\n".join(
        p.read_text(encoding="utf-8") for p in (ws.outbox / "case-notes").rglob("*.txt")
    )
    assert CONCERN in notes and ACTION in notes, "the child's own record keeps the words"


def test_a_child_of_another_family_is_left_as_written() -> None:
    """Only the child's family is taken for its brothers and sisters: a name of another surname
    may be anyone's (a worker, a carer), and "another child" would say what qaf does not know."""
    children = Children(["Childname0 Surname", "Childname1 Surname", "Tara Other"])
    assert children.scrub("Tara visited Childname1 and CHILDNAME0.", "Childname0 Surname") == (
        "Tara visited another child and the child."
    )
    assert children.family("Tara Other") == []


def test_the_family_surname_reads_as_what_it_means_not_word_for_word() -> None:
    """A surname said of the family, a parent or a sibling qaf does not hold reads as what it
    means: it read "the the child family", "Mrs the child" and "Octavius the child"."""
    scrub = Children(["Zebedee Quixley", "Philomena Quixley"]).scrub
    said = scrub(
        "Met the Quixley family; Mrs Quixley said Octavius Quixley and Philomena Quixley were "
        "at school. The Quixleys' home was warm. Visit Quixley again.",
        "Zebedee Quixley",
    )
    assert said == (
        "Met the child's family; a family member said a family member and another child were "
        "at school. The child's home was warm. Visit the child again."
    )
    assert "Quixley" not in scrub(
        "Quixley household tidy; the Quixleys' children", "Zebedee Quixley"
    )
