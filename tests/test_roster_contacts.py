"""People a framework writes to (escalations, notifications) are on the roster as contacts: a row
with their role and no monthly capacity is someone to address, not an auditor whose capacity is
missing, which stopped every round with 'no monthly capacity'."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from qaf_docs.cases.roster import read_roster
from qaf_docs.cli import cli
from qaf_docs.frameworks.loading import load_framework, preset_names
from qaf_docs.frameworks.model import Framework
from qaf_docs.workspace import init_workspace

HEADER = "Name,Email,Role,Team,Monthly Capacity\n"
AUDITOR = "Ann Smith,ann@council.example,QA Auditor,Quality Assurance,4\n"


def roles_written_to(framework: Framework) -> list[str]:
    """Every escalation and notification role, read from the framework's own fields; "Auditor" is
    the audit's own auditor, who must have a capacity on the roster."""
    e = framework.escalation
    named = [
        *e.immediate_concerns,
        *e.immediate_concerns_notify,
        *e.grade_disputes,
        *e.missing_historical_information,
        *(r for level in e.levels for r in (*level.roles, *level.responsible)),
        *framework.moderation.notify,
    ]
    return sorted({r for r in named if r.casefold() != "auditor"})


def roster_with(tmp_path: Path, roles: list[str]) -> Path:
    rows = "".join(
        f'"Contact {i}",contact{i}@council.example,"{role}",,\n' for i, role in enumerate(roles)
    )
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + AUDITOR + rows, "utf-8")
    return path


@pytest.mark.parametrize("preset", preset_names())
def test_every_role_a_preset_writes_to_is_a_contact_not_a_broken_auditor_row(tmp_path, preset):
    framework = load_framework(preset)
    roles = roles_written_to(framework)
    assert sorted(framework.contact_roles()) == roles
    auditors = read_roster(roster_with(tmp_path, roles))  # raised 'no monthly capacity'
    assert [a.name for a in auditors] == ["Ann Smith"]


def test_the_multi_agency_sub_committee_is_a_contact_until_given_a_capacity(tmp_path):
    role = "Monitoring & Evaluation Sub Committee"
    assert role in load_framework("multi-agency-audit").escalation.missing_historical_information
    assert [a.name for a in read_roster(roster_with(tmp_path, [role]))] == ["Ann Smith"]
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + AUDITOR + f'Mo Khan,mo@council.example,"{role}",,2\n', "utf-8")
    assert [(a.name, a.monthly_capacity) for a in read_roster(path)] == [
        ("Ann Smith", 4),
        ("Mo Khan", 2),
    ]


def test_a_role_only_the_councils_own_framework_writes_to_is_a_contact_in_a_round(tmp_path):
    """A council's copy of the multi-agency preset reports missing history to a role no preset
    names: `qaf sample` takes that roster row as a contact, as it does the preset's own roles."""
    role = "Safeguarding Partnership Business Manager"
    ws = init_workspace(tmp_path / "ws")
    preset = (resources.files("qaf_docs") / "presets" / "multi-agency-audit.toml").read_text(
        "utf-8"
    )
    own = preset.replace('["Monitoring & Evaluation Sub Committee"]', f'["{role}"]')
    assert role in own
    (ws.root / "our-partnership.toml").write_text(own, "utf-8")
    text = ws.settings_path.read_text("utf-8")
    ws.settings_path.write_text(
        text.replace(
            'frameworks = ["collaborative-audit"]', 'frameworks = ["our-partnership.toml"]'
        ),
        "utf-8",
    )
    roster_with(ws.root, [role])
    cases = tmp_path / "cases.csv"
    lines = ["Child ID,Allocated Team,Allocated Worker,Start Date"]
    lines += [f"{7000 + i},North,Worker {i},01/02/2025" for i in range(4)]
    cases.write_text("\n".join(lines) + "\n", "utf-8")
    result = CliRunner().invoke(
        cli, ["sample", str(cases), "--n", "2", "--seed", "1", "-w", str(ws.root)]
    )
    assert result.exit_code == 0, result.output
    assert "monthly capacity" not in result.output
