"""A council edits its framework file while forms are out: each form is read against the framework
its pack was made from (the register keeps that text), so no returned grade is lost and no form is
asked for a grade it has no box for; new packs use the file as it is now. A moderation form is made
from, and read against, the framework the auditor's form was read against."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, complete_form, drop, plan_audits

from qaf_docs.demo.filling import FormFiller
from qaf_docs.errors import QafError
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Ingestor, ingest_inbox
from qaf_docs.office.identity import read_custom_properties
from qaf_docs.office.parts import Package
from qaf_docs.packs.details import pack_paths
from qaf_docs.packs.generate import generate_packs
from qaf_docs.packs.moderation import write_moderation_forms
from qaf_docs.records import Identity
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.reports.export import export_json
from qaf_docs.workspace import Workspace, init_workspace

PRESET = (resources.files("qaf_docs") / "presets" / "collaborative-audit.toml").read_text("utf-8")
HOUSING = '\n[[domains]]\nkey = "housing"\ntitle = "Housing and stability"\n'
RI = "Requires improvement to be good"


def _council_copy(root: Path, make: Callable[..., Workspace] = init_workspace) -> Workspace:
    """A workspace running its own copy of the West Sussex preset, three packs out."""
    ws = make(root)
    (ws.root / "my-framework.toml").write_text(PRESET, "utf-8")
    text = ws.settings_path.read_text("utf-8")
    ws.settings_path.write_text(
        text.replace('frameworks = ["collaborative-audit"]', 'frameworks = ["my-framework.toml"]'),
        "utf-8",
    )
    with open_register(ws) as register:
        plan_audits(register, ws, 3)
        generate_packs(ws, register)
    return ws


def _edit_framework(ws: Workspace, text: str) -> Framework:
    (ws.root / "my-framework.toml").write_text(text, "utf-8")
    return ws.load_framework()


def _without_last_area(text: str) -> str:
    return text[: text.rindex("[[domains]]")]


def _pack(ws: Workspace, n: int) -> Path:
    with open_register(ws) as register:
        audit = register.audits()[n]
    return pack_paths(ws.packs, audit.round_id, audit.audit_ref)[0]


def _exported(ws: Workspace) -> list[dict[str, Any]]:
    with open_register(ws) as register:
        audits: list[dict[str, Any]] = json.loads(export_json(register))["audits"]
    return [a for a in audits if a["overall_grade"]]


def _as_an_older_pack(docx: Path, out: Path) -> Path:
    """The pack as qaf made it before it kept framework texts: no fingerprint in its identity."""
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/custom.xml":
                data = re.sub(
                    rb'<property [^>]*name="qaf_framework_sha256">.*?</property>', b"", data
                )
            dst.writestr(item, data)
    return out


def test_a_grade_in_an_area_removed_after_the_packs_went_out_is_kept(tmp_path: Path) -> None:
    ws = _council_copy(tmp_path / "ws")
    made_with = ws.load_framework()
    removed = made_with.domains[-1]
    now = _edit_framework(ws, _without_last_area(PRESET))
    assert removed.key not in {d.key for d in now.domains}
    for n in (0, 1):  # two forms, read on the burst's path
        docx = _pack(ws, n)
        complete_form(docx, made_with).choose(f"qaf_grade_{removed.key}", "Inadequate").text(
            f"qaf_rationale_{removed.key}", "No review since the plan began."
        ).save()
        drop(docx, ws.inbox)
    outcomes = ingest_inbox(ws, settle_s=0.05)
    assert [o.result for o in outcomes] == ["accepted", "accepted"], [
        f.line() for o in outcomes for f in o.findings
    ]
    for audit in _exported(ws):
        domains = audit["domains"]
        [kept] = [d for d in domains if d["domain"] == removed.title]
        assert kept["grade"] == "Inadequate"
        assert kept["rationale"] == "No review since the plan began."
        assert len(domains) == len(made_with.domains)


def test_forms_out_when_an_area_is_added_are_accepted_and_new_packs_ask_for_it(
    tmp_path: Path,
) -> None:
    ws = _council_copy(tmp_path / "ws")
    made_with = ws.load_framework()
    now = _edit_framework(ws, PRESET + HOUSING)
    docx = _pack(ws, 0)
    complete_form(docx, made_with).save()
    drop(docx, ws.inbox)
    with Register.open(ws.register_path) as register:  # one file on its own, as `qaf watch` does
        settings = ws.load_settings()
        outcome = Ingestor(ws, register, settings).process(ws.inbox / docx.name)
    assert outcome.result == "accepted", [f.line() for f in outcome.findings]
    [audit] = _exported(ws)
    assert "Housing and stability" not in json.dumps(audit["domains"])
    # A round drawn now uses the framework as it is: its form has the box and must fill it.
    with Register.open(ws.register_path) as register:
        [new_ref] = plan_audits(register, ws, 1, round_kind="thematic")
        generate_packs(ws, register)
        new = register.audit(new_ref)
    assert new is not None
    new_docx = pack_paths(ws.packs, new.round_id, new.audit_ref)[0]
    complete_form(new_docx, made_with).save()  # every area but the new one
    drop(new_docx, ws.inbox)
    [refused] = ingest_inbox(ws, settle_s=0.05)
    assert refused.result == "rejected"
    assert any(f.where == "Housing and stability: grade" for f in refused.findings)
    complete_form(new_docx, now).save()
    drop(new_docx, ws.inbox, "again.docx")
    [accepted] = ingest_inbox(ws, settle_s=0.05)
    assert accepted.result == "accepted", [f.line() for f in accepted.findings]


def test_packs_carry_the_fingerprint_of_the_framework_text_the_register_kept(
    tmp_path: Path,
) -> None:
    ws = _council_copy(tmp_path / "ws")
    with Package(_pack(ws, 0)) as package:
        fingerprint = read_custom_properties(package)["qaf_framework_sha256"]
    with Register.open(ws.register_path) as register:
        assert register.framework_texts() == {fingerprint: PRESET}
    _edit_framework(ws, PRESET + HOUSING)
    with Register.open(ws.register_path) as register:
        plan_audits(register, ws, 1, round_kind="thematic")
        generate_packs(ws, register)
        assert len(register.framework_texts()) == 2  # the old text stays beside the new one


def test_an_older_pack_graded_in_a_removed_area_is_refused_naming_it_never_dropped(
    tmp_path: Path,
) -> None:
    ws = _council_copy(tmp_path / "ws")
    made_with = ws.load_framework()
    removed = made_with.domains[-1]
    _edit_framework(ws, _without_last_area(PRESET))
    docx = _as_an_older_pack(_pack(ws, 0), tmp_path / "older.docx")
    complete_form(docx, made_with).choose(f"qaf_grade_{removed.key}", "Inadequate").save()
    drop(docx, ws.inbox, "returned.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "rejected"
    note = (ws.rejected / "returned.docx.rejected.txt").read_text("utf-8")
    assert f"Practice area '{removed.key}'" in note
    assert "graded 'Inadequate'" in note and "no longer has this area" in note
    assert _exported(ws) == []
    # The QA lead puts the area back; the same file, unchanged, is then accepted whole.
    _edit_framework(ws, PRESET)
    drop(ws.rejected / "returned.docx", ws.inbox, "returned-again.docx")
    [accepted] = ingest_inbox(ws, settle_s=0.05)
    assert accepted.result == "accepted", [f.line() for f in accepted.findings]
    [audit] = _exported(ws)
    [kept] = [d for d in audit["domains"] if d["domain"] == removed.title]
    assert kept["grade"] == "Inadequate"


def test_an_older_pack_with_an_empty_removed_area_is_read_as_before(tmp_path: Path) -> None:
    ws = _council_copy(tmp_path / "ws")
    now = _edit_framework(ws, _without_last_area(PRESET))
    docx = _as_an_older_pack(_pack(ws, 0), tmp_path / "older.docx")
    complete_form(docx, now).save()  # the removed area left as it came
    drop(docx, ws.inbox, "returned.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "accepted", [f.line() for f in outcome.findings]


def test_the_preset_text_is_kept_too(tmp_path: Path) -> None:
    """A preset changes with a qaf upgrade; its packs are read against the text they were made from."""
    ws = init_workspace(tmp_path / "ws")
    with Register.open(ws.register_path) as register:
        plan_audits(register, ws, 1)
        generate_packs(ws, register)
        kept = register.framework_texts()
    assert list(kept.values()) == [PRESET]


def test_an_identity_without_a_fingerprint_reads_as_an_older_pack_and_no_other_part_may_lack() -> (
    None
):
    older = Identity(
        "audit_tool", "QA2611-0001", "100200", "2026-11-simple", "my-framework.toml", "2", "t1",
        "2026-11-20T09:00:00+00:00", "ws1",
    )  # fmt: skip
    props = older.as_properties()
    assert "qaf_framework_sha256" not in props  # an empty part is not written (nor slows trackers)
    assert Identity.from_properties(props) == older
    del props["qaf_template_version"]
    assert Identity.from_properties(props) is None


# -- moderation forms ------------------------------------------------------------------------------


def _returned_by_the_auditor(ws: Workspace, made_with: Framework) -> str:
    """The auditor returns the first pack, every area graded RI; its audit reference."""
    docx = _pack(ws, 0)
    complete_form(docx, made_with, grade=RI).save()
    drop(docx, ws.inbox, "auditor.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "accepted", [f.line() for f in outcome.findings]
    with open_register(ws) as register:
        return register.audits()[0].audit_ref


def _moderation_form(ws: Workspace, ref: str) -> Path:
    with open_register(ws) as register:
        [path] = write_moderation_forms(ws, register, [ref])
    return path


def _moderate_every_area(ws: Workspace, path: Path, areas: Framework) -> list[str]:
    """The moderator grades every area of ``areas`` Good and returns the copy; what the inbox said."""
    form = (
        FormFiller(path).text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", "Good")
    )
    for d in areas.domains:
        form.choose(f"qaf_modgrade_{d.key}", "Good")
    form.text("qaf_moderation_reason", "Impact shown since the audit.")
    form.pick_date("qaf_moderation_date", TODAY).save()
    drop(path, ws.inbox, "moderated.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "accepted", [f.line() for f in outcome.findings]
    return [f.line() for f in outcome.findings]


def _area_grades(ws: Workspace) -> list[tuple[str, str, str]]:
    [audit] = _exported(ws)
    return [(d["domain"], d["grade"], d["moderated_grade"]) for d in audit["domains"]]


def _fingerprint(docx: Path) -> str:
    with Package(docx) as package:
        return read_custom_properties(package).get("qaf_framework_sha256", "")


@pytest.mark.both_backends
@pytest.mark.parametrize("edit", ["an area removed", "an area added"])
def test_a_moderation_form_out_when_the_framework_changes_is_recorded_whole(
    tmp_path: Path, make_workspace: Callable[..., Workspace], edit: str
) -> None:
    # The moderator's copy was read against the file as it is now: an area removed refused it for
    # the auditor's grade there, an area added refused it for a grade it has no box for.
    ws = _council_copy(tmp_path / "ws", make_workspace)
    made_with = ws.load_framework()
    ref = _returned_by_the_auditor(ws, made_with)
    path = _moderation_form(ws, ref)
    assert _fingerprint(path) == _fingerprint(_pack(ws, 0))
    now = _edit_framework(
        ws, _without_last_area(PRESET) if edit == "an area removed" else PRESET + HOUSING
    )
    assert len(now.domains) != len(made_with.domains)
    _moderate_every_area(ws, path, made_with)
    assert _area_grades(ws) == [(d.title, RI, "Good") for d in made_with.domains]
    with open_register(ws) as register:
        audit = register.audit(ref)
    assert audit is not None and audit.status == "moderated"


@pytest.mark.both_backends
def test_a_moderation_form_made_after_an_area_was_removed_keeps_the_auditors_grade_there(
    tmp_path: Path, make_workspace: Callable[..., Workspace]
) -> None:
    # It was made from the file as it is now: the area was missing from the moderator's copy, and
    # its return, recorded as the audit's latest form, silently lost the auditor's grade there.
    ws = _council_copy(tmp_path / "ws", make_workspace)
    made_with = ws.load_framework()
    removed = made_with.domains[-1]
    ref = _returned_by_the_auditor(ws, made_with)
    _edit_framework(ws, _without_last_area(PRESET))
    path = _moderation_form(ws, ref)
    assert _fingerprint(path) == _fingerprint(_pack(ws, 0))
    _moderate_every_area(ws, path, made_with)
    grades = _area_grades(ws)
    assert (removed.title, RI, "Good") in grades
    assert grades == [(d.title, RI, "Good") for d in made_with.domains]


def test_a_moderation_form_for_a_form_recorded_before_fingerprints_never_drops_an_area(
    tmp_path: Path,
) -> None:
    """The auditor's form was recorded before the register kept what it was read against: its
    moderation form is made from, and read against, the framework file as it is now. One made
    before an area was removed is refused naming the area; one asked for after it is not written
    (it had no box for the area, and the moderator's copy silently lost the auditor's grade)."""
    ws = _council_copy(tmp_path / "ws")
    made_with = ws.load_framework()
    removed = made_with.domains[-1]
    ref = _returned_by_the_auditor(ws, made_with)
    with open_register(ws) as register, register.transaction() as db:
        db.execute("UPDATE submissions SET framework_sha256 = NULL")
    path = _moderation_form(ws, ref)
    assert _fingerprint(path) == ""
    before = path.read_bytes()
    _edit_framework(ws, _without_last_area(PRESET))
    with pytest.raises(QafError) as refused:
        _moderation_form(ws, ref)
    said = " ".join(str(refused.value).split())
    assert f"audit {ref} records the practice area '{removed.title}' (graded '{RI}')" in said
    assert "no longer has" in said and "No moderation form was written" in said
    assert path.read_bytes() == before
    form = FormFiller(path).text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", RI)
    form.pick_date("qaf_moderation_date", TODAY).save()
    drop(path, ws.inbox, "moderated.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "rejected"
    note = (ws.rejected / "moderated.docx.rejected.txt").read_text("utf-8")
    assert f"Practice area '{removed.key}'" in note and "no longer has this area" in note
    _edit_framework(ws, PRESET)
    drop(ws.rejected / "moderated.docx", ws.inbox, "moderated again.docx")
    [accepted] = ingest_inbox(ws, settle_s=0.05)
    assert accepted.result == "accepted", [f.line() for f in accepted.findings]
    assert _area_grades(ws) == [(d.title, RI, None) for d in made_with.domains]
