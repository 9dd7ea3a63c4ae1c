"""Two copies of one audit's form: the one saved last is the one that counts.

Word and LibreOffice record when a file was last saved (``dcterms:modified``). A copy saved before
the form already accepted (an old version found in someone's downloads, two versions dropped in one
afternoon) is set aside with a note, never recorded over newer work; saved again, it counts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import complete_form, drop, pack_docx
from lifecycle_helpers import note_beside, run, saved

from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

RI = "Requires improvement to be good"
# Copies are saved after qaf wrote the pack (now), as any editor's save is: days after it.
ISSUED = datetime.now(UTC).replace(microsecond=0)


def day(n: int, hour: int = 9) -> datetime:
    """``n`` days after the packs were written, at ``hour`` o'clock (UTC)."""
    return (ISSUED + timedelta(days=n)).replace(hour=hour, minute=0, second=0)


def shown(when: datetime) -> str:
    return when.strftime("%d/%m/%Y")


def version(
    ws: Workspace, audit: AuditRecord, framework: Framework, grade: str, when: datetime, name: str
) -> None:
    complete_form(pack_docx(ws, audit), framework, grade=grade).save()
    drop(saved(pack_docx(ws, audit), when), ws.inbox, name)


def _grade(ws: Workspace, audit: AuditRecord) -> str | None:
    with open_register(ws) as register:
        return next(r for r in register.results() if r.audit_ref == audit.audit_ref).final_grade


def test_an_older_copy_dropped_after_a_newer_one_is_set_aside_not_recorded_over_it(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    friday, monday = day(5, hour=14), day(1)
    version(workspace, audit, framework, RI, friday, "v2 Friday FINAL.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    version(workspace, audit, framework, "Good", monday, "v1 Monday.docx")
    [older] = run(workspace)
    assert older.result == "rejected"
    assert _grade(workspace, audit) == RI  # the newer work stands
    note = " ".join(note_beside(workspace, "v1 Monday.docx").split())
    assert f"saved on {shown(monday)}" in note and "before the copy of audit" in note
    assert f"already accepted (saved on {shown(friday)}" in note
    assert "open it, save it again" in note
    # Saved again (the auditor means it), the copy is the newest and counts.
    version(workspace, audit, framework, "Good", day(6), "v1 again.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert _grade(workspace, audit) == "Good"


def test_two_versions_dropped_together_end_with_the_one_saved_last(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    # Windows names the newer download "(2)"; name order would take it first.
    version(workspace, audit, framework, RI, day(5), "QA (2).docx")
    version(workspace, audit, framework, "Good", day(1), "QA.docx")
    outcomes = {o.result for o in run(workspace)}
    assert "accepted" in outcomes
    assert _grade(workspace, audit) == RI


def test_a_copy_without_a_saved_time_is_taken_as_before(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    version(workspace, audit, framework, RI, day(5), "a.docx")
    run(workspace)
    complete_form(pack_docx(workspace, audit), framework, grade="Good").save()
    drop(saved(pack_docx(workspace, audit), None), workspace.inbox, "b.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert _grade(workspace, audit) == "Good"


def test_two_copies_saved_within_a_minute_are_told_apart_to_the_second(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    later = day(2).replace(minute=46, second=41)
    version(workspace, audit, framework, RI, later, "b.docx")
    run(workspace)
    version(workspace, audit, framework, "Good", later.replace(second=38), "a.docx")
    [older] = run(workspace)
    assert older.result == "rejected"
    note = " ".join(note_beside(workspace, "a.docx").split())
    assert f"at {later.astimezone():%H}:46:38, before" in note
    assert f"at {later.astimezone():%H}:46:41)" in note


def test_a_copy_no_editor_saved_is_not_taken_as_older_than_one_an_editor_saved(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """A form filled by a program that leaves "last saved" alone keeps the template's 2013 time."""
    audit = issued[0]
    version(workspace, audit, framework, RI, day(2), "saved in LibreOffice.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    version(workspace, audit, framework, "Good", datetime(2013, 12, 23, tzinfo=UTC), "b.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert _grade(workspace, audit) == "Good"


def test_a_copy_saved_again_unchanged_is_set_aside_with_no_new_note_or_message(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """LibreOffice rewrites the bytes when it saves an unchanged form: the copy is new to the
    inbox but says nothing new, and three identical notes on the child's record help nobody."""
    from qaf_docs.outcomes.produce import produce

    audit = issued[0]
    version(workspace, audit, framework, RI, day(2), "QA.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    with open_register(workspace) as register:
        produce(workspace, register, workspace.load_settings())
    outputs = sorted(p.name for p in workspace.outbox.rglob("*") if p.suffix in (".txt", ".eml"))
    drop(saved(pack_docx(workspace, audit), day(3)), workspace.inbox, "Copy of QA.docx")
    [again] = run(workspace)
    assert again.result == "rejected"
    note = " ".join(note_beside(workspace, "Copy of QA.docx").split())
    assert f"says exactly what the copy of audit {audit.audit_ref} accepted on" in note
    assert "nothing new to record" in note and "delete this copy" in note
    with open_register(workspace) as register:
        assert register.submission_count(audit.audit_ref) == 1
        produce(workspace, register, workspace.load_settings())
    after = sorted(
        p.name
        for p in workspace.outbox.rglob("*")
        if p.suffix in (".txt", ".eml") and "rejected" not in p.name
    )
    assert after == [n for n in outputs if "rejected" not in n]
    # Changed, even a little, it is a correction again.
    complete_form(pack_docx(workspace, audit), framework, grade="Good").save()
    drop(saved(pack_docx(workspace, audit), day(4)), workspace.inbox, "QA v2.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]


def test_a_corrected_copy_says_it_replaces_the_earlier_one_in_the_line_note_and_message(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    from qaf_docs.outcomes.produce import produce

    audit = issued[0]
    version(workspace, audit, framework, "Good", day(5), "a.docx")
    [first] = run(workspace)
    assert "replaces" not in first.detail
    version(workspace, audit, framework, RI, day(6), "b.docx")
    [second] = run(workspace)
    assert second.result == "accepted" and "replaces the copy accepted on" in second.detail
    with open_register(workspace) as register:
        produce(workspace, register, workspace.load_settings())
    notes = sorted((workspace.outbox / "case-notes").rglob(f"* {audit.audit_ref} accepted*.txt"))
    texts = [p.read_text("utf-8") for p in notes]
    assert len(texts) == 2
    assert sum("A corrected copy of case file audit" in t for t in texts) == 1
    assert any(
        f"Grade:        {RI}" in t and "replaces the audit's earlier record" in t for t in texts
    )
    subjects = [
        line
        for p in (workspace.outbox / "notifications").rglob(f"*{audit.audit_ref}*.eml")
        for line in p.read_text("utf-8").splitlines()
        if line.startswith("Subject:")
    ]
    assert any("corrected copy: replaces the earlier one" in s for s in subjects)


def test_an_accepted_form_saved_again_under_another_audits_name_is_refused_naming_both(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """The auditor reuses the first audit's accepted form for the second child: File > Save As
    over the second audit's file, new grades typed. Its identity is still the first audit's, so
    it would replace the first child's grades (before, recorded as a corrected copy of the
    first audit, silently). A first return under another audit's name is its header's audit's,
    and taken as before."""
    first, second = issued[0], issued[1]
    version(workspace, first, framework, "Good", day(1), f"{second.audit_ref}.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    version(workspace, first, framework, "Inadequate", day(2), f"{second.audit_ref}.docx")
    [outcome] = run(workspace)
    assert outcome.result == "rejected"
    note = note_beside(workspace, f"{second.audit_ref}.docx")
    assert f"this is the form of audit {first.audit_ref} (case {first.case_id})" in note
    assert f"named for audit {second.audit_ref} (case {second.case_id})" in note
    assert f"rename the file {first.audit_ref}.docx" in note
    assert _grade(workspace, first) == "Good"
    # Renamed as the note says, the same copy is the first audit's correction, and counts.
    drop(
        workspace.rejected / f"{second.audit_ref}.docx", workspace.inbox, f"{first.audit_ref}.docx"
    )
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert _grade(workspace, first) == "Inadequate"
