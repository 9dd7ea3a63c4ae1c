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

A report grouped by child instead ("Child: 1234567", or the child's name merged across above the
child's episodes) has headings that name the child, never a team. A heading labelled as the
child ("Child:", "Person ID:", "Name:", any header spelling of the case id or the child's name)
is one; a value alone is the child's unless the sheet shows its headings are teams: a heading
with two or more children under it, or one that reads as a team ("Locality 4 Unit 1", "Disabled
Children's Team"). Until one does, the rows under the sheet's first such heading wait, so that
every heading of a sheet is read the same way. A child's heading gives no team or worker, is
never shown, and gives its case id (when it is one) to the rows under it whose id cell is blank;
the sheet's child headings are said once.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import replace

from qaf_docs.case_ids import ID_CHARACTERS, case_key
from qaf_docs.cases.case import Case, RowProblem
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
# Words of a team's name that are not a child's: a value alone with one reads as a team.
_TEAM_WORDS = frozenset(
    {
        "team", "teams", "unit", "service", "services", "locality", "hub", "pod", "area", "group",
        "children", "childrens", "care", "leavers", "leaving", "assessment", "disabled",
        "disability", "disabilities", "fostering", "adoption", "duty", "intake", "referral",
        "safeguarding", "support", "help", "protection", "cin", "cp", "cla", "lac", "mash",
        "yot", "permanence", "pathway", "placements", "intervention", "practice", "social",
        "district", "division", "region", "department", "directorate", "0 25", "edge of care",
    }
)  # fmt: skip
# A heading's count after its team or worker: "(23)", "[Count: 1]", "- 23 cases", "- 1 child".
_COUNTED = r"(?:children|child|cases?|records?|rows?|young people|young person|people)"
_COUNT = re.compile(
    rf"\s*(?:[(\[]\s*(?:(?:count|n)\s*[:=]?\s*)?\d+(?:\s+{_COUNTED})?\s*[)\]]"
    rf"|[-–:,]\s*\d+\s+{_COUNTED}|[-–:,]?\s*count\s*[:=]?\s*\d+)$",
    re.IGNORECASE,
)
# A child's case id as a heading gives it ("Child: 1234567", "Person ID: AB12345").
_AN_ID = re.compile(r"(?=[^ ]*\d)[A-Za-z0-9][A-Za-z0-9_\-/.]{0,39}")

Row = tuple[int, list[Cell]]


class GroupHeadings:
    """The heading rows of one sheet, taken out of its rows, and the team or worker each gives."""

    def __init__(self, sheet: Sheet, columns: SheetColumns, mapping: ColumnMapping) -> None:
        self.id_col = columns.index["case_id"]
        self.across = frozenset(r1 for r1, c1, _r2, c2 in sheet.merged if c2 > c1)
        self.labels = (
            {header_key(s): "child" for s in [*mapping.case_id, *mapping.child_name]}
            | {header_key(s): "child" for s in _CHILD_LABELS}
            | {header_key(s): "team" for s in mapping.team}
            | {header_key(s): "worker" for s in mapping.worker}
        )
        self.current: dict[str, str] = {}  # the team and worker of the group being read
        self.headings = 0
        self.filled: Counter[str] = Counter()  # "team" / "worker" -> rows given the heading's
        self._given: dict[str, str | None] = {}
        self.by_team: bool | None = None  # whether a value alone heads a team, once known
        self.child_headings: list[int] = []  # rows of headings naming a child
        self.child_id: str | None = None  # the case id the child's heading gives
        self.ids_given = 0

    def rows(self, rows: Iterator[Row]) -> Iterator[Row]:
        """``rows`` without their headings. A value alone with no label is held until the next
        row says whether it heads children (a case id under it) or was a row like any other;
        the first that heads children holds the rows after it until the sheet shows whether such
        headings name teams or children."""
        id_col = self.id_col
        held: tuple[Row, str] | None = None
        waiting: deque[Row] = deque()  # rows read ahead to tell teams from children
        for row in _after(waiting, rows):
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
                        self._start(kind, label, row[0])
                    continue
            if held is not None:
                if _id_like(value):
                    if self.by_team is None:
                        self.by_team = self._teams(held[1], row, rows, waiting)
                    self._start("team" if self.by_team else "child", "", held[0][0], held[1])
                else:
                    yield held[0]
                held = None
            if self.child_id is not None and value in (None, ""):
                row = _with_id(row, id_col, self.child_id)
                self.ids_given += 1
            yield row
        if held is not None:
            yield held[0]

    def _teams(self, label: str, first: Row, rows: Iterator[Row], waiting: deque[Row]) -> bool:
        """Whether the sheet's values alone head teams: read on from the first heading's first
        row (the rows after it kept in ``waiting``) until a heading reads as a team's or heads
        two children, or to the sheet's end (they head children)."""
        alone: str | None = label
        ids: set[str] = set()
        for row in itertools.chain([first], rows):
            if row is not first:
                waiting.append(row)
            cells = row[1]
            value = cells[self.id_col].value if self.id_col < len(cells) else None
            if value is None or (type(value) is str and not value.isdigit()):
                kind, text = self._heading(row)
                if kind and kind != "blank":
                    alone, ids = (text if kind == "alone" else None), set()
                    continue
            if alone is None or not _id_like(value, strict=True):
                continue  # a footer under the group ("Total: 2") is no child of it
            ids.add(case_key(clean_text(str(int(value) if isinstance(value, float) else value))))
            if len(ids) > 1 or _team_like(alone):
                return True
        return False

    def problems(self, sheet: str, has_team_column: bool) -> list[RowProblem]:
        """One warning for the sheet's headings that name a child, never showing one."""
        if not self.child_headings:
            return []
        n = len(self.child_headings)
        reason = (
            f"{n} heading row{'s' if n > 1 else ''} ({'the first: ' if n > 1 else ''}row "
            f"{self.child_headings[0]}) "
            f"name{'' if n > 1 else 's'} the child whose rows are under {'them' if n > 1 else 'it'} "
            "(a name or a case id), not a team, so no team or worker is taken from "
            f"{'them' if n > 1 else 'it'} and what {'they say is' if n > 1 else 'it says is'} "
            "not shown"
        )
        if self.ids_given:
            reason += (
                f"; {self.ids_given} row{'s' if self.ids_given > 1 else ''} with no case id of "
                "their own took the case id of the heading above them"
            )
        if not has_team_column:
            reason += (
                ". The list has no team column: to sample by team, export it again with the "
                "allocated team"
            )
        return [RowProblem(sheet, self.child_headings[0], None, reason, "warning")]

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

    def _start(self, name: str, label: str, row_no: int, alone: str = "") -> None:
        self.child_id = None
        if name == "child":  # names the child: gives no team, only its case id if it is one
            self.child_headings.append(row_no)
            text = clean_text(label)
            self.child_id = text if _AN_ID.fullmatch(text) and not alone else None
            return
        label = label or alone
        self.headings += 1
        if name == "team":
            self._given.pop("worker", None)  # a new team's workers are its own
        self._given[name] = someone(_COUNT.sub("", clean_text(label)) or None)
        self.current = {k: v for k, v in self._given.items() if v is not None}


# Labels of a heading that names the child, besides the case id's and child name's headers.
_CHILD_LABELS = ("Child", "Young Person", "Person", "Client", "Case", "Person Ref", "Child Ref")


def _after(waiting: deque[Row], rows: Iterator[Row]) -> Iterator[Row]:
    """The rows read ahead into ``waiting`` first, then the rest of ``rows``."""
    while True:
        if waiting:
            yield waiting.popleft()
            continue
        row = next(rows, None)
        if row is None:
            return
        yield row


def _team_like(text: str) -> bool:
    folded = f" {fold_value(text)} "
    return any(f" {word} " in folded for word in _TEAM_WORDS)


def _with_id(row: Row, col: int, case_id: str) -> Row:
    cells = list(row[1]) + [Cell(None)] * (col + 1 - len(row[1]))
    cells[col] = Cell(case_id)
    return row[0], cells


def _id_like(value: object, *, strict: bool = False) -> bool:
    """Whether an id cell holds what could be a child's id (a number, or text with a digit;
    ``strict``: and only the characters an id has, so not "Total: 2")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    if not isinstance(value, str) or not any(ch.isdigit() for ch in value):
        return False
    return not strict or ID_CHARACTERS.fullmatch(value.strip()) is not None


def _blank(reader: RowReader, name: str) -> bool:
    col = reader.columns.index.get(name)
    return col is None or reader.raw(col).value in (None, "")
