"""Each preset says what its council's framework says, in its words, and nothing it does not.

The phrases below are copied from the councils' documents (``../shared/seeds/``). Every phrase must
appear in the preset's data (not only in a comment); where the seed documents are present, every
phrase must also appear in the seed, so a phrase mistyped here or paraphrased in the preset fails.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from qaf_docs.frameworks import Framework, load_framework, preset_names

SEEDS = Path(os.environ.get("QAF_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds"))

# preset -> (seed file prefix, phrases quoted from that seed)
QUOTES: dict[str, tuple[str, list[str]]] = {
    "live-case-audit": (
        "004",
        [
            # Grade descriptors.
            "is likely to be inadequate if there are widespread or serious failures",
            "results in sustained improvement to the lives of children, young people and their families",
            "requires improvement when there are no widespread or serious failures",
            # 'What Good Looks Like'.
            "Up to date and good quality chronology",
            "Evidence of goals for permanency for the child.",
            "Radicalisation",
            "Gang affiliation.",
            "Neglect (consider age factors/ different manifestations)",
            "FSM is appropriately used.",
            "Signs of Safety are appropriately used.",
            "Appropriateness of the case being open to the current service area as defined by the",
            "specifically their plan for permanency",
            "Verbal communication followed up in writing where appropriate.",
            "Involvement of fathers and other male family members.",
            # Audit guidance.
            "Explore whether service user feedback has been given for the case.",
            "When agreeing a grade focus on the impact of the casework on the outcomes for the child.",
            "Audit Action Plan - ",
            # Guidance, Grading, and the guidance's SMART questions: printed in the tool.
            "Grading the case is done in partnership with the social worker during the live audit.",
            "Where agreement on the grade cannot be reached seek advice from the Quality Assurance Team.",
            "Are they clearly identifiable or are they vague?",
            "If your goals are not measurable, how will you know when you've achieved them?",
            "Do you have the necessary resources to achieve them?",
            "Are they achievable given the limited time and resources you have?",
            "Can you say what needs to be done, by whom, and by what time?",
            "Actions timescales should not be 'ASAP'",
            # Guidance, Post audit meeting.
            "Immediate actions arising from audit completed by the responsible manager within 5 working days.",
            "Key worker checks and updates case file on Mosaic prior to the audit meeting.",
            "actions agreed with timescales for completion within 1 month",
            # 'What Good Looks Like', Supervision & Management Oversight: the element's description.
            "oversight and supervision on cases is effective and timely with clearly recorded rationale for",
        ],
    ),
    "collaborative-audit": (
        "003",
        [
            # Collaborative Case Audit, Auditors, and the collaborative meeting: printed in the tool.
            "Check on the allocation list/MOSAIC to confirm the allocated practitioner has not changed",
            "the Conference Reviewing Officer should also be engaged in the discussion",
            "including reviewing the chronology, case summary and Covid-19 RAG rating, if applicable",
            "In the collaborative meeting (recommended to be up to 60 minutes)",
            # Moderators: printed in the tool's moderation section.
            "to arrange a suitable time and place to undertake the moderation alongside them",
            "Moderation is a participative learning process giving an opportunity for each professional involved to reflect and receive feedback.",
            "Moderators will complete the moderation by the end of each calendar month",
            # Key Area 4 Review and Supervision: printed in the tool's guidance.
            "managers will be expected to monitor the progress of this via supervision",
            "Audit discussion should be included in each supervision until the actions have been completed and signed off by the manager.",
            # The five audit tools' indicators.
            "No evidence of child's voice",
            "Jargon free",
            "Includes absent parents",
            "Jargonistic",
            "Child is overlooked due to siblings needs",
            "Lack of quality assurance activity.",
            "Permanency planning is not reviewed",
            "Supervision has not taken place in line with policy",
            # Audit guidance and key areas.
            "the journey and the experience of the child through the services over the last six months",
            "Partnership working and effectiveness of multi-agency meetings & reviews",
            "professional curiosity",
            "Motivational interviewing – that a strengths-based conversational approach has been adopted",
            "Is the child/ren's voice and lived experience evident within practice?",
            "will escalate to the Assistant Director responsible for the child/family in question",
            "It will be the responsibility of the Head of Service and Service Manager to resolve the matter",
            "a final escalation will be made to the Executive Director of Children, Young People and Learning",
            "Moderation meeting with auditor and practitioner or group moderation",
            "The auditor must record the rationale for each grade given.",
            "Mosaic case note",
        ],
    ),
    "tier-one-manager-audit": (
        "000",
        [
            # Section 4: the tool is to direct an audit alongside the worker at their desk.
            "alongside the Social Worker at their desk so that the manager and the worker can review the work in collaboration, as directed within the audit tool",
            "chronologies are checked for gaps and trends",
            "objectives are met against the current Plan objectives",
            "there is an appropriate exit plan in place",
            "the overall quality of the work is acceptable",
            "reflecting managerial oversight and contribution",
            "observations: audit quality case file",
            "case direction and reflection of the case, and oversight and sign off in detail",
            "Child Sexual Abuse",
            "BME Families",
        ],
    ),
    "independent-cycle-audit": (
        "002",
        [
            # Principles and Purpose of QA: all five, as written.
            "our approach to quality assurance will be positive looking at informing and encouraging improvement",
            "our quality assurance framework is designed to be about promoting reflective practice and shared learning",
            "triangulated with feedback from children and families in relation to impact and outcomes",
            "What did children, young people and their families think and feel about it?",
            "What did the frontline services think and feel about it?",
            "is their voice visible and heard",
            "not interpreted or given from a third person perspective",
            "Clear management oversight on the review of Child in Need case",
            "That plans, reports and assessments evidence the child/young person's perspective",
            "in making meaningful and sustainable change",
            "What difference have services/strategies/individuals made to the lives of children and young people?",
            "the proper focus of quality assurance will be on outcomes rather than processes",
        ],
    ),
    "multi-agency-audit": (
        "001",
        [
            # Section 4.2, terms of reference.
            "Ensure that needs arising from equality and diversity issues for children and their families are taken into account",
            "It is best practice for an audit to be led by someone other than the manager for the area under consideration.",
            # Section 3.3: the three questions to service users.
            "Did I listen to you and take account of your views?",
            "Did I treat you with respect?",
            "Did I make a difference to your life in terms of keeping you safe and well?",
            "within the last 12 months (maximum)",
            "Each agency will need to allocate a manager or senior practitioner who can be the lead for each audit to be undertaken",
            "issues related to accessing historical information",
            "What difference we have made/is anyone better off?",
            "Partnership Working",
            "practical working arrangements",
            "neglect",
            "sexual exploitation",
            "parental substance misuse",
        ],
    ),
}

# Words that were invented or paraphrased in earlier presets, and must stay out of each preset's data.
INVENTIONS: dict[str, list[str]] = {
    "collaborative-audit": ["caseload", "capacity pressures"],
    "live-case-audit": ["interpreter", "consent"],
    "tier-one-manager-audit": ["one working day", "consent", "plain language", "rests on evidence"],
    "independent-cycle-audit": ["advocacy", "how to complain", "knows who their social worker is"],
    "multi-agency-audit": ["how much did we do", "how well did we do it"],
}

# Sentences of a seed that describe poor practice: never a "what good looks like" prompt.
NOT_GOOD_PRACTICE: dict[str, list[str]] = {
    "independent-cycle-audit": [
        "This leads to poor outcomes, as plans become task focused",
        "If an assessment does not look beyond the superficial presentation",
    ],
}

COUNCILS = ["Bracknell", "West Sussex", "B&NES", "Bath", "Somerset", "City of London", "Brighton"]


def _norm(text: str) -> str:
    """Compare as a reader would: case, spacing, curly quotes and non-breaking spaces ignored."""
    text = text.replace("\u00a0", " ").replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.lower().split())


def _strings(value: Any) -> list[str]:
    """Every string in a framework's data, keys included (comments are not data)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [*_strings(k), *_strings(v)]]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _data(framework: Framework) -> str:
    return "\n".join(_norm(s) for s in _strings(framework.model_dump()))


def _seed(prefix: str) -> str:
    files = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not files:
        pytest.skip(f"seed documents not found in {SEEDS}")
    return _norm(files[0].read_text(encoding="utf-8"))


def _quotes() -> list[Any]:
    return [
        pytest.param(preset, prefix, phrase, id=f"{preset}: {phrase[:40]}")
        for preset, (prefix, phrases) in QUOTES.items()
        for phrase in phrases
    ]


def test_every_preset_has_quotes_and_inventions_listed() -> None:
    assert set(QUOTES) == set(INVENTIONS) == set(preset_names())


@pytest.mark.parametrize(("preset", "prefix", "phrase"), _quotes())
def test_preset_quotes_its_seed(preset: str, prefix: str, phrase: str) -> None:
    assert _norm(phrase) in _data(load_framework(preset))


@pytest.mark.parametrize(("preset", "prefix", "phrase"), _quotes())
def test_quoted_phrase_really_is_in_the_seed(preset: str, prefix: str, phrase: str) -> None:
    assert _norm(phrase) in _seed(prefix)


@pytest.mark.parametrize("preset", sorted(INVENTIONS))
def test_inventions_are_gone(preset: str) -> None:
    data = _data(load_framework(preset))
    for word in INVENTIONS[preset]:
        assert _norm(word) not in data, word


@pytest.mark.parametrize("preset", sorted(NOT_GOOD_PRACTICE))
def test_what_good_looks_like_prompts_describe_good_practice(preset: str) -> None:
    framework = load_framework(preset)
    prompts = [_norm(p) for d in framework.domains for p in d.prompts]
    for phrase in NOT_GOOD_PRACTICE[preset]:
        assert _norm(phrase) in _seed(QUOTES[preset][0]), phrase
        assert not [p for p in prompts if _norm(phrase) in p], phrase


@pytest.mark.parametrize("preset", sorted(QUOTES))
def test_preset_file_cites_its_seed(preset: str) -> None:
    text = (resources.files("qaf_docs") / "presets" / f"{preset}.toml").read_text(encoding="utf-8")
    assert f"seeds/{QUOTES[preset][0]}" in text
    # Every domain has a comment just above it or inside its table saying where it came from.
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines) if line.strip() == "[[domains]]"]
    assert len(starts) == len(load_framework(preset).domains)
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        above = lines[start - 1].lstrip().startswith("#")
        inside = any(line.lstrip().startswith("#") for line in lines[start:end])
        assert above or inside, f"{preset}: the domain at line {start + 1} cites no source"


@pytest.mark.parametrize("preset", sorted(QUOTES))
def test_preset_name_is_not_a_councils_name(preset: str) -> None:
    framework = load_framework(preset)
    for council in COUNCILS:
        assert council.lower() not in framework.name.lower()
    assert any(c.lower() in framework.source.lower() for c in COUNCILS)


def test_multi_agency_case_audit_has_brightons_parts() -> None:
    framework = load_framework("multi-agency-audit")
    titles = [_norm(d.title) for d in framework.domains]
    assert not [t for t in titles if t.startswith(("how much", "how well", "is anyone"))]
    assert framework.sections.questions("family_feedback") == [
        "Did I listen to you and take account of your views?",
        "Did I treat you with respect?",
        "Did I make a difference to your life in terms of keeping you safe and well?",
    ]
    assert framework.agencies.lead
    assert framework.agencies.finding
    assert framework.escalation.missing_historical_information


def test_tier_one_case_note_heading_is_the_seeds_words_in_its_case() -> None:
    # Seed 000, section 4: "recorded on CareFirst under observations: audit quality case file".
    # The other checks here ignore case; a heading is printed, so its capitals must be the seed's.
    heading = load_framework("tier-one-manager-audit").case_notes.audit_findings
    assert heading == "observations: audit quality case file"
    files = sorted(SEEDS.glob("000_*.txt"))
    if files:
        assert f"under {heading}." in files[0].read_text(encoding="utf-8")


def test_only_presets_whose_seed_gives_grade_words_have_descriptors() -> None:
    with_descriptors = {n for n in preset_names() if load_framework(n).scale.descriptors}
    assert with_descriptors == {"live-case-audit"}


def test_presets_without_a_seed_scale_say_so_in_a_comment() -> None:
    for preset in ("tier-one-manager-audit", "independent-cycle-audit", "multi-agency-audit"):
        text = (resources.files("qaf_docs") / "presets" / f"{preset}.toml").read_text(
            encoding="utf-8"
        )
        assert "# The framework defines no grades." in text, preset


@pytest.mark.parametrize("preset", sorted(QUOTES))
def test_what_the_tracker_says_about_actions_is_the_seeds_words(preset: str) -> None:
    """The manager's action tracker prints ``action_guidance`` as the framework's own words:
    each line must be a sentence of the seed, never qaf's paraphrase."""
    lines = load_framework(preset).action_guidance
    for line in lines:
        assert _norm(line) in _seed(QUOTES[preset][0]), line
    # Only a framework whose document says nothing of a case's actions has none.
    assert bool(lines) == (preset not in {"independent-cycle-audit", "multi-agency-audit"})
