"""One row of a case list into a :class:`Case`, with every doubtful cell written down.

A row reader knows where each mapped field sits in its sheet, reads cells defensively (formulas are
reported and ignored, ``#N/A`` counts as blank with a warning, dates in any of the usual forms) and
records each problem against the sheet, row and column.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

from qaf_docs.cases.case import (
    Case,
    CaseType,
    RowProblem,
    annex_list_number,
)
from qaf_docs.cases.columns import (
    ANNEX_LISTS,
    ATTRIBUTE_FIELDS,
    CLOSED_WORDS,
    OPEN_WORDS,
    PRIVATE_FIELDS,
    clean_text,
    fold_value,
    parse_case_type,
    parse_yes_no,
    strip_code,
)
from qaf_docs.cases.date_order import DateOrders
from qaf_docs.cases.due_dates import born_by
from qaf_docs.cases.formula_columns import FormulaColumns
from qaf_docs.cases.no_dates import StandInDates, no_date_word
from qaf_docs.dates import parse_date, quotable, uk, written_date
from qaf_docs.office.sheets import EXCEL_ERROR_TEXTS, Cell

# ----------------------------------------------------------------------------------------------
# Reading


@dataclass
class SheetColumns:
    """Where each mapped field sits in one sheet, plus every column's header."""

    index: dict[str, int]
    headers: list[str]


class RowReader:
    """Turns one data row into a Case, recording every problem against its sheet, row and column."""

    def __init__(
        self,
        sheet: str,
        row: int,
        cells: list[Cell],
        columns: SheetColumns,
        today: date,
        orders: DateOrders | None = None,
        formulas: FormulaColumns | None = None,
        stand_ins: StandInDates | None = None,
    ) -> None:
        self.sheet, self.row, self.cells, self.columns, self.today = (
            sheet,
            row,
            cells,
            columns,
            today,
        )
        self.orders = orders  # told each date cell, to find columns written month first
        self.formulas = formulas  # told each formula outside the case id, said once a column
        self.stand_ins = stand_ins  # told each 01/01/1900 and the like, said once a column
        self.problems: list[RowProblem] = []
        self.born_since = False  # an expected date of birth long past: born, record not updated
        self.contact = False  # case type "Contact": an event, not an open case (said once a sheet)

    def problem(self, col: int | None, reason: str, severity: Literal["error", "warning"]) -> None:
        header = (
            self.columns.headers[col]
            if col is not None and col < len(self.columns.headers)
            else None
        )
        self.problems.append(RowProblem(self.sheet, self.row, header or None, reason, severity))

    def private(self, col: int) -> bool:
        """Whether column ``col`` holds something never to be quoted (a child's name)."""
        return any(self.columns.index.get(name) == col for name in PRIVATE_FIELDS)

    def raw(self, col: int) -> Cell:
        return self.cells[col] if col < len(self.cells) else Cell(None)

    def usable(self, col: int, *, reject: bool = False) -> object:
        """Return the cell's value, or None after reporting a formula or an error value."""
        cell = self.raw(col)
        severity: Literal["error", "warning"] = "error" if reject else "warning"
        if cell.kind == "formula":
            if self.formulas is not None and not reject:
                self.formulas.note(col, self.row, cell.value)
                return None
            # A formula in a child's name column may spell the name: never quote it.
            shown = "" if self.private(col) else f" '{cell.value}'"
            outcome = (
                "row not used (in Excel, copy the column and paste it back as values)"
                if reject
                else "value ignored"
            )
            self.problem(col, f"formula{shown} not trusted; {outcome}", severity)
            return None
        if cell.kind == "error":
            outcome = (
                "is an Excel error, not a case id; row not used" if reject else "treated as blank"
            )
            self.problem(col, f"'{cell.value}' {outcome}", severity)
            return None
        return cell.value

    def text(self, name: str) -> str | None:
        col = self.columns.index.get(name)
        if col is None:
            return None
        value = self.usable(col)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime | date):
            value = value.isoformat()[:10]
        text = clean_text(str(value))
        if text.casefold() in EXCEL_ERROR_TEXTS:
            self.problem(col, f"'{text}' treated as blank", "warning")
            return None
        return text or None

    def date_field(self, name: str) -> date | None:
        col = self.columns.index.get(name)
        if col is None:
            return None
        return self.date_at(col)

    def date_at(self, col: int) -> date | None:
        value = self.usable(col)
        parsed, reason = parse_date(value, today=self.today)
        if self.orders is not None:
            self.orders.note(col, self.row, value, parsed)
        if parsed is not None:
            if parsed.year < 1901 and self.stand_ins is not None:  # 01/01/1900: no date
                return None if self.stand_ins.blank(col, self.row, parsed) else parsed
            return parsed
        if reason and isinstance(value, str):
            if no_date_word(value, end=col == self.columns.index.get("end_date")):
                return None  # "N/A", "-"; "Open" where the case has not ended: a blank cell
            shown = " ".join(value.replace("\u00a0", " ").split())
            if reason.startswith(f"'{shown}'") and not quotable(shown):
                reason = "the value" + reason[len(shown) + 2 :]
        if reason:
            self.problem(col, f"{reason}; left blank", "warning")
        return parsed


def shown(text: str) -> str:
    """The text quoted and followed by a space when it may be quoted, else nothing."""
    return f"'{text}' " if quotable(text) else ""


def attribute_text(value: object, today: date) -> str:
    """A cell of a column qaf does not map, as text; a date written as text ("02/12/2025") reads as
    a date cell does (2025-12-02), so a CSV and a workbook give the same case facts."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".10g")
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    text = clean_text(str(value))
    written = written_date(text, today=today)
    return written.isoformat() if written else text


# What exports write where a case has no team or worker ("Unallocated", "-", Excel's "(blank)"),
# or a name was redacted: nobody, so never a worker to audit, address or count. Compared folded.
_NO_ONE = frozenset(
    {
        "unallocated", "not allocated", "no worker", "no worker allocated", "no allocated worker",
        "no team", "awaiting allocation", "none", "n a", "na", "nil", "unknown", "not known",
        "not recorded", "tbc", "tba", "null", "blank", "redacted", "withheld", "",
    }
)  # fmt: skip


@functools.lru_cache(maxsize=4096)  # a county's 50,000 rows name a few hundred teams and workers
def someone(text: str | None) -> str | None:
    """The team or worker a cell names, or None for a placeholder meaning nobody."""
    if text is None:
        return None
    key = text.casefold()
    if key in _NO_ONE:
        return None
    if key.replace(" ", "").isalnum():
        return text  # the usual name, words of letters and digits: no folding on a 50,000-row list
    return None if fold_value(text) in _NO_ONE else text


# "Contact", "Contacts", "Contact only", "Contact (NFA)" as a case type: no case, an event.
_CONTACT = re.compile(r"contacts?(?: only| record| episode| nfa)?$")


def contacts_said(sheet: str, header_row: int, column: str | None, rows: int) -> RowProblem:
    """The one note for a sheet whose case type says "Contact" on ``rows`` rows."""
    return RowProblem(
        sheet,
        header_row,
        column,
        f"{rows} row{'s say' if rows != 1 else ' says'} the case type is a contact: a contact is not "
        f"an open case to audit, so {'they are' if rows != 1 else 'it is'} read as closed and "
        "never drawn for audit",
        "warning",
    )


def row_case(
    reader: RowReader,
    case_id: str,
    sheet: str,
    annex: int | None,
    annex_stage: tuple[str, CaseType] | None,
    sheet_type: CaseType | None,
) -> tuple[Case, bool]:
    team = someone(reader.text("team"))
    worker = someone(reader.text("worker"))
    start = reader.date_field("start_date")
    said = len(reader.problems)
    end = reader.date_field("end_date")
    end_unread = said if end is None and len(reader.problems) > said else None
    cols = reader.columns.index
    formulas = reader.formulas
    end_formula = (
        end is None
        and formulas is not None
        and formulas.was_formula(cols.get("end_date"), reader.row)
    )
    if start and end and end < start:
        reader.problem(
            cols.get("end_date"),
            f"end date {uk(end)} is before start date {uk(start)}",
            "warning",
        )
    if start and start > reader.today + timedelta(days=366):
        reader.problem(
            cols.get("start_date"), f"start date {uk(start)} is in the future", "warning"
        )

    attributes: dict[str, str] = {"list": sheet}
    typed = True
    type_text = reader.text("case_type")
    case_type: CaseType | None = None
    if type_text:
        if (listed := annex_list_number(type_text)) in ANNEX_LISTS:
            # One sheet of every list, each row saying which ("List 6", "List 1 - Contacts").
            annex, annex_stage = listed, ANNEX_LISTS[listed]
        elif (case_type := parse_case_type(type_text)) is None and _CONTACT.match(
            fold_value(type_text)
        ):
            # A contact typed as the case type is List 1's: an event, never an open case.
            annex, annex_stage, reader.contact = 1, ANNEX_LISTS[1], True
        elif case_type is None:
            reader.problem(
                cols.get("case_type"),
                f"case type {shown(type_text)}not recognised (CIN, CP, CLA, care leaver, early "
                "help or other); treated as 'other'",
                "warning",
            )
            case_type = CaseType.OTHER
    if case_type is None and annex_stage is not None:
        attributes["stage"] = annex_stage[0]
        case_type = annex_stage[1]
    if case_type is None:
        case_type = sheet_type
    if case_type is None:
        case_type, typed = CaseType.OTHER, type_text is not None

    is_open = end is None or end > reader.today
    status = reader.text("status")
    if status:
        attributes["status"] = strip_code(status)
        folded = f" {fold_value(status)} "
        if any(f" {w} " in folded for w in CLOSED_WORDS):
            is_open = False
        elif (
            any(f" {w} " in folded for w in OPEN_WORDS) and end is not None and end <= reader.today
        ):
            reader.problem(
                cols.get("status"),
                f"status says the case is open but the end date is {uk(end)}; treated as closed",
                "warning",
            )
    nfa = reader.text("no_further_action")
    if nfa and parse_yes_no(nfa):
        is_open = False
    if annex == 1:
        is_open = False  # a contact is an event, not an open case
    if is_open and end_unread is not None:  # say what an unread end date does: a closed case?
        problem = reader.problems[end_unread]
        reason = f"{problem.reason}; with no end date the case is taken as open"
        reader.problems[end_unread] = replace(problem, reason=reason)
    elif is_open and end_formula and formulas is not None:  # said once for the column
        formulas.left_open(cols["end_date"])

    restricted = False
    restricted_text = reader.text("restricted")
    if restricted_text:
        flag = parse_yes_no(restricted_text)
        if flag is None:
            reader.problem(
                cols.get("restricted"),
                f"{shown(restricted_text) or 'the value '}is not yes/no; record treated as "
                "restricted to be safe",
                "warning",
            )
            flag = True
        restricted = flag

    for name in ATTRIBUTE_FIELDS:
        if name not in cols:
            continue
        if name == "date_of_birth":
            born = reader.raw(cols[name]).value
            if isinstance(born, str) and born[:1].isalpha() and _UNBORN.fullmatch(fold_value(born)):
                attributes["unborn"] = "yes"  # no birth date yet: not a bad date
            elif dob := reader.date_field(name):
                attributes[name] = dob.isoformat()
            continue
        text = reader.text(name)
        if text is None:
            continue
        if name == "age":
            age_attributes(reader, cols[name], text, attributes)
        else:
            attributes[name] = strip_code(text)

    # Due but not yet born (no birth date): unborn; due long ago: born, the record not updated
    # (said once for the sheet). The expected date itself is not kept.
    due = None if "date_of_birth" in attributes else reader.date_field("expected_birth")
    if due is not None and born_by(due, reader.today):
        attributes.pop("unborn", None)
        if attributes.get("age") == "-1":
            del attributes["age"]
        reader.born_since = True
    elif due is not None:
        attributes["unborn"] = "yes"

    child_name = reader.text("child_name")
    return (
        Case(
            case_id=case_id,
            team=team,
            worker=worker,
            case_type=case_type,
            is_open=is_open,
            start_date=start,
            end_date=end,
            sources=(sheet,),
            restricted=restricted,
            attributes=attributes,
            child_name=child_name,
        ),
        typed,
    )


# An unborn child (a pre-birth plan) as exports write it where an age or a birth date would be.
_UNBORN = re.compile(r"unborn(?: (?:baby|child))?|pre ?birth|expected")
# An age with its unit ("6 years", "6 yrs", "6y 3m"): the whole years are the age.
_AGE_IN_YEARS = re.compile(r"(\d{1,2}) ?(?:y|yrs?|years?)\b.*")


def age_attributes(reader: RowReader, col: int, text: str, attributes: dict[str, str]) -> None:
    if not text[:1].isdigit() and text[:1] != "-":
        folded = fold_value(text)
        if _UNBORN.fullmatch(folded):
            attributes["unborn"] = "yes"
            return
    elif (years := _AGE_IN_YEARS.fullmatch(text.casefold())) is not None:
        text = years[1]
    try:
        age = float(text)
    except ValueError:
        reader.problem(col, f"age {shown(text)}is not a number; left blank", "warning")
        return
    if age == -1:
        attributes["age"] = "-1"
        attributes["unborn"] = "yes"
    elif age < 0 or age > 25:
        reader.problem(col, f"age {age:g} is implausible for a child or care leaver", "warning")
        attributes["age"] = format(age, "g")
    else:
        attributes["age"] = str(int(age))
