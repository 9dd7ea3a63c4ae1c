"""Seeded synthetic case lists and rosters: fake but plausible, for tests, benchmarks, ``qaf demo``.

Nothing here describes a real child or worker. The same arguments always give the same data, so a
test or a benchmark can name its input by (children, teams, seed). Files written here carry the
traps real exports have when asked to (``messy=True``): non-breaking spaces in worker names, coded
values such as "c) Child in need plan", text and serial-number dates, ``#N/A`` cells and a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import openpyxl

from qaf_docs.cases.allocation import seeded_rng
from qaf_docs.cases.case import Case, CaseList, CaseType, case_list_from_cases
from qaf_docs.cases.roster import Auditor
from qaf_docs.safe_output import csv_safe, write_cell

__all__ = [
    "SyntheticTeam",
    "synthetic_case_list",
    "synthetic_cases",
    "synthetic_roster",
    "synthetic_teams",
    "write_roster_file",
    "write_synthetic_case_list",
]

FIRST_NAMES = (
    "Amara", "Ben", "Chloe", "Dev", "Efua", "Finn", "Grace", "Hamza", "Isla", "Jack", "Kemi",
    "Liam", "Maya", "Niall", "Olu", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vic",
    "Wren", "Xavier", "Yusuf", "Zara", "Aled", "Bethan", "Ciaran", "Dana",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Barnes", "Chowdhury", "Davies", "Evans", "Fletcher", "Gill", "Hughes", "Iqbal",
    "Jones", "Kaur", "Lewis", "Morgan", "Nowak", "Okafor", "Patel", "Quigley", "Roberts", "Singh",
    "Taylor", "Usman", "Vaughan", "Walsh", "Yates", "Zielinski", "Ahmed", "Brennan", "Clarke",
)  # fmt: skip

_CATEGORIES_OF_ABUSE = ("Neglect", "Emotional abuse", "Physical abuse", "Sexual abuse", "Multiple")
_PRIMARY_NEEDS = (
    "N1 - Abuse or Neglect",
    "N2 - Child's disability",
    "N3 - Parental illness or disability",
    "N4 - Family in acute stress",
    "N5 - Family dysfunction",
    "N6 - Socially unacceptable behaviour",
    "N8 - Absent parenting",
)
_LEGAL_STATUSES = ("C2: FCO", "C1: ICO", "V2: S20", "E1: Placement order")


@dataclass(frozen=True)
class SyntheticTeam:
    """A made-up team, the kind of work it holds, and its social workers."""

    name: str
    mix: tuple[tuple[CaseType, int], ...]
    workers: tuple[str, ...]


_TEAM_KINDS: tuple[tuple[str, tuple[tuple[CaseType, int], ...]], ...] = (
    ("Locality {i} Duty Team", ((CaseType.CIN, 7), (CaseType.CP, 2), (CaseType.OTHER, 1))),
    ("Locality {i} Unit 1", ((CaseType.CIN, 5), (CaseType.CP, 5))),
    ("Children in Care Team {i}", ((CaseType.CLA, 1),)),
    ("Locality {i} Unit 2", ((CaseType.CIN, 4), (CaseType.CP, 6))),
    ("Early Help Locality {i}", ((CaseType.EARLY_HELP, 1),)),
    ("Care Leavers Team {i}", ((CaseType.CARE_LEAVER, 1),)),
    (
        "Children with Disabilities Team {i}",
        ((CaseType.CIN, 6), (CaseType.CLA, 3), (CaseType.CP, 1)),
    ),
    ("Family Safeguarding Team {i}", ((CaseType.CP, 7), (CaseType.CIN, 3))),
)


def _person(rng_seed: int, *labels: str) -> str:
    rng = seeded_rng(rng_seed, "person", *labels)
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def synthetic_teams(teams: int = 20, *, seed: int = 0) -> list[SyntheticTeam]:
    """Return ``teams`` made-up teams ("Locality 2 Duty Team", "Children in Care Team 1", …)."""
    rng = seeded_rng(seed, "teams")
    result: list[SyntheticTeam] = []
    used: set[str] = set()
    for t in range(teams):
        pattern, mix = _TEAM_KINDS[t % len(_TEAM_KINDS)]
        name = pattern.format(i=t // len(_TEAM_KINDS) + 1)
        workers: list[str] = []
        for w in range(rng.randint(4, 9)):
            person = _person(seed, name, str(w))
            suffix = 2
            while person in used:
                person = f"{_person(seed, name, str(w), str(suffix))}"
                suffix += 1
            used.add(person)
            workers.append(person)
        result.append(SyntheticTeam(name, mix, tuple(workers)))
    return result


def synthetic_cases(
    children: int = 5000, teams: int = 20, *, seed: int = 0, today: date | None = None
) -> list[Case]:
    """Return ``children`` made-up cases spread over ``teams`` teams, about 85% open."""
    today = today or date(2026, 3, 1)
    rng = seeded_rng(seed, "cases")
    team_list = synthetic_teams(teams, seed=seed)
    weights = [len(t.workers) for t in team_list]
    ids = rng.sample(range(100_000, 19_999_999), children)
    cases: list[Case] = []
    for case_id in ids:
        team = rng.choices(team_list, weights=weights)[0]
        kinds, kind_weights = zip(*team.mix, strict=True)
        case_type = rng.choices(kinds, weights=kind_weights)[0]
        span = {CaseType.CLA: 2500, CaseType.CARE_LEAVER: 1500}.get(case_type, 700)
        start = today - timedelta(days=rng.randint(1, span))
        is_open = rng.random() < 0.85
        end = None if is_open else min(today, start + timedelta(days=rng.randint(7, 400)))
        age = rng.randint(-1, 17) if case_type is not CaseType.CARE_LEAVER else rng.randint(18, 24)
        attributes = {"age": str(age), "gender": rng.choice(("Male", "Female"))}
        if age == -1:
            attributes["unborn"] = "yes"
        if case_type is CaseType.CP:
            attributes["category_of_abuse"] = rng.choice(_CATEGORIES_OF_ABUSE)
        if case_type in (CaseType.CIN, CaseType.CLA, CaseType.CP):
            attributes["primary_need"] = rng.choice(_PRIMARY_NEEDS)
        if case_type is CaseType.CLA:
            attributes["legal_status"] = rng.choice(_LEGAL_STATUSES)
        cases.append(
            Case(
                case_id=str(case_id),
                team=team.name,
                worker=rng.choice(team.workers) if rng.random() > 0.02 else None,
                case_type=case_type,
                is_open=is_open,
                start_date=start,
                end_date=end,
                sources=("synthetic",),
                restricted=rng.random() < 0.005,
                attributes=attributes,
            )
        )
    return cases


def synthetic_case_list(
    children: int = 5000, teams: int = 20, *, seed: int = 0, today: date | None = None
) -> CaseList:
    """Return a :class:`CaseList` of made-up cases, as if read from a clean export."""
    cases = synthetic_cases(children, teams, seed=seed, today=today)
    return case_list_from_cases(cases, source_name=f"synthetic-{children}-{teams}-{seed}")


_ROLE_CAPACITY = {
    "Deputy Team Manager": 1,
    "Service Manager": 1,
    "Principal Social Worker": 2,
    "Divisional Director": 2,
    "QA Auditor": 8,
}


def synthetic_roster(
    teams: int = 20,
    *,
    seed: int = 0,
    qa_auditors: int = 2,
    capacity_scale: int = 1,
) -> list[Auditor]:
    """Return a roster for ``synthetic_teams(teams, seed)``: DTMs, SMs, PSWs, DDs and QA auditors.

    ``capacity_scale`` multiplies every monthly capacity (a big half-cycle needs many more audits).
    """
    team_list = synthetic_teams(teams, seed=seed)
    auditors: list[Auditor] = []
    taken: set[str] = {w for t in team_list for w in t.workers}

    def add(role: str, team: str | None, label: str) -> None:
        name = _person(seed, "auditor", label)
        n = 2
        while name in taken:
            name = _person(seed, "auditor", label, str(n))
            n += 1
        taken.add(name)
        email = name.lower().replace(" ", ".") + "@council.example"
        capacity = _ROLE_CAPACITY[role] * capacity_scale
        auditors.append(Auditor(name, email, role, team, capacity))

    for t in team_list:
        add("Deputy Team Manager", t.name, t.name)
    for i in range(0, len(team_list), 4):
        add("Service Manager", team_list[i].name, f"sm{i}")
    for i in range(2):
        add("Principal Social Worker", "Practice Improvement", f"psw{i}")
        add("Divisional Director", None, f"dd{i}")
    for i in range(qa_auditors):
        add("QA Auditor", "Quality Assurance", f"qa{i}")
    return auditors


def write_roster_file(path: Path, auditors: Sequence[Auditor]) -> Path:
    """Write ``auditors`` as a roster .xlsx or .csv (Name, Email, Role, Team, Monthly Capacity)."""
    path = Path(path)
    header = ["Name", "Email", "Role", "Team", "Monthly Capacity"]
    rows = [[a.name, a.email, a.role, a.team or "", a.monthly_capacity] for a in auditors]
    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows([[csv_safe(v) for v in r] for r in rows])
        return path
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Roster"
    table: list[list[object]] = [list(header), *rows]
    for r, values in enumerate(table, start=1):
        for c, value in enumerate(values, start=1):
            write_cell(sheet.cell(row=r, column=c), value)
    wb.save(path)
    return path


_ANNEX_SHEETS: dict[CaseType, tuple[str, str, str, str]] = {
    # case type -> (sheet, start header, end header, status text)
    CaseType.CIN: ("List 6", "CIN Start Date", "CIN Closure Date", "c) Child in need plan"),
    CaseType.CP: (
        "List 7",
        "Child Protection Plan Start Date",
        "Child Protection Plan End Date",
        "",
    ),
    CaseType.CLA: (
        "List 8",
        "Date Started to be Looked After",
        "Date Ceased to be Looked After",
        "",
    ),
    CaseType.CARE_LEAVER: ("List 9", "", "", ""),
}


def write_synthetic_case_list(
    path: Path,
    *,
    children: int = 5000,
    teams: int = 20,
    seed: int = 0,
    today: date | None = None,
    messy: bool = False,
) -> Path:
    """Write made-up cases to ``path``: an Annex A workbook (.xlsx, Lists 6–9) or a flat .csv.

    ``messy`` adds the traps real exports carry (nbsp in names, text and serial dates, ``#N/A``,
    one formula). Early help and other cases are only written to the .csv form.
    """
    path = Path(path)
    cases = synthetic_cases(children, teams, seed=seed, today=today)
    rng = seeded_rng(seed, "messy")
    if path.suffix.lower() == ".csv":
        header = [
            "Child ID", "Case Type", "Allocated Team", "Allocated Worker", "Start Date",
            "End Date", "Case Status", "Restricted", "Category of Abuse", "Primary Need", "Age",
        ]  # fmt: skip
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            for case in cases:
                worker = case.worker or ""
                start = _text_date(case.start_date, rng if messy else None)
                if messy and worker and rng.random() < 0.2:
                    worker = worker.replace(" ", "\u00a0")
                writer.writerow(
                    [
                        case.case_id,
                        case.case_type.value,
                        case.team,
                        worker,
                        start,
                        case.end_date.strftime("%d/%m/%Y") if case.end_date else "",
                        "Open" if case.is_open else "Closed",
                        "Y" if case.restricted else "N",
                        case.attributes.get("category_of_abuse", ""),
                        case.attributes.get("primary_need", ""),
                        case.attributes.get("age", ""),
                    ]
                )
        return path
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets: dict[CaseType, object] = {}
    for case_type, (title, start_h, end_h, _) in _ANNEX_SHEETS.items():
        sheet = wb.create_sheet(title)
        header = ["Child Unique ID", "Gender", "Age"]
        header += [h for h in (start_h, end_h) if h]
        if case_type is CaseType.CIN:
            header += ["Primary Need Code", "Case Status"]
        if case_type is CaseType.CP:
            header += ["Latest Category of Abuse"]
        if case_type is CaseType.CLA:
            header += ["Child's Legal Status"]
        header += ["Allocated Team", "Allocated Worker"]
        sheet.append(header)
        sheets[case_type] = sheet
    formula_written = False
    for case in cases:
        if case.case_type not in _ANNEX_SHEETS:
            continue
        _, start_h, end_h, status = _ANNEX_SHEETS[case.case_type]
        gender = "a) Male" if case.attributes.get("gender") == "Male" else "b) Female"
        row: list[object] = [int(case.case_id), gender, int(case.attributes.get("age", "0"))]
        if start_h:
            start_value: object = case.start_date
            if messy and rng.random() < 0.1:
                start_value = _text_date(case.start_date, rng)
            row.append(start_value)
        if end_h:
            row.append(case.end_date)
        if case.case_type is CaseType.CIN:
            row += [case.attributes.get("primary_need", ""), status]
        if case.case_type is CaseType.CP:
            row += [case.attributes.get("category_of_abuse", "")]
        if case.case_type is CaseType.CLA:
            row += [case.attributes.get("legal_status", "")]
        worker = case.worker or ""
        if messy and rng.random() < 0.3:
            worker = worker.replace(" ", "\u00a0")
        team: object = case.team
        if messy and rng.random() < 0.005:
            team, worker = "#N/A", "#N/A"
        row += [team, worker]
        sheet = sheets[case.case_type]
        sheet.append(row)  # type: ignore[attr-defined]
        if messy and not formula_written and case.end_date and end_h:
            end_cell = sheet.cell(row=sheet.max_row, column=5)  # type: ignore[attr-defined]
            end_cell.value = f"=D{sheet.max_row}+5"  # type: ignore[attr-defined]
            formula_written = True
    for sheet in sheets.values():
        for cell in sheet[1]:  # type: ignore[index]
            cell.font = openpyxl.styles.Font(bold=True)
        for column in ("D", "E"):
            for cell in sheet[column][1:]:  # type: ignore[index]
                cell.number_format = "dd/mm/yyyy"
    wb.save(path)
    return path


def _text_date(day: date | None, rng: object | None) -> object:
    if day is None:
        return ""
    if rng is None:
        return day.strftime("%d/%m/%Y")
    choice = rng.random()  # type: ignore[attr-defined]
    if choice < 0.5:
        return day.strftime("%d/%m/%Y")
    if choice < 0.7:
        return f"{day.day} {day.strftime('%b %Y')}"
    if choice < 0.9:
        return day.isoformat()
    return str((day - date(1899, 12, 30)).days)
