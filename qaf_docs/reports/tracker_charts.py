"""The QA tracker Summary's charts: final grades, grades by team, the trends by month
and by quarter of routine audits, and grades by domain, placed beside the Summary's figures so
the sheet still prints on one page."""

from __future__ import annotations

from typing import Any

from qaf_docs.frameworks import Framework
from qaf_docs.reports.colours import GOOD_OR_BETTER, INADEQUATE, grade_colours
from qaf_docs.reports.tracker_book import NAVY, Book

SUMMARY = "Summary"


def draw(
    book: Book,
    ws: Any,
    framework: Framework,
    grade_counts: tuple[int, int],
    teams: tuple[int, list[str]],
    months: tuple[int, int],
    quarters: tuple[int, int],
    domains: tuple[str, int, int] | None,
    *,
    after_moderation: bool = True,
    routine_only: bool = False,
) -> None:
    """Draw the Summary's charts; ``after_moderation``: final grades may be moderators' (a
    framework the tracker covers moderates, or an audit was moderated); ``routine_only``: the
    trends are drawn from tables of routine audits, which their titles say."""
    n_grades = len(framework.scale.grades)
    grade_at, most = grade_counts
    colours = grade_colours(framework)  # each grade its own colour, as in the Word reports
    grades = book.wb.add_chart({"type": "column"})
    grades.add_series(
        {
            "name": "Audits",
            "categories": [SUMMARY, grade_at + 2, 0, grade_at + 1 + n_grades, 0],
            "values": [SUMMARY, grade_at + 2, 1, grade_at + 1 + n_grades, 1],
            "points": [
                {"fill": {"color": colours[g]}, "border": {"color": "#7F7F7F"}}
                for g in framework.scale.grades
            ],
            "data_labels": {"value": True},
        }
    )
    moderated = " (after moderation)" if after_moderation else ""
    _style(grades, f"Final grades{moderated}", legend=False)
    # Counts of audits: whole numbers on the axis (Excel picks 0.2 steps for small counts).
    grades.set_y_axis({"min": 0, "num_format": "0", "major_gridlines": {"visible": True},
                       **({"major_unit": 1} if most <= 10 else {})})  # fmt: skip
    grid = _Grid(top=3, columns=(7, 16))
    grid.place(ws, grades)
    at, team_names = teams
    n = len(team_names)
    if n:
        # Each team's final grades as a 100% bar in each grade's colour, as the Word reports' team
        # chart and the domain chart draw them: a team whose audits were all below good still
        # has its bar (a chart of shares good or better was empty rows marked 0%).
        chart = book.wb.add_chart({"type": "bar", "subtype": "percent_stacked"})
        for i, g in enumerate(framework.scale.grades, start=1):
            chart.add_series(
                {
                    "name": [SUMMARY, at + 1, i],
                    "categories": [SUMMARY, at + 2, 0, at + 1 + n, 0],
                    "values": [SUMMARY, at + 2, i, at + 1 + n, i],
                    "fill": {"color": colours[g]},
                    "border": {"color": "#FFFFFF"},
                    "gap": 60,  # bars as thick as their names' room allows, as the domain chart's
                }
            )
        _style(chart, "Grades by team", legend=True, pct_axis="x")
        # Every team named, in the table's order: Excel and LibreOffice wrap a long name and
        # leave out the names that would overlap, so each bar gets the height of its name's lines.
        chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 9}})
        lines = 1 + max(len(name) for name in team_names) // _LINE
        legend = 20 * -(-n_grades // 2)  # the legend's rows under the bars
        grid.place(ws, chart, height=max(_CHART[1], (14 * lines + 10) * n + 100 + legend))
    for (at, n), title, kind in (
        (months, "Trend by month", "line"),
        (quarters, "Trend by quarter", "column"),
    ):
        if not n:
            continue
        chart = book.wb.add_chart({"type": kind})
        # Distinct markers and line styles, the smaller on top: equal shares both still show.
        for col, name, colour, marker in ((4, "Good or better", GOOD_OR_BETTER[1], ("circle", 9)),
                                          (5, "Inadequate", INADEQUATE, ("square", 5))):  # fmt: skip
            series: dict[str, Any] = {
                "name": name,
                "categories": [SUMMARY, at + 2, 0, at + 1 + n, 0],
                "values": [SUMMARY, at + 2, col, at + 1 + n, col],
            }
            key = "line" if kind == "line" else "fill"
            series[key] = {"color": colour}
            if kind == "line":
                series[key].update(width=2.25, dash_type="solid" if col == 4 else "dash")
                series["marker"] = {"type": marker[0], "size": marker[1],
                                    "fill": {"color": colour}, "border": {"color": colour}}  # fmt: skip
            chart.add_series(series)
        _style(chart, title + (" (routine audits)" if routine_only else ""), legend=True,
               pct_axis="y")  # fmt: skip
        grid.place(ws, chart)
    if domains:
        sheet, first, last = domains
        chart = book.wb.add_chart({"type": "bar", "subtype": "percent_stacked"})
        for i, g in enumerate(framework.scale.grades):
            chart.add_series(
                {
                    "name": [sheet, first - 1, 1 + i],
                    "categories": [sheet, first, 0, last, 0],
                    "values": [sheet, first, 1 + i, last, 1 + i],
                    "fill": {"color": colours[g]},
                    "border": {"color": "#FFFFFF"},
                }
            )
        _style(chart, "Grades by domain", legend=True, pct_axis="x")
        # Every domain named (a label per bar, never every other one): room for each bar.
        chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 9}})
        bars = last - first + 1
        grid.place(ws, chart, height=max(int(1.1 * 288), 40 * bars + 120), wide=True)


#: Pixels: a Summary chart (Excel's 480 x 288 at 1.1 x 0.9), and a Summary row (15 points).
_CHART, _ROW = (528, 259), 20
#: Characters of a team's name on one line beside the team chart's bars (9 point) before it wraps.
_LINE = 40


class _Grid:
    """Where the Summary's charts go: two columns beside the figures, each chart under the last
    one in the column with the most room left. A chart that grows with its teams pushes the next
    one down rather than covering it, and the Summary still prints on one page."""

    def __init__(self, top: int, columns: tuple[int, int]) -> None:
        self.free = dict.fromkeys(columns, top)  # first free row of each column

    def place(self, ws: Any, chart: Any, height: int = _CHART[1], *, wide: bool = False) -> None:
        """Insert ``chart`` ``height`` pixels tall; ``wide``: across both columns, below both."""
        col = min(self.free, key=lambda c: (self.free[c], c))
        row = max(self.free.values()) if wide else self.free[col]
        col = min(self.free) if wide else col
        width = 2.2 if wide else 1.1
        ws.insert_chart(row, col, chart, {"x_scale": width, "y_scale": height / 288})
        below = row + -(-height // _ROW) + 3  # three rows between charts
        for c in self.free if wide else (col,):
            self.free[c] = below


def _style(chart: Any, title: str, *, legend: bool, pct_axis: str = "") -> None:
    chart.set_title({"name": title, "name_font": {"size": 12, "color": NAVY}})
    if not legend:
        chart.set_legend({"none": True})
    else:
        chart.set_legend({"position": "bottom"})
    if pct_axis:
        axis = {"num_format": "0%", "min": 0, "max": 1, "major_gridlines": {"visible": True}}
        (chart.set_x_axis if pct_axis == "x" else chart.set_y_axis)(axis)
