"""The QA team's consolidated tracker workbook, rebuilt from the register after each burst of files.

The Summary answers the three questions (how much, how well, is anyone better off) with charts; the
other sheets (``tracker_sheets``) list audits, domain grades, actions, returns, moderation,
re-audits, concerns, checkpoints and what people said. Every figure comes from ``figures``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from qaf_docs import clock
from qaf_docs.frameworks import Framework
from qaf_docs.office.gc_pause import gc_paused
from qaf_docs.records import AuditResult
from qaf_docs.register.store import Register
from qaf_docs.reports import (
    figures,
    group_tables,
    tier_one,
    tracker_charts,
    tracker_sheets,
    trend_scope,
)
from qaf_docs.reports.figures import GroupRow, Headline
from qaf_docs.reports.tracker_book import AMBER, GREEN, GREY, RED, Book, lines
from qaf_docs.safe_output import atomic_write
from qaf_docs.workspace import Workspace, frameworks_of

SUMMARY = "Summary"
#: (start(total), step(n)) for a progress bar.
Progress = tuple[Callable[[int], None], Callable[..., None]]
NO_DATA = "No data yet"
#: Why an audit with no auditor is among the overdue (``records.return_overdue``): it is part of
#: the plan, and nobody can be reminded of it, so the QA lead gives it an auditor.
#: Short enough to end before the charts beside it (a longer one ran under the first chart).
OVERDUE_NOTE = "past due and not back; one with no auditor counts (qaf round reassign)"


#: A tracker of fewer audits is written in about a second: no progress bar for it.
BAR_FROM_AUDITS = 1000
#: Progress steps: one per sheet, and saving the workbook (about a third of the time) as three.
STEPS = len(tracker_sheets.SHEETS) + 1 + 3


@gc_paused()
def build_tracker(
    workspace: Workspace,
    register: Register,
    today: date | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write ``outbox/QA_tracker.xlsx`` from the register; return where it went (a dated copy if locked).

    ``progress``: (start(total), step(n)) callbacks, used when the register is big enough to wait on.
    """
    today = today or clock.today()
    snapshot = register.results()
    recorded = register.checkpoints(frameworks_of(workspace))
    settings = workspace.load_settings()
    framework = workspace.load_framework(settings)
    moderates = any_moderates(snapshot, framework, frameworks_of(workspace))
    target = settings.reports.inadequate_target
    tier_one_rows = tier_one.by_quarter(
        snapshot, tier_one.recorded_rounds(register, snapshot), today
    )
    step: Callable[..., None] | None = None
    if progress is not None and len(snapshot) >= BAR_FROM_AUDITS:
        progress[0](STEPS)
        step = progress[1]

    def write(tmp: Path) -> None:
        book = Book(str(tmp), on_sheet=step)
        summary = book.sheet(SUMMARY)
        domains = tracker_sheets.write_all(
            book, snapshot, framework, today, recorded, frameworks_of(workspace)
        )
        write_summary(
            book, summary, snapshot, framework, settings.council_name, today, target, domains,
            moderates=moderates, tier_one_rows=tier_one_rows, framework_for=frameworks_of(workspace),
            theme_of=lambda r: trend_scope.theme(register.round_row(r)),
        )  # fmt: skip
        summary.activate()
        book.close()
        if step is not None:
            step(3)

    return atomic_write(workspace.tracker_path, write)


def grade_colour(framework: Framework, grade: str | None) -> str:
    """Return the fill that shows a grade: green good or better, red inadequate, amber between."""
    if grade in framework.scale.good_or_better:
        return GREEN
    if grade and grade == framework.scale.inadequate:
        return RED
    return AMBER if framework.scale.is_grade(grade) else GREY


def any_moderates(
    snapshot: list[AuditResult], framework: Framework, load: Callable[[str], Framework]
) -> bool:
    """True when a framework the tracker covers has a moderation step: that of any audit in the
    register, or the workspace's own while the register holds none."""
    ids = {a.framework_id for a in snapshot}
    return any(load(i).sections.moderation for i in ids) if ids else framework.sections.moderation


def headline_rows(h: Headline, *, moderates: bool = True) -> list[tuple[str, Any, str]]:
    """Return the Summary's headline lines: label, value, how it was counted.

    The moderation lines are left out where no framework moderates and nothing was moderated, as
    the Word reports leave out their Moderation section."""
    kappa: Any = NO_DATA
    if h.kappa is not None:
        kappa = round(h.kappa, 2)
    elif h.moderated:
        kappa = "Not yet"
    how_much_and_well: list[tuple[str, Any, str]] = [
        ("How much did we do", None, ""),
        ("Audits planned", h.planned, "cancelled audits left out"),
        ("Audits returned", h.returned, ""),
        ("Completion against plan", h.completion, f"{h.returned} of {h.planned}"),
        ("Returns overdue", h.overdue_returns, OVERDUE_NOTE),
        ("Returned late", h.returned_late, "came back after the due date"),
        ("How well did we do it", None, ""),
        ("Audits graded", h.graded, "final grade: escalation, else moderated, else auditor's"),
        ("Good or better", h.good_share, f"{h.good} of {h.graded}"),
        (
            f"Inadequate (target {h.target:.0%} or less)",
            h.inadequate_share,
            f"{h.inadequate} of {h.graded}",
        ),
    ]
    from_n = f"shown from {figures.KAPPA_MIN_N} moderated audits"
    if not h.moderated:  # said so, not "0 of 0 kept" and "n = 0"
        kept, beyond = "no audit moderated yet", f"no audit moderated yet; {from_n}"
    else:
        kept = f"{h.moderated - h.changed} of {h.moderated} kept"
        beyond = f"n = {h.moderated}" + ("" if h.kappa is not None else f"; {from_n}")
    moderation = [
        ("Audits moderated", h.moderated, ""),
        ("Moderation agreement", h.agreement, kept),
        ("Agreement beyond chance (weighted kappa)", kappa, beyond),
    ]
    better_off: list[tuple[str, Any, str]] = [
        ("Is anyone better off", None, ""),
        (
            "Actions completed on time",
            h.on_time_share,
            f"{h.actions_on_time} of {h.actions_due} due",
        ),
        ("Actions agreed", h.actions, ""),
        (
            "Open escalations",
            NO_DATA if h.escalations_open is None else h.escalations_open,
            _open_escalations_note(h),
        ),
        (
            "Safeguarding concerns raised",
            NO_DATA if h.concerns_open is None else h.concerns_open,
            "",
        ),
    ]
    return how_much_and_well + (moderation if moderates or h.moderated else []) + better_off


def _open_escalations_note(h: figures.Headline) -> str:
    """What the open escalations include, so the count reads as ``qaf escalations`` lists them."""
    n = h.concerns_unresolved
    if not n:
        return ""
    return f"{n} of them {'a safeguarding concern' if n == 1 else 'safeguarding concerns'}"


def write_summary(
    book: Book,
    ws: Any,
    snapshot: list[AuditResult],
    framework: Framework,
    council: str,
    today: date,
    target: float,
    domains: tuple[str, int, int] | None = None,
    *,
    moderates: bool = True,
    tier_one_rows: list[list[Any]] | None = None,
    framework_for: Callable[[str], Framework] | None = None,
    theme_of: Callable[[str], str] | None = None,
) -> None:
    """Write the Summary: headline figures, small tables and the charts drawn from them.

    ``moderates``: whether a framework the tracker covers has a moderation step; ``tier_one_rows``:
    the rows of tier one audit activity by quarter (``tier_one.by_quarter``), shown where any;
    ``framework_for``: a framework by its id (a deep dive is counted on its own's scale);
    ``theme_of``: a round's theme by its id."""
    framework_for = framework_for or (lambda _: framework)
    theme_of = theme_of or (lambda _: "")
    h = figures.headline(snapshot, framework, today, target)
    for c, width in enumerate(_WIDTHS):
        ws.set_column(c, c, width)
    ws.write_string(0, 0, f"{council}: case file audit tracker", book.title)
    ws.write_string(
        1,
        0,
        f"Built {today:%d/%m/%Y} from the register (latest return of each audit; Returned is the day it first came back).",
        book.note,
    )
    r = 3
    for label, value, how in headline_rows(h, moderates=moderates):
        if value is None and how == "" and label.split()[0] in ("How", "Is"):
            ws.write_string(r, 0, label, book.heading)
            r += 1
            continue
        ws.write_string(r, 0, label, book.text)
        fmt = book.pct if isinstance(value, float) and "kappa" not in label else None
        if label.startswith("Inadequate") and isinstance(value, float):
            fmt = book.pct_fills[GREEN if h.within_target else RED]
        book.put(ws, r, 1, "n/a" if value is None else value, fmt)
        book.put(ws, r, 2, how, book.aside)
        r += 1
    r += 1
    grade_at = r
    r = _small_table(book, ws, r, "Final grades", ["Grade", "Audits"],
                     [[g, n] for g, n in figures.grade_counts(snapshot, framework).items()])  # fmt: skip
    for i, g in enumerate(framework.scale.grades):
        ws.write_string(grade_at + 2 + i, 0, g, book.fills[grade_colour(framework, g)])
    teams = figures.group_rows(snapshot, framework, "team")
    r = _small_table(book, ws, r, "By team", _GROUP_HEADERS, [_group_values(g) for g in teams])
    # Each team's final grades, which its chart draws in the grades' colours: a chart of shares
    # good or better was empty where no audit was good, and said nothing of the grades given.
    team_grades_at = r
    by_team = group_tables.grades_by(snapshot, framework, "team")
    zero = dict.fromkeys(framework.scale.grades, 0)
    if teams:
        r = _small_table(book, ws, r, "Final grades by team", ["Name", *framework.scale.grades],
                         [[g.name, *by_team.get(g.name, zero).values()] for g in teams])  # fmt: skip
    month_at = r
    months = figures.group_rows(snapshot, framework, "issued_month")
    r = _small_table(book, ws, r, "By month issued", _GROUP_HEADERS,
                     [_group_values(g) for g in months], MONTH_BASIS)  # fmt: skip
    routine = trend_scope.routine(snapshot, framework.id)
    apart = list(trend_scope.left_out(figures.counted(snapshot), framework.id))
    if apart:  # the charts' trends are of routine audits, as the reports' trend is
        month_at, months = r, figures.group_rows(routine, framework, "issued_month")
        r = _small_table(book, ws, r, "By month issued, routine audits only", _GROUP_HEADERS,
                         [_group_values(g) for g in months], routine_basis("month", apart),
                         NO_ROUTINE)  # fmt: skip
    quarter_at = r
    quarters = figures.group_rows(snapshot, framework, "quarter")
    r = _small_table(book, ws, r, "By quarter", _GROUP_HEADERS,
                     [_group_values(g) for g in quarters], QUARTER_BASIS)  # fmt: skip
    if apart:
        quarter_at, quarters = r, figures.group_rows(routine, framework, "quarter")
        r = _small_table(book, ws, r, "By quarter, routine audits only", _GROUP_HEADERS,
                         [_group_values(g) for g in quarters], routine_basis("quarter", apart),
                         NO_ROUTINE)  # fmt: skip
    if own := trend_scope.own_rounds(snapshot, framework_for, theme_of, framework.id):
        r = _small_table(book, ws, r, trend_scope.OWN_ROUNDS_TITLE, _GROUP_HEADERS,
                         [_group_values(g) for g in own], OWN_ROUNDS_BASIS)  # fmt: skip
    r = _small_table(book, ws, r, "Returns by the quarter they were due", _DUE_HEADERS,
                     due_rows(snapshot, today), DUE_BASIS)  # fmt: skip
    if tier_one_rows:
        _small_table(book, ws, r, "Tier one audit activity", _TIER_ONE_HEADERS, tier_one_rows,
                     TIER_ONE_BASIS)  # fmt: skip
    most = max(figures.grade_counts(snapshot, framework).values(), default=0)
    tracker_charts.draw(book, ws, framework, (grade_at, most), (team_grades_at, [g.name for g in teams]),
                        (month_at, len(months)), (quarter_at, len(quarters)), domains,
                        after_moderation=moderates or bool(h.moderated),
                        routine_only=bool(apart))  # fmt: skip
    ws.fit_to_pages(1, 1)


_GROUP_HEADERS = ["Name", "Planned", "Returned", "Graded", "Good or better", "Inadequate"]
_DUE_HEADERS = ["Quarter", "Due back", "Returned late", "Overdue"]
_TIER_ONE_HEADERS = ["Quarter: auditor role", "Expected", "Returned", "Share"]
TIER_ONE_BASIS = (
    "Expected: the role's monthly number × 3 months × the people in the role on the roster, as "
    "the quarterly report counts them (its Tier one audit activity section says more)."
)
#: How the month and quarter tables place an audit, written under them.
MONTH_BASIS = "Counted in the month its audit tool was issued (not issued yet: its due month)."
QUARTER_BASIS = (
    "Counted by audit date (else returned, else due date), as the quarterly reports are."
)
OWN_ROUNDS_BASIS = (
    "Each round as its own: its cases were chosen on a theme or as they closed, or audited with "
    "another framework's tool, so the trends leave them out."
)


#: Characters of the Summary's first column (labels, and the names in its tables).
NAME_WIDTH = 42
#: Characters of the Summary's columns (the figures' columns hold a grade's heading wrapped).
_WIDTHS = (NAME_WIDTH, 13, 30, 12, 14, 12, 9)
#: In place of a routine-only table's rows when every audit is kept apart (all deep dives, say).
NO_ROUTINE = "No routine audit yet, so the trend has nothing to draw."


def routine_basis(noun: str, apart: list[str]) -> list[str]:
    """What the routine-only table under the month's or quarter's says, a short line each (a
    long one runs under the charts beside it); ``apart``: what it leaves out."""
    lines = [f"The Trend by {noun} chart is drawn from this table, as the Word reports' trend is."]
    if apart == ["reaudit"]:
        return [*lines, "It leaves out re-audits, whose cases were not drawn as a sample."]
    own = trend_scope.kinds_words(set(apart) - {"reaudit"})
    return [
        *lines,
        f"It leaves out {trend_scope.kinds_words(apart)}.",
        f"{own[0].upper()}{own[1:]}: under {trend_scope.OWN_ROUNDS_TITLE}.",
    ]


DUE_BASIS = (
    "Counted in the quarter the audit was due back, whenever it came back, as the quarterly "
    "reports count late and overdue returns."
)


def _group_values(g: GroupRow) -> list[Any]:
    return [g.name, g.planned, g.returned, g.graded, g.good_share, g.inadequate_share]


def due_rows(snapshot: list[AuditResult], today: date) -> list[list[Any]]:
    """Each quarter's returns due back, late and overdue (``figures.due_back_by_quarter``)."""
    due = figures.due_back_by_quarter(snapshot, today)
    return [[name, d.due, d.late, d.overdue] for name, d in due.items()]


def _small_table(
    book: Book,
    ws: Any,
    r: int,
    title: str,
    headers: list[str],
    rows: list[list[Any]],
    basis: str | list[str] = "",
    empty: str = "No audits yet.",
) -> int:
    """Write a titled block of figures with a total-free header row; return the next free row.

    ``basis``: how the rows are counted, a note (or its lines) under them; ``empty``: said in
    place of rows. A name too long for the first column wraps (a round's, with its theme)."""
    ws.write_string(r, 0, title, book.heading)
    for c, text in enumerate(headers):
        ws.write_string(r + 1, c, text, book.header)
    # A long heading (a grade: "Requires improvement to be good") wraps whole in its column.
    if (n := max(len(textwrap.wrap(h, _WIDTHS[c])) for c, h in enumerate(headers))) > 1:
        ws.set_row(r + 1, 15 * n)
    if not rows:
        ws.write_string(r + 2, 0, empty, book.note)
        rows = [[]]
    for i, row in enumerate(rows):
        for c, value in enumerate(row):
            pct = isinstance(value, float) or (value is None and c >= 4)
            book.put(ws, r + 2 + i, c, value, book.pct if pct else None)
        if row and isinstance(row[0], str) and (n := lines(row[0], NAME_WIDTH)) > 1:
            book.put(ws, r + 2 + i, 0, row[0], book.wrap)
            ws.set_row(r + 2 + i, 15 * n)
    end = r + 2 + len(rows)
    for line in [basis] if isinstance(basis, str) and basis else basis or []:
        ws.write_string(end, 0, line, book.aside)
        end += 1
    return end + 1
