"""The colour of each grade in charts: the same in the tracker workbook and in the Word reports.

Every grade of the scale gets its own colour: greens for good or better (the best darkest), amber
then orange for the grades between, red for inadequate, grey for anything else. (Cells in the
tracker's sheets keep Excel's light good / neutral / bad fills, which stay readable under text.)
"""

from __future__ import annotations

from qaf_docs.frameworks import Framework

GOOD_OR_BETTER = ("#375623", "#70AD47", "#A9D18E", "#C5E0B4")
BETWEEN = ("#FFC000", "#ED7D31", "#F4B183", "#FFE699")
INADEQUATE = "#C00000"
OTHER = "#A5A5A5"
NAVY = "#1F3A5F"


def grade_colours(framework: Framework) -> dict[str, str]:
    """Return each grade of the framework's scale with its chart colour ("#RRGGBB")."""
    scale = framework.scale
    good = [g for g in scale.grades if g in scale.good_or_better]
    between = [g for g in scale.grades if g not in scale.good_or_better and g != scale.inadequate]
    # One good-or-better grade (no "Outstanding") is plain green, not the darkest.
    greens = GOOD_OR_BETTER[1:] if len(good) == 1 else GOOD_OR_BETTER
    out = {}
    for g in scale.grades:
        if g in good:
            out[g] = greens[min(good.index(g), len(greens) - 1)]
        elif g == scale.inadequate:
            out[g] = INADEQUATE
        else:
            out[g] = BETWEEN[min(between.index(g), len(BETWEEN) - 1)]
    return out
