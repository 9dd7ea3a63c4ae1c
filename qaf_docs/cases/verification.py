"""Re-draw a recorded round from its manifest and say, in plain English, whether it matches.

Only the round's random draw is re-drawn: cases added by hand, cancellations, reassignments and
swaps made since are listed as changes (from the manifest's record), never counted as differences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.columns import ColumnMapping
from qaf_docs.cases.manifest import by_the_draw, read_manifest_record
from qaf_docs.cases.plan import AuditHistory, RoundSpec
from qaf_docs.cases.roster import Auditor, read_roster
from qaf_docs.cases.roster_child_names import without_child_names
from qaf_docs.cases.sampling import plan_round, roster_sha256
from qaf_docs.errors import CaseListError, SamplingError

__all__ = ["VerifyResult", "verify_manifest"]


@dataclass
class VerifyResult:
    """The outcome of re-drawing a round: whether it matched, and a plain-English explanation."""

    ok: bool
    same_input: bool
    differences: list[str]
    explanation: str

    def __bool__(self) -> bool:
        """Return True when the round was reproduced exactly."""
        return self.ok


def verify_manifest(
    manifest: Path,
    case_list: Path,
    roster: Path | None = None,
    history: AuditHistory | None = None,
    *,
    mapping: ColumnMapping | None = None,
    sheets: Sequence[str] | None = None,
) -> VerifyResult:
    """Re-draw the round recorded in ``manifest`` from ``case_list`` and compare with what it lists.

    The roster and audit history recorded in the manifest are used unless ``roster``/``history``
    are given, in which case they are compared with the recorded ones and used instead.
    """
    record = read_manifest_record(manifest)
    rules = record.rules
    spec_data = rules.get("spec")
    if not isinstance(spec_data, dict):
        raise SamplingError(f"{Path(manifest).name} records no round rules; it cannot be verified.")
    spec = RoundSpec.from_rules(spec_data)
    planned_on = date.fromisoformat(str(rules["planned_on"]))
    differences: list[str] = []
    notes: list[str] = []

    try:
        cases = read_case_list(Path(case_list), mapping=mapping, sheets=sheets, today=planned_on)
    except CaseListError as e:
        return VerifyResult(False, False, [str(e)], f"The case list cannot be read: {e}")
    recorded_sha = str(rules.get("input_sha256", ""))
    same_input = cases.input_sha256 == recorded_sha
    if not same_input:
        if cases.content_sha256() == rules.get("cases_sha256"):
            notes.append(
                "The case list file is not byte-for-byte the one recorded (perhaps re-saved), but "
                "it holds the same cases."
            )
        else:
            differences.append(
                f"The case list {Path(case_list).name} is not the same file this round was drawn "
                "from, and it holds different cases: verify with the case list used for the draw "
                f"(for IT: its fingerprint is {cases.input_sha256[:12]}…, the round's "
                f"{recorded_sha[:12]}…)."
            )

    auditors = record.roster
    if roster is not None:
        auditors, _ = without_child_names(read_roster(Path(roster)), cases.children())
        if roster_sha256(auditors) != rules.get("roster_sha256"):
            differences.append(
                _roster_difference(record.roster, auditors)
                + " The round was re-drawn with the roster you gave."
            )
    used_history = record.history
    if history is not None:
        if history.sha256() != rules.get("history_sha256"):
            differences.append(
                "The audit history you gave differs from the one recorded when the round was drawn "
                "(audits registered since change exclusions); the round was re-drawn with yours."
            )
        used_history = history

    load = rules.get("auditor_load") or {}
    assert isinstance(load, Mapping)
    try:
        again = plan_round(
            cases,
            auditors,
            spec,
            round_id=str(rules.get("round_id", "round")),
            history=used_history,
            today=planned_on,
            return_days=int(str(rules.get("return_days", 20))),
            auditor_load={str(k): int(v) for k, v in load.items()},
        )
    except SamplingError as e:
        differences.append(f"The round cannot be drawn again from this input: {e}")
        return _result(False, same_input, differences, notes, spec, 0)
    notes.extend(describe_changes(record.changes))

    listed = dict(record.audits)
    drawn = {a.case.case_id: (a.auditor.name if a.auditor else None) for a in again.audits}
    missing = sorted(set(listed) - set(drawn))
    extra = sorted(set(drawn) - set(listed))
    if missing:
        differences.append(
            f"{len(missing)} case(s) in the manifest were not drawn again: {_few(missing)}."
        )
    if extra:
        differences.append(
            f"{len(extra)} case(s) were drawn that the manifest does not list: {_few(extra)}."
        )
    moved = sorted(k for k in set(listed) & set(drawn) if listed[k] != drawn[k])
    if moved:
        differences.append(
            f"{len(moved)} case(s) went to a different auditor than the manifest says: "
            f"{_few(moved)}."
        )
    differences.extend(_sheet_against_record(record.listed, listed, record.changes))
    reproduced = not (missing or extra or moved)
    return _result(reproduced and not differences, same_input, differences, notes, spec, len(drawn))


def _sheet_against_record(
    listed: Sequence[tuple[str, str | None, str, str]],
    drawn: Mapping[str, str | None],
    changes: Sequence[Mapping[str, str]],
) -> list[str]:
    """Check the visible Audits sheet says what the record and the recorded changes say."""
    changed = {c.get("case", "") for c in changes if c.get("change") != "add"}
    chosen = {c.get("case", "") for c in changes if c.get("change") in ("add", "swap")}
    out: list[str] = []
    on_sheet = {case for case, *_ in listed}
    gone = sorted(set(drawn) - on_sheet)
    if gone:
        out.append(f"{len(gone)} drawn case(s) are missing from the Audits sheet: {_few(gone)}.")
    kept = [
        (case, auditor)
        for case, auditor, how, _ in listed
        if by_the_draw(how) and case not in changed
    ]
    not_drawn = sorted(case for case, _ in kept if case not in drawn)
    if not_drawn:
        out.append(
            f"{len(not_drawn)} case(s) on the Audits sheet were not in the recorded draw and no "
            f"recorded change explains them: {_few(not_drawn)}."
        )
    moved = sorted(case for case, auditor in kept if case in drawn and drawn[case] != auditor)
    if moved:
        out.append(
            f"{len(moved)} case(s) on the Audits sheet went to a different auditor than the draw "
            f"gave them, and no recorded reassignment explains it: {_few(moved)}."
        )
    unexplained = sorted(
        case for case, _, how, _ in listed if not by_the_draw(how) and case not in chosen
    )
    if unexplained:
        out.append(
            f"{len(unexplained)} case(s) on the Audits sheet were not drawn and no recorded change "
            f"added them: {_few(unexplained)}."
        )
    return out


def describe_changes(changes: Sequence[Mapping[str, str]]) -> list[str]:
    """Say in one sentence each what was changed after the draw (not part of the random draw)."""
    if not changes:
        return []
    added = [c.get("case", "") for c in changes if c.get("change") == "add"]
    swapped = [c for c in changes if c.get("change") == "swap"]
    counts = {
        "cancelled": sum(c.get("change") in ("cancel audit", "cancel round") for c in changes),
        "reassigned": sum(c.get("change") == "reassign" for c in changes),
        "allocated": sum(c.get("change") == "allocate" for c in changes),
    }
    out = ["Changes since the draw are not part of it:"]
    if added:
        out.append(f"{len(added)} case(s) added by hand (chosen, not random): {_few(added)}.")
    if swapped:
        out.append(
            f"{len(swapped)} case(s) swapped for a fresh random draw from the same group: "
            + _few([f"{c.get('replaced_case', '?')} → {c.get('case', '?')}" for c in swapped])
            + "."
        )
    if counts["cancelled"]:
        out.append(f"{counts['cancelled']} cancellation(s).")
    if counts["reassigned"]:
        out.append(f"{counts['reassigned']} audit(s) reassigned to another auditor.")
    if counts["allocated"]:
        out.append(
            f"{counts['allocated']} case(s) drawn without an auditor were given one later "
            "(qaf round allocate)."
        )
    return out


def _few(ids: Sequence[str], limit: int = 8) -> str:
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _roster_difference(recorded: Sequence[Auditor], given: Sequence[Auditor]) -> str:
    before = {a.name for a in recorded}
    after = {a.name for a in given}
    parts = []
    if after - before:
        parts.append(f"added {_few(sorted(after - before), 4)}")
    if before - after:
        parts.append(f"removed {_few(sorted(before - after), 4)}")
    changed = sorted(a.name for a in given if a.name in before and a not in set(recorded))
    if changed:
        parts.append(f"changed {_few(changed, 4)}")
    return "The roster differs from the one recorded (" + ("; ".join(parts) or "reordered") + ")."


def _result(
    ok: bool,
    same_input: bool,
    differences: list[str],
    notes: list[str],
    spec: RoundSpec,
    n: int,
) -> VerifyResult:
    if ok:
        text = (
            f"Reproduced: re-drawing the {spec.kind} round from seed {spec.seed} gives the same "
            f"{n} case(s) and auditors as the manifest."
        )
        if notes:
            text += " " + " ".join(notes)
        elif same_input:
            text += " The case list is the one recorded (same SHA-256)."
    else:
        text = "Not reproduced. " + " ".join(differences)
        if notes:
            text += " " + " ".join(notes)
    return VerifyResult(ok, same_input, differences, text)
