"""The case id cell of one row of a case list: read, or the row refused as not a child's.

The case id is what qaf writes into the names of the files it chooses (case notes, e-mails),
folders and logs, because it is not a name. A row is not used where its id cell holds a total,
a placeholder, an Excel error or a number Excel has mangled; each is reported by sheet, row and
column.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from qaf_docs.cases.columns import clean_text, fold_value
from qaf_docs.cases.rows import RowReader
from qaf_docs.office.sheets import Cell

# What exports write in the id column of a row that is not a child: totals under the list, its
# end, placeholders. Compared folded ("TOTAL:" and "Total" alike).
_NOT_IDS = frozenset(
    {
        "total", "totals", "grand total", "sub total", "subtotal", "sum", "count", "end",
        "end of list", "end of report", "n a", "na", "unknown", "tbc", "tba", "null", "none", "nil",
    }
)  # fmt: skip


_WHOLE_WITH_ZEROS = re.compile(r"\d+\.0+")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?e\+?\d+", re.IGNORECASE)
_DECIMAL = re.compile(r"\d+\.\d+")
_ID_CHARACTERS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-/.]*")


def _not_an_id(text: str) -> bool:
    if text[0].isdigit():  # the usual id: no folding on a 50,000-row list
        return not text.strip("0")
    folded = fold_value(text)
    return not folded or folded in _NOT_IDS


def read_case_id(reader: RowReader) -> str | None:
    col = reader.columns.index["case_id"]
    value = reader.usable(col, reject=True)
    if value is None:
        if reader.raw(col).kind == "value":
            reader.problem(col, "no case id; row not used", "error")
        return None
    if isinstance(value, bool):
        reader.problem(col, f"'{value}' is not a case id; row not used", "error")
        return None
    if isinstance(value, float):
        if not value.is_integer():
            reader.problem(col, f"case id {value!r} is not a whole number; row not used", "error")
            return None
        value = int(value)
    if isinstance(value, datetime | date):
        reader.problem(col, "case id is a date; row not used", "error")
        return None
    text = clean_text(str(value))
    if text.isascii() and text.isdigit() and len(text) <= 40 and text.strip("0"):
        return text  # the usual id, as every check below would pass it
    if _WHOLE_WITH_ZEROS.fullmatch(text):
        text = text.split(".")[0]
    if _SCIENTIFIC.fullmatch(text):
        reader.problem(
            col,
            f"case id '{text}' was shortened by Excel to scientific notation; format the column "
            "as Number (no decimals) or Text and export again; row not used",
            "error",
        )
        return None
    if not text:
        reader.problem(col, "no case id; row not used", "error")
        return None
    if _DECIMAL.fullmatch(text):
        reader.problem(col, f"case id '{text}' is not a whole number; row not used", "error")
        return None
    if _not_an_id(text):
        # A total, a note or a placeholder under the list: a known word, so safe to quote.
        reader.problem(
            col, f"'{text}' is not a case id (a total or note row?); row not used", "error"
        )
        return None
    if len(text) > 40 or not _ID_CHARACTERS.fullmatch(text):
        reader.problem(col, "case id has unexpected characters or length; row not used", "error")
        return None
    return text


# The label of a total row ("Total", "Grand Total:", "Count of children", "Total number of
# cases"), folded; a team such as "Total Respite Team" is not one.
_TOTAL_LABEL = re.compile(
    r"(?P<total>(?:grand |sub ?)?totals?)(?: (?:of|number|children|cases|count|for)\b.*)?"
    r"|(?P<count>count|sum|number)(?: of\b.*)?"
)


def total_label(cells: list[Cell], id_col: int) -> tuple[int, str] | None:
    """The column and label word of a total row's label left of the case id, if it has one.
    Only the label word is returned: the rest of the cell could name someone."""
    for col, cell in enumerate(cells[:id_col]):
        value = cell.value
        if value is None or value == "":
            continue
        if not isinstance(value, str) or value.lstrip()[:1].lower() not in "tgscn":
            return None  # the usual row: a team or a date before the id
        match = _TOTAL_LABEL.fullmatch(fold_value(value))
        return (col, match["total"] or match["count"]) if match else None
    return None
