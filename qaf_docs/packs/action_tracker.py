"""The manager's Excel action tracker: the council's template with the audit's agreed actions."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils.exceptions import InvalidFileException

from qaf_docs.dates import uk
from qaf_docs.errors import TemplateError
from qaf_docs.office.action_sheet import HEADERS, Column, column_positions, find_actions_header
from qaf_docs.office.printing import fit_merged_row_height, fit_row_height
from qaf_docs.packs.details import PackAction, PackDetails
from qaf_docs.packs.templates import not_a_template
from qaf_docs.safe_output import atomic_write, set_text_cell

_PLACEHOLDER = re.compile(r"{{\s*([^{}]*?)\s*}}")
_LEFT_OVER = re.compile(r"[{}]")
_SHARED_WORDS = re.compile(r"{{\s*action_guidance\s*}}")


def _check_columns(template: Path, header: list[object]) -> None:
    """Refuse a tracker template whose actions columns are not where qaf writes each action: a
    moved or inserted column put owners under "Due date", and every manager's copy was refused."""
    found, _ = column_positions(header)
    for column in Column:
        if column in found and found[column] == column - 1:
            continue
        if column == Column.OVERDUE or (column not in found and column > Column.OVERDUE):
            continue  # a formula column, and the sign-off columns older templates lack
        letter = "ABCDEFGHIJ"[column - 1]
        raise TemplateError(
            f"Template {template.name} cannot be used: qaf writes each action's "
            f"'{HEADERS[column - 1]}' in column {letter} of the actions table, but the template's "
            "columns have been moved, inserted or deleted there, so it would land under another "
            "heading and every manager's tracker would be refused. Keep the columns No. to "
            "Signed off on in the default's order (add columns after them), or restore the "
            "default with 'qaf init --restore-templates'. Nothing was written."
        )


def write_action_tracker(
    template: Path,
    details: PackDetails,
    actions: Sequence[PackAction],
    out: Path,
    audit_date: date | None = None,
) -> Path:
    """Fill the Excel action tracker template for one audit and write it to ``out``."""
    values = tracker_values(details, audit_date)
    wb = filled_workbook(template, values, details.identity.as_properties(), actions)
    return atomic_write(out, lambda tmp: wb.save(tmp))


def tracker_values(details: PackDetails, audit_date: date | None = None) -> dict[str, str]:
    """Return the text each ``{{ name }}`` of the tracker template is replaced with."""
    ident = details.identity
    return {
        "council_name": details.council_name,
        "audit_ref": ident.audit_ref,
        "case_id": ident.case_id,
        "team": details.team,
        "worker": details.worker,
        "auditor": details.auditor,
        "round_id": ident.round_id,
        "audit_date": uk(audit_date) if audit_date else "to be confirmed",
        "issued_on": uk(details.issued_on),
        "action_guidance": details.action_guidance,
    }


def filled_workbook(
    template: Path,
    values: dict[str, str],
    properties: dict[str, str],
    actions: Sequence[PackAction] = (),
) -> Workbook:
    """Return the tracker template with ``values``, ``actions`` and custom ``properties`` filled."""
    try:
        wb = load_workbook(template)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise not_a_template(template, "Excel Workbook (.xlsx)") from exc
    # A template saved as "Excel Template (.xltx)" and renamed still says so inside; each tracker
    # made from it would too, and a manager's returned copy is refused as a template.
    wb.template = False
    sheet = wb.worksheets[0]
    header = find_actions_header(sheet)
    if header is None:
        raise TemplateError(
            f"Template {template.name} has no actions table: a row starting 'No.' | 'Action' is "
            "needed. Restore the default with 'qaf init --restore-templates'."
        )
    _check_columns(template, [c.value for c in sheet[header]])
    for row in sheet.iter_rows(min_row=1, max_row=header):
        for cell in row:
            if isinstance(cell.value, str) and ("{" in cell.value or "}" in cell.value):
                text = _fill_placeholders(cell.value, values, template)
                if _LEFT_OVER.search(text):
                    raise TemplateError(
                        f"Template {template.name} cannot be used: cell {cell.coordinate} "
                        f"(“{cell.value[:80]}”) still shows a brace once filled in, so a "
                        "placeholder in it has lost a brace and would print as typed on every "
                        "tracker. Write it as {{ name }}, or restore the default with 'qaf init "
                        "--restore-templates'. Nothing was written."
                    )
                if _SHARED_WORDS.search(cell.value):
                    # The framework's words, the same on each of its trackers: their row fits
                    # them (per-audit values keep the template's height, as the fast tracker's do).
                    fit_merged_row_height(sheet, cell.row, cell.column, text)
                set_text_cell(cell, text)
    first = header + 1
    if sheet.cell(row=first, column=1).value == "{{ actions }}":
        sheet.cell(row=first, column=1).value = None
    for i, action in enumerate(actions):
        r = first + i
        sheet.cell(row=r, column=Column.NUMBER, value=action.number)
        set_text_cell(sheet.cell(row=r, column=Column.DESCRIPTION), action.description)
        set_text_cell(sheet.cell(row=r, column=Column.OWNER), action.owner)
        sheet.cell(row=r, column=Column.DUE, value=action.due_on)
        set_text_cell(sheet.cell(row=r, column=Column.STATUS), action.status)
        sheet.cell(row=r, column=Column.COMPLETED, value=action.completed_on)
        set_text_cell(sheet.cell(row=r, column=Column.EVIDENCE), action.evidence)
        _write_sign_off(sheet, r, action)
        fit_row_height(
            sheet, r, {Column.DESCRIPTION: action.description, Column.EVIDENCE: action.evidence}
        )
    for name, value in properties.items():
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    return wb


def _fill_placeholders(text: str, values: dict[str, str], template: Path) -> str:
    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in values:
            raise TemplateError(
                f"Template {template.name} uses '{{{{ {key} }}}}', which qaf does not provide. "
                f"Known names: {', '.join(sorted(values))}."
            )
        return values[key]

    return _PLACEHOLDER.sub(sub, text)


def _write_sign_off(sheet: Any, row: int, action: PackAction) -> None:
    """The manager's sign-off, where the template has its columns (older templates do not)."""
    if sheet.cell(row=find_actions_header(sheet) or 1, column=Column.SIGNED_OFF_BY).value is None:
        return
    set_text_cell(sheet.cell(row=row, column=Column.SIGNED_OFF_BY), action.signed_off_by)
    cell = sheet.cell(row=row, column=Column.SIGNED_OFF_ON, value=action.signed_off_on)
    cell.number_format = "DD/MM/YYYY"
