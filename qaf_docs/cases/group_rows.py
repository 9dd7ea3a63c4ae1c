"""Grouped report exports: a heading row above each group of children, not a child itself.

Mosaic, LCS and Business Objects reports group a list under a heading row per team or worker
("Team: Locality 4 Unit 1", "Worker: Jo Bloggs", or the team's name alone, merged across the row)
and leave the team cell of the children under it blank. Such a row holds one value and no case id.
It is read as a heading: the team (or worker) it names is given to each row under it whose team
(or worker) cell is blank, or to every row under it when the sheet has no such column, and the
case list says so once for the sheet.

A heading that says what it is ("Team: …", "Allocated Worker: …", any header spelling of the team
or the worker) is one wherever it stands. A value alone without such a label is a heading only
as report tools write one: in the row's first cell, merged across the row, and with a child's row
under it. Otherwise it is read as any row is, and refused as before (a child's row with its id
missing, a note, a footer, a name typed alone on a row).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from qaf_docs.cases.case import Case
from qaf_docs.cases.columns import ColumnMapping, clean_text, fold_value, header_key
from qaf_docs.cases.rows import RowReader, SheetColumns, someone
from qaf_docs.office.sheets import Cell, Sheet

# "Team: Locality 1": a label, a colon, the value.
_LABELLED = re.compile(r"([^:]{1,40}):\s*(.*)", re.DOTALL)
# A value alone that is a total, a footer or a note, never a team (compared folded).
_NOT_A_TEAM = re.compile(
    r"(?:(?:grand |sub ?)?totals?|count|sum|number of|end|report|printed|run (?:on|by|date)|page|"
    r"notes?|n ?b|excludes?|excluding|includes?|including|please|source|(?:data )?as at|data|"
    r"filters?|parameters?|this|the following|generated|created|produced)\b.*"
    r"|n a|na|none|nil|null|redacted|withheld|removed|anonymi[sz]ed|confidential"
)
_LONGEST_TEAM = 8  # words: a longer value alone is a sentence, not a team's name

Row = tuple[int, list[Cell]]


class GroupHeadings:
    """The heading rows of one sheet, taken out of its rows, and the team or worker each gives."""

    def __init__(self, sheet: Sheet, columns: SheetColumns, mapping: ColumnMapping) -> None:
        self.id_col = columns.index["case_id"]
        self.across = frozenset(r1 for r1, c1, _r2, c2 in sheet.merged if c2 > c1)
        self.labels = {header_key(s): "team" for s in mapping.team} | {
            header_key(s): "worker" for s in mapping.worker
        }
        self.current: dict[str, str] = {}  # the team and worker of the group being read
        self.headings = 0
        self.filled: Counter[str] = Counter()  # "team" / "worker" -> rows given the heading's
        self._given: dict[str, str | None] = {}

    def rows(self, rows: Iterator[Row]) -> Iterator[Row]:
        """``rows`` without their headings. A value alone with no label is held until the next
        row says whether it heads children (a case id under it) or was a row like any other."""
        id_col = self.id_col
        held: tuple[Row, str] | None = None
        for row in rows:
            cells = row[1]
            value = cells[id_col].value if id_col < len(cells) else None
            if value is None or (type(value) is str and not value.isdigit()):
                kind, label = self._heading(row)
                if kind == "blank":
                    yield row
                    continue
                if kind:
                    if held is not None:
                        yield held[0]  # headed nothing: a row like any other
                    held = None
                    if kind == "alone":
                        held = (row, label)
                    else:
                        self._start(kind, label)
                    continue
            if held is not None:
                if _id_like(value):
                    self._start("team", held[1])
                else:
                    yield held[0]
                held = None
            yield row
        if held is not None:
            yield held[0]

    def carry(self, case: Case, reader: RowReader) -> Case:
        """``case`` with the group's team and worker where its own cells are blank."""
        given: dict[str, str] = {}
        for name, value in self.current.items():
            if getattr(case, name) is None and _blank(reader, name):
                given[name] = value
                self.filled[name] += 1
        return replace(case, **given) if given else case  # type: ignore[arg-type]

    def _heading(self, row: Row) -> tuple[str, str]:
        """("team" or "worker", its value) for a labelled heading, ("alone", the value) for a
        value alone that may be one, ("blank", "") for an empty row, else ("", "")."""
        row_no, cells = row
        only: object = None
        col = -1
        for i, cell in enumerate(cells):
            v = cell.value
            if v is None or v == "" or v == only:
                continue
            if only is not None or not isinstance(v, str) or cell.kind != "value":
                return "", ""
            only, col = v, i
        if only is None:
            return "blank", ""
        text = clean_text(str(only))
        labelled = _LABELLED.fullmatch(text)
        if labelled:  # "Team: …" is a heading; "Note: …", "Run date: …" are not
            name = self.labels.get(header_key(labelled[1]))
            return (name, labelled[2]) if name else ("", "")
        if (
            not any(ch.isalpha() for ch in text)
            or text.count(" ") >= _LONGEST_TEAM
            or _NOT_A_TEAM.fullmatch(fold_value(text))
        ):
            return "", ""
        if col != 0 or row_no not in self.across:
            return "", ""  # a child's row with its id missing, a name typed alone on a row
        if col == self.id_col and " " not in text and any(ch.isdigit() for ch in text):
            return "", ""  # could be a child's id
        return "alone", text

    def _start(self, name: str, label: str) -> None:
        self.headings += 1
        if name == "team":
            self._given.pop("worker", None)  # a new team's workers are its own
        self._given[name] = someone(clean_text(label) or None)
        self.current = {k: v for k, v in self._given.items() if v is not None}


def _id_like(value: object) -> bool:
    """Whether an id cell holds what could be a child's id (a number, or text with a digit)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and any(ch.isdigit() for ch in value)


def _blank(reader: RowReader, name: str) -> bool:
    col = reader.columns.index.get(name)
    return col is None or reader.raw(col).value in (None, "")
