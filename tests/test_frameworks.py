"""Presets load and are complete; a broken framework file fails with a message a person can use."""

from __future__ import annotations

from pathlib import Path

import pytest

from qaf_docs.errors import FrameworkError
from qaf_docs.frameworks import Framework, Scale, load_framework, preset_names

PRESETS = [
    "collaborative-audit",
    "independent-cycle-audit",
    "live-case-audit",
    "multi-agency-audit",
    "tier-one-manager-audit",
]

ILACS_GRADES = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]

# A valid framework; each broken-file test changes one thing in it.
VALID = """\
id = "test-audit"
name = "Test audit"
version = "1"

[scale]
grades = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]
good_or_better = ["Outstanding", "Good"]
inadequate = "Inadequate"

[scale.aliases]
"RI" = "Requires improvement to be good"

[[domains]]
key = "assessment"
title = "Assessment"
prompts = ["The assessment is up to date."]

[[domains]]
key = "planning"
title = "Planning"
prompts = ["The plan follows from the assessment."]
"""


@pytest.fixture(params=PRESETS)
def preset(request: pytest.FixtureRequest) -> Framework:
    return load_framework(request.param)


def write(tmp_path: Path, text: str, name: str = "framework.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_preset_names_lists_exactly_the_five() -> None:
    assert preset_names() == PRESETS


@pytest.mark.parametrize("name", PRESETS)
def test_preset_loads_with_its_own_id(name: str) -> None:
    framework = load_framework(name)
    assert framework.id == name
    assert framework.version == "1"
    assert framework.name.strip()
    assert framework.source.strip()
    assert framework.description.strip()


def test_preset_has_domains_each_with_three_to_six_prompts(preset: Framework) -> None:
    assert preset.domains
    for domain in preset.domains:
        assert domain.title.strip(), domain.key
        assert 3 <= len(domain.prompts) <= 6, domain.key
        assert all(p.strip() for p in domain.prompts), domain.key
        assert len(set(domain.prompts)) == len(domain.prompts), domain.key


def test_preset_uses_the_ilacs_scale(preset: Framework) -> None:
    assert preset.scale.grades == ILACS_GRADES
    assert preset.scale.good_or_better == ["Outstanding", "Good"]
    assert preset.scale.inadequate == "Inadequate"


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("good", "Good"),
        (" Good ", "Good"),
        ("OUTSTANDING", "Outstanding"),
        ("inadequate", "Inadequate"),
        ("requires Improvement", "Requires improvement to be good"),
        ("RI", "Requires improvement to be good"),
        ("Requires improvement (to be good)", "Requires improvement to be good"),
        ("Requires improvement to be good", "Requires improvement to be good"),
        ("Req. improvement", "Requires improvement to be good"),
        ("Good\u00a0", "Good"),
    ],
)
def test_scale_parse_maps_what_people_type(preset: Framework, text: str, grade: str) -> None:
    assert preset.scale.parse(text) == grade


@pytest.mark.parametrize("text", ["Goodish", "", "   ", "Satisfactory", "R I P"])
def test_scale_parse_rejects_what_is_not_a_grade(preset: Framework, text: str) -> None:
    assert preset.scale.parse(text) is None


def test_scale_rejects_alias_to_unknown_grade() -> None:
    with pytest.raises(ValueError, match="Satisfactory"):
        Scale(grades=["Good", "Inadequate"], aliases={"Sat": "Satisfactory"})


def test_domain_lookup_by_key() -> None:
    framework = load_framework("live-case-audit")
    assert framework.domain("mgmt_oversight").title.startswith("Supervision")
    with pytest.raises(KeyError):
        framework.domain("no_such_domain")


def test_collaborative_audit_follows_west_sussex() -> None:
    framework = load_framework("collaborative-audit")
    assert framework.sections.practitioner_self_assessment
    assert framework.sections.family_feedback
    assert framework.sections.moderation
    assert framework.timescales.action_due_within_days == 28
    assert framework.timescales.reaudit_after_months == 3
    assert framework.timescales.escalate_after_months == 3


def test_live_case_audit_follows_bracknell() -> None:
    framework = load_framework("live-case-audit")
    assert framework.timescales.immediate_action_working_days == 5
    assert len(framework.domains) == 6


def test_multi_agency_audit_asks_for_theme_and_agencies() -> None:
    framework = load_framework("multi-agency-audit")
    assert framework.sections.theme
    assert framework.sections.agency_contributions
    assert [d.key for d in framework.domains][:3] == ["how_much", "how_well", "better_off"]


def test_valid_file_loads_by_path_and_relative_to_base(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    assert load_framework(path).id == "test-audit"
    assert load_framework("framework.toml", base=tmp_path).id == "test-audit"


def test_unknown_framework_names_the_presets(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="live-case-audit") as caught:
        load_framework("no-such-audit", base=tmp_path)
    assert "no-such-audit" in str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param('version = "1"', 'version = "1', ["not valid TOML", "line 3"], id="bad-toml"),
        pytest.param(
            'key = "planning"',
            'key = "care planning"',
            ["domains.1.key", "lower-case"],
            id="domain-key-with-spaces",
        ),
        pytest.param(
            '"RI" = "Requires improvement to be good"',
            '"RI" = "Requires improvement"',
            ["scale", "'RI'", "'Requires improvement'"],
            id="alias-to-unknown-grade",
        ),
        pytest.param(
            'key = "planning"',
            'key = "assessment"',
            ["'assessment'", "used twice"],
            id="duplicate-domain-key",
        ),
    ],
)
def test_broken_framework_names_file_and_key(
    tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    message = str(caught.value)
    assert str(path) in message
    for part in expected:
        assert part in message
