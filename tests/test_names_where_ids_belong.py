"""A child's name typed where a file's id belongs: the case id or audit reference at the top of a
form or a manager's tracker, or the audit reference hidden in its document properties.

The file is refused, and its note quotes what was typed so that whoever puts it right can find it;
but the ingest line (which ``qaf watch`` also writes to its log), ``qaf status`` and the register's
one-line reason named the child: "audit Zebedee Quixley: rejected", "The file shows case Zebedee
Quixley but …". They now name the file by its content ("file #1a2b3c4d") and put '…' for the name.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import complete_form, drop, pack_docx, pack_xlsx, plan_audits
from lifecycle_helpers import return_form
from openpyxl import load_workbook

from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Ingestor
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

CHILD = "Zebedee Quixley"


def _rewrite(path: Path, part: str, change: Callable[[str], str]) -> None:
    """Change one part of a zip's text, as editing the file's properties or page would."""
    temp = path.with_name(path.name + ".new")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    temp.replace(path)


def _form(ws: Workspace, audit: AuditRecord, framework: Framework, where: str) -> Path:
    form = complete_form(pack_docx(ws, audit), framework).save()
    if where == "form's case id":
        _rewrite(form, "word/document.xml", lambda t: t.replace(f">{audit.case_id}<", f">{CHILD}<"))
    else:  # the reference hidden in its properties (File > Info > Properties)
        _rewrite(form, "docProps/custom.xml", lambda t: t.replace(audit.audit_ref, CHILD))
    return drop(form, ws.inbox, "form.docx")


def _tracker(ws: Workspace, audit: AuditRecord, framework: Framework, label: str) -> Path:
    assert return_form(ws, audit, framework).result == "accepted"
    path = pack_xlsx(ws, audit)
    wb = load_workbook(path)
    sheet = wb.worksheets[0]
    [row] = [r for r in sheet.iter_rows(max_row=12, max_col=2) if r[0].value == label]
    row[1].value = CHILD
    wb.save(path)
    return drop(path, ws.inbox, "tracker.xlsx")


WHERE = ["form's case id", "form's hidden reference", "tracker's case id", "tracker's reference"]


@pytest.mark.parametrize("one_at_a_time", [False, True], ids=["ingest", "watch"])
@pytest.mark.parametrize("where", WHERE)
def test_a_childs_name_where_an_id_belongs_is_in_the_note_only(
    workspace: Workspace,
    register: Register,
    framework: Framework,
    where: str,
    one_at_a_time: bool,
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    if where.startswith("form"):
        dropped = _form(workspace, audit, framework, where)
    else:
        label = "Case ID" if where == "tracker's case id" else "Audit reference"
        dropped = _tracker(workspace, audit, framework, label)
    ws = str(workspace.root)
    if one_at_a_time:  # as qaf watch takes each file as it arrives, and logs its line
        outcome = Ingestor(workspace, register, workspace.load_settings()).process(dropped)
        said = [f"{outcome.label}: {outcome.result}"]
        assert outcome.result == "rejected"
    else:
        ingest = CliRunner().invoke(cli, ["-v", "ingest", "-w", ws])
        said = [ingest.output, CliRunner().invoke(cli, ["ingest", "--json", "-w", ws]).output]
        assert "rejected" in ingest.output, ingest.output
    status = CliRunner().invoke(cli, ["-v", "status", "-w", ws]).output
    assert "'…'" in status, status  # still says which id and why
    with open_register(workspace) as reg:
        kept = [f.reason or "" for f in reg.recent_rejections(50)]
        kept += [e.reason or "" for e in reg.events(audit.audit_ref)]
    for text in [*said, status, *kept]:
        assert "Zebedee" not in text and "Quixley" not in text, text

    assert CHILD in (workspace.rejected / f"{dropped.name}.rejected.txt").read_text("utf-8")
