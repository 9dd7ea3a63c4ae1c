"""Bring a round's manifest up to date after the round was changed: the Audits sheet shows every
audit's current auditor, status and how it was chosen, a Changes sheet lists who changed what,
when and why, and the hidden record keeps the changes (never the random draw, which stays as
first recorded, so the draw can still be verified)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import openpyxl

from qaf_docs.cases.manifest import (
    AUDIT_HEADER,
    RECORD_SHEET,
    how_drawn,
    list_sheet,
    write_record,
)
from qaf_docs.errors import SamplingError
from qaf_docs.records import AuditRecord, RoundChange, case_type_words

HOW = {"added": "added by hand (chosen)", "swap": "swapped in (random)"}


def refresh_manifest(
    path: Path,
    audits: Sequence[AuditRecord],
    origins: Mapping[str, str],
    changes: Sequence[RoundChange],
    *,
    kind: str,
) -> None:
    """Rewrite the Audits and Changes sheets and the record's changes of the manifest at ``path``
    (``kind``: the round's, which says why its own draw took a case)."""
    if not path.is_file():
        return  # a round drawn before manifests existed, or moved away: the register still has it
    try:
        wb = openpyxl.load_workbook(path)
    except Exception as e:
        raise SamplingError(f"Manifest {path.name} cannot be opened ({type(e).__name__}).") from e
    old = {}
    sheet = wb["Audits"]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]] if rows else []
    for row in rows[1:]:
        values = dict(zip(header, row, strict=False))
        if values.get("Case ID") is not None:
            old[str(values["Case ID"])] = values
    cases = {a.audit_ref: a.case_id for a in audits}
    new_rows = []
    for a in audits:
        before = old.get(a.case_id, {})
        new_rows.append(
            [
                a.audit_ref,
                a.case_id,
                before.get("Case type") or case_type_words(a.case_type),
                a.team,
                a.worker,
                a.auditor or "(unallocated)",
                a.auditor_email,
                before.get("Auditor role") if before.get("Auditor") == a.auditor else "",
                a.due_on,
                before.get("From list") or "",
                before.get("Restricted") or "",
                HOW.get(origins.get(a.audit_ref, "drawn"), how_drawn(kind)),
                a.status,
            ]
        )
    # Drawn cases that never became audits (unallocated) keep their rows.
    listed = {a.case_id for a in audits}
    for case_id, values in old.items():
        if case_id not in listed:
            new_rows.append([values.get(h) for h in AUDIT_HEADER])
    position = wb.sheetnames.index("Audits")
    wb.remove(sheet)
    list_sheet(wb, "Audits", AUDIT_HEADER, new_rows, index=position)
    if "Changes" in wb.sheetnames:
        wb.remove(wb["Changes"])
    list_sheet(
        wb,
        "Changes",
        ["When", "Change", "Audit ref", "Case ID", "By", "Reason", "Details"],
        [
            [
                c.at[:16].replace("T", " "),
                c.change,
                c.audit_ref or "",
                cases.get(c.audit_ref or "", ""),
                c.by_whom,
                c.reason,
                _details(c.details),
            ]
            for c in changes
        ],
        index=wb.sheetnames.index(RECORD_SHEET),
    )
    # When each change was made, as a date and time Excel sorts and filters (this computer's time).
    for row, c in enumerate(changes, start=2):
        cell = wb["Changes"].cell(row=row, column=1)
        cell.value = _local(c.at)
        cell.number_format = "DD/MM/YYYY HH:MM"
    record = wb[RECORD_SHEET]
    data = {}
    for row in list(record.iter_rows(values_only=True))[1:]:
        if row and row[0]:
            data[str(row[0])] = json.loads("".join(str(v) for v in row[1:] if v is not None))
    data["changes"] = _record_changes(changes, cases)
    for row in record.iter_rows(min_row=2):
        for cell in row:
            cell.value = None
    write_record(record, data)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)


def _local(at: str) -> datetime:
    """The register's ISO 8601 moment in this computer's time, without the offset Excel cannot
    hold."""
    moment = datetime.fromisoformat(at)
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


_DETAIL_LABELS = {
    "from": "from",
    "to": "to",
    "auditor": "auditor",
    "replaced_case": "replaces case",
    "replaces": "replaces audit",
    "drawn_from": "drawn at random from this many eligible cases",
    "audits": "audits",
}


def _details(details: Mapping[str, str]) -> str:
    """The change's details as a person reads them (labels, not the record's keys)."""
    return "; ".join(f"{_DETAIL_LABELS[k]}: {v}" for k, v in details.items() if k in _DETAIL_LABELS)


def _record_changes(
    changes: Sequence[RoundChange], cases: Mapping[str, str]
) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for c in changes:
        refs = (
            c.details.get("audits", "").split(", ")
            if c.change == "cancel round"
            else [c.audit_ref or ""]
        )
        for ref in refs:
            out.append(
                {
                    **c.details,
                    "change": c.change,
                    "audit_ref": ref,
                    "case": c.details.get("case") or cases.get(ref, ""),
                    "by": c.by_whom,
                    "reason": c.reason,
                    "at": c.at,
                }
            )
    return out
