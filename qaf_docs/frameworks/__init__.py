"""Audit frameworks as data: domains, prompts, indicators, the grade scale, sections and timescales.

A framework is a TOML file. Presets ship in ``qaf_docs/presets/``; a council can copy one into its
workspace, change it, and point ``qaf.toml`` at the copy. Nothing about a framework is hard-coded.

A short example (every table but ``[scale]`` and ``[[domains]]`` is optional)::

    id = "our-audit"
    name = "Our audit"
    version = "1"

    [scale]
    grades = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]
    good_or_better = ["Outstanding", "Good"]
    inadequate = "Inadequate"
    not_applicable = true            # a domain may be graded "Not applicable"

    [scale.descriptors]
    "Inadequate" = "Widespread or serious failures ..."

    [[domains]]
    key = "assessment"
    title = "Assessment"
    prompts = ["Assessments are timely ..."]

    [domains.indicators]
    "Good" = ["Jargon free"]
    "Inadequate" = ["No evidence of child's voice"]

    [[timescales.checks]]
    fact = "last_supervision"
    label = "Supervision"
    every_days = 56
    by_case_type = { CP = 28 }

A framework file is validated when it is loaded; a mistake is reported with the file, the line and
the key (``FrameworkError``), because the person fixing it works in Notepad, not in Python.
"""

from qaf_docs.frameworks.base import CASE_TYPES, NOT_APPLICABLE
from qaf_docs.frameworks.case_notes import NOTE_EVENTS, CaseNotes
from qaf_docs.frameworks.loading import (
    framework_sha256,
    framework_text,
    kept_framework,
    load_framework,
    parse_framework,
    preset_file,
    preset_names,
)
from qaf_docs.frameworks.model import (
    Agencies,
    AuditPeriod,
    Escalation,
    EscalationLevel,
    ExtraSection,
    Framework,
    Moderation,
    Sections,
    SectionText,
    TimescaleCheck,
    Timescales,
)
from qaf_docs.frameworks.scale import Domain, Indicator, Scale

__all__ = [
    "CASE_TYPES",
    "NOTE_EVENTS",
    "NOT_APPLICABLE",
    "Agencies",
    "AuditPeriod",
    "CaseNotes",
    "Domain",
    "Escalation",
    "EscalationLevel",
    "ExtraSection",
    "Framework",
    "Indicator",
    "Moderation",
    "Scale",
    "SectionText",
    "Sections",
    "TimescaleCheck",
    "Timescales",
    "framework_sha256",
    "framework_text",
    "kept_framework",
    "load_framework",
    "parse_framework",
    "preset_file",
    "preset_names",
]
