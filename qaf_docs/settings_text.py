"""The text of ``qaf.toml``: a new workspace's settings file, and the one line qaf edits in it.

A person edits qaf.toml in a text editor, so qaf writes it as text (comments and all) rather than
from a data structure, and changes only the ``register = ...`` line when it must.
"""

from __future__ import annotations

import json
import os
import re
from typing import TYPE_CHECKING

from qaf_docs.frameworks import Framework

if TYPE_CHECKING:
    from qaf_docs.workspace import Workspace


SETTINGS_TEXT = """\
# qaf workspace settings. Edit with any text editor; see README.md for every setting.
workspace_id = "{workspace_id}"
council_name = "{council_name}"
# The frameworks this workspace runs, the default first: presets (see: qaf frameworks) or the
# paths of framework .toml files in this folder. Add one to run it beside the others, e.g.
# frameworks = ["collaborative-audit", "multi-agency-audit"], then: qaf sample ... --framework NAME
frameworks = ["{framework}"]
# Print children's names on audit tools and on case notes for the child's record (never in
# e-mails, reports or file names) when the case list has them.
show_child_names = false
# Where the register is (README: Where the register lives). Unset: qaf_register.db in this folder,
# used from this computer only. A folder on a shared drive keeps its register on a local disk of
# the one computer that runs qaf, or the team uses a PostgreSQL server (its password goes in
# PGPASSWORD or a pgpass file, never here):
# register = "D:/qaf/register.db"
# register = "postgresql://qaf@db-server/qa_audits"
{register_line}
[validation]
every_domain_graded = true
rationale_for_every_grade = true
overall_grade_required = true
action_needs_owner = true
action_needs_concrete_due_date = true
# action_due_within_days = 28   # unset: the framework's limit, if any; 0: no limit
inadequate_needs_action = true
warn_if_voice_of_child_empty = true
warn_if_audit_date_missing = true

[inbox]
poll = false        # true for network shares where change events never arrive
max_file_mb = 25

[sampling]
# Tier-one cases a month per role, from B&NES's framework: "One case per Deputy Team Manager";
# "Divisional Director; two case files each month", Service Managers one, Principal Social Worker
# two. Team Manager 1 is qaf's default, not B&NES's: it has Team Managers audit monthly but gives
# no number for them. A role nobody on the roster has is an error.
quotas = {{ "Deputy Team Manager" = 1, "Team Manager" = 1, "Divisional Director" = 2, "Service Manager" = 1, "Principal Social Worker" = 2 }}
deep_dive_min = 20          # a thematic (deep dive) round takes 20 to 30 cases
deep_dive_max = 30
# exclusion_months = 6      # unset: the framework's; cases audited this recently are left out
worker_cycle_months = 6     # tier one: every social worker has a case audited this often
reaudits_due_within_days = 0  # a re-audit round drawn on the 1st may take the month's: 30
include_closed = false      # closure rounds (qaf sample --kind closure) always take closed cases
# include_restricted = false  # unset: the framework's (West Sussex samples restricted records)
sample_unassigned = true    # may cases with no allocated team or worker be sampled (always reported)

# Per round kind, the roles that audit their own team's cases; everyone else never audits their
# own team. Unset: each round's framework decides; {framework}'s:
#   {own_team}
# To decide it here instead, uncomment the table and set each kind of round's roles:
{own_team_lines}

[sampling.columns]
# The case list's header for a field qaf does not recognise, e.g.
# team = "Responsible Unit"
# worker = "Key Practitioner"

[backup]
folder = "backups"  # copies of the register (qaf backup, before upgrades, daily while watching)
keep = 14           # how many copies are kept; the oldest go first
daily_while_watching = true

[reports]
inadequate_target = 0.10   # the share of audits graded Inadequate the service aims to stay within

# After forms come back (uncomment the table and a line to change a default):
# [lifecycle]
# moderate = "framework"                # or "inadequate", "all": which audits wait for moderation
# audit_date_before_issue = "warning"   # or "error": an audit dated before its pack was issued
# vague_actions = "warning"             # or "error": an action like "Improve practice"
# reminders_from = "qa-team@council.example"   # From: of the reminder e-mails
"""


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


_REGISTER_LINE = re.compile(r"^[ \t]*register[ \t]*=.*$", re.MULTILINE)


def set_register(ws: Workspace, value: str | None) -> None:
    """Set (or with None, remove) ``register = …`` in qaf.toml, keeping every other line as is."""
    text = ws.settings_path.read_text(encoding="utf-8-sig")
    first_table = re.search(r"^[ \t]*\[", text, re.MULTILINE)
    split = first_table.start() if first_table else len(text)
    top, rest = text[:split], text[split:]  # top-level keys must come before any [table]
    line = None if value is None else f"register = {toml_string(value)}"
    found = _REGISTER_LINE.search(top)
    if found:
        before, after = top[: found.start()], top[found.end() :]
        top = before + line + after if line else before + after.removeprefix("\n")
    elif line:
        kept = top.rstrip("\n")
        top = (kept + "\n" if kept else "") + line + "\n" + ("\n" if rest else "")
    temp = ws.settings_path.with_name(f".{ws.settings_path.name}.tmp")
    temp.write_text(top + rest, encoding="utf-8")
    os.replace(temp, ws.settings_path)
    ws.load_settings()  # what was written must read back


def own_team_text(framework: Framework) -> dict[str, str]:
    """The framework's own-team rule, in words and as commented-out lines, for a new qaf.toml."""
    roles = framework.sampling.own_team_roles
    lines = [f"# {kind} = [{', '.join(toml_string(r) for r in rs)}]" for kind, rs in roles.items()]
    return {
        "own_team": "; ".join(f"{kind}: {', '.join(rs)}" for kind, rs in roles.items())
        or "no auditor audits their own team's cases",
        "own_team_lines": "\n".join(
            [
                "# [sampling.own_team_roles]",
                *(lines or ['# tier-one = ["Team Manager"]   # for example']),
            ]
        ),
    }
