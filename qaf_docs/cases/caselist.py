"""Read the council's case list (Ofsted Annex A or any .xlsx/.csv export) into cases to sample.

Real exports are messy, so every cell is read defensively and every doubt is written down:

- headers are matched tolerantly ("Age" / "Age of Child (Years)", trailing spaces, "(Y/N))");
  which header spellings mean which field is a setting (:class:`ColumnMapping`);
- dates arrive as Excel dates, serial numbers or UK text ("03/12/2026", "3 Dec 2026", "2026-12-03");
- formula cells (``=H2+5``) are never evaluated or trusted: their value is ignored and reported;
- ``#N/A`` and other error cells count as blank, with a warning;
- names carry non-breaking spaces, codes look like "a) Male", ids arrive as floats (``6537810.0``);
- the same child on two lists with the same start date is one case that remembers both lists;
- an id of digits only is the same child with or without leading zeros ("006537810" as text on one
  list, 6537810 as an Excel number on another), shown as the list spells it most often.

Each rejected row (an error) and each doubtful value (a warning) becomes a :class:`RowProblem`
naming the sheet, row and column. Nothing is dropped silently:
``rows_read == rows_kept + rows_merged + rows_rejected``. Messages use case ids, never a
child's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from qaf_docs import clock
from qaf_docs.cases.case import (
    CaseList,
    RowProblem,
    annex_list_number,
)
from qaf_docs.cases.columns import (
    ANNEX_LISTS,
    ColumnMapping,
    fold_header,
    free_text_header,
    no_id_column,
    parse_case_type,
    personal_header,
    snake_header,
    unread_end_date,
)
from qaf_docs.cases.count_sheets import IdSums
from qaf_docs.cases.date_order import DateOrders
from qaf_docs.cases.due_dates import past_due_problem
from qaf_docs.cases.episodes import Accumulator, add_rows, one_spelling
from qaf_docs.cases.formula_columns import FormulaColumns
from qaf_docs.cases.group_rows import GroupHeadings
from qaf_docs.cases.header_row import HEADER_ROWS, find_header, repeated_headers
from qaf_docs.cases.id_cells import read_case_id, total_label
from qaf_docs.cases.no_dates import StandInDates
from qaf_docs.cases.own_outputs import not_a_case_list, qaf_output
from qaf_docs.cases.rows import (
    RowReader,
    SheetColumns,
    attribute_text,
    contacts_said,
    row_case,
)
from qaf_docs.errors import CaseListError
from qaf_docs.office.gc_pause import gc_paused
from qaf_docs.office.sheets import (
    DELIMITED,
    EXCEL_ERROR_TEXTS,
    Cell,
    Sheet,
    TableFile,
    fill_merged,
    open_table_file,
)

# ----------------------------------------------------------------------------------------------
# Reading


_TICK = 1000  # rows between progress reports


@gc_paused()
def read_case_list(
    path: Path,
    *,
    mapping: ColumnMapping | None = None,
    sheets: Sequence[str] | None = None,
    today: date | None = None,
    on_start: Callable[[int], None] | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> CaseList:
    """Read an Annex A workbook or any .xlsx/.csv case-list export into a :class:`CaseList`.

    ``on_start(rows)`` is told about how many rows there are, then ``on_rows(n)`` as each ``n``
    are read: enough for a progress bar on a county's 50,000-child list.

    ``sheets`` limits an .xlsx to the named sheets (matched tolerantly: "list 6" finds "List 6");
    by default every sheet with a case id column is read and the others are listed as skipped.
    Raises :class:`CaseListError` when the file cannot be read at all: unknown format or sheet,
    a required column missing, or no usable rows. Single bad rows are reported, never raised.
    """
    path = Path(path)
    mapping = mapping or ColumnMapping()
    today = today or clock.today()
    unknown_required = [f for f in mapping.required if f not in mapping.fields()]
    if unknown_required:
        raise CaseListError(
            f"The column mapping requires unknown field(s) {', '.join(unknown_required)}; "
            f"known fields are {', '.join(mapping.fields())}."
        )
    with open_table_file(path, what="Case list", error=CaseListError) as table:
        own = qaf_output(table.sheet_names, table.data)
        if own:
            raise CaseListError(not_a_case_list(path.name, own))
        raw_sheets, explicit = _chosen_sheets(table, sheets)
        if on_start is not None:
            on_start(sum(sheet.size or 0 for sheet in raw_sheets))
        acc = Accumulator(on_rows=on_rows, hidden=frozenset(s.name for s in raw_sheets if s.hidden))
        return _build(path, raw_sheets, explicit, mapping, today, table.sha256, acc)


def _chosen_sheets(table: TableFile, wanted: Sequence[str] | None) -> tuple[list[Sheet], bool]:
    titles = table.sheet_names
    if wanted is None or (len(titles) == 1 and table.path.suffix.lower() in DELIMITED):
        return [table.sheet(t) for t in titles], False
    chosen = []
    for name in wanted:
        match = next((t for t in titles if t == name), None) or next(
            (t for t in titles if fold_header(t) == fold_header(name)), None
        )
        if match is None:
            raise CaseListError(
                f"The workbook has no sheet '{name}'; its sheets are: {', '.join(titles)}."
            )
        chosen.append(match)
    return [table.sheet(t) for t in chosen], True


def _build(
    path: Path,
    raw_sheets: list[Sheet],
    explicit: bool,
    mapping: ColumnMapping,
    today: date,
    sha: str,
    acc: Accumulator,
) -> CaseList:
    read: list[str] = []
    headers: dict[str, list[str]] = {}
    header_rows: dict[str, int] = {}  # each sheet's header row: its notes are not values
    skipped: list[tuple[str, str]] = []
    for sheet in raw_sheets:
        found = find_header(sheet, mapping)
        if found is None:
            if explicit or len(raw_sheets) == 1:
                raise CaseListError(
                    f"No case id column found in the first {HEADER_ROWS} rows; expected a header "
                    f"such as {_quote_list(mapping.case_id[:4])}. Add the column (if the header "
                    "is further down, delete the rows above the header), or name its header "
                    'under [sampling.columns] in qaf.toml (case_id = "<its header>").',
                    sheet=sheet.name,
                )
            skipped.append((sheet.name, no_id_column(sheet.name)))
            continue
        header_row, headers[sheet.name], columns = found
        header_rows[sheet.name] = header_row
        fill_merged(sheet, header_row)
        missing = [f for f in mapping.required if f not in columns.index]
        if missing:
            spell = getattr(mapping, missing[0])
            raise CaseListError(
                f"Required column for '{missing[0]}' is missing; expected a header such as "
                f"{_quote_list(spell[:3])}. Add the column, or name its header under "
                f'[sampling.columns] in qaf.toml ({missing[0]} = "<its header>").',
                sheet=sheet.name,
                row=header_row,
            )
        read.append(sheet.name)
        before = (len(acc.problems), acc.rows_read, acc.rows_rejected)
        ids, sums = _read_sheet(sheet, header_row, columns, mapping, acc, today)
        # A column of names (not a few cells) stops the read; a notes sheet's words do not.
        alone = explicit or len(raw_sheets) == 1
        if sums.row is not None:  # a pivot or summary beside the list: its "ids" count children
            counts = sums.reason(columns.headers[columns.index["case_id"]])
            if alone:
                raise CaseListError(
                    f"This sheet is {counts}. Export the list of children itself, one row a child.",
                    sheet=sheet.name,
                )
            _take_back(sheet.name, before, acc)
            skipped.append((sheet.name, counts))
            read.pop()
            del headers[sheet.name]
            continue
        add_rows(acc, sums.held or [], sheet.name, columns)
        acc.wordy.check_sheet(sheet.name, columns, ids, alone=alone)
        if not alone and (why := _not_a_case_list(sheet.name, columns, ids, before, acc)):
            skipped.append((sheet.name, why))  # a notes sheet: said once, not row by row
            read.pop()
            del headers[sheet.name]
    cases, id_spellings = one_spelling(acc)
    cases = acc.staff.clear_child_names(cases, acc.problems)  # never a child's name as staff
    acc.wordy.name_children(cases, acc.problems)  # nor as a case id
    case_list = CaseList(
        cases=cases,
        problems=acc.problems,
        rows_read=acc.rows_read,
        rows_kept=len(cases),
        rows_merged=acc.rows_merged,
        rows_rejected=acc.rows_rejected,
        input_sha256=sha,
        source_name=path.name,
        sheets_read=read,
        sheets_skipped=skipped,
        headers=headers,
        header_rows=header_rows,
        personal_columns=list(acc.personal),
        free_text_columns=list(acc.free_text),
        hidden_sheets=[s.name for s in raw_sheets if s.hidden and s.name in read],
        hidden_rows=dict(acc.hidden_rows),
        id_spellings=id_spellings,
        grouped=acc.grouped,
    )
    notes = [f"'{s}' ({why})" for s, why in skipped if why.startswith("not a case list")]
    if not read and notes:
        raise CaseListError(
            f"No sheet in {path.name} is a case list: {'; '.join(notes)}. Export the case list "
            "again with the sheet that lists the children."
        )
    if not read:
        raise CaseListError(
            f"No sheet in {path.name} has a case id column in its first {HEADER_ROWS} rows; "
            f"expected a header such as "
            f"{_quote_list(mapping.case_id[:4])}. Add the column, or name its header under "
            '[sampling.columns] in qaf.toml (case_id = "<its header>").'
        )
    if acc.rows_read == 0:
        raise CaseListError(
            f"{path.name} has no case rows under its header"
            + (f" (sheets read: {', '.join(read)})" if read else "")
            + ". Export the case list again with its rows."
        )
    if not cases:
        first = acc.problems[0] if acc.problems else None
        raise CaseListError(
            f"None of the {acc.rows_read} rows in {path.name} could be used"
            + (f"; first problem: {first}" if first else "")
            + "."
        )
    return case_list


def _not_a_case_list(
    sheet: str, columns: SheetColumns, ids: int, before: tuple[int, int, int], acc: Accumulator
) -> str | None:
    """Why ``sheet`` (just read into ``acc``) is no case list, after taking its rows back out of
    ``acc``: every row refused for holding no id at all, with no other column qaf knows beside
    its "Child ID" (a definitions sheet laid out down the page) or sentences under it (a field
    guide laid out across). None for a case list, left as read."""
    rows = acc.rows_read - before[1]
    if ids or not rows or acc.wordy.no_id[sheet] != rows:
        return None
    if set(columns.index) != {"case_id"} and not acc.wordy.is_prose(sheet, ids):
        return None
    _take_back(sheet, before, acc)
    return (
        f"not a case list: none of its {rows} row{'s' if rows != 1 else ''} under "
        f"'{columns.headers[columns.index['case_id']]}' has a case id, as on a notes or "
        "definitions sheet"
    )


def _take_back(sheet: str, before: tuple[int, int, int], acc: Accumulator) -> None:
    """Take a skipped sheet's problems and rows back out of ``acc``."""
    del acc.problems[before[0] :]
    acc.rows_read, acc.rows_rejected = before[1], before[2]
    acc.hidden_rows.pop(sheet, None)
    acc.grouped.pop(sheet, None)


def _quote_list(items: Sequence[str]) -> str:
    return " or ".join(f"'{s}'" for s in items)


def _read_sheet(
    sheet: Sheet,
    header_row: int,
    columns: SheetColumns,
    mapping: ColumnMapping,
    acc: Accumulator,
    today: date,
) -> tuple[int, IdSums]:
    """Read one sheet's rows into ``acc``; return how many had a case id, and their cases held
    with their sum (added by the caller, unless the sheet is a summary of counts)."""
    annex = annex_list_number(sheet.name)
    annex_stage = ANNEX_LISTS.get(annex) if annex is not None else None
    sheet_type = parse_case_type(sheet.name) if annex_stage is None else None
    untyped_rows = contacts = 0
    acc.problems.extend(repeated_headers(sheet.name, header_row, columns, sheet.hidden_columns))
    date_cols = [
        i
        for i, h in enumerate(columns.headers)
        if h and i not in columns.index.values() and re.search(r"\b(date|dob)\b", fold_header(h))
    ]
    if unread := unread_end_date(sheet.name, header_row, columns.headers, columns.index):
        acc.problems.append(unread)  # closed cases taken as open: said once, before the rows
    mapped_cols = set(columns.index.values())
    # Names, birth dates, addresses and the like are never kept: skipped like mapped columns.
    due = columns.index.get("expected_birth")  # read to mark a child unborn, never kept
    personal = [
        i
        for i, h in enumerate(columns.headers)
        if h and (i == due or (i not in mapped_cols and personal_header(h)))
    ]
    acc.personal.update((columns.headers[i], None) for i in personal)
    mapped_cols.update(personal)
    # Notes and guidance may name anyone: never a case fact either, and said apart.
    notes = [i for i, h in enumerate(columns.headers) if h and i not in mapped_cols
             and free_text_header(h)]  # fmt: skip
    acc.free_text.update((columns.headers[i], None) for i in notes)
    mapped_cols.update(notes)
    # The columns kept as case facts, each with its key: worked out once, not once a row.
    unmapped = [
        (col, key)
        for col, header in enumerate(columns.headers)
        if header and col not in mapped_cols and (key := snake_header(header))
    ]
    last_row = 0
    width = len(columns.headers)
    hidden_rows = sheet.hidden_rows
    orders = DateOrders()
    formulas = FormulaColumns.of(columns.index)  # a column of VLOOKUPs or =H2+5: said once
    stand_ins = StandInDates()  # 01/01/1900 for no date: said once a column
    id_col = columns.index["case_id"]
    beside = tuple(columns.index[f] for f in ("team", "worker") if f in columns.index)
    ids = 0  # rows with a case id, against those whose id has no digit
    sums = IdSums()  # the rows' cases, and whether a total row is their ids' sum
    born_since: list[int] = []  # rows whose expected date of birth is long past
    groups = GroupHeadings(sheet, columns, mapping)  # a grouped report's heading rows
    for row_no, cells in groups.rows(sheet.rows):
        last_row = row_no
        if acc.on_rows is not None and row_no % _TICK == 0:
            acc.on_rows(_TICK)
        if not any(c.value not in (None, "") for c in cells):
            continue
        acc.rows_read += 1
        if row_no in hidden_rows:
            acc.hidden_rows[sheet.name] += 1
        if sheet.delimited and _longer_than_header(cells, width):
            # Every cell after the stray comma sits under the wrong header: none can be trusted.
            acc.problems.append(
                RowProblem(
                    sheet.name,
                    row_no,
                    None,
                    "the row has more cells than the header (a comma inside a name or address "
                    "that was not quoted?); row not used",
                    "error",
                )
            )
            acc.rows_rejected += 1
            continue
        if (label := total_label(cells, id_col, beside)) is not None:
            sums.total_row(row_no, cells[id_col].value if id_col < len(cells) else None, id_col)
            # "Total | 24" (or "24 | Total"): 24 is a count, not a child.
            acc.problems.append(
                RowProblem(
                    sheet.name,
                    row_no,
                    columns.headers[label[0]] or None,
                    f"the row is labelled '{label[1]}' (a total or count row?), not a child; "
                    "row not used",
                    "error",
                )
            )
            acc.rows_rejected += 1
            continue
        reader = RowReader(sheet.name, row_no, cells, columns, today, orders, formulas, stand_ins)
        case_id = read_case_id(reader, acc.wordy)
        if case_id is None:
            acc.problems.extend(reader.problems)
            acc.rows_rejected += 1
            continue
        ids += 1
        case, typed = row_case(reader, case_id, sheet.name, annex, annex_stage, sheet_type)
        if groups.current:
            case = groups.carry(case, reader)
        untyped_rows += not typed
        contacts += reader.contact
        attributes = dict(case.attributes)
        for col, key in unmapped:
            if key in attributes:
                continue
            if col in date_cols:
                d = reader.date_at(col)
                if d is not None:
                    attributes[key] = d.isoformat()
                continue
            value = reader.usable(col)
            if value is not None and (text := attribute_text(value, today)):
                if text.casefold() in EXCEL_ERROR_TEXTS:
                    reader.problem(col, f"'{text}' treated as blank", "warning")
                    continue
                attributes[key] = text
        case = replace(case, attributes=attributes)
        acc.problems.extend(reader.problems)
        if reader.born_since:
            born_since.append(row_no)
        sums.add(case, row_no)
    if acc.on_rows is not None and last_row % _TICK:
        acc.on_rows(last_row % _TICK)
    acc.problems.extend(orders.problems(sheet.name, columns.headers))
    acc.problems.extend(formulas.problems(sheet.name, columns.headers))
    acc.problems.extend(
        stand_ins.problems(sheet.name, columns.headers, columns.index.get("end_date"))
    )
    if born_since:  # said once for the sheet, naming the rows
        due_header = columns.headers[columns.index["expected_birth"]]
        acc.problems.append(past_due_problem(sheet.name, due_header, born_since))
    acc.problems.extend(groups.problems(sheet.name, "team" in columns.index))
    if groups.headings:
        acc.grouped[sheet.name] = (groups.headings, groups.filled["team"], groups.filled["worker"])
    if contacts:  # a contact typed as the case type: closed, said once for the sheet
        type_col = columns.headers[columns.index["case_type"]]
        acc.problems.append(contacts_said(sheet.name, header_row, type_col, contacts))
    if untyped_rows:
        acc.problems.append(
            RowProblem(
                sheet.name,
                header_row,
                None,
                f"{untyped_rows} row(s) have no recognisable case type (no case type column, and "
                "the sheet name does not say); they are treated as 'other'. Map a case type "
                "column to fix.",
                "warning",
            )
        )
    return ids, sums


def _longer_than_header(cells: list[Cell], width: int) -> bool:
    return len(cells) > width and any(c.value not in (None, "") for c in cells[width:])
