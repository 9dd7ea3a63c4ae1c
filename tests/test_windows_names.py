"""Names qaf chooses work on Windows (OneDrive, SharePoint, network shares), and files Windows
names are read: a name Windows refuses, a device name, two names one file on Windows, and a path
too long to open all lose someone's work there."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from conftest import complete_form, drop, pack_docx, record_test_round

from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.inbox.moves import move_without_clobber
from qaf_docs.records import AuditRecord, Person
from qaf_docs.register.outcomes import _unique
from qaf_docs.register.store import Register
from qaf_docs.reports.period_report import round_report_path
from qaf_docs.reports.reminders import Reminder, ReminderPlan, write_reminders
from qaf_docs.safe_output import atomic_write, windows_name
from qaf_docs.windows_names import MOST_PATH_CHARS
from qaf_docs.workspace import Workspace

_FORBIDDEN = set('\\/:*?"<>|')


@pytest.mark.parametrize("text", ["Nul .eml", "con", "aux.team", "CONIN$", "COM¹", "lpt0"])
def test_a_device_name_never_becomes_a_file_name(text: str) -> None:
    # Windows opens the device for "NUL .eml" as for "NUL": the reminder would vanish.
    assert windows_name(text).startswith("_")


def test_long_team_names_that_start_alike_stay_two_folders() -> None:
    common = "Children in Care and Care Leavers Service (North) - Permanence and Placements Team "
    first, second = windows_name(common + "A"), windows_name(common + "B")
    assert first != second
    assert len(first) <= 80 and len(second) <= 80
    assert first.startswith("Children in Care and Care Leavers")


def test_a_shortened_name_never_ends_in_a_space_or_a_dot() -> None:
    # Cut at 80 this would end in " " (Windows drops it, so the folder is another's).
    name = windows_name("x" * 72 + " . . . . " + "y" * 10)
    assert not name.endswith((" ", "."))
    assert not set(name) & _FORBIDDEN


def test_a_name_with_every_character_windows_refuses_is_still_a_name() -> None:
    name = windows_name('Team <A>: "B/C" | D\\E * F? \x01\x7f')
    assert not set(name) & _FORBIDDEN
    assert all(ord(c) >= 32 and c != "\x7f" for c in name)


def _deep(tmp_path: Path) -> Path:
    """A folder as deep as a council's OneDrive workspace can be (about 160 characters)."""
    room = 160 - len(str(tmp_path)) - 1
    return tmp_path / ("OneDrive - Council Children's Services " * 10)[:room].rstrip()


def test_a_file_deep_in_onedrive_is_written_under_a_name_excel_can_open(tmp_path: Path) -> None:
    folder = _deep(tmp_path)
    to = "Alexandra Montgomery-Fitzwilliam (Service Manager, Children in Care North) "
    names = [f"QA2611-0004 safeguarding concern {to}{n}.eml" for n in (1, 2)]
    written = [atomic_write(folder / n, lambda tmp: tmp.write_text("x")) for n in names]
    assert all(len(str(p)) <= MOST_PATH_CHARS for p in written)
    assert written[0] != written[1]  # two recipients, two messages
    assert all(
        p.suffix == ".eml" and p.name.startswith("QA2611-0004 safeguarding") for p in written
    )
    # A rerun writes the same file again, not a third one.
    assert atomic_write(folder / names[0], lambda tmp: tmp.write_text("y")) == written[0]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written)


def test_a_file_set_aside_deep_in_onedrive_leaves_room_for_its_note(tmp_path: Path) -> None:
    source = tmp_path / "in.docx"
    source.write_bytes(b"form")
    long = "Completed audit tool for the Permanence team with manager comments " * 2 + ".docx"
    moved = move_without_clobber(source, _deep(tmp_path) / "rejected", long)
    assert moved.read_bytes() == b"form" and moved.suffix == ".docx"
    assert len(str(moved)) + len(".rejected.txt") <= MOST_PATH_CHARS


def test_two_people_whose_names_make_one_file_get_two_reminders(tmp_path: Path) -> None:
    people = [
        Person("Jo Smith", "jo.smith@council.example", "Auditor", None),
        Person("Jo Smith.", "jo.smith2@council.example", "Team Manager", None),
        Person("JO/SMITH", "jsmith@council.example", "Moderator", None),
        Person("jo-smith", "josmith@council.example", "Auditor", None),
    ]
    plan = ReminderPlan(
        [Reminder(p, [(1, "Audit tools to return", [f"for {p.email}"])]) for p in people], []
    )
    written = write_reminders(plan, tmp_path, date(2026, 11, 2))
    assert len({p.name.casefold() for p in written}) == 4
    texts = "".join(p.read_text(encoding="utf-8") for p in written)
    assert all(p.email in texts for p in people)


def test_a_message_name_differing_only_by_case_is_numbered() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE event_outputs (file TEXT)")
    day = "notifications/2026-11-02/"
    db.execute("INSERT INTO event_outputs VALUES (?)", (day + "QA1 accepted Jo Smith.eml",))
    # On Windows these are one file: the second message would be written over the first.
    assert _unique(db, day + "QA1 accepted JO SMITH.eml") == day + "QA1 accepted JO SMITH (2).eml"
    assert _unique(db, "notifications/2026-11-03/QA1 accepted JO SMITH.eml").endswith("SMITH.eml")


def test_a_round_differing_only_by_case_is_refused(register: Register) -> None:
    from qaf_docs.errors import RegisterError

    def record(round_id: str) -> list[str]:
        return record_test_round(register, "tier-one-manager-audit", [], round_id=round_id)

    record("2026-Q1 tier one")
    with pytest.raises(RegisterError, match=r"round 2026-Q1 tier one already exists.*Windows"):
        record("2026-q1 Tier One")


def test_round_reports_of_rounds_spelt_alike_are_two_files(workspace: Workspace) -> None:
    names = {round_report_path(workspace, r).name for r in ("Q1 2026", "Q1_2026", "Q1.2026")}
    assert len(names) == 3


@pytest.mark.parametrize(
    "name",
    ["{ref} - Copy (2).docx", "{ref}.DOCX", " {ref}.docx", "{ref} .docx", "{ref}"],
)
def test_a_form_named_as_windows_names_copies_is_read(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, name: str
) -> None:
    audit = issued[0]
    complete_form(pack_docx(workspace, audit), framework).save()
    drop(pack_docx(workspace, audit), workspace.inbox, name.format(ref=audit.audit_ref))
    [outcome] = ingest_inbox(workspace, settle_s=0.05)
    assert outcome.result == "accepted" and outcome.audit_ref == audit.audit_ref
    [kept] = list(workspace.processed.iterdir())
    assert not kept.name.startswith(" ") and not kept.stem.endswith(" ")


def test_a_folder_a_mac_named_with_a_trailing_space_is_named_back(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    from qaf_docs.inbox.readiness import folders_with_files

    folder = workspace.inbox / "Returned forms "
    folder.mkdir()
    complete_form(pack_docx(workspace, issued[0]), framework).save()
    drop(pack_docx(workspace, issued[0]), folder)
    assert folders_with_files(workspace.inbox) == [("Returned forms ", 1)]
    ingest_inbox(workspace, settle_s=0.05)
    assert (folder / pack_docx(workspace, issued[0]).name).exists()  # never lost
