"""A second round of the same kind in one month: said out loud, as it is most often a slip.

``qaf sample`` run again for a month already drawn (the first run's output scrolled away, or it
seemed to fail) draws a second round beside the first rather than repeating it. That is right for
a team that audits in two goes, and a doubled workload for one that did not mean it: the QA lead
is told which round was drawn before, and how to cancel the new one before its packs go out.
"""

from __future__ import annotations

from datetime import date

from qaf_docs.dates import uk
from qaf_docs.register.store import Register


def earlier_rounds(register: Register, kind: str, framework_id: str, today: date) -> str:
    """The rounds of ``kind`` already drawn this month under ``framework_id`` with audits not
    cancelled, as a phrase ("Round 2026-11-simple (on 24/11/2026, 20 audits) was already drawn
    this month"), or ''. A round under another framework (a multi-agency audit beside the
    monthly one) is a round of its own, not a second draw."""
    drawn = [
        (round_id, when, live)
        for round_id, when, live in register.rounds_named(f"{today:%Y-%m}-{kind}", framework_id)
        if live
    ]
    if not drawn:
        return ""
    said = ", ".join(
        f"{round_id} (on {uk(date.fromisoformat(when[:10]))}, {live} audit{'' if live == 1 else 's'})"
        for round_id, when, live in drawn
    )
    rounds = "Round" if len(drawn) == 1 else "Rounds"
    return f"{rounds} {said} {'was' if len(drawn) == 1 else 'were'} already drawn this month"


def second_round_note(earlier: str, round_id: str, *, dry_run: bool) -> str:
    """What the QA lead reads when ``round_id`` is drawn beside ``earlier`` rounds."""
    if dry_run:
        return (
            f"{earlier}: this would be another round beside it, {round_id}. To work on the "
            f"round already drawn, run qaf generate (its packs) instead."
        )
    return (
        f"{earlier}: this run drew another round beside it, {round_id}. If it was drawn by "
        f"mistake, cancel it before its packs go out: qaf round cancel {round_id} "
        '--by "Your Name" --reason "drawn twice by mistake".'
    )
