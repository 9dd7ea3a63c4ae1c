"""The demo's second framework: a multi-agency deep dive run beside the monthly audit.

The workspace lists both frameworks in ``qaf.toml``; the monthly round uses the default, and this
round asks for ``multi-agency-audit`` (as ``qaf sample … --framework multi-agency-audit`` does).
Its forms carry a theme, a section per agency and the missing-history flag, and are read back
against their own framework.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

from qaf_docs.cases import rounds
from qaf_docs.demo.filling import FormFiller
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Outcome, ingest_inbox
from qaf_docs.office import field_names as tags
from qaf_docs.packs.details import pack_paths
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

MULTI_AGENCY = "multi-agency-audit"

_AGENCY_WORDS = {
    "Police": (
        "DS, Public Protection Unit",
        "Shared two domestic abuse notifications within 24 hours; attended both strategy meetings.",
        "Notifications were timely, but the voice of the child is missing from police records.",
    ),
    "Health": (
        "Named nurse for safeguarding",
        "Health visitor saw the baby monthly and flagged missed appointments.",
        "Missed appointments were not escalated to children's social care for six weeks.",
    ),
}


def run_both_frameworks(ws: Workspace) -> None:
    """List the monthly audit and the multi-agency audit in the workspace's ``qaf.toml``."""
    text = ws.settings_path.read_text(encoding="utf-8")
    default = ws.load_settings().framework
    both = f'frameworks = ["{default}", "{MULTI_AGENCY}"]'
    ws.settings_path.write_text(
        re.sub(r"(?m)^frameworks = \[.*\]$", both, text, count=1), encoding="utf-8"
    )


def multi_agency_round(
    ws: Workspace,
    caselist: Path,
    roster: Path,
    *,
    seed: int,
    today: date,
    audits: int,
    fill: Callable[[Path, Framework, random.Random, date], None],
    echo: Callable[[str], None],
) -> list[Outcome]:
    """Sample, issue, fill and ingest a small multi-agency round; return the ingest outcomes."""
    report = rounds.draw(
        ws, caselist, roster, kind="simple", seed=seed + 1, today=today, n=audits,
        framework_name=MULTI_AGENCY,
    )  # fmt: skip
    framework = ws.load_framework(name=MULTI_AGENCY)
    with open_register(ws) as register:
        generate_packs(ws, register, round_id=report.round_id)
        issued = register.audits(round_id=report.round_id)
    rng = random.Random(seed + 1)
    filled_dir = ws.root / "filled_by_auditors"
    filled_dir.mkdir(exist_ok=True)
    for audit in issued:
        docx, _ = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
        filled = filled_dir / docx.name
        shutil.copyfile(docx, filled)
        fill(filled, framework, rng, today)
        _fill_multi_agency_parts(filled, framework, rng)
        (ws.inbox / f"{audit.audit_ref} multi-agency.docx").write_bytes(filled.read_bytes())
    outcomes = ingest_inbox(ws, settle_s=0.2)
    accepted = sum(o.result == "accepted" for o in outcomes)
    echo(
        f"Multi-agency round {report.round_id} ({framework.name}, same workspace): "
        f"{len(issued)} issued, {accepted} returned with agency sections"
    )
    return outcomes


def _fill_multi_agency_parts(path: Path, framework: Framework, rng: random.Random) -> None:
    f = FormFiller(path)
    theme = rng.choice(framework.themes) if framework.themes else "Neglect"
    f.text(tags.section_field("theme"), theme)
    for n, agency in enumerate(framework.agencies.default, start=1):
        if agency in _AGENCY_WORDS:
            lead, contribution, finding = _AGENCY_WORDS[agency]
            f.text(tags.agency_field(n, "lead"), lead)
            f.text(tags.agency_field(n, "contribution"), contribution)
            f.text(tags.agency_field(n, "finding"), finding)
    if framework.sections.missing_historical_information and rng.random() < 0.5:
        f.tick(tags.MISSING_HISTORY)
        f.text(
            tags.section_field("missing_historical_information"),
            "The previous authority's chronology was not available to the assessing worker.",
        )
    f.save()
