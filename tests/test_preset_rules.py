"""What a preset decides about a round follows its council's document (``../shared/seeds/``): when
an audit is due back, who audits a case at closure, whether restricted records are drawn. Where a
document gives no figure, the preset keeps the built-in default and says so in a comment."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from qaf_docs.cases import rounds
from qaf_docs.dates import due_after
from qaf_docs.frameworks import load_framework, preset_names
from qaf_docs.register.store import Register
from qaf_docs.reports import figures
from qaf_docs.reports.report_content import next_steps
from qaf_docs.workspace import Workspace, init_workspace

TODAY = date(2026, 11, 20)
TIMESCALES = (
    "audit_return_days",
    "recent_audit_exclusion_months",
    "immediate_action_working_days",
    "reaudit_after_months",
)


def _preset_text(preset: str) -> str:
    return (resources.files("qaf_docs") / "presets" / f"{preset}.toml").read_text(encoding="utf-8")


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _roster(tmp_path: Path, *rows: str) -> Path:
    return _write(tmp_path / "roster.csv", ["Name,Email,Role,Team,Monthly capacity", *rows])


def _draw(
    ws: Workspace, cases: Path, roster: Path, n: int | None = None, percent: float | None = None
) -> rounds.RoundReport:
    return rounds.draw(ws, cases, roster, kind="simple", seed=3, today=TODAY, n=n, percent=percent)


@pytest.mark.parametrize("preset", preset_names())
def test_an_audit_is_due_back_when_the_councils_document_says(tmp_path: Path, preset: str) -> None:
    # Bracknell: "One month prior to the audit activity, cases will be randomly chosen and
    # distributed to auditor"; the other documents give no date, so the built-in 20 days.
    days = 31 if preset == "live-case-audit" else 20
    ws = init_workspace(tmp_path / "ws", framework=preset)
    cases = _write(
        tmp_path / "cases.csv",
        ["Child ID,Allocated Team,Allocated Worker,Start Date"]
        + [f"{7000 + i},Locality 1,W {i},01/02/2025" for i in range(4)],
    )
    roster = _roster(tmp_path, "Qa One,qa1@c.example,QA Auditor,Quality Assurance,5")
    report = _draw(ws, cases, roster, n=2)
    assert report.allocated == 2
    with Register.open(ws.register_path) as register:
        assert {a.due_on for a in register.audits()} == {due_after(TODAY, days)}


@pytest.mark.parametrize("preset", preset_names())
def test_a_timescale_the_document_gives_no_figure_for_is_named_in_a_comment(preset: str) -> None:
    text = _preset_text(preset)
    set_here = tomllib.loads(text).get("timescales", {})
    for key in TIMESCALES:
        assert key in set_here or re.search(rf"^# {key} = ", text, re.M), (preset, key)


def _cases_with_a_restricted_record(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "cases.csv",
        [
            "Child ID,Allocated Team,Allocated Worker,Start Date,Restricted",
            "7001,Locality 1,W 1,01/02/2025,Yes",
            "7002,Locality 1,W 2,01/02/2025,No",
            "7003,Locality 2,W 3,01/02/2025,",
        ],
    )


@pytest.mark.parametrize("preset", preset_names())
def test_restricted_records_are_sampled_where_the_document_says_and_the_summary_says_so(
    tmp_path: Path, preset: str
) -> None:
    # West Sussex: auditors "Check that the record is not restricted – if necessary, submit a
    # request to gain access". No other document puts restricted records in the sample.
    included = preset == "collaborative-audit"
    ws = init_workspace(tmp_path / "ws", framework=preset)
    roster = _roster(tmp_path, "Qa One,qa1@c.example,QA Auditor,Quality Assurance,5")
    report = _draw(ws, _cases_with_a_restricted_record(tmp_path), roster, percent=100)
    drawn = {case for case, _, _ in report.audits}
    text = "\n".join(report.lines())
    assert ("7001" in drawn) is included, text
    assert ("1 restricted record(s) are in this round (7001)" in text) is included, text
    assert report.excluded == (0 if included else 1)


def test_the_workspaces_own_setting_still_decides_over_the_framework(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", framework="collaborative-audit")
    text = ws.settings_path.read_text("utf-8")
    ws.settings_path.write_text(
        text.replace("# include_restricted = false", "include_restricted = false"), "utf-8"
    )
    roster = _roster(tmp_path, "Qa One,qa1@c.example,QA Auditor,Quality Assurance,5")
    report = _draw(ws, _cases_with_a_restricted_record(tmp_path), roster, percent=100)
    assert "7001" not in {case for case, _, _ in report.audits}
    assert report.excluded == 1
    # A qaf.toml from before the framework decided this says false: the summary says so.
    assert any(
        "Restricted records are left out, though the framework puts them in the sample" in w
        and "delete that line" in w
        for w in report.warnings
    ), report.warnings


def _closure_round(tmp_path: Path, ws: Workspace) -> rounds.RoundReport:
    # Two closed cases in Locality 1; its own Deputy Team Manager and one from Locality 2.
    cases = _write(
        tmp_path / "closed.csv",
        ["Child ID,Allocated Team,Allocated Worker,Start Date,Closure Date"]
        + [f"{7100 + i},Locality 1,W {i},01/02/2025,01/11/2026" for i in range(2)],
    )
    roster = _roster(
        tmp_path,
        "Dee Own,dee@c.example,Deputy Team Manager,Locality 1,5",
        "Dan Other,dan@c.example,Deputy Team Manager,Locality 2,5",
    )
    return rounds.draw(ws, cases, roster, kind="closure", seed=3, today=TODAY)


@pytest.mark.parametrize("preset", preset_names())
def test_only_bnes_has_a_deputy_team_manager_audit_their_own_teams_closures(
    tmp_path: Path, preset: str
) -> None:
    # B&NES (seed 000, section 4): "Deputy Team Managers will audit all cases at closure". No other
    # document lets a manager audit their own team; the rule must not leak into their workspaces.
    ws = init_workspace(tmp_path / "ws", framework=preset)
    report = _closure_round(tmp_path, ws)
    auditors = {who for _, _, who in report.audits}
    assert len(report.audits) == 2
    if preset == "tier-one-manager-audit":
        assert auditors == {"Dee Own"}, report.lines()
    else:
        assert auditors == {"Dan Other"}, report.lines()
    assert not [w for w in report.warnings if "qaf.toml says so" in w]


def test_the_own_team_rule_qaf_init_writes_is_the_frameworks(tmp_path: Path) -> None:
    bnes = init_workspace(tmp_path / "bnes", framework="tier-one-manager-audit")
    west_sussex = init_workspace(tmp_path / "ws", framework="collaborative-audit")
    assert load_framework("tier-one-manager-audit").sampling.own_team_roles == {
        "tier-one": ["Deputy Team Manager", "Team Manager"],
        "closure": ["Deputy Team Manager"],
    }
    for preset in preset_names():
        if preset != "tier-one-manager-audit":
            assert load_framework(preset).sampling.own_team_roles == {}, preset
    for ws in (bnes, west_sussex):
        assert ws.load_settings().sampling.own_team_roles is None  # unset: the framework's
    said = bnes.settings_path.read_text("utf-8")
    assert "tier-one: Deputy Team Manager, Team Manager; closure: Deputy Team Manager" in said
    said = west_sussex.settings_path.read_text("utf-8")
    assert "collaborative-audit's:\n#   no auditor audits their own team's cases" in said


def test_a_qaf_toml_with_the_rule_an_earlier_init_wrote_is_told_so(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", framework="collaborative-audit")
    text = ws.settings_path.read_text("utf-8")
    earlier = '[sampling.own_team_roles]\ntier-one = ["Deputy Team Manager", "Team Manager"]\n'
    earlier += 'closure = ["Deputy Team Manager"]\n\n[sampling.columns]'
    ws.settings_path.write_text(text.replace("[sampling.columns]", earlier), "utf-8")
    report = _closure_round(tmp_path, ws)
    # The workspace's own setting still decides, and the round's notes say how to follow the
    # framework instead.
    assert {who for _, _, who in report.audits} == {"Dee Own"}
    assert any(
        "Deputy Team Managers audit their own team's cases in this round because qaf.toml says so"
        in w
        and "delete that table" in w
        for w in report.warnings
    ), report.warnings


@pytest.mark.parametrize("preset", preset_names())
def test_a_re_audit_interval_only_west_sussex_gives_is_called_qafs_default_elsewhere(
    preset: str,
) -> None:
    # West Sussex (seed 003): "the re-audit at three months". The other four documents describe no
    # re-audit of a case after its grade: qaf re-audits at 3 months and says that is its default.
    timescales = load_framework(preset).timescales
    assert timescales.reaudit_after_months == 3
    inadequate = figures.Headline(
        planned=10, returned=10, overdue_returns=0, returned_late=0, graded=10, good=5,
        inadequate=4, target=0.10, moderated=0, changed=0, kappa=None, actions=0, actions_due=0,
        actions_on_time=0, escalations_open=None, concerns_open=None,
    )  # fmt: skip
    [step] = [
        s
        for s in next_steps(inadequate, [], reaudit_when=timescales.reaudit_when())
        if "above the 10% target" in s
    ]
    if preset == "collaborative-audit":
        assert step.endswith("confirm re-audits at 3 months."), step
    else:
        assert step.endswith(
            "confirm re-audits at 3 months (qaf's default: the framework gives no re-audit "
            "interval)."
        ), step


def test_tier_one_quotas_are_bnes_figures_and_the_team_managers_is_called_qafs(
    tmp_path: Path,
) -> None:
    # Seed 000, section 4: "One case per Deputy Team Manager"; "Divisional Director; two case files
    # each month"; "Service Managers; one case file each month"; "Principal Social Worker; two case
    # files each month". Team Managers "will be required on a monthly basis to audit", with no
    # number given for them: their 1 is qaf's, and qaf.toml says so.
    ws = init_workspace(tmp_path / "ws", framework="tier-one-manager-audit")
    assert ws.load_settings().sampling.quotas == {
        "Deputy Team Manager": 1,
        "Team Manager": 1,
        "Divisional Director": 2,
        "Service Manager": 1,
        "Principal Social Worker": 2,
    }
    said = " ".join(
        line.lstrip("# ").strip()
        for line in ws.settings_path.read_text("utf-8").splitlines()
        if line.startswith("#")
    )
    assert "Team Manager 1 is qaf's default, not B&NES's" in said
