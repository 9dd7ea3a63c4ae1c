"""A council edits its framework file while forms are out: each form is read against the framework
its pack was made from (the register keeps that text), so no returned grade is lost and no form is
asked for a grade it has no box for; new packs use the file as it is now."""

from __future__ import annotations

import json
import re
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

from conftest import complete_form, drop, plan_audits

from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Ingestor, ingest_inbox
from qaf_docs.office.identity import read_custom_properties
from qaf_docs.office.parts import Package
from qaf_docs.packs.details import pack_paths
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import Identity
from qaf_docs.register.store import Register
from qaf_docs.reports.export import export_json
from qaf_docs.workspace import Workspace, init_workspace

PRESET = (resources.files("qaf_docs") / "presets" / "collaborative-audit.toml").read_text("utf-8")
HOUSING = '\n[[domains]]\nkey = "housing"\ntitle = "Housing and stability"\n'


def _council_copy(root: Path) -> Workspace:
    """A workspace running its own copy of the West Sussex preset, three packs out."""
    ws = init_workspace(root)
    (ws.root / "my-framework.toml").write_text(PRESET, "utf-8")
    text = ws.settings_path.read_text("utf-8")
    ws.settings_path.write_text(
        text.replace('frameworks = ["collaborative-audit"]', 'frameworks = ["my-framework.toml"]'),
        "utf-8",
    )
    with Register.open(ws.register_path) as register:
        plan_audits(register, ws, 3)
        generate_packs(ws, register)
    return ws


def _edit_framework(ws: Workspace, text: str) -> Framework:
    (ws.root / "my-framework.toml").write_text(text, "utf-8")
    return ws.load_framework()


def _without_last_area(text: str) -> str:
    return text[: text.rindex("[[domains]]")]


def _pack(ws: Workspace, n: int) -> Path:
    with Register.open(ws.register_path) as register:
        audit = register.audits()[n]
    return pack_paths(ws.packs, audit.round_id, audit.audit_ref)[0]


def _exported(ws: Workspace) -> list[dict[str, Any]]:
    with Register.open(ws.register_path) as register:
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
