"""Case notes and notifications when something is wrong, stopped or run again (issue 15).

Bad input (a case missing from the case list, a case id no file name can hold, a person the roster
lacks or lists without an e-mail) is a message in ``qaf status`` and the note is still made. Nothing
is produced twice; a run killed half-way is finished, word for word, by the next.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import TODAY, complete_form, drop, pack_docx, plan_audits, record_test_round

from qaf_docs.cli import cli
from qaf_docs.dates import uk
from qaf_docs.inbox import derived
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.outcomes.produce import Produced, produce
from qaf_docs.outcomes.waiting import waiting
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import NewAudit
from qaf_docs.register.location import open_register
from qaf_docs.register.migrations import MIGRATIONS
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

ROSTER = """Name,Email,Role,Team,Monthly Capacity
Worker 0,worker0@council.example,Social Worker,Locality 1 Team & Partners,
Worker 1,,Social Worker,Locality 2 Team & Partners,
Tara Manager,tara@council.example,Team Manager,Locality 1 Team & Partners,
Lee Manager,lee@council.example,Team Manager,Locality 2 Team & Partners,
Sam Service,sam@council.example,Service Manager,,
Hana Head,hana@council.example,Head of Service,,
"""


def qaf(ws: Workspace, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws.root)])
    assert result.exit_code == code, result.output
    return result.output


def day_folder(ws: Workspace, kind: str = "case-notes") -> Path:
    return ws.outbox / kind / TODAY.isoformat()


def files(ws: Workspace) -> dict[str, bytes]:
    """Every note and message qaf wrote, by path under outbox/."""
    found = {}
    for kind in ("case-notes", "notifications"):
        for path in sorted((ws.outbox / kind).rglob("*")):
            if path.is_file():
                found[path.relative_to(ws.outbox).as_posix()] = path.read_bytes()
    return found


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    (workspace.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    return workspace


def strange_case(ws: Workspace, case_id: str, *, known: bool = True) -> str:
    """Record an audit of ``case_id`` with an immediate safeguarding concern (an escalation)."""
    with open_register(ws) as register:
        [ref] = record_test_round(
            register,
            ws.load_settings().framework,
            [
                NewAudit(
                    case_id=case_id,
                    team="Locality 1 Team & Partners" if known else "",
                    worker="Worker 0" if known else "",
                    case_type="CP",
                    auditor="Auditor 0",
                    auditor_email="auditor0@council.example",
                    due_on=TODAY + timedelta(days=20),
                )
            ],
        )
        register.raise_concern(
            ref, '=HYPERLINK("http://x")\x07 bruise seen', roles=["Team Manager"], on=TODAY
        )
    return ref


def accept_forms(ws: Workspace, count: int) -> list[str]:
    """Issue ``count`` audits and accept a completed form for each."""
    with open_register(ws) as register:
        refs = plan_audits(register, ws, count)
        generate_packs(ws, register)
        issued = register.audits()
    framework = ws.load_framework()
    for audit in issued:
        complete_form(pack_docx(ws, audit), framework).save()
        drop(pack_docx(ws, audit), ws.inbox, f"{audit.audit_ref}.docx")
    assert {o.result for o in ingest_inbox(ws, settle_s=0.05)} == {"accepted"}
    return refs


# -- bad input -------------------------------------------------------------------------------------


def test_a_case_id_no_file_name_can_hold_gets_a_safe_name_and_a_message(ws: Workspace) -> None:
    ref = strange_case(ws, "CP/2026:17")
    with open_register(ws) as register:
        produce(ws, register, ws.load_settings())
    [note] = day_folder(ws).glob("*.txt")
    assert note.name == f"CP-2026-17 {ref} safeguarding concern.txt"
    assert "Case:         CP/2026:17" in note.read_text(encoding="utf-8")
    status = qaf(ws, "status")
    assert f"audit {ref} (case CP/2026:17): the case id cannot be used as it is in a file" in status
    assert "'CP-2026-17'" in status


def test_a_case_missing_from_the_case_list_is_a_message_and_still_gets_its_note(
    ws: Workspace,
) -> None:
    ref = strange_case(ws, "999999", known=False)
    with open_register(ws) as register:
        produce(ws, register, ws.load_settings())
        problems = waiting(register).problems
    assert (day_folder(ws) / f"999999 {ref} safeguarding concern.txt").exists()
    assert any("not on the case list" in p and "999999" in p for p in problems)
    data = json.loads(qaf(ws, "status", "--json"))["case_notes"]
    assert data["notes_waiting"] == 1 and any("not on the case list" in p for p in data["problems"])
    # Nobody can be told who manages an unknown team: said, not skipped in silence.
    assert any("Team Manager" in p and ref in p for p in data["problems"])


def test_people_missing_from_the_roster_or_without_an_email_are_warnings_not_skips(
    ws: Workspace,
) -> None:
    refs = accept_forms(ws, 3)  # Worker 1 has no e-mail; Worker 2 is not on the roster
    status = qaf(ws, "status")
    assert f"audit {refs[1]} (case 100201): Worker 1 (practitioner) has no e-mail" in status
    assert (
        f"audit {refs[2]} (case 100202): the practitioner Worker 2 is not on the roster" in status
    )
    assert "To put on children's records" in status and "3 case note(s)" in status
    for ref, case in zip(refs, ("100200", "100201", "100202"), strict=True):
        assert (day_folder(ws) / f"{case} {ref} accepted.txt").exists()
    unaddressed = (day_folder(ws, "notifications") / f"{refs[2]} accepted Worker 2.eml").read_text(
        encoding="utf-8"
    )
    assert "To: Worker 2\n" in unaddressed  # addressed by name: an admin adds the address


def test_a_concern_nobody_could_be_told_of_is_sent_once_the_roster_is_in_the_workspace(
    workspace: Workspace,
) -> None:
    ws = workspace  # no roster yet: the round was drawn with --roster from another folder
    ref = strange_case(ws, "100300")  # an immediate safeguarding concern, for the Team Manager
    qaf(ws, "case-notes")
    assert not list((ws.outbox / "notifications").rglob("*.eml"))
    status = " ".join(qaf(ws, "status").split())
    assert (
        f"audit {ref} (case 100300): nobody in the role Team Manager of team 'Locality 1 Team & "
        "Partners' has been told of its safeguarding concern yet (there was no roster.xlsx or roster.csv in the workspace)"
    ) in status
    (ws.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    out = qaf(ws, "case-notes")
    assert "Wrote 0 case note(s) and 1 message(s)." in out
    [sent] = (ws.outbox / "notifications").rglob("*.eml")
    assert sent.name == f"! URGENT {ref} safeguarding concern Tara Manager.eml"
    text = sent.read_text(encoding="utf-8")
    assert "To: Tara Manager <tara@council.example>" in text and "URGENT" in text
    # The warning is gone, not repeated: what qaf status says is how things are now.
    status = " ".join(qaf(ws, "status").split())
    assert "has been told" not in status and "no roster.xlsx" not in status
    assert "1 message(s) to send" in status
    # Once: later runs write nothing more.
    assert "Wrote" not in qaf(ws, "case-notes")
    accept_forms(ws, 1)  # an ingest runs it again too
    assert (
        len(list((ws.outbox / "notifications").rglob(f"! URGENT {ref} safeguarding concern *.eml")))
        == 1
    )


def test_a_role_nobody_held_is_told_once_someone_holds_it_and_the_warning_says_so_till_then(
    workspace: Workspace,
) -> None:
    ws = workspace
    without = "\n".join(line for line in ROSTER.splitlines() if "Tara" not in line) + "\n"
    (ws.root / "roster.csv").write_text(without, encoding="utf-8")
    ref = strange_case(ws, "100300")
    qaf(ws, "case-notes")
    expected = (
        f"audit {ref} (case 100300): nobody in the role Team Manager of team 'Locality 1 Team & "
        "Partners' has been told of its safeguarding concern yet (no one on the roster is the "
        "Team Manager of team 'Locality "
        "1 Team & Partners'): add them to the roster (Team column), and the next qaf case-notes, "
        "qaf ingest or qaf watch writes their message"
    )
    assert expected in " ".join(qaf(ws, "status").split())
    qaf(ws, "case-notes")  # still nobody: said once, and no message
    assert " ".join(qaf(ws, "status").split()).count("has been told of") == 1
    assert not list((ws.outbox / "notifications").rglob("*.eml"))
    (ws.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert "1 message(s)" in qaf(ws, "case-notes")
    assert [p.name for p in (ws.outbox / "notifications").rglob("*.eml")] == [
        f"! URGENT {ref} safeguarding concern Tara Manager.eml"
    ]
    assert "has been told" not in qaf(ws, "status")


def test_a_watcher_looks_again_only_when_the_roster_has_changed(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # qaf watch produces after every burst: looking again, each time, at every message the same
    # roster could not address cost every burst more as they built up.
    from qaf_docs.outcomes import produce as module
    from qaf_docs.register.location import open_register

    ws = workspace
    without = "\n".join(line for line in ROSTER.splitlines() if "Tara" not in line) + "\n"
    (ws.root / "roster.csv").write_text(without, encoding="utf-8")
    ref = strange_case(ws, "100300")
    looked_at: list[int] = []
    real = module.readdress

    def counting(register: Any, unaddressed: Any, *args: Any) -> None:
        looked_at.append(len(unaddressed))
        real(register, unaddressed, *args)

    monkeypatch.setattr(module, "readdress", counting)
    settings = ws.load_settings()
    with open_register(ws) as register:
        for _ in range(3):  # one burst makes it, the next looks again, the third need not
            module.produce(ws, register, settings)
        assert looked_at == [0, 1, 0]
        (ws.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
        module.produce(ws, register, settings)
    assert looked_at[-1] == 1
    assert [p.name for p in (ws.outbox / "notifications").rglob("*.eml")] == [
        f"! URGENT {ref} safeguarding concern Tara Manager.eml"
    ]


def test_a_message_nobody_could_be_told_of_is_left_alone_once_marked_done(
    workspace: Workspace,
) -> None:
    ws = workspace
    strange_case(ws, "100300")
    qaf(ws, "case-notes")
    qaf(ws, "case-notes", "--done", TODAY.isoformat())  # the QA lead dealt with it by hand
    (ws.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert "Wrote" not in qaf(ws, "case-notes")
    assert not list((ws.outbox / "notifications").rglob("*.eml"))


def test_the_batch_file_opens_as_plain_cells_with_no_formula_and_no_control_character(
    ws: Workspace,
) -> None:
    ref = strange_case(ws, "=1+2")
    with open_register(ws) as register:
        produce(ws, register, ws.load_settings())
    [batch] = day_folder(ws).glob("*.csv")
    raw = batch.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    assert b"\x07" not in raw
    with batch.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1][0] == "'=1+2"
    for row in rows:
        for cell in row:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@")), cell
    assert '=HYPERLINK("http://x") bruise seen' in rows[1][3] and ref in rows[1][3]


def test_names_of_children_appear_in_notes_only_where_the_workspace_prints_them(
    ws: Workspace,
) -> None:
    # show_child_names covers forms and the note for the child's own record, never an e-mail:
    # a message is forwarded and kept in mailboxes, so it says the case id and audit reference.
    settings = ws.settings_path
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "show_child_names = false", "show_child_names = true"
        ),
        encoding="utf-8",
    )
    [ref] = accept_forms(ws, 1)
    [note] = day_folder(ws).glob("*.txt")
    assert "Childname0 Surname" in note.read_text(encoding="utf-8")
    assert note.name == f"100200 {ref} accepted.txt", "never in a file name"
    messages = list((ws.outbox / "notifications").rglob("*.eml"))
    assert messages, "the practitioner and team manager are told"
    for message in messages:
        assert "Childname" not in message.name, "never in a file name"
        body = message.read_text(encoding="utf-8")
        assert "Childname" not in body and "Surname" not in body, message.name
        assert "Case 100200" in body and ref in body


# -- once, and finished after a stop ---------------------------------------------------------------


def test_running_again_produces_nothing_new(ws: Workspace) -> None:
    accept_forms(ws, 2)
    before = files(ws)
    assert len([f for f in before if f.endswith(".txt")]) == 2
    stamps = {p: (ws.outbox / p).stat().st_mtime_ns for p in before}
    with open_register(ws) as register:
        again = produce(ws, register, ws.load_settings())
    assert (again.notes, again.messages, again.failed) == (0, 0, [])
    assert "Wrote" not in qaf(ws, "case-notes")
    assert files(ws) == before
    assert {p: (ws.outbox / p).stat().st_mtime_ns for p in before} == stamps


def test_an_event_is_claimed_once_however_many_runs_race_for_it(ws: Workspace) -> None:
    strange_case(ws, "100300")
    with open_register(ws) as first, open_register(ws) as second:
        [event] = first.events_waiting()
        assert first.claim_event(event, [])
        assert not second.claim_event(event, []), "the other run produces it"
        assert second.events_waiting() == []


@pytest.fixture
def not_during_ingest(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Ingest without producing, so a test can stop the production itself."""
    monkeypatch.setattr(derived, "produce", lambda *a, **k: Produced())
    yield


KILL_AFTER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from qaf_docs.outcomes import produce as module
    from qaf_docs.register.location import open_register
    from qaf_docs.workspace import Workspace

    ws, after, writes = Workspace(Path(sys.argv[1])), int(sys.argv[2]), []
    real = module._write

    def write_then_die(outbox, output):
        if len(writes) == after:
            os.kill(os.getpid(), signal.SIGKILL)  # as a power cut: no clean-up, nothing marked
        writes.append(output)
        return real(outbox, output)

    module._write = write_then_die
    with open_register(ws) as register:
        module.produce(ws, register, ws.load_settings())
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
def test_a_run_killed_half_way_is_finished_by_the_next_word_for_word(
    ws: Workspace, not_during_ingest: None
) -> None:
    refs = accept_forms(ws, 3)
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AFTER, str(ws.root), "4"],
        env={**os.environ},
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    half = files(ws)
    assert 0 < len(half) < 3 + 6, "some, not all, were written before the kill"
    with open_register(ws) as register:
        assert register.events_waiting() == [], "every event was claimed before writing"
        assert waiting(register).unwritten > 0
    assert "not written yet" in qaf(ws, "status")
    out = qaf(ws, "case-notes")  # the next run finishes the job
    assert "Wrote" in out
    done = files(ws)
    notes = sorted(n for n in done if n.endswith(".txt"))
    assert notes == sorted(
        f"case-notes/{TODAY.isoformat()}/{case} {ref} accepted.txt"
        for case, ref in zip(("100200", "100201", "100202"), refs, strict=True)
    ), "each note once, under the name it was given"
    assert len([n for n in done if n.endswith(".eml")]) == 6
    assert not any(" (2)" in n for n in done)
    for name, data in half.items():
        if not name.endswith(".csv"):
            assert done[name] == data, f"{name} was written again differently"
    [batch] = [n for n in done if n.endswith(".csv")]
    assert done[batch].count(b"\r\n100") == 3, "the batch holds every note once"
    with open_register(ws) as register:
        assert waiting(register).unwritten == 0
        assert produce(ws, register, ws.load_settings()).notes == 0


def test_a_file_that_cannot_be_written_now_is_written_at_the_next_run(
    ws: Workspace, not_during_ingest: None
) -> None:
    accept_forms(ws, 1)
    blocker = ws.outbox / "case-notes"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with open_register(ws) as register:
        stopped = produce(ws, register, ws.load_settings())
    assert stopped.failed and "case note for audit" in stopped.failed[0]
    assert stopped.messages == 2, "the messages were written; only the note waits"
    blocker.unlink()
    with open_register(ws) as register:
        finished = produce(ws, register, ws.load_settings())
    assert (finished.notes, finished.messages, finished.failed) == (1, 0, [])


def test_a_days_batch_that_cannot_be_written_is_named_by_its_day_as_people_write_it(
    ws: Workspace, not_during_ingest: None
) -> None:
    accept_forms(ws, 1)
    day = ws.outbox / "case-notes" / TODAY.isoformat()
    (day / f"case notes {TODAY.isoformat()}.csv" / "in the way").mkdir(parents=True)
    with open_register(ws) as register:
        stopped = produce(ws, register, ws.load_settings())
    [failed] = stopped.failed
    # The day as people write it; the file's own name (in the advice) stays as qaf names files.
    assert failed.startswith(f"the case notes batch of {uk(TODAY)}: "), failed


def test_notes_leave_status_once_they_are_on_the_record(ws: Workspace) -> None:
    [ref] = accept_forms(ws, 1)
    assert "1 case note(s)" in qaf(ws, "status")
    assert "is neither a day" in qaf(ws, "case-notes", "--done", "QA9999-9999", code=1)
    assert "marked as done" in qaf(ws, "case-notes", "--done", TODAY.isoformat())
    status = qaf(ws, "status")
    assert "To put on children's records" not in status and "case note" not in status
    assert "Nothing from" in qaf(ws, "case-notes", "--done", ref, code=1)


# The schema version that began case notes: a register older than it had made its notes by hand.
CASE_NOTES_BEGAN = 1 + [name for name, _ in MIGRATIONS].index(
    "case notes and notifications produced for each audit event"
)
OUTCOME_NOTES_BEGAN = 1 + [name for name, _ in MIGRATIONS].index(
    "case notes for escalation outcomes"
)


def test_marking_a_day_done_counts_the_notes_and_messages_written_not_those_to_nobody(
    ws: Workspace,
) -> None:
    # It counted the register's rows, so a message to a manager nobody could find was "marked".
    ref = strange_case(ws, "999999", known=False)
    accept_forms(ws, 2)
    written = files(ws)
    notes = sum(name.endswith(".txt") for name in written)
    messages = sum(name.endswith(".eml") for name in written)
    assert (notes, messages) == (4, 4)  # the unknown case's managers get no file
    status = qaf(ws, "status")
    assert "4 case note(s) to put on children's records and 4 message(s) to send" in status
    assert f"audit {ref}" in status and "Team Manager" in status  # the message nobody gets
    said = qaf(ws, "case-notes", "--done", TODAY.isoformat())
    assert said == f"4 case notes and 4 messages from {uk(TODAY)} marked as done.\n"


def test_one_audits_note_and_message_are_counted_in_the_singular(ws: Workspace) -> None:
    [ref] = accept_forms(ws, 1)
    said = qaf(ws, "case-notes", "--done", ref)
    assert said.startswith("1 case note and ") and f"from {ref} marked as done." in said


def test_an_upgraded_register_makes_no_notes_for_what_happened_before(ws: Workspace) -> None:
    with open_register(ws) as register:
        plan_audits(register, ws, 1)
        [audit] = register.audits()
        register.raise_concern(audit.audit_ref, "seen before the upgrade", roles=[], on=TODAY)
        with register.transaction(counted=False) as db:  # the register as qaf left it before
            db.execute("DROP TABLE event_outputs")
            db.execute("DROP TABLE event_outcomes")
            db.execute("DELETE FROM schema_migrations WHERE version >= ?", (CASE_NOTES_BEGAN,))
    with open_register(ws) as register:
        assert register.schema_version() == len(MIGRATIONS)
        assert register.events_waiting() == []
        assert produce(ws, register, ws.load_settings()).notes == 0


def test_an_escalation_resolved_before_outcome_notes_began_makes_no_note(ws: Workspace) -> None:
    with open_register(ws) as register:
        plan_audits(register, ws, 1)
        [audit] = register.audits()
        concern = register.raise_concern(audit.audit_ref, "seen", roles=[], on=TODAY)
        assert concern is not None
        produce(ws, register, ws.load_settings())  # the concern's note, as qaf then made it
        register.resolve_escalation(concern.id, on=TODAY, resolution="Strategy meeting held")
        with register.transaction(counted=False) as db:  # a register from before that version
            db.execute(
                "DELETE FROM event_outcomes WHERE event_id IN "
                "(SELECT id FROM audit_events WHERE event = 'escalation resolved')"
            )
            db.execute("DELETE FROM schema_migrations WHERE version >= ?", (OUTCOME_NOTES_BEGAN,))
    with open_register(ws) as register:
        assert register.schema_version() == len(MIGRATIONS)
        assert register.events_waiting() == []
