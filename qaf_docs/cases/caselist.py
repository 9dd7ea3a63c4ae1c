"""Read the council's case list (Ofsted Annex A or any .xlsx/.csv export) into cases to sample.

Real exports are messy, so every cell is read defensively and every doubt is written down:

- headers are matched tolerantly ("Age" / "Age of Child (Years)", trailing spaces, "(Y/N))");
  which header spellings mean which field is a setting (:class:`ColumnMapping`);
- dates arrive as Excel dates, serial numbers or UK text ("03/12/2026", "3 Dec 2026", "2026-12-03");
- formula cells (``=H2+5``) are never evaluated or trusted: their value is ignored and reported;
- ``#N/A`` and other error cells count as blank, with a warning;
- names carry non-breaking spaces, codes look like "a) Male", ids arrive as floats (``6537810.0``);
- the same child on two lists with the same start date is one case that remembers both lists.

Each rejected row (an error) and each doubtful value (a warning) becomes a :class:`RowProblem`
naming the sheet, row and column. Nothing is dropped silently:
``rows_read == rows_kept + rows_merged + rows_rejected``. Messages use case ids, never a
child's name.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Literal

import openpyxl
from pydantic import BaseModel, ConfigDict, Field

from qaf_docs.dates import parse_date
from qaf_docs.errors import CaseListError

__all__ = [
    "Case",
    "CaseList",
    "CaseType",
    "ColumnMapping",
    "RowProblem",
    "fold_header",
    "fold_value",
    "parse_case_type",
    "parse_date",
    "read_case_list",
]

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_RATIO = 200


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
        parts = [
            f"Read {self.rows_read} row{_s(self.rows_read)} from {self.source_name}"
            + (f" ({', '.join(self.sheets_read)})" if self.sheets_read else "")
            + f": kept {self.rows_kept} case{_s(self.rows_kept)}"
            f" ({sum(c.is_open for c in self.cases)} open)",
            f"merged {self.rows_merged} duplicate row{_s(self.rows_merged)}",
            f"rejected {self.rows_rejected} row{_s(self.rows_rejected)}.",
        ]
        text = ", ".join(parts)
        n_warn = len(self.warnings)
        if n_warn:
            text += f" {n_warn} value{_s(n_warn)} read with a warning."
        if self.sheets_skipped:
            skipped = "; ".join(f"'{s}' ({why})" for s, why in self.sheets_skipped)
            text += f" Skipped {skipped}."
        return text

    def children(self) -> list[Case]:
        """Return one case per child (sorted by case id): the child's most serious open episode.

        A child on several lists with different start dates (a CIN episode and a later CP plan) is
        audited once; the representative episode keeps every list the child is on in ``sources``.
        """
        by_id: dict[str, list[Case]] = {}
        for case in self.cases:
            by_id.setdefault(case.case_id, []).append(case)
        result: list[Case] = []
        for case_id in sorted(by_id, key=_id_sort_key):
            episodes = by_id[case_id]
            if len(episodes) == 1:
                result.append(episodes[0])
                continue
            best = max(episodes, key=_episode_rank)
            sources = _merge_sources(e.sources for e in episodes)
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
        for c in sorted(self.cases, key=lambda c: (_id_sort_key(c.case_id), str(c.start_date))):
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


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)


def _episode_rank(case: Case) -> tuple[int, int, date, tuple[str, ...]]:
    return (
        int(case.is_open),
        CASE_TYPE_PRIORITY[case.case_type],
        case.start_date or date.min,
        case.sources,
    )


def _merge_sources(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for s in group:
            seen.setdefault(s, None)
    return tuple(sorted(seen, key=_source_sort_key))


def _source_sort_key(source: str) -> tuple[int, str]:
    m = _ANNEX_SHEET.match(fold_header(source))
    return (int(m.group(1)), "") if m else (1000, source)


def _id_sort_key(case_id: str) -> tuple[int, str]:
    """Sort numeric ids numerically and the rest as text, the same way in every process."""
    return (len(case_id), case_id) if case_id.isdigit() else (10**9, case_id)


# ----------------------------------------------------------------------------------------------
# Column mapping


def _spellings(*names: str) -> list[str]:
    return list(names)


class ColumnMapping(BaseModel):
    """Which header spellings mean which field; the first spelling found in a sheet wins.

    Headers are compared after folding (case, spaces, non-breaking spaces, punctuation and any
    bracketed part such as "(Years)" or "(Y/N))" ignored), so list only really different wordings.
    Defaults cover Ofsted Annex A and common case-management exports.
    """

    model_config = ConfigDict(extra="forbid")

    case_id: list[str] = Field(
        default_factory=lambda: _spellings(
            "Child Unique ID", "Child ID", "Unique ID", "Person ID", "Client ID", "Case ID",
            "Case Number", "Case Reference", "LCS ID", "Mosaic ID", "ID",
        )
    )  # fmt: skip
    team: list[str] = Field(
        default_factory=lambda: _spellings(
            "Allocated Team", "Team", "Team Name", "Responsible Team", "Allocated Team Name"
        )
    )
    worker: list[str] = Field(
        default_factory=lambda: _spellings(
            "Allocated Worker", "Worker", "Social Worker", "Allocated Social Worker",
            "Allocated Worker Name", "Key Worker", "Lead Professional", "Practitioner",
        )
    )  # fmt: skip
    start_date: list[str] = Field(
        default_factory=lambda: _spellings(
            "CIN Start Date", "Child Protection Plan Start Date", "Date Started to be Looked After",
            "Date the Child Entered Care",
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            "Continuous Assessment Start Date", "Assessment start date", "Date of Referral",
            "Date of Contact", "Episode Start Date", "Case Start Date", "Start Date", "Open Date",
            "Date Opened", "Allocation Date", "Referral Date",
        )
    )  # fmt: skip
    end_date: list[str] = Field(
        default_factory=lambda: _spellings(
            "CIN Closure Date", "Child Protection Plan End Date", "Date Ceased to be Looked After",
            "Date of Adoption Order", "Continuous Assessment Date of Authorisation",
            "Assessment completion date", "Episode End Date", "Case End Date", "End Date",
            "Closure Date", "Close Date", "Date Closed",
        )
    )  # fmt: skip
    case_type: list[str] = Field(
        default_factory=lambda: _spellings(
            "Case Type", "Type of Case", "Case Category", "Service", "Involvement", "Plan Type"
        )
    )
    status: list[str] = Field(
        default_factory=lambda: _spellings(
            "Case Status", "Status", "Open/Closed", "Open or Closed", "Case State"
        )
    )
    no_further_action: list[str] = Field(
        default_factory=lambda: _spellings("Referral NFA?", "NFA", "No Further Action")
    )
    restricted: list[str] = Field(
        default_factory=lambda: _spellings(
            "Restricted", "Restricted Record", "Restricted Access", "Access Restricted",
            "Sensitive Record", "Sensitive",
        )
    )  # fmt: skip
    child_name: list[str] = Field(
        default_factory=lambda: _spellings(
            "Child Name", "Child's Name", "Name", "Full Name", "Child Full Name"
        )
    )
    date_of_birth: list[str] = Field(default_factory=lambda: _spellings("Date of Birth", "DOB"))
    age: list[str] = Field(
        default_factory=lambda: _spellings("Age", "Age of Child", "Age in Years")
    )
    category_of_abuse: list[str] = Field(
        default_factory=lambda: _spellings(
            "Latest Category of Abuse", "Category of Abuse", "Initial Category of Abuse",
            "CP Category",
        )
    )  # fmt: skip
    primary_need: list[str] = Field(
        default_factory=lambda: _spellings(
            "Primary Need Code", "Primary Need", "Child's Category of Need", "Category of Need",
            "Need Code",
        )
    )  # fmt: skip
    legal_status: list[str] = Field(
        default_factory=lambda: _spellings("Child's Legal Status", "Legal Status")
    )
    required: list[str] = Field(
        default_factory=lambda: ["case_id"],
        description="fields every sheet must have a column for, e.g. add 'team' to insist on teams",
    )

    def fields(self) -> dict[str, list[str]]:
        """Return field name -> header spellings, excluding the ``required`` setting."""
        return {k: v for k, v in self.model_dump().items() if k != "required"}


# Fields whose values go into Case.attributes under their own name as well as the header's.
_ATTRIBUTE_FIELDS = (
    "date_of_birth",
    "age",
    "category_of_abuse",
    "primary_need",
    "legal_status",
)
_PRIVATE_FIELDS = ("child_name",)

# ----------------------------------------------------------------------------------------------
# Folding and value parsing

_BRACKETS = re.compile(r"\([^)]*\)?|\)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_CODE_PREFIX = re.compile(r"^\s*[a-zA-Z]{1,2}\)\s+")
_ANNEX_SHEET = re.compile(r"^list (\d{1,2})$")
_SPACES = re.compile(r"\s+")


def fold_header(text: str) -> str:
    """Fold a header for tolerant matching: "Age of Child (Years) " -> "age of child"."""
    text = text.replace("\u00a0", " ").casefold()
    text = re.sub(r"['’‘`]", "", text)
    text = _BRACKETS.sub(" ", text)
    text = _NON_ALNUM.sub(" ", text)
    return " ".join(text.split())


def fold_value(text: str) -> str:
    """Fold a coded value for comparison: "a) Male" -> "male", "N1 - Neglect" -> "n1 neglect"."""
    text = _CODE_PREFIX.sub("", clean_text(text))
    text = re.sub(r"['’‘`]", "", text.casefold())
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def clean_text(text: str) -> str:
    """Normalise whitespace: non-breaking and repeated spaces become one ordinary space."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ").replace("\u200b", "")).strip()


def strip_code(text: str) -> str:
    """Drop an Annex A code prefix: "a) Male" -> "Male", "c) Child in need plan" -> "Child in…"."""
    return _CODE_PREFIX.sub("", clean_text(text))


def _snake(header: str) -> str:
    return fold_header(header).replace(" ", "_")


_CASE_TYPE_WORDS: list[tuple[CaseType, tuple[str, ...]]] = [
    (CaseType.CARE_LEAVER, ("care leaver", "care leavers", "leaving care", "former relevant",
                            "relevant child", "cl", "pathway plan")),
    (CaseType.CLA, ("looked after", "cla", "lac", "child in care", "children in care", "cic",
                    "in care")),
    (CaseType.CP, ("child protection", "cp", "cpp", "protection plan")),
    (CaseType.CIN, ("child in need", "children in need", "cin", "in need")),
    (CaseType.EARLY_HELP, ("early help", "eh", "family support", "tac", "team around the family",
                           "team around the child")),
]  # fmt: skip


def parse_case_type(text: str) -> CaseType | None:
    """Return the case type a value names ("CP", "Child Protection", "LAC", "Early Help")."""
    folded = f" {fold_value(text)} "
    if folded.strip() == "other":
        return CaseType.OTHER
    for case_type, words in _CASE_TYPE_WORDS:
        if any(f" {w} " in folded for w in words):
            return case_type
    return None


_YES = {"yes", "y", "true", "1", "restricted", "t"}
_NO = {"no", "n", "false", "0", "f", ""}


def _parse_yes_no(text: str) -> bool | None:
    folded = fold_value(text)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    return None


_CLOSED_WORDS = ("closed", "close", "ceased", "ended", "nfa", "no further action", "inactive")
_OPEN_WORDS = ("open", "active", "allocated", "current", "ongoing")

# ----------------------------------------------------------------------------------------------
# Annex A knowledge

_ANNEX_LISTS: dict[int, tuple[str, CaseType]] = {
    1: ("contact", CaseType.OTHER),
    2: ("early help assessment", CaseType.EARLY_HELP),
    3: ("referral", CaseType.CIN),
    4: ("assessment", CaseType.CIN),
    5: ("section 47 enquiry", CaseType.CIN),
    6: ("child in need", CaseType.CIN),
    7: ("child protection", CaseType.CP),
    8: ("looked after", CaseType.CLA),
    9: ("care leaver", CaseType.CARE_LEAVER),
    10: ("adoption", CaseType.CLA),
}


def _annex_list_number(sheet: str) -> int | None:
    m = _ANNEX_SHEET.match(fold_header(sheet))
    return int(m.group(1)) if m else None


# ----------------------------------------------------------------------------------------------
# Reading


@dataclass
class _Cell:
    """A raw cell as the reader saw it: its value and whether it held a formula or an error."""

    value: object
    kind: Literal["value", "formula", "error"] = "value"


@dataclass
class _Sheet:
    name: str
    rows: Iterator[tuple[int, list[_Cell]]]


@dataclass
class _Accumulator:
    problems: list[RowProblem] = field(default_factory=list)
    episodes: dict[tuple[str, date | None], Case] = field(default_factory=dict)
    order: list[tuple[str, date | None]] = field(default_factory=list)
    rows_read: int = 0
    rows_merged: int = 0
    rows_rejected: int = 0


def read_case_list(
    path: Path,
    *,
    mapping: ColumnMapping | None = None,
    sheets: Sequence[str] | None = None,
    today: date | None = None,
) -> CaseList:
    """Read an Annex A workbook or any .xlsx/.csv case-list export into a :class:`CaseList`.

    ``sheets`` limits an .xlsx to the named sheets (matched tolerantly: "list 6" finds "List 6");
    by default every sheet with a case id column is read and the others are listed as skipped.
    Raises :class:`CaseListError` when the file cannot be read at all: unknown format or sheet,
    a required column missing, or no usable rows. Single bad rows are reported, never raised.
    """
    path = Path(path)
    mapping = mapping or ColumnMapping()
    today = today or date.today()
    unknown_required = [f for f in mapping.required if f not in mapping.fields()]
    if unknown_required:
        raise CaseListError(
            f"The column mapping requires unknown field(s) {', '.join(unknown_required)}; "
            f"known fields are {', '.join(mapping.fields())}."
        )
    data = _read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw_sheets = [_csv_sheet(path.name, data)]
        explicit = False
    elif suffix == ".xlsx":
        _check_zip(path, data)
        workbook = _open_workbook(path, data)
        try:
            raw_sheets, explicit = _xlsx_sheets(workbook, sheets)
            return _build(path, raw_sheets, explicit, mapping, today, sha)
        finally:
            workbook.close()
    elif suffix in {".xlsm", ".xlsb", ".xls", ".xltm"}:
        raise CaseListError(
            f"{path.name}: {suffix} files are not read (old or macro-enabled format). "
            "Open it in Excel, choose File > Save As 'Excel Workbook (.xlsx)' or 'CSV', and use "
            "that."
        )
    else:
        raise CaseListError(
            f"{path.name}: a case list must be an .xlsx workbook or a .csv file, "
            f"not '{suffix or 'no extension'}'."
        )
    return _build(path, raw_sheets, explicit, mapping, today, sha)


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CaseListError(f"Case list {path} does not exist.") from None
    except OSError as e:
        raise CaseListError(f"Case list {path} cannot be opened: {e.strerror or e}") from e
    if size > MAX_FILE_BYTES:
        raise CaseListError(
            f"{path.name} is {size // (1024 * 1024)} MB; case lists over "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB are not read. Export only the lists you need."
        )
    try:
        return path.read_bytes()
    except OSError as e:
        raise CaseListError(
            f"Case list {path} cannot be read ({e.strerror or e}); close it in Excel and try again."
        ) from e


def _check_zip(path: Path, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise CaseListError(
            f"{path.name} is not a real .xlsx workbook (it may be a renamed .xls or CSV, or be "
            "password-protected). Open it in Excel and save it as 'Excel Workbook (.xlsx)'."
        ) from None
    names = {i.filename for i in infos}
    if "xl/vbaProject.bin" in names:
        raise CaseListError(f"{path.name} contains macros; save a copy as a plain .xlsx workbook.")
    unzipped = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unzipped > MAX_UNZIPPED_BYTES or unzipped / packed > MAX_ZIP_RATIO:
        raise CaseListError(
            f"{path.name} expands to {unzipped // (1024 * 1024)} MB and is not read "
            "(it looks like a damaged or hostile file)."
        )


def _open_workbook(path: Path, data: bytes) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many unrelated types for broken files
        raise CaseListError(
            f"{path.name} cannot be opened as a workbook ({type(e).__name__}). "
            "Open it in Excel and save it again as 'Excel Workbook (.xlsx)'."
        ) from e


def _xlsx_sheets(
    workbook: openpyxl.Workbook,
    wanted: Sequence[str] | None,
) -> tuple[list[_Sheet], bool]:
    titles: list[str] = list(workbook.sheetnames)
    if wanted is None:
        chosen = titles
    else:
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
    return [_Sheet(t, _xlsx_rows(workbook[t])) for t in chosen], wanted is not None


def _xlsx_rows(ws: object) -> Iterator[tuple[int, list[_Cell]]]:
    for row_no, row in enumerate(ws.iter_rows(), start=1):  # type: ignore[attr-defined]
        cells: list[_Cell] = []
        for cell in row:
            value = getattr(cell, "value", None)
            data_type = getattr(cell, "data_type", "n")
            if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                text = value if isinstance(value, str) else getattr(value, "text", "formula")
                cells.append(_Cell(text, "formula"))
            elif data_type == "e":
                cells.append(_Cell(value, "error"))
            else:
                cells.append(_Cell(value))
        yield row_no, cells


_ERROR_TEXTS = {"#n/a", "#value!", "#ref!", "#div/0!", "#name?", "#null!", "#num!", "#getting_data"}


def _csv_sheet(name: str, data: bytes) -> _Sheet:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise CaseListError(f"{name} is not a text file; save it as 'CSV UTF-8'.")
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)

    def rows() -> Iterator[tuple[int, list[_Cell]]]:
        for row_no, record in enumerate(reader, start=1):
            yield row_no, [_csv_cell(v) for v in record]

    return _Sheet(name, rows())


def _csv_cell(value: str) -> _Cell:
    if value.startswith("="):
        return _Cell(value, "formula")
    if value.strip().casefold() in _ERROR_TEXTS:
        return _Cell(value.strip(), "error")
    return _Cell(value)


@dataclass
class _Columns:
    """Where each mapped field sits in one sheet, plus every column's header."""

    index: dict[str, int]
    headers: list[str]


def _find_header(sheet: _Sheet, mapping: ColumnMapping) -> tuple[int, list[str], _Columns] | None:
    id_keys = {fold_header(s) for s in mapping.case_id}
    for row_no, cells in sheet.rows:
        headers = [clean_text(str(c.value)) if c.value is not None else "" for c in cells]
        if any(fold_header(h) in id_keys for h in headers if h):
            return row_no, headers, _locate(headers, mapping)
        if row_no >= 20:
            break
    return None


def _locate(headers: list[str], mapping: ColumnMapping) -> _Columns:
    folded = [fold_header(h) for h in headers]
    index: dict[str, int] = {}
    for name, spellings in mapping.fields().items():
        for spelling in spellings:
            key = fold_header(spelling)
            if key in folded:
                index[name] = folded.index(key)
                break
    return _Columns(index, headers)


def _build(
    path: Path,
    raw_sheets: list[_Sheet],
    explicit: bool,
    mapping: ColumnMapping,
    today: date,
    sha: str,
) -> CaseList:
    acc = _Accumulator()
    read: list[str] = []
    skipped: list[tuple[str, str]] = []
    for sheet in raw_sheets:
        found = _find_header(sheet, mapping)
        if found is None:
            if explicit or len(raw_sheets) == 1:
                raise CaseListError(
                    f"No case id column found; expected a header such as "
                    f"{_quote_list(mapping.case_id[:4])}. Add the column, or add its header to the "
                    "column mapping (case_id).",
                    sheet=sheet.name,
                )
            skipped.append((sheet.name, "no case id column"))
            continue
        header_row, _, columns = found
        missing = [f for f in mapping.required if f not in columns.index]
        if missing:
            spell = getattr(mapping, missing[0])
            raise CaseListError(
                f"Required column for '{missing[0]}' is missing; expected a header such as "
                f"{_quote_list(spell[:3])}. Add the column or map its header in the column "
                "mapping.",
                sheet=sheet.name,
                row=header_row,
            )
        read.append(sheet.name)
        _read_sheet(sheet, header_row, columns, acc, today)
    cases = [acc.episodes[k] for k in acc.order]
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
    )
    if not read:
        raise CaseListError(
            f"No sheet in {path.name} has a case id column; expected a header such as "
            f"{_quote_list(mapping.case_id[:4])}. Add the column, or add its header to the column "
            "mapping (case_id)."
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


def _quote_list(items: Sequence[str]) -> str:
    return " or ".join(f"'{s}'" for s in items)


class _RowReader:
    """Turns one data row into a Case, recording every problem against its sheet, row and column."""

    def __init__(
        self, sheet: str, row: int, cells: list[_Cell], columns: _Columns, today: date
    ) -> None:
        self.sheet, self.row, self.cells, self.columns, self.today = (
            sheet,
            row,
            cells,
            columns,
            today,
        )
        self.problems: list[RowProblem] = []

    def problem(self, col: int | None, reason: str, severity: Literal["error", "warning"]) -> None:
        header = (
            self.columns.headers[col]
            if col is not None and col < len(self.columns.headers)
            else None
        )
        self.problems.append(RowProblem(self.sheet, self.row, header or None, reason, severity))

    def raw(self, col: int) -> _Cell:
        return self.cells[col] if col < len(self.cells) else _Cell(None)

    def usable(self, col: int, *, reject: bool = False) -> object:
        """Return the cell's value, or None after reporting a formula or an error value."""
        cell = self.raw(col)
        severity: Literal["error", "warning"] = "error" if reject else "warning"
        if cell.kind == "formula":
            self.problem(col, f"formula '{cell.value}' not trusted; value ignored", severity)
            return None
        if cell.kind == "error":
            self.problem(col, f"'{cell.value}' treated as blank", severity)
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
        if text.casefold() in _ERROR_TEXTS:
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
        if reason:
            self.problem(col, f"{reason}; left blank", "warning")
        return parsed


def _case_id(reader: _RowReader) -> str | None:
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
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    if re.fullmatch(r"\d(\.\d+)?e\+?\d+", text, re.IGNORECASE):
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
    if re.fullmatch(r"\d+\.\d+", text):
        reader.problem(col, f"case id '{text}' is not a whole number; row not used", "error")
        return None
    if len(text) > 40 or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-/.]*", text):
        reader.problem(col, "case id has unexpected characters or length; row not used", "error")
        return None
    return text


def _read_sheet(
    sheet: _Sheet, header_row: int, columns: _Columns, acc: _Accumulator, today: date
) -> None:
    annex = _annex_list_number(sheet.name)
    annex_stage = _ANNEX_LISTS.get(annex) if annex is not None else None
    sheet_type = parse_case_type(sheet.name) if annex_stage is None else None
    untyped_rows = 0
    duplicate_headers = _duplicate_headers(columns.headers)
    if duplicate_headers:
        acc.problems.append(
            RowProblem(
                sheet.name,
                header_row,
                duplicate_headers[0],
                "this header appears more than once; the first column with it is used",
                "warning",
            )
        )
    date_cols = [
        i
        for i, h in enumerate(columns.headers)
        if h and i not in columns.index.values() and re.search(r"\b(date|dob)\b", fold_header(h))
    ]
    mapped_cols = set(columns.index.values())
    for row_no, cells in sheet.rows:
        if not any(c.value not in (None, "") for c in cells):
            continue
        acc.rows_read += 1
        reader = _RowReader(sheet.name, row_no, cells, columns, today)
        case_id = _case_id(reader)
        if case_id is None:
            acc.problems.extend(reader.problems)
            acc.rows_rejected += 1
            continue
        case, typed = _row_case(reader, case_id, sheet.name, annex, annex_stage, sheet_type)
        untyped_rows += not typed
        attributes = dict(case.attributes)
        for col, header in enumerate(columns.headers):
            if not header or col in mapped_cols:
                continue
            key = _snake(header)
            if not key or key in attributes:
                continue
            if col in date_cols:
                d = reader.date_at(col)
                if d is not None:
                    attributes[key] = d.isoformat()
                continue
            value = reader.usable(col)
            if value is not None and (text := _attr_text(value)):
                if text.casefold() in _ERROR_TEXTS:
                    reader.problem(col, f"'{text}' treated as blank", "warning")
                    continue
                attributes[key] = text
        case = replace(case, attributes=attributes)
        acc.problems.extend(reader.problems)
        _add_episode(acc, case, sheet.name, row_no)
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


def _duplicate_headers(headers: list[str]) -> list[str]:
    seen: set[str] = set()
    dupes: list[str] = []
    for h in headers:
        key = fold_header(h)
        if key and key in seen:
            dupes.append(h)
        seen.add(key)
    return dupes


def _attr_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".10g")
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return clean_text(str(value))


def _row_case(
    reader: _RowReader,
    case_id: str,
    sheet: str,
    annex: int | None,
    annex_stage: tuple[str, CaseType] | None,
    sheet_type: CaseType | None,
) -> tuple[Case, bool]:
    team = reader.text("team")
    worker = reader.text("worker")
    start = reader.date_field("start_date")
    end = reader.date_field("end_date")
    cols = reader.columns.index
    if start and end and end < start:
        reader.problem(
            cols.get("end_date"),
            f"end date {end.isoformat()} is before start date {start.isoformat()}",
            "warning",
        )
    if start and start > reader.today + timedelta(days=366):
        reader.problem(
            cols.get("start_date"), f"start date {start.isoformat()} is in the future", "warning"
        )

    attributes: dict[str, str] = {"list": sheet}
    typed = True
    type_text = reader.text("case_type")
    case_type: CaseType | None = None
    if type_text:
        case_type = parse_case_type(type_text)
        if case_type is None:
            reader.problem(
                cols.get("case_type"),
                f"case type '{type_text}' not recognised; treated as 'other'",
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
        if any(f" {w} " in folded for w in _CLOSED_WORDS):
            is_open = False
        elif (
            any(f" {w} " in folded for w in _OPEN_WORDS) and end is not None and end <= reader.today
        ):
            reader.problem(
                cols.get("status"),
                f"status says '{status}' but the end date is {end.isoformat()}; treated as closed",
                "warning",
            )
    nfa = reader.text("no_further_action")
    if nfa and _parse_yes_no(nfa):
        is_open = False
    if annex == 1:
        is_open = False  # a contact is an event, not an open case

    restricted = False
    restricted_text = reader.text("restricted")
    if restricted_text:
        flag = _parse_yes_no(restricted_text)
        if flag is None:
            reader.problem(
                cols.get("restricted"),
                f"'{restricted_text}' is not yes/no; record treated as restricted to be safe",
                "warning",
            )
            flag = True
        restricted = flag

    for name in _ATTRIBUTE_FIELDS:
        if name not in cols:
            continue
        if name == "date_of_birth":
            dob = reader.date_field(name)
            if dob:
                attributes[name] = dob.isoformat()
            continue
        text = reader.text(name)
        if text is None:
            continue
        if name == "age":
            _age_attributes(reader, cols[name], text, attributes)
        else:
            attributes[name] = strip_code(text)

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


def _age_attributes(reader: _RowReader, col: int, text: str, attributes: dict[str, str]) -> None:
    try:
        age = float(text)
    except ValueError:
        reader.problem(col, f"age '{text}' is not a number; left blank", "warning")
        return
    if age == -1:
        attributes["age"] = "-1"
        attributes["unborn"] = "yes"
    elif age < 0 or age > 25:
        reader.problem(col, f"age {age:g} is implausible for a child or care leaver", "warning")
        attributes["age"] = format(age, "g")
    else:
        attributes["age"] = str(int(age))


def _add_episode(acc: _Accumulator, case: Case, sheet: str, row: int) -> None:
    key = (case.case_id, case.start_date)
    existing = acc.episodes.get(key)
    if existing is None:
        acc.episodes[key] = case
        acc.order.append(key)
        return
    acc.rows_merged += 1
    # Keep the later, more serious stage of the process (a S47 over the referral it came from).
    keep, other = (
        (case, existing)
        if CASE_TYPE_PRIORITY[case.case_type] >= CASE_TYPE_PRIORITY[existing.case_type]
        else (existing, case)
    )
    for name in ("team", "worker"):
        a, b = getattr(keep, name), getattr(other, name)
        if a and b and a != b:
            acc.problems.append(
                RowProblem(
                    sheet,
                    row,
                    None,
                    f"case {case.case_id} is also on {', '.join(existing.sources)} with the same "
                    f"start date but a different {name}; kept the {name} from {keep.sources[-1]}",
                    "warning",
                )
            )
    merged_attrs = {**other.attributes, **keep.attributes}
    merged_attrs["list"] = ", ".join(_merge_sources([existing.sources, case.sources]))
    acc.episodes[key] = replace(
        keep,
        team=keep.team or other.team,
        worker=keep.worker or other.worker,
        sources=_merge_sources([existing.sources, case.sources]),
        is_open=keep.is_open,
        end_date=keep.end_date or other.end_date if not keep.is_open else keep.end_date,
        restricted=keep.restricted or other.restricted,
        attributes=merged_attrs,
        child_name=keep.child_name or other.child_name,
    )


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
