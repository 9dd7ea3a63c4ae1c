"""A case as sampling sees it, and the case list read from the council's export.

A child may have several episodes (lists 6-9 of Annex A); the case list keeps one :class:`Case` per
child and episode, and ``children()`` the one episode per child that sampling audits. Messages use
case ids, never a child's name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Literal

from qaf_docs.case_ids import case_key


class CaseType(StrEnum):
    """The kind of involvement a case represents, as rules and reports speak of it."""

    EARLY_HELP = "early help"
    CIN = "CIN"
    CP = "CP"
    CLA = "CLA"
    CARE_LEAVER = "care leaver"
    OTHER = "other"


# When one child has several episodes, the one sampling audits is the most serious open one.
CASE_TYPE_PRIORITY: dict[CaseType, int] = {
    CaseType.CLA: 6,
    CaseType.CP: 5,
    CaseType.CIN: 4,
    CaseType.CARE_LEAVER: 3,
    CaseType.EARLY_HELP: 2,
    CaseType.OTHER: 1,
}


@dataclass(frozen=True)
class Case:
    """One child's episode on the case list, normalised and ready for sampling rules."""

    case_id: str
    team: str | None
    worker: str | None
    case_type: CaseType
    is_open: bool
    start_date: date | None
    end_date: date | None
    sources: tuple[str, ...]
    restricted: bool = False
    attributes: Mapping[str, str] = field(default_factory=dict)
    child_name: str | None = field(default=None, repr=False)

    def __hash__(self) -> int:
        # ``attributes`` is a dict, so hash the episode's identity; equal cases share it.
        return hash((self.case_id, self.start_date, self.sources))

    def __repr__(self) -> str:
        # Keep names out of tracebacks and logs even when a Case is printed whole.
        return (
            f"Case(case_id={self.case_id!r}, team={self.team!r}, worker={self.worker!r}, "
            f"case_type={self.case_type.value!r}, is_open={self.is_open}, "
            f"start_date={self.start_date!r}, sources={self.sources!r})"
        )


@dataclass(frozen=True)
class RowProblem:
    """A rejected row (``error``) or a doubtful value (``warning``), by sheet, row and column."""

    sheet: str
    row: int
    column: str | None
    reason: str
    severity: Literal["error", "warning"]

    def __str__(self) -> str:
        where = f"sheet '{self.sheet}', row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{self.severity}: {where}: {self.reason}"


@dataclass
class CaseList:
    """Every case read from one file, the problems found, and counts that account for every row."""

    cases: list[Case]
    problems: list[RowProblem]
    rows_read: int
    rows_kept: int
    rows_merged: int
    rows_rejected: int
    input_sha256: str
    source_name: str
    sheets_read: list[str] = field(default_factory=list)
    sheets_skipped: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, list[str]] = field(default_factory=dict)  # sheet -> its header row
    header_rows: dict[str, int] = field(default_factory=dict)  # sheet -> its header's row number
    personal_columns: list[str] = field(default_factory=list)  # headers of columns left out
    free_text_columns: list[str] = field(default_factory=list)  # notes and guidance, left out
    hidden_sheets: list[str] = field(default_factory=list)  # read, though hidden in the workbook
    hidden_rows: dict[str, int] = field(default_factory=dict)  # sheet -> rows read, though hidden
    # an id written more ways than one (leading zeros) -> its other spellings, taken as that child
    id_spellings: dict[str, list[str]] = field(default_factory=dict)
    # a grouped report: sheet -> (its heading rows, rows given a heading's team, its worker)
    grouped: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def errors(self) -> list[RowProblem]:
        """The problems that made a row be rejected."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[RowProblem]:
        """The doubtful values that were read with a caveat."""
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> str:
        """Return one plain-English paragraph saying what was read, kept, merged and rejected."""
        kids = self.children()
        parts = [
            f"Read {self.rows_read} row{_s(self.rows_read)} from {self.source_name}"
            + (f" ({', '.join(self.sheets_read)})" if self.sheets_read else "")
            + f": kept {self.rows_kept} case{_s(self.rows_kept)} for {len(kids)} "
            f"child{'ren' if len(kids) != 1 else ''} ({sum(c.is_open for c in kids)} with an "
            "open case)",
            f"merged {self.rows_merged} duplicate row{_s(self.rows_merged)}",
            f"rejected {self.rows_rejected} row{_s(self.rows_rejected)}.",
        ]
        text = ", ".join(parts)
        # A note on a header (a column twice, no end date column, a type said once for the
        # sheet) is about the list's columns, not a value: counted apart.
        on_headers = sum(p.row <= self.header_rows.get(p.sheet, 0) for p in self.warnings)
        n_warn = len(self.warnings) - on_headers
        if n_warn:
            text += f" {n_warn} value{_s(n_warn)} read with a warning."
        if on_headers:
            text += f" {on_headers} note{_s(on_headers)} on the list's headers or columns."
        if self.personal_columns:
            left_out = ", ".join(f"'{h}'" for h in self.personal_columns)
            text += f" Left out as personal details (never kept or printed): {left_out}."
        if self.free_text_columns:
            left_out = ", ".join(f"'{h}'" for h in self.free_text_columns)
            text += (
                f" Left out as free text, which may name anyone (never kept or printed): "
                f"{left_out}."
            )
        if self.id_spellings:
            n = len(self.id_spellings)
            pairs = sorted(self.id_spellings.items(), key=lambda kv: id_sort_key(kv[0]))
            shown = "; ".join(f"{i}, also written {' and '.join(o)}" for i, o in pairs[:5])
            text += (
                f" {n} case id{_s(n)} {'is' if n == 1 else 'are'} written both with and without "
                f"leading zeros ({shown}{' …' if n > 5 else ''}); each is taken as one child, "
                "as Excel drops the zeros of an id kept as a number."
            )
        for sheet, (headings, teams, workers) in self.grouped.items():
            text += " " + _grouped(sheet, headings, teams, workers)
        if self.sheets_skipped:
            skipped = "; ".join(f"'{s}' ({why})" for s, why in self.sheets_skipped)
            text += f" Skipped {skipped}."
        if self.hidden_sheets:
            hidden = ", ".join(f"'{s}'" for s in self.hidden_sheets)
            text += (
                f" Read the hidden sheet{_s(len(self.hidden_sheets))} {hidden} like the others: "
                "hiding a sheet in Excel does not remove its cases (delete the sheet if they "
                "should not be sampled)."
            )
        if self.hidden_rows:
            n = sum(self.hidden_rows.values())
            where = ", ".join(f"{k} on '{s}'" for s, k in self.hidden_rows.items())
            text += (
                f" Read {n} row{_s(n)} hidden in Excel ({where}) like the others: a filter or "
                "Hide does not remove rows from the file, so their cases may be sampled (delete "
                "the rows if they should not be)."
            )
        return text

    def children(self) -> list[Case]:
        """Return one case per child (sorted by case id): the child's most serious open episode.

        A child on several lists with different start dates (a CIN episode and a later CP plan) is
        audited once; the representative episode keeps every list the child is on in ``sources``.
        """
        by_id: dict[str, list[Case]] = {}
        for case in self.cases:
            by_id.setdefault(case_key(case.case_id), []).append(case)
        result: list[Case] = []
        for key in sorted(by_id, key=lambda k: id_sort_key(by_id[k][0].case_id)):
            episodes = by_id[key]
            if len(episodes) == 1:
                result.append(episodes[0])
                continue
            best = max(episodes, key=_episode_rank)
            sources = merge_sources(e.sources for e in episodes)
            result.append(
                replace(
                    best,
                    sources=sources,
                    restricted=any(e.restricted for e in episodes),
                    team=best.team or _first(e.team for e in episodes),
                    worker=best.worker or _first(e.worker for e in episodes),
                )
            )
        return result

    def content_sha256(self) -> str:
        """Return a hash of the cases themselves, stable when the same list is saved differently."""
        digest = hashlib.sha256()
        for c in sorted(self.cases, key=lambda c: (id_sort_key(c.case_id), str(c.start_date))):
            digest.update(
                "\x1f".join(
                    [
                        c.case_id,
                        c.team or "",
                        c.worker or "",
                        c.case_type.value,
                        "open" if c.is_open else "closed",
                        str(c.start_date or ""),
                        str(c.end_date or ""),
                        # a CSV's only "sheet" is its file name, which a re-save may change
                        "|".join(s for s in c.sources if s != self.source_name),
                        "R" if c.restricted else "",
                    ]
                ).encode("utf-8")
                + b"\x1e"
            )
        return digest.hexdigest()


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _grouped(sheet: str, headings: int, teams: int, workers: int) -> str:
    """Say once for a sheet that its group heading rows were read as headings, and what they gave."""
    text = (
        f"'{sheet}' is a grouped report: its {headings} group heading row{_s(headings)} (\"Team: "
        '…", "Worker: …" or a team\'s name alone above its rows) are not children'
    )
    given = " and its ".join(
        f"{what} to {n} row{_s(n)}" for what, n in (("team", teams), ("worker", workers)) if n
    )
    if not given:
        return text + "."
    return (
        f"{text}; each heading gave its {given} under it with none of their own (check the "
        "teams if the report was sorted after it was exported)."
    )


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)


def _episode_rank(case: Case) -> tuple[int, int, date, tuple[str, ...]]:
    return (
        int(case.is_open),
        CASE_TYPE_PRIORITY[case.case_type],
        case.start_date or date.min,
        case.sources,
    )


def merge_sources(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for s in group:
            seen.setdefault(s, None)
    return tuple(sorted(seen, key=_source_sort_key))


def _source_sort_key(source: str) -> tuple[int, str]:
    number = annex_list_number(source)
    return (number, "") if number is not None else (1000, source)


# "List 6", and the names councils give the lists when they send them: "List 1 - Contacts
# (Apr-Sep)", "List_8_CLA", "Annex A List 6", Excel's copy "List 1 (2)". Not a range ("List 6-9",
# "Lists 6 to 9": which list is each row?) nor "List 12", "Listing", "List of children".
_ANNEX_SHEET = re.compile(
    r"^[\W_]*(?:annex[\W_]*a[\W_]*)?list[\W_]*(\d{1,2})"
    r"(?!\d|\s*(?:[-\u2013\u2014&,+/]|and\b|to\b)\s*\d)(?:[\W_].*)?$",
    re.IGNORECASE | re.DOTALL,
)


def annex_list_number(sheet: str) -> int | None:
    """Return 6 for an Annex A sheet named "List 6" (any case or spacing), or renamed as councils
    send it ("List 6 - CIN (Apr-Sep)"), else None."""
    m = _ANNEX_SHEET.match(sheet)
    return int(m.group(1)) if m else None


def id_sort_key(case_id: str) -> tuple[int, str]:
    """Sort numeric ids numerically and the rest as text, the same way in every process."""
    return (len(case_id), case_id) if case_id.isdigit() else (10**9, case_id)


def case_list_from_cases(
    cases: Sequence[Case], *, source_name: str = "generated", input_sha256: str | None = None
) -> CaseList:
    """Wrap ready-made cases (synthetic data, tests) in a :class:`CaseList` with honest counts."""
    sha = (
        input_sha256
        or hashlib.sha256(
            "\n".join(f"{c.case_id}|{c.start_date}|{c.team}|{c.worker}" for c in cases).encode()
        ).hexdigest()
    )
    return CaseList(
        cases=list(cases),
        problems=[],
        rows_read=len(cases),
        rows_kept=len(cases),
        rows_merged=0,
        rows_rejected=0,
        input_sha256=sha,
        source_name=source_name,
    )
