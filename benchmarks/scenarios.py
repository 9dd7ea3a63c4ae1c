"""The work measured by ``benchmarks/run.py``: for each row, how its data is made and timed two ways.

Each ``prepare_*`` builds the data for one size once (cached under the data folder); each timed
function runs in a fresh process (so peak memory is its own) on a scratch copy when it changes
files, and returns how many seconds the measured work took.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import docx
import openpyxl
from docxtpl import DocxTemplate
from lxml import etree

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.demo.filling import FormFiller
from qaf_docs.demo.synthetic import write_synthetic_case_list
from qaf_docs.frameworks import load_framework
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.office import sheets
from qaf_docs.packs.audit_tool import audit_tool_context
from qaf_docs.packs.details import details_for, pack_paths
from qaf_docs.packs.generate import generate_packs
from qaf_docs.packs.templates import jinja_environment
from qaf_docs.records import ActionRow, AuditForm, DomainGrade, Identity, NewAudit
from qaf_docs.register.location import open_register
from qaf_docs.reports.qa_tracker import build_tracker
from qaf_docs.returns.audit_form import read_audit_form
from qaf_docs.workspace import AUDIT_TEMPLATE, Workspace, init_workspace

TODAY = date(2026, 3, 2)


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _planned(root: Path, audits: int) -> Workspace:
    ws = init_workspace(root, council_name="Benchshire Council")
    with open_register(ws) as register:
        register.record_round(
            round_id="bench", kind="simple", seed=1, input_sha256="0" * 64, rules={},
            framework_id="collaborative-audit",
            audits=[
                NewAudit(f"{100000 + i}", f"Team {i % 20}", f"Worker {i % 97}", "CP",
                         f"Auditor {i % 31}", "a@x.example", TODAY + timedelta(days=20))
                for i in range(audits)
            ],
            today=TODAY,
        )  # fmt: skip
    return ws


def _scratch(src: Path, scratch: Path) -> Workspace:
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(src, scratch)
    return Workspace(scratch)


# -- packs ---------------------------------------------------------------------------------------


def prepare_packs(data: Path, size: int) -> None:
    _planned(data / "ws", size)


def packs_qaf(data: Path, scratch: Path) -> float:
    ws = _scratch(data / "ws", scratch)
    with open_register(ws) as register:
        return _timed(lambda: generate_packs(ws, register))


def packs_naive(data: Path, scratch: Path) -> float:
    """Per case: DocxTemplate(...).render().save() and a fresh openpyxl workbook."""
    ws = _scratch(data / "ws", scratch)
    settings = ws.load_settings()
    framework = load_framework("collaborative-audit", base=ws.root)
    template = ws.template(AUDIT_TEMPLATE)
    with open_register(ws) as register:
        audits = register.audits()

    def run() -> None:
        for audit in audits:
            details = details_for(audit, settings, kind="audit_tool")
            docx_path, xlsx_path = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
            docx_path.parent.mkdir(parents=True, exist_ok=True)
            tpl = DocxTemplate(str(template))
            tpl.render(
                audit_tool_context(details, framework, 20), jinja_environment(), autoescape=True
            )
            tpl.save(str(docx_path))
            wb = openpyxl.Workbook()
            sheet = wb.active
            sheet.append(["Audit", audit.audit_ref, "Case", audit.case_id, "Team", audit.team])
            sheet.append(["No.", "Action", "Owner", "Due", "Status", "Completed", "Evidence"])
            wb.save(xlsx_path)

    return _timed(run)


# -- filled forms: reading one, and a burst dropped in the inbox -----------------------------------


def prepare_forms(data: Path, size: int) -> None:
    ws = _planned(data / "ws", size)
    framework = ws.load_framework()
    with open_register(ws) as register:
        generate_packs(ws, register)
        audits = register.audits()
    forms = data / "forms"
    forms.mkdir()
    for i, audit in enumerate(audits):
        path = pack_paths(ws.packs, audit.round_id, audit.audit_ref)[0]
        f = FormFiller(path).pick_date("qaf_audit_date", TODAY).tick("qaf_practitioner_present")
        for d in framework.domains:
            f.choose(f"qaf_grade_{d.key}", "Good").text(f"qaf_rationale_{d.key}", "Evidence seen.")
        f.choose("qaf_overall_grade", "Good").text("qaf_overall_rationale", "Sound practice.")
        f.text("qaf_action_1", "Update the plan").text("qaf_action_1_owner", "Team manager")
        f.pick_date("qaf_action_1_due", TODAY + timedelta(days=14))
        f.save()
        shutil.copyfile(path, forms / f"form {i:05d}.docx")


def _forms(data: Path) -> list[Path]:
    return sorted((data / "forms").glob("*.docx"))


def read_qaf(data: Path, scratch: Path) -> float:
    framework = load_framework("collaborative-audit", base=data / "ws")
    paths = _forms(data)
    return _timed(lambda: [read_audit_form(p, framework) for p in paths]) / len(paths)


def read_naive(data: Path, scratch: Path) -> float:
    """python-docx open and walk every paragraph and table cell."""
    paths = _forms(data)

    def run() -> None:
        for p in paths:
            document = docx.Document(str(p))
            _ = [para.text for para in document.paragraphs]
            _ = [c.text for t in document.tables for r in t.rows for c in r.cells]

    return _timed(run) / len(paths)


def read_floor(data: Path, scratch: Path) -> float:
    """The floor: unzip the document part and parse it with lxml, nothing more."""
    paths = _forms(data)

    def run() -> None:
        for p in paths:
            with zipfile.ZipFile(p) as z:
                etree.fromstring(z.read("word/document.xml"))

    return _timed(run) / len(paths)


def ingest_qaf(data: Path, scratch: Path) -> float:
    ws = _scratch(data / "ws", scratch)
    for p in _forms(data):
        shutil.copyfile(p, ws.inbox / p.name)
    took = _timed(lambda: ingest_inbox(ws, settle_s=0.0))
    left = list(ws.inbox.glob("*.docx"))
    if left:
        raise RuntimeError(f"{len(left)} forms were not ingested")
    return took


def ingest_naive(data: Path, scratch: Path) -> float:
    """Merely opening the same files with python-docx."""
    paths = _forms(data)
    return _timed(lambda: [docx.Document(str(p)) for p in paths])


def latency_qaf(data: Path, scratch: Path) -> float:
    """One form dropped into a workspace that already has the register's audits: to the tracker."""
    ws = _scratch(data / "ws", scratch)
    first = _forms(data)[0]
    shutil.copyfile(first, ws.inbox / first.name)
    return _timed(lambda: ingest_inbox(ws, settle_s=0.0))


# -- the register and the QA tracker report -------------------------------------------------------


def prepare_report(data: Path, size: int) -> None:
    ws = _planned(data / "ws", size)
    framework = ws.load_framework()
    grades = framework.scale.grades
    settings = ws.load_settings()
    with open_register(ws) as register:
        audits = register.audits()
        register.mark_issued_many(
            [(a.audit_ref, "1", "bench", "2026-03-02T09:00:00") for a in audits]
        )
        with register.transaction():
            for i, a in enumerate(audits):
                identity = Identity(
                    "audit_tool",
                    a.audit_ref,
                    a.case_id,
                    a.round_id,
                    a.framework_id,
                    "1",
                    "bench",
                    "2026-03-02T09:00:00",
                    settings.workspace_id,
                )
                form = AuditForm(
                    identity,
                    [DomainGrade(d.key, d.title, grades[(i + j) % len(grades)], "Because.")
                     for j, d in enumerate(framework.domains)],
                    grades[i % len(grades)], "Overall.", TODAY, True, {}, "", None, "", None,
                    [ActionRow(1, "Update the plan", "TM", TODAY + timedelta(days=14), "")],
                )  # fmt: skip
                register.record_audit_submission(
                    form, [], file_name=f"{i}.docx", sha256=f"{i:064d}"
                )


def report_qaf(data: Path, scratch: Path) -> float:
    ws = _scratch(data / "ws", scratch)
    with open_register(ws) as register:
        return _timed(lambda: build_tracker(ws, register))


def report_register(data: Path, scratch: Path) -> float:
    """The register side of the report alone: every audit's current results, set-wise."""
    with open_register(Workspace(data / "ws")) as register:
        return _timed(register.results)


def report_naive(data: Path, scratch: Path) -> float:
    """Plain queries and ``ws.append`` into a write-only workbook."""
    out = scratch / "naive.xlsx"
    scratch.mkdir(parents=True, exist_ok=True)

    def run() -> None:
        db = sqlite3.connect(Workspace(data / "ws").register_path)
        wb = openpyxl.Workbook(write_only=True)
        sheet = wb.create_sheet("Audits")
        latest = {
            ref: (grade, when)
            for ref, grade, when in db.execute(
                "SELECT audit_ref, overall_grade, audit_date FROM submissions "
                "WHERE superseded_by IS NULL AND kind = 'audit_tool'"
            )
        }
        for ref, case_id, team, status in db.execute(
            "SELECT audit_ref, case_id, team, status FROM audits"
        ):
            sheet.append([ref, case_id, team, status, *latest.get(ref, (None, None))])
        grades = wb.create_sheet("Grades")
        for row in db.execute("SELECT submission_id, domain, grade, rationale FROM domain_grades"):
            grades.append(list(row))
        wb.save(out)
        db.close()

    return _timed(run)


# -- case lists -----------------------------------------------------------------------------------


def prepare_caselist(data: Path, size: int) -> None:
    data.mkdir(parents=True, exist_ok=True)
    write_synthetic_case_list(data / "annex_a.xlsx", children=size, teams=40, seed=7, today=TODAY)


def caselist_qaf(data: Path, scratch: Path) -> float:
    return _timed(lambda: read_case_list(data / "annex_a.xlsx", today=TODAY))


def caselist_naive(data: Path, scratch: Path) -> float:
    """The same reading with openpyxl's read-only mode for every sheet (qaf before calamine)."""
    sheets.sheets_needing_openpyxl = lambda data, limits, layouts=None: None  # type: ignore[assignment]
    return _timed(lambda: read_case_list(data / "annex_a.xlsx", today=TODAY))
