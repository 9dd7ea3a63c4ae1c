"""Identity that must agree three ways, outputs free of control bytes, a size policy that tells an
honest repetitive form from a bomb, re-dropped files that get a note, and children's names kept out
of the register and of sampling warnings when names are off."""

from __future__ import annotations

import csv
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from conftest import complete_form, drop, pack_docx, plan_audits

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.rounds import draw
from qaf_docs.demo.synthetic import synthetic_roster, write_roster_file, write_synthetic_case_list
from qaf_docs.errors import UnsafeFileError
from qaf_docs.frameworks import Framework
from qaf_docs.inbox import ingest
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.office.parts import Limits, parse_xml
from qaf_docs.office.safety import inspect_office_file
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.store import Register
from qaf_docs.reports.export import export_csv
from qaf_docs.safe_output import csv_safe
from qaf_docs.workspace import Workspace


def rewrite(path: Path, part: str, change: object) -> None:
    """Replace one part of a zip (``change`` maps its bytes to new bytes)."""
    temp = path.with_name(path.name + ".new")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                data = change(data)  # type: ignore[operator]
            dst.writestr(item, data)
    temp.replace(path)


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def results(ws: Workspace) -> list[str]:
    return [o.result for o in ingest_inbox(ws, settle_s=0)]


def note(ws: Workspace, name: str) -> str:
    return (ws.rejected / f"{name}.rejected.txt").read_text(encoding="utf-8")


# -- identity ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shown_ref, shown_case, accepted",
    [
        ("deleted", "A's", False),  # the form of audit A relabelled B: the page still shows A
        ("deleted", "B's", True),  # a reference deleted by mistake, the case id agrees
        ("deleted", "deleted", False),  # nothing visible to confirm the hidden identity
    ],
)
def test_a_form_is_accepted_only_when_hidden_and_visible_identity_agree(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    shown_ref: str,
    shown_case: str,
    accepted: bool,
) -> None:
    a, b = issued[0], issued[1]
    form = pack_docx(workspace, a)
    complete_form(form, framework).save()
    rewrite(
        form, "docProps/custom.xml", lambda _: part(pack_docx(workspace, b), "docProps/custom.xml")
    )

    def relabel(data: bytes) -> bytes:
        text = data.decode("utf-8").replace(a.audit_ref, "")
        case = {"A's": a.case_id, "B's": b.case_id, "deleted": ""}[shown_case]
        return text.replace(f">{a.case_id}<", f">{case}<").encode("utf-8")

    rewrite(form, "word/document.xml", relabel)
    drop(form, workspace.inbox, "form.docx")
    assert results(workspace) == ["accepted" if accepted else "rejected"]
    with Register.open(workspace.register_path) as register:
        assert (register.submission(b.audit_ref) is not None) == accepted
        assert register.submission(a.audit_ref) is None
    if shown_case == "A's":
        assert f"shows case {a.case_id}" in note(workspace, "form.docx")


def test_a_reference_retyped_in_lower_case_is_still_the_same_audit(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    # Someone retyped the reference at the top of the form as they read it: "qa2611-0001".
    a = issued[0]
    form = pack_docx(workspace, a)
    complete_form(form, framework).save()
    rewrite(
        form,
        "word/document.xml",
        lambda data: data.replace(
            f">{a.audit_ref}<".encode(), f"> {a.audit_ref.lower()}<".encode()
        ),
    )
    drop(form, workspace.inbox, "form.docx")
    assert results(workspace) == ["accepted"]
    with Register.open(workspace.register_path) as register:
        assert register.submission(a.audit_ref) is not None


# -- control characters never reach an output ------------------------------------------------


def test_csv_cells_lose_control_characters_but_keep_line_breaks() -> None:
    assert csv_safe("Team\x00A\x1b[31m\x07") == "TeamA[31m"
    assert csv_safe("line one\x0bline two\r\nthree\ttab") == "line one\nline two\r\nthree\ttab"
    assert csv_safe("\x00=cmd") == "'=cmd"


def test_audits_csv_carries_no_control_bytes_from_case_list_cells(
    workspace: Workspace, register: Register, tmp_path: Path
) -> None:
    plan_audits(register, workspace, 1)
    with register.transaction() as db:  # as a case list's cells arrive from an export
        db.execute("UPDATE audits SET team = ?, worker = ?", ("North\x00\x1b Team", "W\x7f\x08"))
    for path in export_csv(register, tmp_path / "export"):
        data = path.read_bytes()
        assert not [b for b in data if (b < 32 and b not in (9, 10, 13)) or b == 127], path.name
    rows = list(csv.DictReader((tmp_path / "export" / "audits.csv").open(encoding="utf-8-sig")))
    assert rows[0]["team"] == "North Team"


# -- size limits: repetition is not a bomb, depth and bulk are -----------------------------------


def test_a_form_with_200000_repeated_characters_in_boxes_is_accepted(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    form = complete_form(pack_docx(workspace, issued[0]), framework)
    boxes = [f"qaf_rationale_{d.key}" for d in framework.domains]
    boxes += ["qaf_overall_rationale", "qaf_voice_of_child", "qaf_action_1", "qaf_action_2"]
    for box in boxes:
        form.text(box, "x" * 200_000 + " " + "y" * 200_000)
    form.save()
    path = pack_docx(workspace, issued[0])
    info = zipfile.ZipFile(path).getinfo("word/document.xml")
    # The old rule (ratio over 100:1 for any part over 1 MiB) called this a zip bomb.
    assert info.file_size > 1024 * 1024 and info.file_size > 100 * info.compress_size
    with pytest.raises(UnsafeFileError, match="zip bomb"):
        inspect_office_file(path, Limits(xml_ratio_applies_above_bytes=1024 * 1024))
    drop(path, workspace.inbox, "long.docx")
    assert results(workspace) == ["accepted"]


def test_xml_nested_deeper_than_any_form_is_refused_as_tampered() -> None:
    deep = b"<a>" * 400 + b"</a>" * 400
    with pytest.raises(UnsafeFileError, match="nested far deeper"):
        parse_xml(deep)
    parse_xml(b"<a>" * 100 + b"</a>" * 100)  # Word's real nesting is shallow


# -- an identical file dropped again under an accepted name --------------------------------------


def test_an_identical_file_dropped_again_under_its_accepted_name_gets_a_note(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    complete_form(pack_docx(workspace, issued[0]), framework).save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "form.docx")
    assert results(workspace) == ["accepted"]
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "form.docx")
    assert results(workspace) == ["duplicate"]
    assert (workspace.rejected / "form.docx").exists()
    assert "already been recorded" in note(workspace, "form.docx")
    assert [p.name for p in workspace.processed.iterdir()] == ["form.docx"]


def test_a_move_across_drives_cut_short_after_the_copy_is_finished_not_called_a_duplicate(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    complete_form(pack_docx(workspace, issued[0]), framework).save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "form.docx")

    def copied_then_power_cut(src: Path, folder: Path, name: str | None = None) -> Path:
        shutil.copy2(src, folder / src.name)  # inbox on a share, outbox local: copy, then delete
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest, "move_without_clobber", copied_then_power_cut)
    with pytest.raises(KeyboardInterrupt):
        ingest_inbox(workspace, settle_s=0)
    monkeypatch.undo()
    [outcome] = ingest_inbox(workspace, settle_s=0)
    assert (outcome.result, outcome.detail) == ("accepted", "finished an interrupted ingest")
    assert [p.name for p in workspace.processed.iterdir()] == ["form.docx"]
    assert list(workspace.rejected.iterdir()) == [] and list(workspace.inbox.glob("*.docx")) == []


# -- children's names ---------------------------------------------------------------------------


def test_a_formula_in_the_child_name_column_is_never_quoted(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["Child ID", "Child Name", "Team"], ["1", '="Zebedee "&"Quartermaine"', "T"]]
        )
    case_list = read_case_list(path, today=date(2026, 11, 1))
    texts = [str(p) for p in case_list.problems] + [p.reason for p in case_list.problems]
    assert any("formula" in t for t in texts), "the formula is still reported"
    assert not any("Zebedee" in t for t in texts)


@pytest.mark.parametrize("names_on", [False, True])
def test_names_off_means_no_child_name_in_the_register(
    workspace: Workspace, names_on: bool
) -> None:
    settings = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(
        settings.replace("show_child_names = false", f"show_child_names = {str(names_on).lower()}"),
        encoding="utf-8",
    )
    today = date(2026, 11, 2)
    flat = write_synthetic_case_list(
        workspace.root / "export.csv", children=120, teams=4, seed=3, today=today
    )
    with flat.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    caselist = workspace.root / "cases.csv"
    with caselist.open("w", encoding="utf-8", newline="") as handle:
        named = [[*rows[0], "Child Name"]] + [
            [*r, f"Zebedee{i} Quartermaine"] for i, r in enumerate(rows[1:])
        ]
        csv.writer(handle).writerows(named)
    roster = write_roster_file(workspace.root / "roster.xlsx", synthetic_roster(4, seed=3))
    draw(workspace, caselist, roster, kind="simple", seed=3, today=today, n=5)
    with Register.open(workspace.register_path) as register:
        names = [a.child_name for a in register.audits()]
        generate_packs(workspace, register)
    assert names
    assert any(names) == names_on
    with Register.open(workspace.register_path) as register:
        register._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = workspace.register_path.read_bytes()
    assert (b"Zebedee" in stored) == names_on
