"""City of London's Getting to Outstanding meeting: a half-cycle round's recommendations are
reviewed and signed off at a meeting chaired by AD People, which qaf lists as the round's
checkpoint (qaf checkpoints, qaf status, the QA tracker) for the QA team to record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, plan_audits
from lifecycle_helpers import return_form
from openpyxl import load_workbook
from test_framework_seeds import SEEDS

from qaf_docs import clock
from qaf_docs.cli import cli
from qaf_docs.dates import add_months, month_end
from qaf_docs.errors import FrameworkError
from qaf_docs.frameworks import load_framework
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.reports.lifecycle import lifecycle_lines
from qaf_docs.reports.qa_tracker import build_tracker
from qaf_docs.workspace import Workspace, frameworks_of

SEED = SEEDS / "002_6655feb83f00b193.txt"  # the seeds beside the repository (QAF_SEEDS elsewhere)
PRESET = "independent-cycle-audit"


@pytest.fixture
def city(tmp_path: Path, make_workspace: Callable[..., Workspace]) -> Workspace:
    return make_workspace(tmp_path / "ws", framework=PRESET, council_name="City Council")


def _half_cycle_back(ws: Workspace, kind: str = "half-cycle") -> str:
    framework = ws.load_framework()
    with open_register(ws) as register:
        refs = plan_audits(register, ws, 2, round_kind=kind)
        generate_packs(ws, register)
        for n, ref in enumerate(refs):
            return_form(ws, register.audit(ref), framework, name=f"{n}.docx")  # type: ignore[arg-type]
        return str(register.audit(refs[0]).round_id)  # type: ignore[union-attr]


def _qaf(ws: Workspace, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.skipif(not SEED.exists(), reason="the framework seeds are not here")
def test_the_preset_holds_the_meeting_the_seed_describes() -> None:
    seed = " ".join(SEED.read_text("utf-8").split())
    said = 'Reviewed and signed off in getting to "outstanding" meeting chaired by AD People'
    assert said in seed
    assert "Getting to Outstanding Meetings; reviewing progress made on recommendations" in seed
    [meeting] = load_framework(PRESET).follow_up_reviews
    assert (meeting.title, meeting.chair, meeting.rounds) == (
        "Getting to Outstanding meeting",
        "AD People",
        ["half-cycle"],
    )
    assert said in meeting.reviews
    # "In April/ May audits are completed ..." then "June July evidence of recommendations being
    # progressed": audits back in May, the meeting by the end of July.
    assert meeting.due_on(date(2026, 5, 20)) == date(2026, 7, 31)
    assert meeting.due_on(date(2026, 11, 30)) == date(2027, 1, 31)  # "December /January"


def test_a_half_cycle_round_back_is_due_its_getting_to_outstanding_meeting(
    city: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = _half_cycle_back(city)
    due = month_end(add_months(TODAY.replace(day=1), 2))
    listed = _qaf(city, "checkpoints")
    assert f"{round_id}  getting-to-outstanding" in listed
    assert "Getting to Outstanding meeting (chaired by AD People) - to do" in listed
    opens = add_months(TODAY.replace(day=1), 1)  # "December /January": from the 1st of the next
    with open_register(city) as register:
        before = lifecycle_lines(city, register, opens - timedelta(days=1))
        near = lifecycle_lines(city, register, opens)
        tracker = build_tracker(city, register, today=TODAY)
    assert not any("getting-to-outstanding" in line for line in before)
    assert any(
        line.startswith(f"close the loop {round_id} (getting-to-outstanding)") for line in near
    )
    sheet = load_workbook(tracker)["Close-the-loop checkpoints"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4) if r[0].value]
    assert [r[:3] for r in rows] == [[round_id, "Getting to Outstanding meeting", rows[0][2]]]
    assert rows[0][2].date() == due and rows[0][7] == "Not yet due"
    # Counted as the thematic checkpoints are: the round's agreed actions (two on each of the two
    # forms), and how many were done by the meeting (no share before it is due, not 0%).
    assert rows[0][3:6] == [4, 0, None]

    refused = CliRunner().invoke(
        cli, ["checkpoints", round_id, "getting-to-outstanding", "--note", "early",
              "--workspace", str(city.root)],
    )  # fmt: skip
    assert refused.exit_code == 1
    assert f"it can be recorded from {opens:%d/%m/%Y}, not before" in refused.output
    monkeypatch.setattr(clock, "today", lambda: opens)  # the meeting held early in its window
    said = _qaf(
        city, "checkpoints", round_id, "getting-to-outstanding",
        "--note", "Signed off: 3 of 4 recommendations progressed",
    )  # fmt: skip
    assert said.strip() == f"{round_id} getting-to-outstanding: recorded as done."
    assert "done" in _qaf(city, "checkpoints") and "Signed off: 3 of 4" in _qaf(city, "checkpoints")
    with open_register(city) as register:
        sheet = load_workbook(build_tracker(city, register, today=TODAY))[
            "Close-the-loop checkpoints"
        ]
    [row] = [[c.value for c in r] for r in sheet.iter_rows(min_row=4) if r[0].value]
    assert row[7] == "Signed off: 3 of 4 recommendations progressed"


def test_other_rounds_of_the_framework_have_no_meeting(city: Workspace) -> None:
    _half_cycle_back(city, kind="simple")
    with open_register(city) as register:
        assert register.checkpoints(frameworks_of(city)) == []


def test_a_meeting_after_a_round_kind_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "qaf_docs" / "presets" / f"{PRESET}.toml").read_text(
        "utf-8"
    )
    wrong = tmp_path / "ours.toml"
    wrong.write_text(text.replace('rounds = ["half-cycle"]', 'rounds = ["half cycle"]'), "utf-8")
    with pytest.raises(FrameworkError, match="'half cycle' is not a kind of round"):
        load_framework(wrong)
