"""``qaf generate`` stopped part-way (a tag only CP cases reach, a full disk, Ctrl+C, a killed run),
and run again: the packs written are recorded and kept, the message names the audit that stopped
the run, and the next run writes only the rest, never over a pack an auditor may have started.
"""

from __future__ import annotations

import errno
import hashlib
import os
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import TODAY, complete_form, pack_docx, pack_xlsx, record_test_round

from qaf_docs import safe_output
from qaf_docs.cli import cli
from qaf_docs.inbox.lock import WatcherLock
from qaf_docs.office.identity import read_custom_properties
from qaf_docs.office.parallel import POOL_FROM
from qaf_docs.packs import fast_tracker
from qaf_docs.records import AuditRecord, NewAudit
from qaf_docs.register.store import Register
from qaf_docs.workspace import AUDIT_TEMPLATE, Workspace

pytestmark = pytest.mark.both_backends


def one_case_tag(case_id: str) -> str:
    """A broken tag only one case's pack shows: no check before the run can meet it."""
    return f'{{% if case_id == "{case_id}" %}}{{{{ assessment_outcome }}}}{{% endif %}}'


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


def plan(register: Register, workspace: Workspace, case_types: list[str]) -> list[str]:
    """A round of audits, one per case type given, in that order."""
    audits = [
        NewAudit(
            case_id=f"{100200 + i}",
            team="Locality 1",
            worker=f"Worker {i}",
            case_type=case_type,
            auditor=f"Auditor {i}",
            auditor_email=f"auditor{i}@council.example",
            due_on=TODAY + timedelta(days=20),
        )
        for i, case_type in enumerate(case_types)
    ]
    return record_test_round(register, workspace.load_settings().framework, audits)


def rewrite_template(workspace: Workspace, old: str, new: str) -> None:
    """Edit the Word template's text, as a council's edit in Word would."""
    template = workspace.templates / AUDIT_TEMPLATE
    tmp = template.with_name(template.name + ".new")
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text
                data = text.replace(old, new, 1).encode("utf-8")
            dst.writestr(item, data)
    tmp.replace(template)


def generate(workspace: Workspace, *args: str) -> Result:
    return CliRunner().invoke(cli, ["generate", "-w", str(workspace.root), *args])


def statuses(register: Register) -> dict[str, str]:
    return {a.audit_ref: a.status for a in register.audits()}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def audits_by_ref(register: Register) -> dict[str, AuditRecord]:
    return {a.audit_ref: a for a in register.audits()}


def fail_on_call(n: int, error: BaseException, real: Callable[..., Any]) -> Callable[..., Any]:
    """``real``, except that its ``n``-th call raises ``error``."""
    calls = {"n": 0}

    def patched(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == n:
            raise error
        return real(*args, **kwargs)

    return patched


def test_a_tag_only_one_case_reaches_names_the_audit_and_the_next_run_writes_only_the_rest(
    workspace: Workspace, register: Register
) -> None:
    # Not the first CP case: the check before the run renders one of each case type.
    refs = plan(register, workspace, ["CP", "CIN", "CIN", "CP", "CIN", "CP"])
    rewrite_template(workspace, "{{ case_id }}", "{{ case_id }}" + one_case_tag("100203"))
    result = generate(workspace)
    assert result.exit_code == 1 and "Traceback" not in result.output
    message = result.output
    assert f"stopped at audit {refs[3]} (case 100203, case type CP)" in message
    assert "3 of 6 packs written and recorded as issued" in message
    assert "assessment_outcome" in message  # why, as the template refusal says it
    assert "writes the other 3" in message
    # The packs on disk are issued in the register: nothing on disk looks issued that is not.
    assert [statuses(register)[r] for r in refs] == ["issued"] * 3 + ["allocated"] * 3
    audits = audits_by_ref(register)
    first = {r: sha(pack_docx(workspace, audits[r])) for r in refs[:3]}

    rewrite_template(workspace, one_case_tag("100203"), "")  # fixed in Word
    again = generate(workspace)
    assert again.exit_code == 0, again.output
    assert "Wrote 3 audit tools and 3 action trackers" in again.output
    assert set(statuses(register).values()) == {"issued"}
    assert {r: sha(pack_docx(workspace, audits[r])) for r in refs[:3]} == first


def test_a_full_disk_part_way_says_how_far_it_got_and_leaves_no_half_written_pack(
    workspace: Workspace, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = plan(register, workspace, ["CIN"] * 5)
    full = OSError(errno.ENOSPC, "No space left on device", "x")
    writer, real_write = fast_tracker.TrackerWriter, fast_tracker.TrackerWriter.write
    monkeypatch.setattr(writer, "write", fail_on_call(3, full, real_write))
    result = generate(workspace)
    assert result.exit_code == 1 and result.output.startswith("Error:")
    assert "disk is full" in result.output
    assert f"stopped at audit {refs[2]}" in result.output and "2 of 5 packs" in result.output
    assert [statuses(register)[r] for r in refs] == ["issued"] * 2 + ["allocated"] * 3
    assert not [p for p in workspace.packs.rglob("*") if ".tmp" in p.name]
    monkeypatch.setattr(writer, "write", real_write)  # space freed

    audit = audits_by_ref(register)[refs[2]]
    word_before = sha(pack_docx(workspace, audit))  # written whole before the tracker failed
    again = generate(workspace)
    assert again.exit_code == 0, again.output
    assert set(statuses(register).values()) == {"issued"}
    issued = audits_by_ref(register)[refs[2]]
    assert sha(pack_docx(workspace, issued)) == word_before
    # The tracker written now carries the same issue as the Word tool already on disk.
    tool = read_custom_properties(pack_docx(workspace, issued))
    tracker = read_custom_properties(pack_xlsx(workspace, issued))
    assert tool["qaf_issued_at"] == tracker["qaf_issued_at"] == issued.issued_at


def test_ctrl_c_part_way_records_the_packs_written_and_says_what_is_left(
    workspace: Workspace, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = plan(register, workspace, ["CIN"] * 4)
    writer = fast_tracker.TrackerWriter
    monkeypatch.setattr(writer, "write", fail_on_call(2, KeyboardInterrupt(), writer.write))
    result = generate(workspace)
    assert result.exit_code == 130
    assert "Stopped. 1 of 4 packs written and recorded as issued" in result.output
    assert f"audit {refs[1]} (case 100201, case type CIN) was next" in result.output
    assert [statuses(register)[r] for r in refs] == ["issued"] + ["allocated"] * 3


def test_a_pack_a_killed_run_left_unrecorded_is_kept_though_its_auditor_has_started_it(
    workspace: Workspace, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Killed between writing the packs and recording them: on disk, the register says allocated.
    refs = plan(register, workspace, ["CIN", "CP"])

    def killed(*args: Any, **kwargs: Any) -> None:
        raise SystemExit(137)

    real_mark = Register.mark_issued_many
    monkeypatch.setattr(Register, "mark_issued_many", killed)
    generate(workspace)
    monkeypatch.setattr(Register, "mark_issued_many", real_mark)
    assert set(statuses(register).values()) == {"allocated"}
    audit = audits_by_ref(register)[refs[0]]
    docx = pack_docx(workspace, audit)
    complete_form(docx, workspace.load_framework()).save()  # the auditor began from the share
    started = sha(docx)
    on_the_file = read_custom_properties(docx)["qaf_issued_at"]

    result = generate(workspace)
    assert result.exit_code == 0, result.output
    assert sha(docx) == started
    assert "2 packs of these had been written by a qaf generate that stopped" in result.output
    assert set(statuses(register).values()) == {"issued"}
    # Recorded as the file says it was issued, so the auditor's return matches the register.
    assert audits_by_ref(register)[refs[0]].issued_at == on_the_file


def test_a_file_not_qafs_at_a_packs_name_is_not_written_over(
    workspace: Workspace, register: Register
) -> None:
    [ref] = plan(register, workspace, ["CIN"])
    audit = audits_by_ref(register)[ref]
    docx = pack_docx(workspace, audit)
    docx.parent.mkdir(parents=True)
    docx.write_bytes(b"someone's own notes")
    result = generate(workspace)
    assert result.exit_code == 1
    assert f"{docx.name} is already there but is not the pack qaf wrote" in result.output
    assert docx.read_bytes() == b"someone's own notes"
    assert statuses(register) == {ref: "allocated"}


def test_a_second_qaf_generate_at_the_same_time_is_refused_and_writes_nothing(
    workspace: Workspace, register: Register
) -> None:
    plan(register, workspace, ["CIN", "CP"])
    with WatcherLock(workspace.packs / ".qaf-generate.lock"):  # the first run, still writing
        result = generate(workspace)
    assert result.exit_code == 1 and result.output.startswith("Error:")
    assert "Another qaf generate" in result.output and "already writing" in result.output
    assert not [p for p in workspace.packs.rglob("*.docx")]
    assert set(statuses(register).values()) == {"allocated"}
    assert generate(workspace).exit_code == 0  # once it has finished
    assert not (workspace.packs / ".qaf-generate.lock").exists()


def test_a_reissued_pack_open_in_word_is_named_with_the_copy_written_beside_it(
    workspace: Workspace, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    [ref] = plan(register, workspace, ["CIN"])
    assert generate(workspace).exit_code == 0
    docx = pack_docx(workspace, audits_by_ref(register)[ref])
    real_replace = os.replace

    def open_in_word(src: Any, dest: Any) -> None:
        if Path(dest) == docx:
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(dest))
        real_replace(src, dest)

    monkeypatch.setattr(safe_output.os, "replace", open_in_word)
    monkeypatch.setattr(safe_output, "_REPLACE_PAUSE_S", 0.0)
    before = sha(docx)
    result = generate(workspace, "--reissue")
    assert result.exit_code == 0, result.output
    assert sha(docx) == before
    [copy] = [p for p in docx.parent.glob(f"{ref} (*).docx")]
    assert f"{docx.name} was open in another program" in result.output
    assert f"written beside it as '{copy.name}'" in result.output


def test_on_every_core_the_audit_named_is_the_one_that_failed_and_the_count_is_the_folders(
    workspace: Workspace, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker's error surfaced at the first audit of its batch (a CIN case was blamed), and the
    # packs other workers had written meanwhile were on disk but counted nowhere.
    monkeypatch.setenv("QAF_WORKERS", "2")
    types = ["CIN"] * (POOL_FROM + 12)
    types[0] = types[40] = "CP"  # inside a worker's batch, not its first
    refs = plan(register, workspace, types)
    rewrite_template(workspace, "{{ case_id }}", "{{ case_id }}" + one_case_tag("100240"))
    result = generate(workspace)
    assert f"stopped at audit {refs[40]} (case 100240, case type CP)" in result.output
    issued = [r for r, status in statuses(register).items() if status == "issued"]
    on_disk = sorted(p.stem for p in workspace.packs.rglob("*.docx"))
    assert sorted(issued) == on_disk
    assert f"{len(issued)} of {len(refs)} packs written" in result.output


def test_another_audits_form_saved_over_a_pack_is_named_and_rewrite_writes_the_pack_again(
    workspace: Workspace, register: Register
) -> None:
    """Audit A's auditor, half-way through A's form, saves it with "Save As" under audit B's name
    in the packs folder: B's auditor would open A's child's form. ``qaf generate`` said "Nothing
    to generate" and offered no way to write B's pack again but ``--reissue``, which writes over
    every issued pack, A's form in progress among them. Now it names the file, whose form it
    holds and the way out; ``--rewrite B`` moves the file aside (kept, never written over) and
    writes B's pack again, leaving A's and B's own tracker alone."""
    first, second = plan(register, workspace, ["CIN", "CP"])
    assert generate(workspace).exit_code == 0
    audits = audits_by_ref(register)
    a_docx, b_docx = pack_docx(workspace, audits[first]), pack_docx(workspace, audits[second])
    complete_form(a_docx, workspace.load_framework()).save()  # A's auditor at work on the share
    b_docx.write_bytes(a_docx.read_bytes())  # ... and "Save As" over B's name
    a_form = sha(a_docx)
    b_tracker = sha(pack_xlsx(workspace, audits[second]))
    round_id = audits[second].round_id

    result = generate(workspace)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (
        f"Warning: packs/{round_id}/{second}.docx is not audit {second}'s audit tool: it holds "
        f"audit {first}'s audit tool (case {audits[first].case_id}), saved over it, so audit "
        f"{second}'s auditor has no pack of their own to fill in. To write audit {second}'s pack "
        f"again: qaf generate --rewrite {second}" in said
    )
    assert sha(b_docx) == a_form  # nothing written over

    result = generate(workspace, "--rewrite", second.lower())
    assert result.exit_code == 0, result.output
    [kept] = (b_docx.parent / "set aside").glob(f"{second} (set aside *).docx")
    assert sha(kept) == a_form
    assert f"kept as packs/{round_id}/set aside/{kept.name}" in result.output
    identity = read_custom_properties(b_docx)
    assert (identity["qaf_audit_ref"], identity["qaf_case_id"]) == (
        second, audits[second].case_id,
    )  # fmt: skip
    assert sha(a_docx) == a_form
    # B's own tracker (its manager's, perhaps being filled in) is left as it is, and said so.
    assert sha(pack_xlsx(workspace, audits[second])) == b_tracker
    assert f"{second}.xlsx is the audit's own" in result.output
    assert statuses(register) == {first: "issued", second: "issued"}
    assert audits_by_ref(register)[second].issued_at == identity["qaf_issued_at"]
    assert "Warning" not in generate(workspace).output
    again = generate(workspace, "--rewrite", second)  # nothing left to rewrite: nothing moves
    assert f"Both files of audit {second}'s pack are its own" in again.output
    assert len(list((b_docx.parent / "set aside").iterdir())) == 1
    assert audits_by_ref(register)[second].issued_at == identity["qaf_issued_at"]


def test_rewrite_says_which_of_the_packs_files_it_wrote_and_which_it_left(
    workspace: Workspace, register: Register
) -> None:
    """After --rewrite B moved another audit's form aside and left B's tracker as it was, qaf
    said "Wrote 1 audit tool and 1 action tracker", counting the whole pack: the admin officer
    could not tell the manager's tracker was untouched. Now each file of B's pack is named: the
    audit tool written again, the tracker left (and why), the form moved aside and where."""
    first, second = plan(register, workspace, ["CIN", "CP"])
    assert generate(workspace).exit_code == 0
    audits = audits_by_ref(register)
    a_docx, b_docx = pack_docx(workspace, audits[first]), pack_docx(workspace, audits[second])
    complete_form(a_docx, workspace.load_framework()).save()
    b_docx.write_bytes(a_docx.read_bytes())
    round_id = audits[second].round_id

    result = generate(workspace, "--rewrite", second)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Wrote 1 audit tool and 1 action tracker" not in said
    assert f"Audit {second}: wrote its audit tool ({second}.docx) again, in {b_docx.parent}." in (
        said
    )
    [kept] = (b_docx.parent / "set aside").glob(f"{second} (set aside *).docx")
    assert (
        f"{second}.docx was moved out of the pack's way, kept as packs/{round_id}/set aside/"
        f"{kept.name}: it was not this audit's own audit tool" in said
    )
    assert (
        f"{second}.xlsx is the audit's own action tracker (its manager may be filling it in), "
        "so it was left as it is" in said
    )

    # Both files gone: both written again, and said so, with no count of whole packs.
    b_docx.unlink()
    pack_xlsx(workspace, audits[second]).unlink()
    both = " ".join(generate(workspace, "--rewrite", second).output.split())
    assert (
        f"Audit {second}: wrote its audit tool ({second}.docx) and its action tracker "
        f"({second}.xlsx) again" in both
    )
    assert "left as it is" not in both and "Wrote" not in both


def test_reissue_moves_another_audits_form_aside_rather_than_write_over_it(
    workspace: Workspace, register: Register
) -> None:
    """--reissue writes every issued pack again (after a template change): a file at a pack's
    name holding another audit's form, which may be that audit's only copy of its auditor's
    work, is moved to set aside/ first (it was written over without a word)."""
    first, second = plan(register, workspace, ["CIN", "CP"])
    assert generate(workspace).exit_code == 0
    audits = audits_by_ref(register)
    a_docx, b_docx = pack_docx(workspace, audits[first]), pack_docx(workspace, audits[second])
    complete_form(a_docx, workspace.load_framework()).save()
    b_docx.write_bytes(a_docx.read_bytes())
    a_form = sha(a_docx)
    result = generate(workspace, "--reissue")
    assert result.exit_code == 0, result.output
    [kept] = (b_docx.parent / "set aside").glob(f"{second} (set aside *).docx")
    assert sha(kept) == a_form
    assert f"{second}.docx was moved out of the pack's way" in result.output
    assert read_custom_properties(b_docx)["qaf_audit_ref"] == second


def test_rewrite_refuses_an_audit_not_in_the_register_or_cancelled(
    workspace: Workspace, register: Register
) -> None:
    """A pack is written again only for an audit whose form is still awaited: a reference the
    register does not hold, or a cancelled audit, is refused saying so, and nothing is moved."""
    [ref] = plan(register, workspace, ["CIN"])
    assert generate(workspace).exit_code == 0
    result = generate(workspace, "--rewrite", "QA9999-0001")
    assert result.exit_code == 1
    assert "Audit QA9999-0001 is not in the register." in result.output
    cancel = ["cancel", ref, "--by", "Sam Lead", "--reason", "duplicate case"]
    assert CliRunner().invoke(cli, [*cancel, "-w", str(workspace.root)]).exit_code == 0
    result = generate(workspace, "--rewrite", ref)
    assert result.exit_code == 1
    assert f"Audit {ref}'s pack is not written again: the audit is cancelled" in result.output
    assert not list(workspace.packs.rglob("set aside"))
