"""What the QA team reads on the charts: every grade, domain and team name whole, inside the
picture, and a chart that grows with its teams rather than leaving names out or covering another."""

from __future__ import annotations

import itertools
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from openpyxl import load_workbook
from test_report_views import charts
from test_reports import FakeRegister, audit

from qaf_docs.frameworks import load_framework
from qaf_docs.reports import report_charts
from qaf_docs.reports.colours import BETWEEN, INADEQUATE
from qaf_docs.reports.period_report import build_period_report
from qaf_docs.reports.periods import parse_period
from qaf_docs.reports.qa_tracker import build_tracker
from qaf_docs.workspace import Workspace

#: Every shipped preset's grade scale, each once (a scale with "Not applicable" charts only grades).
SCALES = sorted(
    {tuple(load_framework(p.stem).scale.grades) for p in Path("qaf_docs/presets").glob("*.toml")}
)
#: A council's own scale: five grades, each a long name.
LONG_SCALE = ["Outstanding practice throughout", "Good practice with minor gaps",
              "Requires improvement to be good", "Requires significant improvement",
              "Inadequate practice"]  # fmt: skip
DOMAINS = ["Planning", "Impact of services on outcomes for children and young people",
           "Effectiveness of work undertaken by partners"]  # fmt: skip
TEAM = "Children in Care and Care Leavers Service North East Team {}"


RENDERERS: dict[Figure, Any] = {}  # each saved figure's renderer (closing it takes the canvas's)


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """The figures the report charts save, as saved."""
    saved: list[Figure] = []
    real = Figure.savefig

    def savefig(self: Figure, *args: Any, **kw: Any) -> None:
        real(self, *args, **kw)
        # Laid out again on screen: text positions in the figure's own pixels, as its edges are.
        RENDERERS[self] = renderer = self.canvas.get_renderer()  # type: ignore[attr-defined]
        self.draw(renderer)
        saved.append(self)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return saved


def inside(fig: Figure, text: Text) -> bool:
    """Whether ``text`` is drawn wholly within the picture (not cut at its edge)."""
    box, page = text.get_window_extent(RENDERERS[fig]), fig.bbox
    return bool(box.x0 >= page.x0 and box.x1 <= page.x1 and box.y0 >= page.y0 and box.y1 <= page.y1)


def legend_texts(fig: Figure) -> list[Text]:
    legends = [*fig.legends, *[ax.get_legend() for ax in fig.axes]]
    return [t for legend in legends if legend for t in legend.get_texts()]


def whole(text: Text) -> str:
    return " ".join(text.get_text().split())


@pytest.mark.parametrize("grades", [*[list(s) for s in SCALES], LONG_SCALE])
def test_the_domain_charts_legend_shows_each_grade_whole_inside_the_picture(
    grades: list[str], drawn: list[Figure], tmp_path: Path
) -> None:
    counts = {d: dict.fromkeys(grades, 1) for d in DOMAINS}
    colours = dict(zip(grades, [*BETWEEN, "#C00000"], strict=False))
    report_charts.grades_by_domain(counts, colours, tmp_path / "domains.png")
    (fig,) = drawn
    texts = legend_texts(fig)
    assert [whole(t) for t in texts] == grades  # "Requires improvement to be good" in full
    assert all(inside(fig, t) for t in texts), [whole(t) for t in texts if not inside(fig, t)]
    names = fig.axes[0].get_yticklabels()
    assert [whole(t) for t in names] == DOMAINS and all(inside(fig, t) for t in names)


def test_long_team_names_are_kept_whole_and_leave_the_bars_most_of_the_width(
    drawn: list[Figure], tmp_path: Path
) -> None:
    names = [TEAM.format(i) for i in range(1, 21)]
    counts = {n: {"Good": 1, "Inadequate": 1} for n in names}
    report_charts.grades_by_team(
        counts, {"Good": "#70AD47", "Inadequate": INADEQUATE}, tmp_path / "t.png"
    )
    (fig,) = drawn
    labels = fig.axes[0].get_yticklabels()
    assert [whole(t) for t in labels] == names and all(inside(fig, t) for t in labels)
    assert fig.axes[0].get_position().width >= 0.5  # the bars are readable, not squeezed aside


def anchors(path: Path) -> dict[str, tuple[int, int, int, int]]:
    """Each Summary chart's title -> the cells it covers: first column, first row, last column,
    last row."""
    titles = {n.rsplit("/", 1)[1]: t for t, n in _chart_files(path).items()}
    with zipfile.ZipFile(path) as z:
        drawing = z.read("xl/drawings/drawing1.xml").decode()
        rels = z.read("xl/drawings/_rels/drawing1.xml.rels").decode()
    target = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="\.\./charts/([^"]+)"', rels))
    out = {}
    for anchor in re.findall(r"<xdr:twoCellAnchor.*?</xdr:twoCellAnchor>", drawing, re.S):
        cells = [int(v) for v in re.findall(r"<xdr:(?:col|row)>(\d+)<", anchor)]
        rid = re.search(r'r:id="(rId\d+)"', anchor)
        assert rid
        out[titles[target[rid.group(1)]]] = (cells[0], cells[1], cells[2], cells[3])
    return out


def _chart_files(path: Path) -> dict[str, str]:
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/chart"):
                xml = z.read(name).decode()
                out["".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("</c:title>")[0]))] = name
    return out


def tracker(workspace: Workspace, teams: int) -> Path:
    results = [audit(i, "Good", team=TEAM.format(i % teams)) for i in range(1, 2 * teams + 1)]
    return build_tracker(workspace, FakeRegister(results), today=date(2026, 12, 1))  # type: ignore[arg-type]


def test_the_trackers_team_chart_names_every_team_and_grows_without_covering_a_chart(
    workspace: Workspace,
) -> None:
    few, many = anchors(tracker(workspace, 3)), anchors(tracker(workspace, 20))
    title = "Grades by team"
    tall = many[title][3] - many[title][1]
    assert tall > few[title][3] - few[title][1] + 20  # room for each of 20 two-line names
    team_chart = charts(tracker(workspace, 20))[title]
    assert '<c:tickLblSkip val="1"/>' in team_chart  # every team named, not every third
    assert '<c:orientation val="maxMin"/>' in team_chart  # in the table's order, top down
    boxes = list(many.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
            assert apart, many  # no chart drawn over another


def test_the_reports_team_chart_has_a_bar_for_each_team_when_none_was_good(
    workspace: Workspace, drawn: list[Figure]
) -> None:
    """Every audit Inadequate: "Good or better by team" was a chart of empty rows marked 0%. Each
    team's grades now fill its bar in their colours, as the domains' do."""
    teams = ["North Team", "South Team", "East Team"]
    results = [audit(i, "Inadequate", team=teams[i % 3], on=date(2026, 8, 3)) for i in range(9)]
    fake: Any = FakeRegister(results)
    build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), date(2026, 8, 20))
    [fig] = [f for f in drawn if f.axes[0].get_title(loc="left") == "Grades by team"]
    ax = fig.axes[0]
    assert sorted(whole(t) for t in ax.get_yticklabels()) == sorted(teams)
    red = matplotlib.colors.to_rgba(INADEQUATE)
    bars = [p for p in ax.patches if p.get_width() > 0]
    assert len(bars) == 3 and all(b.get_width() == 1 and b.get_facecolor() == red for b in bars)


def test_the_trackers_team_chart_shows_each_teams_grades_when_none_was_good(
    workspace: Workspace,
) -> None:
    """Every audit Inadequate: the tracker's "Good or better by team" was bars of 0%, a chart
    that looked empty. Each team's grades now fill its bar in their colours, drawn from the
    Summary's table of final grades by team; still an Excel chart a council can restyle."""
    teams = ["North Team", "South Team", "East Team"]
    results = [audit(i, "Inadequate", team=teams[i % 3]) for i in range(9)]
    path = build_tracker(workspace, FakeRegister(results), today=date(2026, 12, 1))  # type: ignore[arg-type]
    chart = charts(path)["Grades by team"]
    assert '<c:grouping val="percentStacked"/>' in chart
    ws = load_workbook(path)["Summary"]
    drawn = {}
    for series in re.findall(r"<c:ser>.*?</c:ser>", chart, re.S):
        colour = re.search(r'<a:srgbClr val="([0-9A-F]{6})"', series)
        cells = re.search(r"<c:val><c:numRef><c:f>Summary!\$(\w)\$(\d+):\$\w\$(\d+)<", series)
        assert colour and cells
        col, first, last = cells.groups()
        drawn[f"#{colour.group(1)}"] = [
            ws[f"{col}{r}"].value for r in range(int(first), int(last) + 1)
        ]
        names = re.search(r"<c:cat><c:strRef><c:f>Summary!\$A\$(\d+):\$A\$(\d+)<", series)
        assert names
        shown = [ws[f"A{r}"].value for r in range(int(names.group(1)), int(names.group(2)) + 1)]
        assert shown == ["East Team", "North Team", "South Team"]
    assert drawn[INADEQUATE] == [3, 3, 3]  # a whole red bar for each team
    assert len(drawn) == 4 and sum(sum(v) for v in drawn.values()) == 9


@pytest.mark.parametrize("months", [5, 12])
def test_the_trends_round_names_never_run_into_each_other(months: int) -> None:
    """A round report's trend named its rounds "Random sample, April 2026" side by side on one
    line each, printed over one another. Each name now wraps within its share of the width, and
    where a word is longer than that share, the names slant; every name is whole, in the picture."""
    names = [f"Random sample, {date(2026, m, 1):%B} 2026" for m in range(1, months + 1)]
    fig = report_charts.trend_figure(names, [0.6] * months, [0.2] * months, 0.1)
    assert fig is not None
    RENDERERS[fig] = renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fig.draw(renderer)
    labels = fig.axes[0].get_xticklabels()
    assert [whole(t) for t in labels] == names
    assert all(inside(fig, t) for t in labels)
    if labels[0].get_rotation() == 0:
        boxes = [t.get_window_extent(renderer) for t in labels]
        assert all(a.x1 < b.x0 for a, b in itertools.pairwise(boxes))
    else:  # slanted: each name's foot is left of the next's, and none on top of another
        feet = [t.get_window_extent(renderer).x1 for t in labels]
        assert feet == sorted(feet) and len(set(feet)) == months
