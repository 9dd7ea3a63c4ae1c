"""Presets load and are complete; a broken framework file fails with a message a person can use.

What each preset quotes from its council's document is tested in test_framework_seeds.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qaf_docs.errors import FrameworkError
from qaf_docs.frameworks import (
    CASE_TYPES,
    NOT_APPLICABLE,
    CaseNotes,
    Framework,
    Indicator,
    Scale,
    load_framework,
    preset_names,
)

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
    assert framework.version == "2"
    assert framework.name.strip()
    assert framework.source.strip()
    assert framework.description.strip()


def test_preset_has_domains_each_with_prompts(preset: Framework) -> None:
    # The councils' documents give from one statement (B&NES's chronology check) to fourteen
    # (Bracknell's engagement guide) per area; every domain says at least what to look for.
    assert preset.domains
    for domain in preset.domains:
        assert domain.title.strip(), domain.key
        assert 1 <= len(domain.prompts) <= 16, domain.key
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
    assert framework.sections.missing_historical_information
    assert framework.themes
    assert framework.agencies.default
    assert framework.audit_period is not None and framework.audit_period.months == 12
    # How much / how well / better off measure the programme (its reports), not a case.
    keys = [d.key for d in framework.domains]
    assert not {"how_much", "how_well", "better_off"} & set(keys)
    assert len(framework.report_questions) == 3


def test_valid_file_loads_by_path_and_relative_to_base(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    assert load_framework(path).id == "test-audit"
    assert load_framework("framework.toml", base=tmp_path).id == "test-audit"


def test_unknown_framework_names_the_presets(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="live-case-audit") as caught:
        load_framework("no-such-audit", base=tmp_path)
    assert "no-such-audit" in str(caught.value)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``needle`` (the test's own count)."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


def load_broken(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = write(tmp_path, text)
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    return path, str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param('version = "1"', 'version = "1', ["not valid TOML", "line 3"], id="bad-toml"),
        pytest.param(
            'key = "planning"',
            'key = "care planning"',
            ["line 19", "domains.1.key", "lower-case", "2nd [[domains]] table"],
            id="domain-key-with-spaces",
        ),
        pytest.param(
            '"RI" = "Requires improvement to be good"',
            '"RI" = "Requires improvement"',
            ["line 11", "scale.aliases.RI", "'RI'", "'Requires improvement'"],
            id="alias-to-unknown-grade",
        ),
        pytest.param(
            'key = "planning"',
            'key = "assessment"',
            ["line 19", "domains.1.key", "'assessment'", "used twice"],
            id="duplicate-domain-key",
        ),
    ],
)
def test_broken_framework_names_file_line_and_key(
    tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    assert old in VALID
    path, message = load_broken(tmp_path, VALID.replace(old, new, 1))
    assert str(path) in message
    for part in expected:
        assert part in message


# Each case: text added to VALID, the line (searched in the broken text) and key the message names.
BROKEN_ADDITIONS = [
    pytest.param(
        VALID.replace('version = "1"', 'version = "1"\ncolour = "blue"'),
        ('colour = "blue"', 1),
        ["key 'colour'", "unknown key 'colour'", "agencies"],
        id="unknown-top-level-key",
    ),
    pytest.param(
        VALID.replace(
            'prompts = ["The plan follows from the assessment."]',
            'promts = ["The plan follows from the assessment."]',
        ),
        ("promts =", 1),
        ["key 'domains.1.promts'", "unknown key 'promts'", "prompts", "indicators"],
        id="unknown-key-in-second-domain",
    ),
    pytest.param(
        VALID + '\n[scale.descriptors]\n"Good" = "Fine."\n"Goodish" = "Nearly."\n',
        ('"Goodish" =', 1),
        ["key 'scale.descriptors.Goodish'", "'Goodish'", "not a grade on this scale"],
        id="descriptor-for-a-grade-not-on-the-scale",
    ),
    pytest.param(
        VALID.replace(
            'prompts = ["The assessment is up to date."]',
            'prompts = ["The assessment is up to date."]\n\n[domains.indicators]\n'
            '"Good" = ["Jargon free"]\n',
        )
        + '\n[[domains]]\nkey = "review"\ntitle = "Review"\n\n[domains.indicators]\n'
        '"Inadequate" = ["Lack of analysis."]\n"Goodish" = ["Some analysis."]\n',
        ('"Goodish" =', 1),
        [
            "key 'domains.2.indicators.Goodish'",
            "3rd [[domains]] table",
            "indicators are given for 'Goodish'",
        ],
        id="indicator-for-a-grade-not-on-the-scale-in-third-domain",
    ),
    pytest.param(
        VALID + '\n[[domains]]\nkey = "review"\ntitle = "Review"\n'
        '\n[[domains]]\nkey = "review"\ntitle = "Review again"\n',
        ('key = "review"', 2),
        ["key 'domains.3.key'", "4th [[domains]] table", "'review' is used twice"],
        id="duplicate-domain-key-further-down",
    ),
    pytest.param(
        VALID.replace(
            "[[domains]]",
            "[sections]\nvoice_of_child = true\n\n[sections.details.voice_of_chid]\n"
            'title = "Voice"\n\n[[domains]]',
            1,
        ),
        ("[sections.details.voice_of_chid]", 1),
        ["key 'sections.details.voice_of_chid'", "not a section"],
        id="details-for-an-unknown-section",
    ),
    pytest.param(
        VALID + '\n[[timescales.checks]]\nfact = "last_supervision"\nlabel = "Supervision"\n'
        'every_days = 56\nby_case_type = { "Child protection" = 28 }\n',
        ("by_case_type", 1),
        ["key 'timescales.checks.0.by_case_type.Child protection'", "not a case type", "CP"],
        id="timescale-for-an-unknown-case-type",
    ),
    pytest.param(
        VALID + '\n[[timescales.checks]]\nfact = "last_visit"\nlabel = "Visit"\nevery_days = 42\n'
        '\n[[timescales.checks]]\nfact = "last_visit"\nlabel = "Visit"\nevery_days = 10\n',
        ('fact = "last_visit"', 2),
        ["key 'timescales.checks.1.fact'", "2nd [[timescales.checks]] table", "two timescale"],
        id="two-checks-for-one-fact",
    ),
    pytest.param(
        VALID + '\n[case_notes]\naction_plan = "Audit Action Plan - {Month}"\n',
        ("action_plan =", 1),
        ["key 'case_notes.action_plan'", "{Month}", "{month}"],
        id="case-note-heading-with-unknown-placeholder",
    ),
    pytest.param(
        VALID + '\n[case_notes]\nevents = ["accepted", "acepted"]\n',
        ("events =", 1),
        ["key 'case_notes.events.1'", "'acepted' is not an audit event", "grade_changed"],
        id="case-notes-for-an-unknown-event",
    ),
    pytest.param(
        VALID + '\n[case_notes.headings]\nescalted = "Escalation"\n',
        ("escalted =", 1),
        ["key 'case_notes.headings.escalted'", "not an audit event"],
        id="case-note-heading-for-an-unknown-event",
    ),
    pytest.param(
        VALID + '\n[case_notes.headings]\nescalated = "Escalation - {Year}"\n',
        ("escalated =", 1),
        ["key 'case_notes.headings.escalated'", "{Year}", "{month}"],
        id="event-heading-with-unknown-placeholder",
    ),
    pytest.param(
        VALID.replace('"RI" = ', '"N/A" = "Not applicable"\n"RI" = '),
        ('"N/A" =', 1),
        ["key 'scale.aliases.N/A'", "'Not applicable'", "not in grades"],
        id="alias-to-not-applicable-on-a-scale-without-it",
    ),
    # Brackets, case and punctuation are ignored when grades are matched: these aliases would
    # record everyone who picks "Good" as Outstanding.
    pytest.param(
        VALID.replace('"RI" = ', '"Good (strong)" = "Outstanding"\n"RI" = '),
        ('"Good (strong)" =', 1),
        [
            "key 'scale.aliases.Good (strong)'",
            "alias 'Good (strong)' points to 'Outstanding'",
            "the grade 'Good'",
            "a form graded 'Good' would be recorded as 'Outstanding'",
        ],
        id="alias-in-brackets-hijacking-a-grade",
    ),
    pytest.param(
        VALID.replace('"RI" = ', '"GOOD" = "Outstanding"\n"RI" = '),
        ('"GOOD" =', 1),
        ["key 'scale.aliases.GOOD'", "the grade 'Good'", "recorded as 'Outstanding'"],
        id="alias-spelling-a-grade-differently",
    ),
    pytest.param(
        re.sub(r'"RI" = .*\n', '\\g<0>"ri" = "Inadequate"\n', VALID),
        ('"ri" =', 1),
        ["key 'scale.aliases.ri'", "alias 'RI', which points to 'Requires improvement to be good'"],
        id="two-aliases-alike-pointing-to-different-grades",
    ),
]


@pytest.mark.parametrize(("text", "line_at", "expected"), BROKEN_ADDITIONS)
def test_a_mistake_in_a_councils_file_names_file_line_and_key(
    tmp_path: Path, text: str, line_at: tuple[str, int], expected: list[str]
) -> None:
    path, message = load_broken(tmp_path, text)
    assert str(path) in message
    assert f"at line {line_of(text, *line_at)}," in message
    for part in expected:
        assert part in message


def test_line_lookup_skips_keys_inside_multi_line_strings(tmp_path: Path) -> None:
    text = VALID.replace(
        'version = "1"',
        'version = "1"\ndescription = """\nkey = "planning"\npromts = "not a key"\n"""',
    ).replace('title = "Planning"', 'title = "Planning"\npromts = ["x"]')
    _, message = load_broken(tmp_path, text)
    assert f"at line {line_of(text, 'promts = [', 1)}," in message


def test_line_lookup_finds_dotted_and_inline_keys(tmp_path: Path) -> None:
    text = VALID.replace("[scale]\n", '[scale]\ndescriptors.Goodish = "x"\n')
    _, message = load_broken(tmp_path, text)
    assert f"at line {line_of(text, 'descriptors.Goodish', 1)}," in message
    assert "scale.descriptors.Goodish" in message


# -- the model: not applicable, descriptors, indicators, sections, timescales ---------------------------


def na_scale(allowed: bool) -> Scale:
    return Scale(grades=ILACS_GRADES, inadequate="Inadequate", not_applicable=allowed)


@pytest.mark.parametrize("text", ["Not applicable", "N/A", "NA", "n/a", " not applicable ", "N/a"])
def test_not_applicable_is_read_only_where_the_scale_allows_it(text: str) -> None:
    assert na_scale(True).parse(text) == NOT_APPLICABLE
    assert na_scale(False).parse(text) is None


def test_not_applicable_is_a_choice_but_never_a_grade() -> None:
    scale = na_scale(True)
    assert scale.grades == ILACS_GRADES
    assert scale.choices == [*ILACS_GRADES, NOT_APPLICABLE]
    assert na_scale(False).choices == ILACS_GRADES
    assert not scale.is_grade(NOT_APPLICABLE)
    assert scale.is_grade("Good")
    assert scale.parse_grade("N/A") is None
    assert scale.parse_grade("good") == "Good"


def test_not_applicable_cannot_be_listed_as_a_grade() -> None:
    with pytest.raises(ValueError, match="not_applicable = true"):
        Scale(grades=["Good", NOT_APPLICABLE])


def test_descriptor_is_found_by_any_spelling() -> None:
    framework = load_framework("live-case-audit")
    assert "widespread or serious failures" in framework.scale.descriptor("inadequate")
    assert framework.scale.descriptor("RI").startswith("The experiences and progress")
    with pytest.raises(KeyError):
        framework.scale.descriptor("Goodish")
    assert load_framework("multi-agency-audit").scale.descriptor("Good") == ""


def test_indicators_by_grade_and_all_together() -> None:
    framework = load_framework("collaborative-audit")
    assessment = framework.domain("assessment")
    assert "No evidence of child's voice" in assessment.indicators_for("Inadequate")
    assert assessment.indicators_for("Outstanding") == []
    every = framework.all_indicators()
    assert Indicator("assessment", "Good", "Jargon free") in every
    assert {i.domain for i in every} == {d.key for d in framework.domains}
    assert {i.grade for i in every} == {"Good", "Requires improvement to be good", "Inadequate"}
    # Domains in order, grades best first.
    first_planning = next(n for n, i in enumerate(every) if i.domain == "planning")
    assert all(i.domain == "assessment" for i in every[:first_planning])
    assert every[0].grade == "Good"


def test_sections_carry_titles_and_questions() -> None:
    framework = load_framework("multi-agency-audit")
    sections = framework.sections
    assert sections.title("family_feedback") == "Three questions to service users"
    assert sections.questions("family_feedback")[1] == "Did I treat you with respect?"
    assert sections.is_on("missing_historical_information")
    assert not sections.is_on("moderation")
    # A section with no wording of its own keeps the default heading.
    assert load_framework("tier-one-manager-audit").sections.title("moderation") == "Moderation"
    west_sussex = load_framework("collaborative-audit").sections
    assert west_sussex.enabled()[-1] == "family_safeguarding"
    assert west_sussex.title("family_safeguarding") == "Family Safeguarding model"
    assert len(west_sussex.questions("family_safeguarding")) == 4


def test_timescale_checks_vary_by_case_type() -> None:
    check = load_framework("collaborative-audit").timescales.check("last_supervision")
    assert check is not None
    assert (check.every_days, check.days_for("CP"), check.days_for("cp")) == (56, 28, 28)
    assert check.days_for("CIN") == check.days_for(None) == 56
    assert load_framework("collaborative-audit").timescales.check("last_visit") is None


def test_case_types_match_the_case_list_reader() -> None:
    caselist = pytest.importorskip("qaf_docs.cases.case")
    assert set(CASE_TYPES) == {t.value for t in caselist.CaseType}


def test_case_note_heading_fills_in_the_month() -> None:
    from datetime import date

    notes = load_framework("live-case-audit").case_notes
    assert notes.heading("action_plan", date(2026, 3, 9)) == "Audit Action Plan - March"
    assert notes.heading("audit_findings", date(2026, 3, 9)) is None
    assert CaseNotes(audit_findings="Audit {year}").heading("audit_findings", date(2026, 1, 1)) == (
        "Audit 2026"
    )


def test_each_event_takes_the_heading_its_framework_gives_else_a_plain_one() -> None:
    from datetime import date

    november = date(2026, 11, 3)
    bracknell = load_framework("live-case-audit").case_notes
    assert bracknell.heading_for("accepted", november) == "Audit Action Plan - November"
    assert bracknell.heading_for("actions_closed", november) == "Audit Action Plan - November"
    assert bracknell.heading_for("actions_reopened", november) == "Audit Action Plan - November"
    assert bracknell.heading_for("escalated", november) == "Case file audit - Escalated"
    bnes = load_framework("tier-one-manager-audit").case_notes
    assert {bnes.heading_for(e, november) for e in bnes.events} == {
        "observations: audit quality case file"
    }
    assert bnes.docx
    west_sussex = load_framework("collaborative-audit").case_notes
    # Seed 003: "If the audit is upgraded, this will be recorded on the case file as a Mosaic case
    # note"; every other event takes its own plain heading.
    assert {e: west_sussex.heading_for(e, november) for e in west_sussex.events} == {
        "accepted": "Case file audit - Accepted",
        "reaudited": "Case file audit - Re-audited",
        "moderated": "Case file audit - Moderated",
        "grade_changed": "Case file audit - Grade changed",
        "escalated": "Case file audit - Escalated",
        "escalation_resolved": "Case file audit - Escalation resolved",
        "upgraded": "Mosaic case note",
        "actions_closed": "Case file audit - Actions closed",
        "actions_reopened": "Case file audit - Actions reopened",
    }
    # An escalation raised is no moderation outcome, whatever heading a framework gives those.
    moderating = CaseNotes(moderation_outcome="Moderation outcome")
    assert moderating.heading_for("grade_changed", november) == "Moderation outcome"
    assert moderating.heading_for("escalated", november) == "Case file audit - Escalated"
    own = CaseNotes(headings={"escalated": "Escalation {month} {year}"}, events=["escalated"])
    assert own.heading_for("escalated", november) == "Escalation November 2026"
    assert own.makes_note("escalated") and not own.makes_note("accepted")


def test_who_moderates_what() -> None:
    west_sussex = load_framework("collaborative-audit")
    assert west_sussex.needs_moderation("Good")
    assert west_sussex.moderated_at_once("Inadequate")
    assert not west_sussex.moderated_at_once("Good")
    default = Framework.model_validate({**_valid_data(), "sections": {"moderation": True}})
    assert default.needs_moderation("Inadequate")
    assert not default.needs_moderation("Good")
    assert not load_framework("live-case-audit").needs_moderation("Inadequate")


def test_escalation_is_data_by_role() -> None:
    west_sussex = load_framework("collaborative-audit").escalation
    assert [level.key for level in west_sussex.levels] == [
        "reaudit",
        "assistant_director",
        "executive_director",
    ]
    assert west_sussex.levels[0].after_months == 3
    assert west_sussex.grade_disputes == ["QA Head of Service"]
    assert "Team Manager" in west_sussex.immediate_concerns
    assert load_framework("tier-one-manager-audit").escalation.immediate_concerns == [
        "Service Manager",
        "Divisional Director",
    ]


def _valid_data() -> dict[str, object]:
    import tomllib

    return tomllib.loads(VALID)
