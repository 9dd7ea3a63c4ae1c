"""What the reports say about outcomes: re-audits better, same or worse, strengths that are strong,
re-audits still due, thematic rounds' checkpoints, empty periods and the CSV export's tables."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import TODAY, complete_form, drop, pack_docx, plan_audits
from docx import Document
from lifecycle_helpers import moderate, return_form, run
from openpyxl import load_workbook
from test_reports import DOMAINS, FakeRegister, audit, document_text

from qaf_docs.cli import cli
from qaf_docs.errors import RegisterError
from qaf_docs.frameworks import Framework
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import ActionResult, DomainResult
from qaf_docs.register.store import Register
from qaf_docs.reports.export import export_csv
from qaf_docs.reports.period_report import build_period_report, build_round_report
from qaf_docs.reports.periods import parse_period
from qaf_docs.reports.qa_tracker import build_tracker
from qaf_docs.workspace import Workspace, frameworks_of

pytestmark = pytest.mark.both_backends

DAY = date(2026, 8, 20)
INADEQUATE, RI, GOOD = "Inadequate", "Requires improvement to be good", "Good"


def reaudit_of(i: int, first: int, grade: str, **kw: Any) -> Any:
    """Audit ``i``, the same-day re-audit of audit ``first`` (same case) in a re-audit round."""
    return audit(
        i, grade, case_id=f"C{first:05d}", reaudit_of=f"QA-{first:05d}",
        round_id="2026-08-reaudit", round_kind="reaudit", **kw,
    )  # fmt: skip


def round_text(ws: Workspace, results: list[Any], round_id: str) -> str:
    fake: Any = FakeRegister(results)
    return document_text(build_round_report(ws, fake, round_id, DAY))


def test_a_reaudit_still_inadequate_is_reported_not_hidden(workspace: Workspace) -> None:
    results = [
        audit(1, INADEQUATE), reaudit_of(2, 1, INADEQUATE),
        audit(3, RI), reaudit_of(4, 3, GOOD),
        audit(5, GOOD), reaudit_of(6, 5, INADEQUATE),
    ]  # fmt: skip
    text = round_text(workspace, results, "2026-08-reaudit")
    assert "No case audited in this" not in text
    assert "3 cases audited in this round had an earlier audit" in text
    assert "1 improved, 1 stayed the same, 1 got worse" in text
    rows = {line for line in text.splitlines()}
    assert {"Same", "Improved", "Worse"} <= rows


def test_reaudits_due_leave_out_an_audit_already_reaudited(workspace: Workspace) -> None:
    results = [audit(1, INADEQUATE), audit(7, INADEQUATE), reaudit_of(2, 1, GOOD)]
    text = round_text(workspace, results, "2026-07-simple")
    assert "not yet re-audited): 1." in text  # audit 7 only
    path = build_tracker(workspace, FakeRegister(results), today=DAY)  # type: ignore[arg-type]
    sheet = load_workbook(path)["Re-audits & escalations"]
    what = {r[0].value: r[4].value for r in sheet.iter_rows(min_row=2) if r[0].value}
    assert what["QA-00001"] == "Re-audited in QA-00002: Good"
    assert what["QA-00007"] == "Re-audit due"


def graded(i: int, goods: int, **kw: Any) -> Any:
    """Audit ``i`` with its first ``goods`` domains Good and the rest Inadequate."""
    grades = [GOOD if n < goods else INADEQUATE for n in range(len(DOMAINS))]
    domains = [
        DomainResult(d, g, "A clear rationale.") for d, g in zip(DOMAINS, grades, strict=True)
    ]
    return audit(i, GOOD, domains=domains, **kw)


def strengths(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Strength:")]


def test_a_domain_nobody_graded_good_is_never_a_strength(workspace: Workspace) -> None:
    text = round_text(workspace, [graded(1, 0)], "2026-07-simple")
    assert strengths(text) == []
    assert "Too few audits to name a strength" in text


def test_domains_that_tie_are_treated_alike(workspace: Workspace) -> None:
    # Five domains, each good in 5 of 8 audits (62%): none is a strength, all are to develop.
    text = round_text(
        workspace, [graded(i, 5 if i <= 5 else 0) for i in range(1, 9)], "2026-07-simple"
    )
    assert strengths(text) == []
    assert sum(line.startswith("To develop:") for line in text.splitlines()) == 5
    # Every domain good in 8 of 8: all five are strengths, not a top three.
    text = round_text(workspace, [graded(i, 5) for i in range(1, 9)], "2026-07-simple")
    assert len(strengths(text)) == 5


def test_an_empty_or_future_period_says_so_plainly(workspace: Workspace) -> None:
    result = CliRunner().invoke(cli, ["report", "quarter", "2030Q2", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert "Warning: there are no audits in April to June 2030" in result.output
    text = document_text(workspace.outbox / "reports" / "QA_report_2030Q2.docx")
    assert "There were no audits in April to June 2030" in text
    assert "n/a of 0" not in text
    assert "Open escalations: none." in text and "Safeguarding concerns raised: none." in text
    assert "not recorded by the register" not in text


def test_report_wording_counts_and_labels(workspace: Workspace) -> None:
    late = ActionResult(
        "Update the plan", "Team manager", date(2026, 8, 10), "Not started", None, ""
    )
    results = [audit(1, GOOD, actions=[late], case_type="care leaver"), audit(3, GOOD)]
    path = build_period_report(
        workspace, FakeRegister(results), parse_period("quarter", "2026Q3"), DAY
    )  # type: ignore[arg-type]
    text = document_text(path)
    assert "Follow up the action not completed by its due date." in text
    assert "Care leaver" in text.splitlines() and "care leaver" not in text
    earlier = audit(2, GOOD, round_id="2026-06-simple", on=date(2026, 6, 3))
    text = round_text(workspace, [*results, earlier], "2026-07-simple")
    assert "Trend against earlier rounds" in text
    assert "Round\nGraded\nGood or better\nInadequate" in text


def thematic_round(workspace: Workspace, register: Register, framework: Framework) -> str:
    refs = plan_audits(register, workspace, 2, round_kind="thematic")
    generate_packs(workspace, register)
    for n, ref in enumerate(refs):
        return_form(workspace, register.audit(ref), framework, name=f"{n}.docx")  # type: ignore[arg-type]
    return str(register.audit(refs[0]).round_id)  # type: ignore[union-attr]


def test_a_checkpoint_cannot_be_recorded_long_before_it_is_due(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    round_id = thematic_round(workspace, register, framework)
    known = register.checkpoints(frameworks_of(workspace))
    with pytest.raises(RegisterError, match=r"3-months checkpoint is due on .* not before"):
        register.record_checkpoint(round_id, "3-months", on=TODAY, note="All done", known=known)
    assert all(c.done_on is None for c in register.checkpoints(frameworks_of(workspace)))


def test_a_checkpoint_recorded_twice_keeps_both_notes_and_they_reach_the_round_report(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    round_id = thematic_round(workspace, register, framework)
    at_six = TODAY + timedelta(weeks=6)
    for note in ("3 of 5 in place", "4 of 5 in place"):
        known = register.checkpoints(frameworks_of(workspace))
        said = register.record_checkpoint(round_id, "6-weeks", on=at_six, note=note, known=known)
    assert "already recorded" in said
    [six, _] = register.checkpoints(frameworks_of(workspace))
    assert "3 of 5 in place" in six.note and "4 of 5 in place" in six.note
    text = document_text(build_round_report(workspace, register, round_id, at_six))
    assert "3 of 5 in place" in text and "4 of 5 in place" in text
    assert f"recorded {at_six:%d/%m/%Y}" in text


def test_only_thematic_rounds_have_checkpoints_in_the_tracker_and_reports(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    thematic = thematic_round(workspace, register, framework)
    simple = plan_audits(register, workspace, 1)
    simple_round = str(register.audit(simple[0]).round_id)  # type: ignore[union-attr]
    text = document_text(build_round_report(workspace, register, simple_round, TODAY))
    assert "6-week and 3-month checkpoints" not in text
    text = document_text(build_round_report(workspace, register, thematic, TODAY))
    assert "6-week and 3-month checkpoints" in text
    assert f"{TODAY + timedelta(weeks=6):%d/%m/%Y}" in text  # from the day the last form came back
    sheet = load_workbook(build_tracker(workspace, register, today=TODAY))[
        "Close-the-loop checkpoints"
    ]
    rounds = [r[0].value for r in sheet.iter_rows(min_row=4) if r[0].value]
    assert rounds == [thematic, thematic]
    # Neither checkpoint is due yet: no result, rather than "0%".
    assert [r[5].value for r in sheet.iter_rows(min_row=4) if r[0].value] == [None, None]
    assert "not yet due\nnot yet due" in text  # the share column of both, not "0%"


def read(path: Any) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_export_has_every_field_the_json_has(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    refs = plan_audits(register, workspace, 2)
    generate_packs(workspace, register)
    first, second = (register.audit(r) for r in refs)
    moderate(workspace, first, framework, to=GOOD, why="Supervision notes show the plan works.")  # type: ignore[arg-type]
    form = complete_form(pack_docx(workspace, second), framework)  # type: ignore[arg-type]
    form.tick("qaf_concern").text("qaf_concern_text", "Bruising seen; TM told today.").save()
    drop(pack_docx(workspace, second), workspace.inbox, "concern.docx")  # type: ignore[arg-type]
    run(workspace)

    written = {p.name: p for p in export_csv(register, workspace.root / "export")}
    audits = read(written["audits.csv"])
    assert list(audits[0])[:13] == [
        "audit_ref", "case_id", "round", "framework", "team", "worker", "auditor", "status",
        "issued_on", "due_on", "returned_on", "overall_grade", "moderated_grade",
    ]  # fmt: skip  # the old columns keep their names and places
    assert audits[0]["audit_date"] == TODAY.isoformat()
    assert audits[0]["round_kind"] == "simple" and audits[0]["reaudit_of"] == ""
    [moderation] = read(written["moderation.csv"])
    assert moderation["audit_ref"] == refs[0] and moderation["moderator"] == "M. Oderator"
    assert moderation["reason"] == "Supervision notes show the plan works."
    [concern] = read(written["concerns.csv"])
    assert concern["audit_ref"] == refs[1]
    assert concern["text"] == "Bruising seen; TM told today." and concern["escalated_to"]


def test_a_thematic_rounds_report_names_its_theme(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    import json

    round_id = thematic_round(workspace, register, framework)
    spec = {"theme_column": "Latest Category of Abuse", "theme_values": ["Neglect"]}
    with register.transaction() as db:  # the rules qaf sample records for a deep dive
        db.execute(
            "UPDATE rounds SET rules_json = ? WHERE round_id = ?",
            (json.dumps({"spec": spec}), round_id),
        )
    text = document_text(build_round_report(workspace, register, round_id, TODAY))
    assert "Neglect (Latest Category of Abuse)" in text


def test_a_checkpoint_past_due_and_unrecorded_is_overdue_in_qaf_checkpoints_as_in_status(
    workspace: Workspace, register: Register, framework: Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qaf_docs import clock

    thematic_round(workspace, register, framework)
    listed = CliRunner().invoke(cli, ["checkpoints", "--workspace", str(workspace.root)]).output
    assert "to do" in listed and "OVERDUE" not in listed
    monkeypatch.setattr(clock, "today", lambda: TODAY + timedelta(weeks=7))
    listed = CliRunner().invoke(cli, ["checkpoints", "--workspace", str(workspace.root)]).output
    [six, three] = [line for line in listed.splitlines() if " due " in line]
    assert six.endswith("to do OVERDUE") and three.endswith("to do")


def test_domain_figures_use_the_moderators_grade_for_the_area(workspace: Workspace) -> None:
    domains = [DomainResult(d, GOOD, "A clear rationale.") for d in DOMAINS]
    domains[0] = DomainResult(DOMAINS[0], RI, "Assessment out of date.", moderated_grade=GOOD)
    results = [audit(1, RI, moderated_grade=GOOD, domains=domains)]
    fake: Any = FakeRegister(results)
    path = build_tracker(workspace, fake, today=DAY)
    sheet = load_workbook(path)["Domain grades"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    counts = next(r for r in rows if r[0] == DOMAINS[0] and isinstance(r[1], int))
    assert counts[1:6] == [0, 1, 0, 0, 1]  # Outstanding, Good, RI, Inadequate, Total
    by_audit = next(r for r in rows if r[0] == "QA-00001")
    assert by_audit[3] == GOOD
    team = next(r for r in rows if r[0] == "Team 1")
    assert team[1] == 1  # share good or better in the area, by team
    text = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY)
    )
    assert "To develop" not in text
    assert "0 of 1 audits graded below good" not in text
    lines = text.splitlines()
    at = lines.index(DOMAINS[0])
    assert lines[at : at + 5] == [DOMAINS[0], "1", "1", "0", "100%"]


def test_a_period_with_nothing_graded_or_moderated_says_so_instead_of_empty_tables(
    workspace: Workspace,
) -> None:
    results = [audit(i, None) for i in (1, 2, 3)]  # issued, none back yet
    path = build_period_report(
        workspace, FakeRegister(results), parse_period("quarter", "2026Q3"), DAY
    )  # type: ignore[arg-type]
    text = document_text(path)
    assert (
        "No audit has been returned yet (0 of 3 planned). Of the 3 audits due back in this "
        "quarter, none came back after the due date and 3 are overdue" in text
    )
    assert "0 of them after the due date" not in text
    assert "No practice area has a grade in this period yet" in text
    assert "nothing to show by team" in text and "nothing to show by worker" in text
    assert "No audit in this period has been moderated yet." in text
    assert "Audits moderated: 0" not in text
    headers = [t.rows[0].cells[0].text for t in Document(str(path)).tables]
    assert not {"Domain", "Worker"} & set(headers)  # no table of zeros and n/a
    assert headers.count("Team") == 1  # completed against plan only, not grades by team


def test_an_inadequate_audit_without_an_audit_date_still_has_its_reaudit_due(
    workspace: Workspace,
) -> None:
    """A form accepted without its audit date (a warning, not a refusal) is dated by when it came
    back, as qaf status and sampling date its re-audit: the tracker and the quarter's report
    said nothing of the re-audit it missed."""
    undated = audit(1, INADEQUATE, on=date(2026, 2, 10), audit_date=None)
    fake: Any = FakeRegister([undated, audit(2, GOOD, on=date(2026, 2, 11))])
    text = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q2"), DAY)
    )
    assert "Re-audits that fell due in this period and have not been done: 1." in text
    # In a table, not "1 (QA-00001 (case C00001, due 10/05/2026))": brackets within brackets.
    assert "Audit ref\nCase ID\nRe-audit due\nQA-00001\nC00001\n10/05/2026" in text
    path = build_tracker(workspace, fake, today=DAY)
    sheet = load_workbook(path)["Re-audits & escalations"]
    rows = {r[0].value: (r[4].value, r[5].value) for r in sheet.iter_rows(min_row=2)}
    what, when = rows["QA-00001"]
    assert what == "Re-audit due" and when.date() == date(2026, 5, 10)


def test_areas_to_develop_whose_names_have_commas_are_listed_apart(workspace: Workspace) -> None:
    # "Practice development on Assessment, Review and Diversity, identity and culture"
    # left a reader to work out where one area ended and the next began.
    areas = ["Assessment", "Diversity, identity and culture", "Review"]
    results = [
        audit(i, "Inadequate", domains=[DomainResult(d, "Inadequate", "Rationale.") for d in areas])
        for i in (1, 2)
    ]
    fake: Any = FakeRegister(results)
    text = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY)
    )
    assert (
        "Practice development on Assessment; Review; and Diversity, identity and culture: 2 of 2 "
        "audits graded below good in each."
    ) in text
