"""The mistakes real rosters have: names typed two ways, shared or pasted e-mail addresses,
managers listed twice, teams spelled unlike the case list. Each is either handled the way the
framework's independence rule needs, or named by row and column before anything is written."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from qaf_docs.cases.allocation import allocate, can_audit
from qaf_docs.cases.case import Case, CaseType
from qaf_docs.cases.roster import Auditor, read_roster
from qaf_docs.errors import AllocationError

HEADER = "Name,Email,Role,Team,Monthly Capacity\n"


def case(case_id: str, team: str | None, worker: str | None = None) -> Case:
    return Case(case_id, team, worker, CaseType.CIN, True, None, None, ("test",))


def auditor(name: str, team: str | None, capacity: int = 5) -> Auditor:
    return Auditor(name, "someone@council.example", "Service Manager", team, capacity)


def roster_csv(tmp_path: Path, rows: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "roster.csv"
    path.write_bytes((HEADER + rows).encode(encoding))
    return path


# -- one person, two spellings -------------------------------------------------------------------


def test_an_auditor_typed_with_a_curly_apostrophe_never_audits_their_own_case():
    # Outlook's O’Brien on the roster, the case-management system's O'Brien on the case list.
    ours = case("1", "North", worker="Siobhan O'Brien")
    assert not can_audit(auditor("Siobhan O\u2019Brien", "Quality"), ours)
    result = allocate(
        [ours], [auditor("Siobhan O\u2019Brien", "Quality"), auditor("Bob", "Q")], seed=1
    )
    assert result.assignments["1"].name == "Bob"


def test_an_accent_stored_two_ways_is_one_person():
    decomposed = unicodedata.normalize("NFD", "Zoë Brontë")
    assert not can_audit(auditor(decomposed, "Quality"), case("1", "North", worker="Zoë Brontë"))


def test_the_same_auditor_twice_with_a_curly_apostrophe_is_named_by_row(tmp_path):
    path = roster_csv(
        tmp_path,
        "Siobhan O'Brien,sob@council.example,QA Auditor,Quality,2\n"
        "Siobhan O\u2019Brien,siobhan@council.example,QA Auditor,Quality,2\n",
    )
    with pytest.raises(AllocationError, match=r"row 3, column 'Name': .* is also on row 2"):
        read_roster(path)


def test_one_address_on_two_auditor_rows_is_named_whatever_its_case(tmp_path):
    # Ann twice under two spellings of her name would get two months' capacity and two teams.
    path = roster_csv(
        tmp_path,
        "Ann Smith,ann.smith@council.example,Service Manager,North,2\n"
        "Anne Smith,ANN.SMITH@council.example,Service Manager,South,2\n",
    )
    with pytest.raises(AllocationError) as e:
        read_roster(path)
    assert (
        "row 3, column 'Email': 'ANN.SMITH@council.example' is also the address of Ann Smith on "
        "row 2" in str(e.value)
    )


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("Fay Jones <fay@council.example>", "holds more than the address (keep only fay@council"),
        ("mailto:fay@council.example", "holds more than the address (keep only fay@council"),
        ("fay@council.example; gus@council.example", "holds more than one address"),
        ("fay@council.example.", "is not an email address"),
        ("fay@council..example", "is not an email address"),
    ],
)
def test_an_address_pasted_from_outlook_is_named_with_what_to_keep(tmp_path, cell, reason):
    path = roster_csv(tmp_path, f'Fay Jones,"{cell}",QA Auditor,Quality,2\n')
    with pytest.raises(AllocationError, match=r"row 2, column 'Email': '.*' " + re.escape(reason)):
        read_roster(path)
