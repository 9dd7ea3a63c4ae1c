"""The register as JSON or CSV for other tools (Power BI, a council's data warehouse)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from qaf_docs.register.store import Register
from qaf_docs.safe_output import atomic_write, csv_safe

EXPORT_FIELDS = (
    "audit_ref", "case_id", "round", "framework", "team", "worker", "auditor", "status",
    "issued_on", "due_on", "returned_on", "overall_grade", "moderated_grade",
)  # fmt: skip


def export_json(register: Register) -> str:
    """Return the register as the documented JSON document ``{"audits": [...]}``."""
    audits = []
    for a in register.snapshot():
        item: dict[str, Any] = {k: a[k] for k in EXPORT_FIELDS}
        item["domains"] = a["domains"]
        item["actions"] = a["actions"]
        audits.append(item)
    return json.dumps({"audits": audits}, indent=2, ensure_ascii=False)


def _csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else csv_safe(v) for v in row])
    return buffer.getvalue()


def export_csv(register: Register, folder: Path) -> list[Path]:
    """Write audits.csv, domains.csv and actions.csv (flat tables keyed by audit_ref) into ``folder``."""
    snapshot = register.snapshot()
    tables = {
        "audits.csv": (list(EXPORT_FIELDS), [[a[k] for k in EXPORT_FIELDS] for a in snapshot]),
        "domains.csv": (
            ["audit_ref", "domain", "grade", "rationale"],
            [
                [a["audit_ref"], d["domain"], d["grade"], d["rationale"]]
                for a in snapshot
                for d in a["domains"]
            ],
        ),
        "actions.csv": (
            ["audit_ref", "description", "owner", "due_on", "status", "completed_on"],
            [
                [
                    a["audit_ref"],
                    x["description"],
                    x["owner"],
                    x["due_on"],
                    x["status"],
                    x["completed_on"],
                ]
                for a in snapshot
                for x in a["actions"]
            ],
        ),
    }
    written = []
    for name, (header, rows) in tables.items():
        # utf-8-sig so Excel opens names with accents correctly.
        data = _csv_text(header, rows).encode("utf-8-sig")
        written.append(atomic_write(folder / name, lambda tmp, data=data: tmp.write_bytes(data)))  # type: ignore[misc]
    return written
