"""Rounds as councils run them: no child drawn twice, dry runs, and changes after the draw
(cancel, reassign, add a named case, swap), each recorded and still verifiable."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import TODAY, complete_form, drop

from qaf_docs.cli import cli
from qaf_docs.demo.synthetic import synthetic_roster, write_roster_file, write_synthetic_case_list
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace, init_workspace


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


@pytest.fixture(scope="module")
def messy_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The messy 5,000-child Annex A workbook the tests generate."""
    folder = tmp_path_factory.mktemp("caselist")
    return write_synthetic_case_list(folder / "annex_a.xlsx", children=5000, messy=True)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "ws", council_name="Testshire Council")
    write_roster_file(ws.root / "roster.xlsx", synthetic_roster(20, capacity_scale=20))
    return ws


def run(ws: Workspace, *args: str | Path) -> Result:
    return CliRunner().invoke(cli, [*(str(a) for a in args), "--workspace", str(ws.root)])


def audits(ws: Workspace, round_id: str | None = None) -> list:  # type: ignore[type-arg]
    with Register.open(ws.register_path) as register:
        return register.audits(round_id=round_id)


def changes(ws: Workspace) -> list:  # type: ignore[type-arg]
    with Register.open(ws.register_path) as register:
        return register.round_changes()


def set_sampling(ws: Workspace, old: str, new: str) -> None:
    text = ws.settings_path.read_text(encoding="utf-8")
    assert old in text
    ws.settings_path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_two_rounds_in_one_month_share_no_child(ws: Workspace, messy_list: Path) -> None:
    first = run(ws, "sample", messy_list, "--n", "300", "--stratify", "team", "--seed", "1")
    assert first.exit_code == 0, first.output
    second = run(ws, "sample", messy_list, "--n", "300", "--seed", "1")
    assert second.exit_code == 0, second.output
    third = run(
        ws, "sample", messy_list, "--kind", "thematic", "--theme-column",
        "Category of Abuse", "--theme-value", "Neglect", "--seed", "1",
    )  # fmt: skip
    assert third.exit_code == 0, third.output
    by_round: dict[str, set[str]] = {}
    for a in audits(ws):
        by_round.setdefault(a.round_id, set()).add(a.case_id)
    assert len(by_round) == 3
    one, two, three = by_round.values()
    assert len(one) == len(two) == 300
    assert not (one & two) and not (one & three) and not (two & three)
    assert "300 child(ren) already have an open audit" in second.output
    assert "already have an open audit (round 2026-" in third.output


def test_dry_run_shows_the_draw_and_records_nothing(ws: Workspace, messy_list: Path) -> None:
    result = run(ws, "sample", messy_list, "--n", "5", "--seed", "3", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing recorded" in result.output
    assert result.output.count("  case ") == 5
    assert audits(ws) == []
    assert not any(ws.samples.iterdir())
    # The same draw, recorded, is what the dry run showed.
    real = run(ws, "sample", messy_list, "--n", "5", "--seed", "3")
    shown = {line.split()[1] for line in result.output.splitlines() if line.startswith("  case ")}
    assert {a.case_id for a in audits(ws)} == shown, real.output


def draw_and_issue(ws: Workspace, caselist: Path, n: int = 6) -> str:
    result = run(ws, "sample", caselist, "--n", str(n), "--seed", "11")
    assert result.exit_code == 0, result.output
    generated = run(ws, "generate")
    assert generated.exit_code == 0, generated.output
    return audits(ws)[0].round_id


def test_changes_are_recorded_shown_and_the_draw_still_verifies(
    ws: Workspace, messy_list: Path
) -> None:
    round_id = draw_and_issue(ws, messy_list)
    first, second, third, *_ = audits(ws)
    by = ("--by", "Sam Lead")

    result = run(ws, "round", "cancel", round_id, "--audit", first.audit_ref, *by,
                 "--reason", "child moved to another council")  # fmt: skip
    assert result.exit_code == 0, result.output
    withdrawn = ws.packs / round_id / "withdrawn"
    assert (withdrawn / f"{first.audit_ref}.docx").is_file()
    assert not (ws.packs / round_id / f"{first.audit_ref}.docx").exists()

    roster = synthetic_roster(20, capacity_scale=20)
    other = next(a for a in roster if a.team and a.team != second.team and a.name != second.auditor)
    result = run(ws, "round", "reassign", second.audit_ref, "--to", other.name, *by,
                 "--reason", "auditor off sick")  # fmt: skip
    assert result.exit_code == 0, result.output

    held = {a.case_id for a in audits(ws)}
    from qaf_docs.cases.caselist import read_case_list

    candidate = next(
        c for c in read_case_list(messy_list).children()
        if c.is_open and c.team and c.case_id not in held and not c.restricted
    )  # fmt: skip
    chooser = next(a for a in roster if a.team != candidate.team)
    result = run(ws, "round", "add", round_id, candidate.case_id, messy_list, "--auditor",
                 chooser.name, *by, "--reason", "the DTM chose this case")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "recorded as chosen" in result.output

    result = run(ws, "round", "swap", third.audit_ref, messy_list, *by,
                 "--reason", "case in court this week")  # fmt: skip
    assert result.exit_code == 0, result.output

    now = {a.audit_ref: a for a in audits(ws)}
    assert now[first.audit_ref].status == "cancelled"
    assert now[second.audit_ref].auditor == other.name
    assert now[third.audit_ref].status == "cancelled"
    swapped_in = [a for a in now.values() if a.audit_ref not in {x.audit_ref for x in (first, second, third)} and a.case_id not in {candidate.case_id} and a.round_id == round_id]  # fmt: skip
    assert [c.change for c in changes(ws)] == ["cancel audit", "reassign", "add", "swap"]
    assert all(c.by_whom == "Sam Lead" and c.reason for c in changes(ws))

    manifest = ws.samples / f"{round_id}.xlsx"
    wb = openpyxl.load_workbook(manifest)
    rows = list(wb["Audits"].iter_rows(values_only=True))
    header = rows[0]
    table = {r[header.index("Case ID")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert table[first.case_id]["Status"] == "cancelled"
    assert table[second.case_id]["Auditor"] == other.name
    assert table[candidate.case_id]["How chosen"] == "added by hand (chosen)"
    assert sum(r["How chosen"] == "swapped in (random)" for r in table.values()) == 1
    reasons = [r[5] for r in wb["Changes"].iter_rows(min_row=2, values_only=True)]
    assert "auditor off sick" in reasons and "the DTM chose this case" in reasons
    # "When" is a date and time Excel can sort and filter, shown day first, not ISO text.
    when = [r[0] for r in wb["Changes"].iter_rows(min_row=2)]
    assert all(isinstance(c.value, datetime) for c in when)
    assert all(c.number_format == "DD/MM/YYYY HH:MM" for c in when)
    recorded = [datetime.fromisoformat(c.at).astimezone().replace(tzinfo=None) for c in changes(ws)]
    assert [c.value.replace(second=0, microsecond=0) for c in when] == [
        r.replace(second=0, microsecond=0) for r in recorded
    ]
    assert swapped_in

    verified = run(ws, "sample", messy_list, "--verify", manifest)
    assert verified.exit_code == 0, verified.output
    assert "Reproduced" in verified.output
    assert f"added by hand (chosen, not random): {candidate.case_id}" in verified.output
    assert "1 cancellation(s)" in verified.output and "1 audit(s) reassigned" in verified.output


def test_a_late_return_of_a_cancelled_audit_is_rejected_with_the_reason(
    ws: Workspace, messy_list: Path
) -> None:
    round_id = draw_and_issue(ws, messy_list, n=2)
    audit = audits(ws)[0]
    pack = ws.packs / round_id / f"{audit.audit_ref}.docx"
    filled = ws.root / "filled.docx"
    complete_form(pack, ws.load_framework()).save(filled)
    result = run(ws, "round", "cancel", round_id, "--audit", audit.audit_ref, "--by", "Sam Lead",
                 "--reason", "case closed before the audit")  # fmt: skip
    assert result.exit_code == 0, result.output
    drop(filled, ws.inbox, f"{audit.audit_ref}.docx")
    [outcome] = ingest_inbox(ws)
    assert outcome.result == "rejected"
    note = outcome.note.read_text(encoding="utf-8") if outcome.note else ""
    assert "was cancelled" in note and "case closed before the audit" in note
    assert "Sam Lead" in note
    assert f"cancelled on {TODAY:%d/%m/%Y} by" in note  # a UK date, as every note says
    assert f"Audit:     not matched (the file names audit {audit.audit_ref})" in note
    # Nothing in the file needs putting right, so nobody is asked to.
    assert "nothing to put right in the file itself" in note and "Send the file back" not in note
    assert audits(ws)[0].status == "cancelled"


def test_bad_changes_are_refused_and_nothing_is_recorded(ws: Workspace, messy_list: Path) -> None:
    round_id = draw_and_issue(ws, messy_list, n=3)
    first, second, _ = audits(ws)
    # A returned audit cannot be cancelled.
    filled = ws.root / "filled.docx"
    complete_form(ws.packs / round_id / f"{first.audit_ref}.docx", ws.load_framework()).save(filled)
    drop(filled, ws.inbox, "return.docx")
    assert ingest_inbox(ws)[0].result == "accepted"
    before = {a.audit_ref: (a.status, a.auditor) for a in audits(ws)}
    by = ("--by", "Sam Lead", "--reason", "testing")

    refused = run(ws, "round", "cancel", round_id, "--audit", first.audit_ref, *by)
    assert refused.exit_code == 1 and "already returned" in refused.output, refused.output
    assert f"Audit {first.audit_ref} cannot be cancelled:" in refused.output
    for command in (
        ["swap", first.audit_ref, messy_list],
        ["reassign", first.audit_ref, "--to", "X"],
    ):
        done = "swapped" if command[0] == "swap" else "reassigned"
        refused = run(ws, "round", *command, *by)
        assert f"Audit {first.audit_ref} cannot be {done}:" in refused.output, refused.output
    refused_round = run(ws, "round", "cancel", round_id, *by)
    assert refused_round.exit_code == 1 and "already returned" in refused_round.output

    roster = synthetic_roster(20, capacity_scale=20)
    own_team = next(a for a in roster if a.team == second.team and a.role == "Deputy Team Manager")
    result = run(ws, "round", "reassign", second.audit_ref, "--to", own_team.name, *by)
    assert result.exit_code == 1 and "own team" in result.output, result.output
    assert "in simple rounds nobody audits their own team's cases." in result.output

    tiny = [a for a in roster if a.team != second.team][:1]
    full = tiny[0].__class__(tiny[0].name, tiny[0].email, tiny[0].role, tiny[0].team, 0)
    write_roster_file(
        ws.root / "roster.xlsx", [*roster[:0], full, *[a for a in roster if a.name != full.name]]
    )
    result = run(ws, "round", "reassign", second.audit_ref, "--to", full.name, *by)
    assert result.exit_code == 1 and "capacity" in result.output, result.output

    from qaf_docs.cases.caselist import read_case_list

    children = read_case_list(messy_list).children()
    closed = next(c for c in children if not c.is_open)
    result = run(ws, "round", "add", round_id, closed.case_id, messy_list,
                 "--auditor", roster[-1].name, *by)  # fmt: skip
    assert result.exit_code == 1 and "closed" in result.output, result.output
    result = run(ws, "round", "add", round_id, second.case_id, messy_list,
                 "--auditor", roster[-1].name, *by)  # fmt: skip
    assert result.exit_code == 1 and "already has an open audit" in result.output, result.output

    assert {a.audit_ref: (a.status, a.auditor) for a in audits(ws)} == before
    assert changes(ws) == []


def test_a_column_mapping_naming_a_missing_header_is_refused(
    ws: Workspace, messy_list: Path
) -> None:
    set_sampling(ws, "[sampling.columns]\n", '[sampling.columns]\nteam = "Responsible Unit"\n')
    result = run(ws, "sample", messy_list, "--n", "5")
    assert result.exit_code == 1
    assert "Responsible Unit" in result.output and "[sampling.columns]" in result.output
    assert audits(ws) == []


def test_a_quota_for_a_role_nobody_has_is_refused(ws: Workspace, messy_list: Path) -> None:
    set_sampling(ws, '"Deputy Team Manager" = 1,', '"Deputy Team Managr" = 1,')
    result = run(ws, "sample", messy_list, "--kind", "tier-one")
    assert result.exit_code == 1, result.output
    assert (
        "Deputy Team Managr" in result.output
        and "Did you mean 'Deputy Team Manager'" in result.output
    )
    assert audits(ws) == []


def test_a_round_that_cannot_allocate_everything_exits_4(ws: Workspace, messy_list: Path) -> None:
    write_roster_file(ws.root / "roster.xlsx", synthetic_roster(20)[:1])
    result = run(ws, "sample", messy_list, "--n", "5", "--json")
    assert result.exit_code == 4, result.output
    import json

    data = json.loads(result.output)
    assert data["unallocated"] and data["allocated"] == 1


def test_cases_drawn_without_an_auditor_are_allocated_later_and_stay_chosen_at_random(
    ws: Workspace, messy_list: Path
) -> None:
    # The only way was 'round add', which recorded them as picked by hand, not drawn at random.
    roster = synthetic_roster(20)
    write_roster_file(ws.root / "roster.xlsx", roster[:1])
    drawn = run(ws, "sample", messy_list, "--n", "5", "--seed", "5")
    assert drawn.exit_code == 4, drawn.output
    [round_id] = {a.round_id for a in audits(ws)}
    assert f"then run: qaf round allocate {round_id} annex_a.xlsx --by" in drawn.output
    waiting = [
        line.split()[3] for line in drawn.output.splitlines() if "not allocated: case" in line
    ]
    assert len(waiting) == 4

    # Still nobody with room: said, exit 4, nothing recorded.
    still = run(ws, "round", "allocate", round_id, messy_list, "--by", "Sam Lead", "--reason", "x")
    assert still.exit_code == 4, still.output
    assert "None of the 4 case(s) round" in still.output and "nothing was recorded" in still.output
    assert "has capacity left" in still.output
    assert len(audits(ws)) == 1 and changes(ws) == []

    write_roster_file(ws.root / "roster.xlsx", roster)
    result = run(ws, "round", "allocate", round_id, messy_list, "--by", "Sam Lead",
                 "--reason", "two auditors added to the roster")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Allocated 4 of the 4 case(s)" in result.output and "stays 'at random'" in result.output
    assert f"Next: qaf generate --round {round_id}" in result.output
    late = [a for a in audits(ws) if a.case_id in waiting]
    assert len(late) == 4 and all(a.auditor and a.status == "allocated" for a in late)
    teams = {a.name: a.team for a in roster}
    assert all(teams[a.auditor] != a.team for a in late), "never the case's own team"
    assert [c.change for c in changes(ws)] == ["allocate"] * 4
    assert all(c.by_whom == "Sam Lead" for c in changes(ws))

    shown = run(ws, "round", "show", round_id).output
    assert shown.count("(at random)") == 5 and "added by hand" not in shown
    # Each change is dated as people read dates (day/month/year at hh:mm), not ISO 8601.
    assert re.search(rf"^  {TODAY:%d/%m/%Y} at \d\d:\d\d  allocate ", shown, re.M), shown
    assert TODAY.isoformat() not in shown
    wb = openpyxl.load_workbook(ws.samples / f"{round_id}.xlsx")
    rows = list(wb["Audits"].iter_rows(values_only=True))
    how = rows[0].index("How chosen")
    assert [r[how] for r in rows[1:]] == ["at random"] * 5
    verified = run(ws, "sample", messy_list, "--verify", ws.samples / f"{round_id}.xlsx")
    assert verified.exit_code == 0 and "Reproduced" in verified.output, verified.output
    assert "4 case(s) drawn without an auditor were given one later" in verified.output

    again = run(ws, "round", "allocate", round_id, messy_list, "--by", "Sam Lead", "--reason", "x")
    assert again.exit_code == 1
    assert f"Every case round {round_id} drew has an auditor; nothing changed." in again.output


def test_the_old_pack_of_a_reassigned_audit_is_refused_and_the_new_one_accepted(
    ws: Workspace, messy_list: Path
) -> None:
    round_id = draw_and_issue(ws, messy_list, n=1)
    [audit] = audits(ws)
    old_pack = ws.root / "old.docx"
    complete_form(ws.packs / round_id / f"{audit.audit_ref}.docx", ws.load_framework()).save(
        old_pack
    )
    roster = synthetic_roster(20, capacity_scale=20)
    other = next(a for a in roster if a.team and a.team != audit.team and a.name != audit.auditor)
    result = run(ws, "round", "reassign", audit.audit_ref, "--to", other.name, "--by", "Sam Lead",
                 "--reason", "auditor off sick")  # fmt: skip
    assert result.exit_code == 0, result.output
    drop(old_pack, ws.inbox, "old.docx")
    [refused] = ingest_inbox(ws)
    assert refused.result == "rejected"
    note = refused.note.read_text(encoding="utf-8") if refused.note else ""
    assert "reassigned" in note and other.name in note and "auditor off sick" in note
    assert run(ws, "generate").exit_code == 0
    new_pack = ws.root / "new.docx"
    complete_form(ws.packs / round_id / f"{audit.audit_ref}.docx", ws.load_framework()).save(
        new_pack
    )
    drop(new_pack, ws.inbox, "new.docx")
    [accepted] = ingest_inbox(ws)
    assert accepted.result == "accepted", accepted


def test_a_manifest_open_in_excel_does_not_lose_the_change(
    ws: Workspace, messy_list: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qaf_docs.cases import changes as library

    result = run(ws, "sample", messy_list, "--n", "2", "--seed", "4")
    assert result.exit_code == 0, result.output
    first = audits(ws)[0]

    def locked(path: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(f"{path} is open in another program")

    monkeypatch.setattr(library, "refresh_from_register", locked)
    result = run(ws, "round", "cancel", first.round_id, "--audit", first.audit_ref,
                 "--by", "Sam Lead", "--reason", "duplicate referral")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "could not be updated" in result.output and "--update-manifest" in result.output
    assert audits(ws)[0].status == "cancelled"
    monkeypatch.undo()
    shown = run(ws, "round", "show", first.round_id, "--update-manifest")
    assert shown.exit_code == 0 and "Manifest updated" in shown.output, shown.output
    wb = openpyxl.load_workbook(ws.samples / f"{first.round_id}.xlsx")
    assert [r[5] for r in wb["Changes"].iter_rows(min_row=2, values_only=True)] == [
        "duplicate referral"
    ]


def test_a_case_added_or_swapped_in_keeps_no_childs_name_where_forms_print_none(
    ws: Workspace, tmp_path: Path
) -> None:
    # A drawn case's name is kept only where show_child_names is on; one added by hand or swapped
    # in kept it anyway.
    caselist = tmp_path / "cases.csv"
    caselist.write_text(
        "Child ID,Child Name,Allocated Team,Allocated Worker,Start Date\n"
        + "".join(
            f"{7100 + i},Childname{i} Surname,Elsewhere Team,W {i},01/02/2025\n" for i in range(6)
        ),
        encoding="utf-8",
    )
    drawn = run(ws, "sample", caselist, "--n", "2", "--seed", "4")
    assert drawn.exit_code == 0, drawn.output
    [first, _] = audits(ws)
    taken = {a.case_id for a in audits(ws)}
    other = next(f"{7100 + i}" for i in range(6) if f"{7100 + i}" not in taken)
    auditor = synthetic_roster(20, capacity_scale=20)[-1].name
    by = ("--by", "Sam Lead", "--reason", "testing")
    added = run(ws, "round", "add", first.round_id, other, caselist, "--auditor", auditor, *by)
    assert added.exit_code == 0, added.output
    swapped = run(ws, "round", "swap", first.audit_ref, caselist, *by)
    assert swapped.exit_code == 0, swapped.output
    assert len(audits(ws)) == 4
    assert {a.child_name for a in audits(ws)} == {None}


def test_an_audit_with_no_auditor_given_one_by_reassign_gets_its_pack(
    ws: Workspace, messy_list: Path
) -> None:
    """``qaf status`` and ``qaf remind`` tell the QA lead to give an overdue audit with no auditor
    one with ``qaf round reassign``: the audit is then allocated, so ``qaf generate`` writes it."""
    result = run(ws, "sample", messy_list, "--n", "1", "--seed", "11")
    assert result.exit_code == 0, result.output
    [audit] = audits(ws)
    with Register.open(ws.register_path) as register, register.transaction() as db:
        db.execute(
            "UPDATE audits SET status = 'planned', auditor = '', auditor_email = '' "
            "WHERE audit_ref = ?",
            (audit.audit_ref,),
        )
    roster = synthetic_roster(20, capacity_scale=20)
    other = next(a for a in roster if a.team and a.team != audit.team)
    result = run(ws, "round", "reassign", audit.audit_ref, "--to", other.name, "--by", "Sam Lead",
                 "--reason", "nobody was free at the draw")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [a.status for a in audits(ws)] == ["allocated"]
    generated = run(ws, "generate", "--round", audit.round_id)
    assert generated.exit_code == 0, generated.output
    assert (ws.packs / audit.round_id / f"{audit.audit_ref}.docx").is_file()


def test_an_audit_whose_form_was_refused_gets_a_new_pack_when_reassigned(
    ws: Workspace, messy_list: Path
) -> None:
    """The auditor's form was refused (awaiting resubmission) and then they went off sick: the
    reassignment said to write the new pack with qaf generate, which then had nothing to write."""
    round_id = draw_and_issue(ws, messy_list, n=1)
    [audit] = audits(ws)
    framework = ws.load_framework()
    refused = ws.root / "refused.docx"
    form = complete_form(ws.packs / round_id / f"{audit.audit_ref}.docx", framework)
    form.text(f"qaf_rationale_{framework.domains[0].key}", "").save(refused)
    drop(refused, ws.inbox, "refused.docx")
    assert [o.result for o in ingest_inbox(ws)] == ["rejected"]
    assert audits(ws)[0].status == "rejected"
    roster = synthetic_roster(20, capacity_scale=20)
    other = next(a for a in roster if a.team and a.team != audit.team and a.name != audit.auditor)
    result = run(ws, "round", "reassign", audit.audit_ref, "--to", other.name, "--by", "Sam Lead",
                 "--reason", "auditor off sick")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"write the new one with: qaf generate --round {round_id}" in result.output
    generated = run(ws, "generate")
    assert generated.exit_code == 0 and "Nothing to generate" not in generated.output
    [now] = audits(ws)
    assert (now.status, now.auditor) == ("issued", other.name)
    new_pack = ws.root / "new.docx"
    complete_form(ws.packs / round_id / f"{audit.audit_ref}.docx", framework).save(new_pack)
    drop(new_pack, ws.inbox, "new.docx")
    assert [o.result for o in ingest_inbox(ws)] == ["accepted"]
