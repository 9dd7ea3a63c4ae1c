"""Charts for the Word reports, drawn as PNG pictures with matplotlib (Agg: no screen needed).

Every word a chart carries is kept whole: long domain and team names wrap onto more lines (the
chart grows with them), and the legend sits below the plot in as many columns as fit the picture's
width, so a grade such as "Requires improvement to be good" is never cut at the picture's edge.
The ``*_figure`` functions draw; the others save the drawing where the report wants it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: servers and CI have no display

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from qaf_docs.reports.colours import GOOD_OR_BETTER, INADEQUATE, NAVY

_GOOD, _INADEQUATE = GOOD_OR_BETTER[1], INADEQUATE
#: Characters a bar's name keeps on one line before it wraps: about two fifths of the picture's
#: width, leaving the rest to the bars; most councils' domain and team names take one or two lines.
LABEL_WIDTH = 40
_WIDTH = 7.5  # inches: the picture is placed 160 mm wide in the report, about this size
_TALLEST = 9.0  # inches of bars: with title and axis, under an A4 page's height at 160 mm wide
#: Characters of the trend's names along its axis, shared between them: each name gets its
#: share and wraps within it, so neighbours never run into each other.
_TICK_CHARS = 80


def wrapped(name: str, width: int = LABEL_WIDTH) -> str:
    """Return ``name`` broken between words onto lines of about ``width`` characters (a single
    longer word stays whole): every word still shows, where a cut name would lose its end."""
    return textwrap.fill(name, width, break_long_words=False, break_on_hyphens=False) or name


def _bar_height(names: list[str]) -> float:
    """Inches a bar chart needs for ``names``: bars are evenly spaced, so each gets room for the
    most lines any name takes, and a little between; at most what fits on a portrait page."""
    lines = max(name.count("\n") + 1 for name in names)
    return min(len(names) * (0.15 * lines + 0.15), _TALLEST)


def _legend(fig: Figure, columns: int) -> None:
    """Put the legend under the plot in the most columns (up to ``columns``) that fit the
    picture's width; entries that do not fit one row go onto more rows, never past the edge."""
    handles, labels = fig.axes[0].get_legend_handles_labels()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for n in range(min(columns, len(labels)), 0, -1):
        legend = fig.legend(handles, labels, loc="outside lower center", ncols=n, frameon=False)
        if legend.get_window_extent(renderer).width <= 0.98 * fig.bbox.width or n == 1:
            return
        legend.remove()


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path


def domain_figure(
    counts: dict[str, dict[str, int]], colours: dict[str, str], title: str = "Grades by domain"
) -> Figure | None:
    """Each domain's (or team's) grades as a 100% bar in each grade's colour; None when nothing
    is graded."""
    domains = [d for d, by in counts.items() if sum(by.values())]
    if not domains:
        return None
    grades = list(next(iter(counts.values())))
    names = [wrapped(d) for d in domains]
    rows = max(1, (len(grades) + 1) // 2)  # room for the legend however many rows it needs
    fig = plt.figure(figsize=(_WIDTH, _bar_height(names) + 1.2 + 0.25 * rows), layout="constrained")
    ax = fig.add_subplot()
    left = [0.0] * len(domains)
    for g in grades:
        shares = [counts[d][g] / sum(counts[d].values()) for d in domains]
        ax.barh(names, shares, left=left, color=colours[g], label=g, edgecolor="white")
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.margins(y=0.02)  # the height is the bars'; no blank band above and below them
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_title(title, color=NAVY, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    _legend(fig, len(grades))
    return fig


def grades_by_domain(
    counts: dict[str, dict[str, int]], colours: dict[str, str], path: Path
) -> Path | None:
    """Save ``domain_figure`` (``colours``: ``colours.grade_colours``); None when nothing is graded."""
    fig = domain_figure(counts, colours)
    return _save(fig, path) if fig else None


def grades_by_team(
    counts: dict[str, dict[str, int]], colours: dict[str, str], path: Path
) -> Path | None:
    """Save each team's final grades as ``domain_figure`` draws a domain's: every graded team
    has a bar, where a chart of shares good or better was empty when none was good."""
    fig = domain_figure(counts, colours, "Grades by team")
    return _save(fig, path) if fig else None


def trend_figure(
    labels: list[str],
    good: list[float | None],
    inadequate: list[float | None],
    target: float,
    title: str = "Trend against earlier periods",
) -> Figure | None:
    """% good or better and % inadequate over periods with the target line; None if empty."""
    if not any(v is not None for v in good):
        return None
    # Each period's or round's name wrapped to its share of the width ("Random sample, April
    # 2026" side by side ran into its neighbours), the picture taller by its extra lines.
    width = max(6, _TICK_CHARS // max(len(labels), 1))
    names = [wrapped(label, width) for label in labels]
    # A word longer than its share ("September" among twelve rounds) would still run into the
    # next name: the names then slant, each on one line, the picture taller by their length.
    slant = any(len(line) > width for name in names for line in name.split("\n"))
    longest = max((len(label) for label in labels), default=0)
    labels = labels if slant else names
    lines = max((label.count("\n") for label in labels), default=0)
    taller = 0.055 * longest if slant else 0.17 * lines
    fig = plt.figure(figsize=(_WIDTH, 3.0 + taller), layout="constrained")
    ax = fig.add_subplot()
    xs = list(range(len(labels)))
    # Distinct markers, the smaller on top: where both shares are equal both still show.
    for values, name, colour, marker, size in ((good, "Good or better", _GOOD, "o", 10),
                                               (inadequate, "Inadequate", _INADEQUATE, "s", 5)):  # fmt: skip
        points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        ax.plot([p[0] for p in points], [p[1] for p in points], marker=marker, markersize=size,
                label=name, color=colour)  # fmt: skip
    ax.axhline(target, color=_INADEQUATE, linestyle="--", linewidth=1,
               label=f"Inadequate target ({target:.0%})")  # fmt: skip
    ax.set_xticks(xs, labels)
    if slant:
        ax.tick_params(axis="x", labelrotation=40)
        for text in ax.get_xticklabels():
            text.set_horizontalalignment("right")
            text.set_rotation_mode("anchor")
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_title(title, color=NAVY, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    _legend(fig, 3)
    return fig


def trend(
    labels: list[str],
    good: list[float | None],
    inadequate: list[float | None],
    target: float,
    path: Path,
    title: str = "Trend against earlier periods",
) -> Path | None:
    """Save ``trend_figure``; None if empty.

    ``title`` names what the points are (periods or rounds), as the report's heading does."""
    fig = trend_figure(labels, good, inadequate, target, title)
    return _save(fig, path) if fig else None
