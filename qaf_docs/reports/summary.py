"""The Summary of a period or round report in sentences a QA board reads: how much came back,
how it was graded, how moderation went, and actions on time. "None" and "no" rather than "0",
and one audit said as English says it ("The one audit planned was returned", "The audit due
back in this quarter came back after the due date"), never "1 of 1 audits were".
"""

from __future__ import annotations

from typing import Any

from qaf_docs.reports import figures
from qaf_docs.reports.figures import GroupRow, pct


def headline(h: figures.Headline, noun: str = "") -> dict[str, Any]:
    """The Summary's values for the report template (``noun``: what a period is called)."""
    return {
        "planned": h.planned, "returned": h.returned, "completion": pct(h.completion),
        "overdue": h.overdue_returns, "returned_late": h.returned_late,
        "returns_line": returns_line(h, noun), "graded": h.graded, "good": h.good,
        "good_share": pct(h.good_share), "inadequate": h.inadequate,
        "inadequate_share": pct(h.inadequate_share), "target": pct(h.target),
        "within_target": "within" if h.within_target else "above" if h.graded else "n/a",
        "moderated": h.moderated, "changed": h.changed, "agreement": pct(h.agreement),
        "kappa": (f"{h.kappa:.2f} (n = {h.moderated})" if h.kappa is not None
                  else f"is given from {figures.KAPPA_MIN_N} moderated audits (there "
                       f"{'is' if h.moderated == 1 else 'are'} {h.moderated})"),
        "actions": h.actions, "actions_due": h.actions_due, "actions_on_time": h.actions_on_time,
        "on_time_share": pct(h.on_time_share), "actions_line": actions_line(h),
        "grades_line": grades_line(h), "moderation_line": moderation_line(h),
        "beyond_chance": beyond_chance(h),
    }  # fmt: skip


def beyond_chance(h: figures.Headline) -> str:
    """The Moderation section's sentence on agreement beyond chance, in words a board reads: the
    statistic with what its scale means, or from how many moderated audits it is given."""
    if h.kappa is None:
        so_far = f"there {'is' if h.moderated == 1 else 'are'} {h.moderated} so far"
        return (
            f"Agreement beyond chance is given from {figures.KAPPA_MIN_N} moderated audits; "
            f"{so_far}."
        )
    return (
        f"Agreement beyond chance (weighted kappa, where 0 is chance and 1 full agreement): "
        f"{h.kappa:.2f}, over {h.moderated} moderated audits."
    )


def returns_line(h: figures.Headline, noun: str = "") -> str:
    """How much came back; a period's late and overdue returns are those due back in it, and
    the line says so (``noun``: "quarter", "half-year" or "year")."""
    overdue = {0: "no return is overdue", 1: "1 return is overdue"}.get(
        h.overdue_returns, f"{h.overdue_returns} returns are overdue"
    )
    if h.due_back is not None:
        return f"{_back_line(h)}. {_due_back_line(h, noun or 'period')}"
    if not h.returned:  # "0 of them after the due date" would describe returns that never came
        return f"{_back_line(h)}; {overdue}."
    late = {0: "none"}.get(h.returned_late, str(h.returned_late))
    return f"{_back_line(h)}, {late} of them after the due date; {overdue}."


def _back_line(h: figures.Headline) -> str:
    """How many planned audits came back, in words a board reads ("All 3 …", "The planned audit
    was …", "1 of 4 … was"), never "1 of 1 planned audits were returned"."""
    share = pct(h.completion)
    if not h.returned:
        if h.planned == 1:
            return "The one audit planned has not been returned yet"
        return f"No audit has been returned yet (0 of {h.planned} planned)"
    if h.returned == h.planned:
        if h.planned == 1:
            return f"The one audit planned was returned ({share})"
        return f"All {h.planned} planned audits were returned ({share})"
    was = "was" if h.returned == 1 else "were"
    return f"{h.returned} of {h.planned} planned audits {was} returned ({share})"


def _due_back_line(h: figures.Headline, noun: str) -> str:
    basis = (
        f"late and overdue returns are counted in the {noun} the audit was due back, "
        "whenever it came back"
    )
    if not h.due_back:
        return f"No audit was due back in this {noun} ({basis})."
    if h.due_back == 1:
        return _one_due_back(h, noun, basis)
    audits = f"{h.due_back} audits"
    late = {0: "none"}.get(h.returned_late, str(h.returned_late))
    overdue = {0: "none is", 1: "1 is"}.get(h.overdue_returns, f"{h.overdue_returns} are")
    # 16 due back beside 15 planned reads as a mistake unless it says where the others come from.
    whichever = f" (whichever {noun} they were planned in)" if h.due_back != h.planned else ""
    return (
        f"Of the {audits} due back in this {noun}{whichever}, {late} came back after the due date "
        f"and {overdue} overdue ({basis})."
    )


def _one_due_back(h: figures.Headline, noun: str, basis: str) -> str:
    """The late and overdue returns of a period with one audit due back, said of that audit
    ("The audit due back in this quarter came back after the due date"), not "Of the 1 audit"."""
    state = (
        "came back after the due date"
        if h.returned_late
        else "is overdue"
        if h.overdue_returns
        else "is neither late nor overdue"
    )
    whichever = f" (whichever {noun} it was planned in)" if h.planned != 1 else ""
    return f"The audit due back in this {noun}{whichever} {state} ({basis})."


def grades_line(h: figures.Headline) -> str:
    """How the graded audits were graded against the Inadequate target ("" when none was)."""
    if not h.graded:
        return ""
    target = f"{'within' if h.within_target else 'above'} the target of {pct(h.target)} or less"
    if h.graded > 1:
        return (
            f"{pct(h.good_share)} of {h.graded} graded audits were good or better; "
            f"{pct(h.inadequate_share)} were inadequate, {target}."
        )
    was = "good or better" if h.good else "inadequate" if h.inadequate else "below good"
    return (
        f"The one audit graded was {was} ({pct(h.good_share)} good or better, "
        f"{pct(h.inadequate_share)} inadequate, {target})."
    )


def moderation_line(h: figures.Headline) -> str:
    """How often moderators kept the auditor's grade ("" when nothing was moderated), with the
    agreement beyond chance once there are enough moderated audits to give it."""
    if not h.moderated:
        return ""
    if h.moderated == 1:
        kept = "kept the auditor's grade" if not h.changed else "changed the auditor's grade"
        return f"The moderator of the one audit moderated {kept}."
    beyond = (
        f"agreement beyond chance (weighted kappa) {h.kappa:.2f}"
        if h.kappa is not None
        else f"agreement beyond chance is given from {figures.KAPPA_MIN_N} moderated audits"
    )
    return (
        f"Moderators kept the auditor's grade in {pct(h.agreement)} of {h.moderated} "
        f"moderated audits; {beyond}."
    )


def actions_line(h: figures.Headline) -> str:
    """Actions completed on time, of those due, and how many were agreed in all."""
    if not h.actions:
        return "No action was agreed."
    agreed = "1 action" if h.actions == 1 else f"{h.actions} actions"
    if not h.actions_due:
        return f"No agreed action has fallen due yet ({agreed} agreed in all)."
    return (
        f"Actions completed on time: {h.actions_on_time} of {h.actions_due} due "
        f"({pct(h.on_time_share)}); {agreed} agreed in all."
    )


def compared_line(rows: list[GroupRow], noun: str, title: str, *, left_out: str = "") -> str:
    """This period (or round) against the one before it, ``rows`` being the two, oldest first
    (``title``: what the earlier one is called); "" with nothing before it or nothing graded now.
    ``left_out``: what the two rows leave out ("re-audits and deep dive audits") that the
    Summary's other figures count, so the line says so."""
    if len(rows) < 2 or not rows[1].graded:
        return ""
    before, now = rows
    if not before.graded:
        routine = " routine" if left_out else ""
        return f"The previous {noun} ({title}) has no graded{routine} audit to compare with."
    audits = "1 graded audit" if before.graded == 1 else f"{before.graded} graded audits"
    compared = f"Leaving out {left_out}, compared" if left_out else "Compared"
    return (
        f"{compared} with the previous {noun} ({title}, {audits}): good or better "
        f"{_moved(before.good_share, now.good_share)}; inadequate "
        f"{_moved(before.inadequate_share, now.inadequate_share)}."
    )


def _moved(before: float | None, now: float | None) -> str:
    """ "rose from 50% to 79%", "fell from …", or "stayed at 0%", by the shares as printed."""
    was, is_ = pct(before), pct(now)
    if was == is_:
        return f"stayed at {is_}"
    return f"{'rose' if (now or 0) > (before or 0) else 'fell'} from {was} to {is_}"
