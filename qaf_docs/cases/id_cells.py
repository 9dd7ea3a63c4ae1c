"""The case id cell of one row of a case list: read, or the row refused as not a child's.

The case id is what qaf writes into the names of the files it chooses (case notes, e-mails),
folders and logs, because it is not a name. A row is not used where its id cell holds a total,
a placeholder, an Excel error or a number Excel has mangled; each is reported by sheet, row and
column.

Nor where it holds a name. Every case id a council's system gives has a digit in it ("1234567",
"AB12345", "CH/0012"); a child's name does not. A column shifted in the export, a "Child" column
taken for the id, or a name typed in the cell puts "SMITH Jayden" where "1234567" should be, and
nothing downstream could tell it from an id. So an id with no digit is never used nor shown: its
row is refused by sheet, row and column (saying so when it is one of the list's child names), and
a case list sheet whose id column holds more such values than ids stops the read, naming the
column, since it is the wrong column rather than a few wrong cells. (A notes or definitions sheet
beside the list, with field names under "Child ID", is no case list: it is skipped, said once.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from qaf_docs.case_ids import ID_CHARACTERS
from qaf_docs.cases.case import Case, RowProblem
from qaf_docs.cases.columns import clean_text, fold_value, header_key
from qaf_docs.cases.rows import RowReader, SheetColumns
from qaf_docs.errors import CaseListError
from qaf_docs.office.sheets import Cell

# What exports write in the id column of a row that is not a child: totals under the list, its
# end, placeholders. Compared folded ("TOTAL:" and "Total" alike).
_NOT_IDS = frozenset(
    {
        "total", "totals", "grand total", "sub total", "subtotal", "sum", "count", "end",
        "end of list", "end of report", "n a", "na", "unknown", "tbc", "tba", "null", "none", "nil",
        "redacted", "withheld", "removed", "anonymised", "anonymized", "confidential", "blank",
    }
)  # fmt: skip


# A formula that counts or adds up the cells above it: a total row's, never a child's id.
_TOTAL_FORMULA = re.compile(
    r"=\s*(?:_xlfn\.)?(subtotal|aggregate|counta|countifs|countif|countblank|count|sumifs|sumif"
    r"|sumproduct|sum)\s*\(",
    re.IGNORECASE,
)
_WHOLE_WITH_ZEROS = re.compile(r"\d+\.0+")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?e\+?\d+", re.IGNORECASE)
_DECIMAL = re.compile(r"\d+\.\d+")


def _not_an_id(text: str) -> bool:
    if text[0].isdigit():  # the usual id: no folding on a 50,000-row list
        return not text.strip("0")
    folded = fold_value(text)
    return not folded or folded in _NOT_IDS


def read_case_id(reader: RowReader, wordy: WordyIds) -> str | None:
    """Return the row's case id, or None after reporting why the row is not used; an id with no
    digit (perhaps a name) is told to ``wordy`` and never shown."""
    col = reader.columns.index["case_id"]
    cell = reader.raw(col)
    if cell.kind == "formula" and (total := _TOTAL_FORMULA.match(str(cell.value))):
        # "=COUNTA(A6:A310)" under the ids counts them: no child, and no formula to paste back as
        # a value (the count would then be read as a child's id).
        reader.problem(
            col,
            f"the row holds a total (={total[1].upper()}(…)), not a child; row not used",
            "error",
        )
        return None
    value = reader.usable(col, reject=True)
    if value is None:
        if reader.raw(col).kind == "value":
            reader.problem(col, "no case id; row not used", "error")
            wordy.no_id[reader.sheet] += 1
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
        wordy.no_id[reader.sheet] += 1
        return None
    if _DECIMAL.fullmatch(text):
        reader.problem(col, f"case id '{text}' is not a whole number; row not used", "error")
        return None
    if _not_an_id(text):
        # A total, a note or a placeholder under the list: a known word, so safe to quote.
        reader.problem(
            col, f"'{text}' is not a case id (a total or note row?); row not used", "error"
        )
        wordy.no_id[reader.sheet] += 1
        return None
    if not any(ch.isdigit() for ch in text):
        if header_key(text) == header_key(reader.columns.headers[col]):
            # A report that prints its header again on each page: no child, and no name.
            reader.problem(
                col, "the row repeats the list's header (a report's next page?); row not used",
                "error",
            )  # fmt: skip
            return None
        wordy.refuse(reader, col)
        return None
    if not ID_CHARACTERS.fullmatch(text):
        footer = _FOOTER.match(fold_value(text))
        if footer is not None:  # "Total: 312", "Page 1 of 3": only the label word is quoted
            label = footer["label"].capitalize()
            reader.problem(
                col,
                f"the row is labelled '{label}' (a total, count or footer row under the list?), "
                "not a child; row not used",
                "error",
            )
            return None
        if len(_WORDS.findall(text)) >= _NOTE_WORDS:  # "(1) Worker as at 31/03/2026": never quoted
            reader.problem(
                col,
                "the case id cell holds a note or sentence, not a case id (a footnote under the "
                "list?); row not used",
                "error",
            )
            return None
        reader.problem(col, "case id has unexpected characters or length; row not used", "error")
        return None
    return text


_NOTE_WORDS = 3  # words of letters in an id cell that make it a note: no id has so many


# The label of a total row ("Total", "Grand Total:", "Count of children", "Total number of
# cases"), folded; a team such as "Total Respite Team" is not one. Excel's Data > Subtotal puts
# "Locality 1 Total" or "Locality 1 Count" under each team and "Grand Count" at the foot: only
# the last word is given back (the words before it may be a worker's name).
_TOTAL_LABEL = re.compile(
    r"(?P<total>(?:grand |sub ?)?totals?)(?: (?:of|number|children|cases|count|for)\b.*)?"
    r"|(?P<count>(?:grand )?count|sum|number)(?: of\b.*)?"
    r"|.+ (?P<group>sub ?totals?|totals?|count)"
)


# The start of a report's footer in the id column, folded, with its count or date after it:
# "Total: 312", "Count of Child ID: 2", "Page 1 of 3", "Report run on 23/11/2026 by …".
_FOOTER = re.compile(
    r"(?P<label>(?:grand |sub ?)?totals?|count|sum|number of (?:children|cases|records|rows)|"
    r"page|report run|run (?:on|date|by)|printed|generated|produced|extracted|created|"
    r"(?:data )?as at)\b"
)


def total_label(
    cells: list[Cell], id_col: int, beside: tuple[int, ...] = ()
) -> tuple[int, str] | None:
    """The column and label word of a total row's label left of the case id, or in one of the
    ``beside`` columns right of it ("2 | Total": the count under the id, the label under the
    team), if it has one. Only the label word is returned: the rest of the cell could name
    someone."""
    for col, cell in enumerate(cells[:id_col]):
        value = cell.value
        if value is None or value == "":
            continue
        return _labelled(col, value)  # the usual row: a team or a date before the id, no label
    for col in beside:
        if id_col < col < len(cells) and (found := _labelled(col, cells[col].value)):
            return found
    return None


# How a total row's label begins or ends, lower case: a cheap test before folding, as every
# row's team (beside the id) is looked at and folding is most of the cost of reading a 50,000-row
# list.
_LABEL_STARTS = ("tot", "grand", "sub", "count", "sum", "number")
_LABEL_ENDS = tuple(
    f"{word}{end}"
    for base in ("total", "totals", "count")
    for word in (base, base.title(), base.upper())
    for end in ("", ":", " ")
)
_LAST_LETTERS = frozenset("lLtTsS: ")


def _labelled(col: int, value: object) -> tuple[int, str] | None:
    if not isinstance(value, str) or not (
        value.lstrip()[:6].lower().startswith(_LABEL_STARTS)
        or (value[-1:] in _LAST_LETTERS and value.endswith(_LABEL_ENDS))
    ):
        return None
    match = _TOTAL_LABEL.fullmatch(fold_value(value))
    return (col, match["total"] or match["count"] or match["group"]) if match else None


_NO_DIGIT = (
    "case id has no digits, so it is not a child's id (a heading, a note or a name typed in the "
    "id column?); row not used"
)
_CHILD_NAME = (
    "case id is a child's name from this list's child name column (typed in the id column, or a "
    "column shifted in the export?), so it is not shown here; row not used. Put the child's case "
    "id in the cell and read the list again"
)
_WORDS = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def _words(text: str) -> frozenset[str]:
    """The words of a name, folded: "SMITH, Jayden" and "Jayden Smith" have the same."""
    return frozenset(w.casefold() for w in _WORDS.findall(text))


@dataclass
class WordyIds:
    """The case id cells with no digit in them, which may hold a child's name.

    Counted per sheet, so that a column of names stops the read; each kept in memory (never
    written anywhere) until the list is read, so its problem can say whether it is one of the
    list's child names.
    """

    per_sheet: Counter[str] = field(default_factory=Counter)
    held: list[tuple[RowProblem, frozenset[str]]] = field(default_factory=list)
    own_names: list[frozenset[str]] = field(default_factory=list)  # refused rows' child names
    # rows refused for holding no id at all (blank, a word, a placeholder), per sheet
    no_id: Counter[str] = field(default_factory=Counter)
    # no-digit ids that are sentences (over four words), per sheet: a guide's, not a name
    prose: Counter[str] = field(default_factory=Counter)

    def refuse(self, reader: RowReader, col: int) -> None:
        """Report the row's id as no id, without showing it, and remember it."""
        reader.problem(col, _NO_DIGIT, "error")
        self.per_sheet[reader.sheet] += 1
        self.no_id[reader.sheet] += 1
        value = reader.raw(col).value
        self.held.append((reader.problems[-1], _words(str(value))))
        if len(str(value).split()) > 4:
            self.prose[reader.sheet] += 1
        name_col = reader.columns.index.get("child_name")
        name = reader.raw(name_col) if name_col is not None else None
        if name is not None and name.kind == "value" and isinstance(name.value, str):
            self.own_names.append(_words(name.value))  # the row's own child, refused with it

    def check_sheet(self, sheet: str, columns: SheetColumns, ids: int, *, alone: bool) -> None:
        """Stop when more of ``sheet``'s id cells hold no digit than hold one of its ``ids``: the
        column is the wrong one (or shifted), and no row of it can be trusted. A sheet with no
        column but the id's beside others (a definitions or notes sheet, whose words sit under
        "Child ID") is no case list: its rows are refused one by one instead. One that is
        ``alone`` (the file's only sheet, or one named to be read) is always a case list."""
        wordy = self.per_sheet[sheet]
        if wordy <= ids or not (alone or set(columns.index) - {"case_id"}):
            return
        if not alone and self.is_prose(sheet, ids):
            return  # a field guide laid out across, its sentences under the list's headers
        header = columns.headers[columns.index["case_id"]]
        others = [h for h in columns.headers if h and h != header][:12]
        raise CaseListError(
            f"The case id column '{header}' looks like it holds names, not case ids: {wordy} of "
            f"its {wordy + ids} values have no digit, and every case id has one. So no case "
            "was taken from this list (and none of those values is shown). If the case ids are "
            "in another column, name its header under [sampling.columns] in qaf.toml (case_id = "
            '"<its header>"), or correct the header already named there; if the export shifted '
            "its columns, export the list again."
            + (f" This sheet's other headers: {', '.join(others)}." if others else ""),
            sheet=sheet,
        )

    def is_prose(self, sheet: str, ids: int) -> bool:
        """Whether ``sheet`` has no id and most of what sits under its id header are sentences
        (a guide or notes sheet), not names (a list whose id column holds names)."""
        return not ids and self.prose[sheet] * 2 > self.per_sheet[sheet]

    def name_children(self, cases: Iterable[Case], problems: list[RowProblem]) -> None:
        """Say in ``problems`` which refused ids are one of the list's child names (the whole
        name, or any of its words: a first name, a surname, "SMITH Jayden")."""
        if not self.held:
            return
        names: set[str] = set()
        for case in cases:
            if case.child_name:
                names |= _words(case.child_name)
        for own in self.own_names:
            names |= own
        named = {id(p) for p, words in self.held if words and words <= names}
        if named:
            problems[:] = [
                replace(p, reason=_CHILD_NAME) if id(p) in named else p for p in problems
            ]
