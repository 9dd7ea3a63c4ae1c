"""Grades named outside ``grades``: a grade renamed in the scale and not where the rules name it.

A council renames "Inadequate" to "Poor" in ``[scale] grades`` and leaves ``inadequate =
"Inadequate"``, its descriptor, its aliases and every domain's indicators naming the old word. One
message names each line that still does, so that the file is put right in one go, not one line a
run.
"""

from __future__ import annotations

import difflib
from typing import Any

from qaf_docs.frameworks.base import NOT_APPLICABLE, KeyPath, KeyProblem, fold_grade
from qaf_docs.frameworks.kinds import as_written


def _references(data: dict[str, Any]) -> list[tuple[KeyPath, str, str]]:
    """Every grade a framework's rules name: (where, the grade, what names it)."""
    scale = data.get("scale")
    found: list[tuple[KeyPath, str, str]] = []
    if isinstance(scale, dict):
        for grade in _listed(scale.get("good_or_better")):
            found.append((("scale", "good_or_better"), grade, "good_or_better lists"))
        if isinstance(scale.get("inadequate"), str):
            inadequate = scale["inadequate"]
            found.append((("scale", "inadequate"), inadequate, "inadequate is"))
        for alias, grade in _table(scale.get("aliases")).items():
            if isinstance(grade, str):
                found.append((("scale", "aliases", alias), grade, f"alias '{alias}' points to"))
        for grade in _table(scale.get("descriptors")):
            found.append((("scale", "descriptors", grade), grade, "a descriptor is given for"))
    domains = data.get("domains")
    for i, domain in enumerate(domains if isinstance(domains, list) else []):
        if isinstance(domain, dict):
            for grade in _table(domain.get("indicators")):
                path = ("domains", i, "indicators", grade)
                found.append((path, grade, "indicators are given for"))
    return found


def _listed(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _nth(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def grades_slip(grades: list[str]) -> str | None:
    """What is wrong with the list of grades itself, or None: a grade left empty, one with a space
    at either end (unseen in Notepad, so never matched where a rule names it), or one given twice
    as forms read grades (case, punctuation and words in brackets ignored)."""
    if len(grades) < 2:
        return f"grades = {as_written(grades)} is not a scale: it needs two grades or more"
    seen: dict[str, int] = {}
    for n, grade in enumerate(grades, start=1):
        if not grade.strip():
            return f'the {_nth(n)} grade is empty (""): delete it, with its comma'
        if grade != grade.strip():
            return (
                f"the {_nth(n)} grade, '{grade}', has a space at its start or end: write "
                f'"{grade.strip()}"'
            )
        folded = fold_grade(grade)
        if folded in seen:
            first = grades[seen[folded] - 1]
            if first == grade:
                return (
                    f"'{grade}' is given twice in grades (the {_nth(seen[folded])} and the "
                    f"{_nth(n)}): delete one, with its comma"
                )
            return (
                f"the {_nth(n)} grade, '{grade}', reads the same as the {_nth(seen[folded])}, "
                f"'{first}' (case, punctuation and words in brackets are ignored when forms are "
                "read): delete one, or reword it"
            )
        seen[folded] = n
    return None


def check_grade_names(data: Any) -> None:
    """Refuse a framework (TOML ``data``, before validation) whose rules name a grade that is not
    in ``[scale] grades``, naming every line that names it; the models' own checks stay for the
    rest (a malformed scale is left to them)."""
    if not isinstance(data, dict) or not isinstance(data.get("scale"), dict):
        return
    scale = data["scale"]
    grades = scale.get("grades")
    if not isinstance(grades, list) or not all(isinstance(g, str) for g in grades):
        return
    said = grades_slip(grades)
    if said:
        raise KeyProblem(("scale", "grades"), said)
    na = scale.get("not_applicable") is True
    unknown: dict[str, list[tuple[KeyPath, str]]] = {}
    for path, grade, what in _references(data):
        allowed = na and grade == NOT_APPLICABLE and path[1] in ("aliases", "descriptors")
        if grade not in grades and not allowed:
            unknown.setdefault(grade, []).append((path, what))
    if not unknown:
        return
    (grade, [(path, what), *more]), *others = unknown.items()
    on_scale = ", ".join(grades)
    if grade == NOT_APPLICABLE:
        fix = "set not_applicable = true under [scale] to allow it, or delete the line"
    else:
        near = difflib.get_close_matches(grade, grades, n=1, cutoff=0.6)
        fix = (
            "if the grade was renamed in grades, write its new name on each of these lines"
            + (f" (the nearest grade is '{near[0]}')" if near else "")
            + f"; otherwise add '{grade}' to grades"
        )
    message = (
        f"{what} '{grade}', which is not a grade on this scale (not in grades, {{grades}}: "
        f"{on_scale})" + (", and {more} name it too" if more else "") + f"; {fix}"
    )
    lines = {"grades": (("scale", "grades"),), "more": tuple(p for p, _ in more)}
    for n, (other, where) in enumerate(others[:3]):
        message += f"; '{other}', named at {{other{n}}}, is not in grades either"
        lines[f"other{n}"] = tuple(p for p, _ in where)
    raise KeyProblem(path, message, lines)
