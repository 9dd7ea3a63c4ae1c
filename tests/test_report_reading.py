"""The Word reports as a QA board reads them: a table row never cut across two pages, a trend only
where there is something to compare, plain words for none and for one, and a round compared with
earlier rounds of its own kind of audit."""

from __future__ import annotations

import dataclasses
import itertools
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from test_reports import FakeRegister, audit, document_text

from qaf_docs.errors import QafError
from qaf_docs.reports.period_report import build_period_report, build_round_report
from qaf_docs.reports.periods import parse_period
from qaf_docs.workspace import Workspace

DAY = date(2026, 9, 1)
Q3 = parse_period("quarter", "2026Q3")


def test_no_table_row_is_cut_across_two_pages(workspace: Workspace) -> None:
    # A team name wrapping onto two lines at the foot of a page left "Children in Care Team" and
    # its figures on one page and "1" on the next.
    fake: Any = FakeRegister(
        [audit(i, "Good", team=f"Children in Care Team {i}") for i in range(1, 4)]
    )
    for path in (
        build_round_report(workspace, fake, "2026-07-simple", DAY),
        build_period_report(workspace, fake, Q3, DAY),
    ):
        with zipfile.ZipFile(path) as z:
            body = z.read("word/document.xml").decode()
        rows = body.count("<w:tr>") + body.count("<w:tr ")
        assert rows > 20
        assert body.count("<w:cantSplit") == rows, path.name


def tables_introduced(path: Path) -> list[str]:
    """The sentences right before a table in the report at ``path``, each checked to keep with
    its table (a heading keeps with what follows by its style)."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{w}body")
    introduced: list[str] = []
    for before, block in itertools.pairwise(body):
        said = "".join(before.itertext()).strip()
        if block.tag != f"{w}tbl" or before.tag != f"{w}p" or not said:
            continue
        style = before.find(f"{w}pPr/{w}pStyle")
        if style is not None and style.get(f"{w}val", "").startswith("Heading"):
            continue
        assert before.find(f"{w}pPr/{w}keepNext") is not None, said
        introduced.append(said)
    return introduced


def test_a_rounds_returns_say_none_rather_than_nought(workspace: Workspace) -> None:
    # "3 of 3 planned audits were returned (100%), 0 of them after the due date; 0 returns are
    # overdue" is how a spreadsheet talks, not a report to a board.
    fake: Any = FakeRegister([audit(i, "Good") for i in range(1, 4)])
    text = document_text(build_round_report(workspace, fake, "2026-07-simple", DAY))
    assert (
        "All 3 planned audits were returned (100%), none of them after the due date; "
        "no return is overdue."
    ) in text
    late = audit(4, "Good", due_on=date(2026, 7, 1))
    waiting = audit(5, None, due_on=date(2026, 8, 1))
    fake = FakeRegister([audit(1, "Good"), late, waiting])
    text = document_text(build_round_report(workspace, fake, "2026-07-simple", DAY))
    assert (
        "2 of 3 planned audits were returned (67%), 1 of them after the due date; "
        "1 return is overdue."
    ) in text


def test_a_quarter_with_one_audit_reads_as_one(workspace: Workspace) -> None:
    # "1 of 1 planned audits were returned", "0% of 1 graded audits were good or better" and
    # "Assessment, 1 of 1 audits below good" were what a quarter with one audit said.
    one = audit(1, "Requires improvement to be good", on=date(2026, 8, 3))
    text = document_text(build_period_report(workspace, FakeRegister([one]), Q3, DAY))  # type: ignore[arg-type]
    # "The 1 planned audit", "Of the 1 audit due back": figures, where English says one.
    assert "The one audit planned was returned (100%)." in text
    assert "The audit due back in this quarter is neither late nor overdue (late and" in text
    assert "The 1 " not in text and "the 1 " not in text
    assert (
        "The one audit graded was below good (0% good or better, 0% inadequate, within the target "
        "of 10% or less)."
    ) in text
    assert "To develop: Assessment, its only graded audit below good." in text
    assert "1 of 1 audits" not in text and "of 1 graded audits" not in text
    moderated = audit(1, "Good", moderated_grade="Good", on=date(2026, 8, 3))
    text = document_text(build_period_report(workspace, FakeRegister([moderated]), Q3, DAY))  # type: ignore[arg-type]
    assert "The moderator of the one audit moderated kept the auditor's grade." in text
    assert "kappa" not in text.split("How well did we do it")[0]  # no statistic of one audit
    # Its Moderation section read "(there are 1)", then "(agreement 100%; weighted kappa is given
    # from 10 moderated audits (there is 1))": a statistician's term in brackets within brackets.
    assert (
        "Grades the moderator changed: 0 (the auditor's grade was kept in 100% of them). "
        "Agreement beyond chance is given from 10 moderated audits; there is 1 so far."
    ) in text
    assert "))" not in text


@pytest.mark.parametrize(
    ("one", "said"),
    [
        (
            audit(1, "Good", on=date(2026, 8, 3), due_on=date(2026, 7, 27)),
            "The one audit planned was returned (100%). The audit due back in this quarter came "
            "back after the due date (late",
        ),
        (
            audit(1, None, on=date(2026, 8, 3)),
            "The one audit planned has not been returned yet. The audit due back in this quarter "
            "is overdue (late",
        ),
    ],
)
def test_a_quarter_with_one_audit_due_back_says_what_became_of_it(
    workspace: Workspace, one: Any, said: str
) -> None:
    # "No audit has been returned yet (0 of 1 planned). Of the 1 audit due back in this quarter,
    # none came back after the due date and 1 is overdue": a sum, where one audit was late.
    text = document_text(build_period_report(workspace, FakeRegister([one]), Q3, DAY))  # type: ignore[arg-type]
    assert said in text
    assert "Of the 1 " not in text and "0 of 1" not in text


def test_a_quarter_whose_areas_were_all_good_does_not_say_none_was_graded(
    workspace: Workspace,
) -> None:
    # One audit, every area graded Good, its overall grade moderated down to Inadequate: the
    # report said "No domain was graded in this period" under five areas graded Good.
    down = audit(1, "Good", moderated_grade="Inadequate", on=date(2026, 8, 3))
    text = document_text(build_period_report(workspace, FakeRegister([down]), Q3, DAY))  # type: ignore[arg-type]
    assert "No domain was graded" not in text
    assert "No practice area had an audit graded below good in this period." in text
    assert "The one audit graded was inadequate" in text


def test_a_quarter_without_audits_has_no_tables_of_noughts(workspace: Workspace) -> None:
    # After "There were no audits in …, so there is nothing to report", How much did we do showed
    # three tables of "No audits 0 0 n/a" with totals of 0.
    fake: Any = FakeRegister([audit(1, "Good", on=date(2026, 5, 4))])
    text = document_text(build_period_report(workspace, fake, Q3, DAY))
    assert "There were no audits in July to September 2026, so there is nothing to report." in text
    assert "No audit was planned or returned in this period." in text
    assert "No audits\n0\n0" not in text and "Completed against plan by" not in text
    text = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q2"), DAY)
    )
    assert "No audit was planned or returned" not in text
    # Its one audit is not tabled against itself (test_report_how_much): one sentence says so.
    assert "The one audit planned was of one team (Team 1)" in text


def test_moderation_agreement_is_said_in_words_until_there_are_enough_to_measure(
    workspace: Workspace,
) -> None:
    # "weighted kappa not shown below 10 moderated audits (n = 5)" was a statistician's note.
    five: Any = FakeRegister(
        [audit(i, "Good", moderated_grade="Good", on=date(2026, 8, 3)) for i in range(1, 6)]
    )
    text = document_text(build_period_report(workspace, five, Q3, DAY))
    assert (
        "Moderators kept the auditor's grade in 100% of 5 moderated audits; agreement beyond "
        "chance is given from 10 moderated audits."
    ) in text
    assert "not shown below" not in text
    assert (
        "Grades the moderator changed: 0 (the auditor's grade was kept in 100% of them). "
        "Agreement beyond chance is given from 10 moderated audits; there are 5 so far."
    ) in text


def test_the_moderation_section_says_what_the_weighted_kappa_means(workspace: Workspace) -> None:
    # "(agreement 83%; weighted kappa 0.71 (n = 12))": a number with no scale to read it by.
    grades = ["Good", "Requires improvement to be good", "Inadequate"]
    twelve: Any = FakeRegister(
        [
            audit(
                i, grades[i % 3], on=date(2026, 8, 3),
                moderated_grade=grades[(i % 3 + (i % 6 == 0)) % 3],
            )
            for i in range(1, 13)
        ]
    )  # fmt: skip
    text = document_text(build_period_report(workspace, twelve, Q3, DAY))
    assert "Grades the moderator changed: 2 (the auditor's grade was kept in 83% of them)." in text
    assert re.search(
        r"Agreement beyond chance \(weighted kappa, where 0 is chance and 1 full agreement\): "
        r"\d\.\d\d, over 12 moderated audits\.",
        text,
    ), text
    assert "(n = 12))" not in text


def test_a_trend_needs_an_earlier_period_and_the_summary_compares_with_the_last(
    workspace: Workspace,
) -> None:
    # With nothing before it the report drew a "trend" of one point, and with an earlier quarter
    # nothing said whether practice had got better or worse since.
    alone: Any = FakeRegister([audit(1, "Good", on=date(2026, 8, 3))])
    text = document_text(build_period_report(workspace, alone, Q3, DAY))
    assert "No earlier quarter has audits to compare with, so there is no trend yet." in text
    assert "Compared with" not in text
    with zipfile.ZipFile(workspace.outbox / "reports" / "QA_report_2026Q3.docx") as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/trend")]
    earlier = [audit(i, "Good" if i == 1 else "Inadequate", on=date(2026, 5, 4)) for i in (1, 2)]
    now = [audit(i, "Good", on=date(2026, 8, 3)) for i in (3, 4, 5)]
    text = document_text(build_period_report(workspace, FakeRegister(earlier + now), Q3, DAY))  # type: ignore[arg-type]
    assert (
        "Compared with the previous quarter (April to June 2026, 2 graded audits): good or better "
        "rose from 50% to 100%; inadequate fell from 50% to 0%."
    ) in text
    assert "no trend yet" not in text
    assert "Actions for the next quarter" in text


def test_a_round_is_compared_with_earlier_rounds_of_its_own_framework(
    workspace: Workspace,
) -> None:
    # A multi-agency round's trend listed the collaborative audits' round before it, as if the
    # two kinds of audit graded the same practice.
    other = audit(1, "Inadequate", round_id="2026-06-simple", on=date(2026, 6, 3))
    multi = "multi-agency-audit"
    same = audit(2, "Good", round_id="2026-06-multi", on=date(2026, 6, 10), framework_id=multi)
    mine = [audit(i, "Good", round_id="2026-07-multi", framework_id=multi) for i in (3, 4)]
    fake: Any = FakeRegister([other, same, *mine])
    text = document_text(build_round_report(workspace, fake, "2026-07-multi", DAY))
    assert "2026-06-multi" in text and "2026-06-simple" not in text
    assert "Compared with the previous round (2026-06-multi, 1 graded audit)" in text
    # Beside the workspace's own framework, the round says which framework it is.
    assert (
        "This report covers the audits of round 2026-07-multi, audited with the Multi-agency "
        in (text)
    )
    fake = FakeRegister([other, *mine])
    text = document_text(build_round_report(workspace, fake, "2026-07-multi", DAY))
    assert "No earlier Multi-agency audit round has audits to compare with" in text
    assert "Actions for the next round" in text


def test_the_trend_of_sampled_audits_leaves_re_audits_out_and_says_so(
    workspace: Workspace,
) -> None:
    # Re-audits (cases chosen for an Inadequate grade three months before) were counted in the
    # quarter's trend as if sampled: two inadequate re-audits turned "stayed at 100%" into "fell
    # from 100% to 50%", a fall in practice that no sampled audit showed.
    earlier = [audit(i, "Good", on=date(2026, 5, 4)) for i in (1, 2)]
    sampled = [audit(i, "Good", on=date(2026, 8, 3)) for i in (3, 4)]
    again = [
        audit(
            i, "Inadequate", on=date(2026, 8, 5), round_id="2026-08-reaudit", round_kind="reaudit"
        )
        for i in (5, 6)
    ]
    fake: Any = FakeRegister(earlier + sampled + again)
    text = document_text(build_period_report(workspace, fake, Q3, DAY))
    assert (
        "Leaving out re-audits, compared with the previous quarter (April to June 2026, 2 graded "
        "audits): good or better stayed at 100%; inadequate stayed at 0%."
    ) in text
    assert "fell from 100% to 50%" not in text
    assert (
        "The trend counts the routine audits drawn as a sample and leaves out re-audits, deep "
        "dive audits and audits at closure"
    ) in text
    assert (
        "Left out of these quarters: 2 re-audits; what came of each re-audit is under Cases "
        "audited again in the report of its quarter."
    ) in text
    # The Summary's own figures still count every audit of the quarter, re-audits too.
    assert "50% of 4 graded audits were good or better" in text
    one: Any = FakeRegister(earlier + sampled + again[:1])
    text = document_text(build_period_report(workspace, one, Q3, DAY))
    assert "Left out of these quarters: 1 re-audit; what came of each re-audit is under" in text
    none: Any = FakeRegister(earlier + sampled)
    text = document_text(build_period_report(workspace, none, Q3, DAY))
    assert "There was no re-audit, deep dive or audit at closure in these quarters." in text
    assert "Compared with the previous quarter (April to June 2026" in text


def test_a_rounds_trend_keeps_re_audit_rounds_apart_from_sampled_rounds(
    workspace: Workspace,
) -> None:
    # A random-sample round's trend listed the re-audit round before it among "earlier rounds".
    first = audit(1, "Good", round_id="2026-05-simple", on=date(2026, 5, 4))
    reaudit = audit(
        2, "Inadequate", round_id="2026-06-reaudit", on=date(2026, 6, 10), round_kind="reaudit"
    )
    mine = [audit(i, "Good", round_id="2026-07-simple") for i in (3, 4)]
    fake: Any = FakeRegister([first, reaudit, *mine])
    text = document_text(build_round_report(workspace, fake, "2026-07-simple", DAY))
    assert "Compared with the previous round (Random sample, May 2026, 1 graded audit)" in text
    assert "2026-06-reaudit" not in text and "Re-audits due, June 2026" not in text
    assert "The trend is of routine rounds drawn as a sample, and leaves out re-audit rounds" in (
        text
    )
    later = audit(5, "Good", round_id="2026-09-reaudit", on=date(2026, 9, 10), round_kind="reaudit")
    fake = FakeRegister([first, reaudit, *mine, later])
    text = document_text(build_round_report(workspace, fake, "2026-09-reaudit", DAY))
    assert "Compared with the previous round (Re-audits due, June 2026, 1 graded audit)" in text
    assert "Random sample" not in text
    assert "This is a re-audit round, so its trend is of earlier re-audit rounds only" in text
    # The first re-audit round has none before it, though sampled rounds came before.
    fake = FakeRegister([first, *mine, later])
    text = document_text(build_round_report(workspace, fake, "2026-09-reaudit", DAY))
    assert "No earlier re-audit round of the Collaborative audit has audits to compare with" in text


def test_each_area_for_development_gets_west_sussexs_five_questions_with_what_was_recorded(
    workspace: Workspace,
) -> None:
    # West Sussex's quarterly report is to explain, for each area for development, why it is a
    # priority, what was proposed, how it will improve practice, when the difference will show and
    # how it will be measured. The report only said "To develop: Planning, 2 of 4 audits below good".
    def planning(i: int, area: str, overall: str, criteria: str = "") -> Any:
        a = audit(i, overall, on=date(2026, 8, 3))
        domains = [
            dataclasses.replace(d, grade=area) if d.domain == "Planning" else d for d in a.domains
        ]
        action = dataclasses.replace(a.actions[0], success_criteria=criteria)
        return dataclasses.replace(a, domains=domains, actions=[action])

    audits = [
        planning(1, "Inadequate", "Inadequate", "The plan has dates Pat Worker1 agreed"),
        planning(2, "Requires improvement to be good", "Good"),
        planning(3, "Good", "Good"),
    ]
    text = document_text(build_period_report(workspace, FakeRegister(audits), Q3, DAY))  # type: ignore[arg-type]
    assert "For each area for development the framework asks the report to explain" in text
    assert "Planning: 2 of 3 audits below good" in text
    table = text.split("Planning: 2 of 3 audits below good", 1)[1]
    assert "Why they are a priority – i.e., how each issue impacts on children’s outcomes" in table
    assert "The first of 2 rationales recorded: “Rationale Planning by Worker A" in table
    # audit() agrees one action each; audit 1's is completed, audit 2's is open and past due.
    assert (
        "2 actions were agreed in the 2 audits graded below good here: 1 completed, 1 still open "
        "(1 past its due date)."
    ) in table
    assert (
        "Success criteria were recorded for 1 of the 2 actions: “The plan has dates Worker A agreed”"
    ) in table
    assert "The actions agreed fall due by 17/08/2026. The inadequate audit is re-audited at 3" in (
        table
    )
    assert "in the next quarter's report (now 33%, 2 of 3 audits below good)" in table
    assert "Pat Worker" not in text
    # A framework that asks no such questions (the multi-agency audit) gets no such table.
    other = [dataclasses.replace(a, framework_id="multi-agency-audit") for a in audits]
    rounds = build_round_report(workspace, FakeRegister(other), "2026-07-simple", DAY)  # type: ignore[arg-type]
    assert "For each area for development" not in document_text(rounds)


def test_a_round_whose_audits_were_all_cancelled_says_so_and_writes_no_report(
    workspace: Workspace,
) -> None:
    # It wrote a report saying "There were no audits in round 2026-07-simple", of a round of two.
    cancelled = [audit(i, "Good", status="cancelled") for i in (1, 2)]
    with pytest.raises(QafError) as raised:
        build_round_report(workspace, FakeRegister(cancelled), "2026-07-simple", DAY)  # type: ignore[arg-type]
    assert str(raised.value) == (
        "Round 2026-07-simple: all 2 of its audits were cancelled, so there is nothing to report on."
    )
    assert not (workspace.reports_dir / "round_2026-07-simple.docx").exists()
    one = FakeRegister(cancelled[:1])
    with pytest.raises(QafError, match="its 1 audit was cancelled"):
        build_round_report(workspace, one, "2026-07-simple", DAY)  # type: ignore[arg-type]
