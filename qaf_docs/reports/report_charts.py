"""Charts for the Word reports, drawn as PNG pictures with matplotlib (Agg: no screen needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: servers and CI have no display

import matplotlib.pyplot as plt

from qaf_docs.reports.colours import GOOD_OR_BETTER, INADEQUATE, NAVY
from qaf_docs.reports.figures import pct

_GOOD, _INADEQUATE = GOOD_OR_BETTER[1], INADEQUATE


def _save(fig: object, path: Path) -> Path:
    plt.tight_layout()
    plt.savefig(path, dpi=150)
    plt.close("all")
    return path


def grades_by_domain(
    counts: dict[str, dict[str, int]], colours: dict[str, str], path: Path
) -> Path | None:
    """Draw each domain's grades as a 100% bar in each grade's colour (``colours.grade_colours``);
    None when nothing is graded."""
    domains = [d for d, by in counts.items() if sum(by.values())]
    if not domains:
        return None
    grades = list(next(iter(counts.values())))
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(domains) + 1.8))
    left = [0.0] * len(domains)
    for g in grades:
        shares = [counts[d][g] / sum(counts[d].values()) for d in domains]
        ax.barh(domains, shares, left=left, color=colours[g], label=g, edgecolor="white")
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(grades), 2), frameon=False
    )
    ax.set_title("Grades by domain", color=NAVY, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, path)


def shares_by_group(
    names: list[str], shares: list[float | None], title: str, path: Path
) -> Path | None:
    """Draw one horizontal bar per group with its share; None when no group has a share."""
    pairs = [(n, s) for n, s in zip(names, shares, strict=True) if s is not None]
    if not pairs:
        return None
    fig, ax = plt.subplots(figsize=(7.5, 0.4 * len(pairs) + 1.2))
    ax.barh([n for n, _ in pairs], [s for _, s in pairs], color=_GOOD)
    for i, (_, s) in enumerate(pairs):
        ax.text(s + 0.01, i, pct(s), va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_title(title, color=NAVY, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, path)


def trend(
    labels: list[str],
    good: list[float | None],
    inadequate: list[float | None],
    target: float,
    path: Path,
    title: str = "Trend against earlier periods",
) -> Path | None:
    """Draw % good or better and % inadequate over periods with the target line; None if empty.

    ``title`` names what the points are (periods or rounds), as the report's heading does."""
    if not any(v is not None for v in good):
        return None
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
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
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False)
    ax.set_title(title, color=NAVY, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, path)
