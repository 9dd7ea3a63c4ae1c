"""Which header means which field, and how a cell's text is folded and parsed.

Headers are matched tolerantly ("Age" / "Age of Child (Years)", trailing spaces, "(Y/N))"); which
spellings mean which field is a setting (:class:`ColumnMapping`). Codes such as "a) Male" lose their
prefix, non-breaking spaces become spaces, and Annex A's list numbers say what kind of case a sheet
holds.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from qaf_docs.cases.case import CaseType, RowProblem, annex_list_number


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
            "Allocated Team", "Team", "Team Name", "Responsible Team", "Allocated Team Name",
            "Team/Unit", "Allocated Unit", "Unit", "Service Team", "Worker Team",
        )
    )  # fmt: skip
    worker: list[str] = Field(
        default_factory=lambda: _spellings(
            "Allocated Worker", "Worker", "Social Worker", "Allocated Social Worker",
            "Allocated Worker Name", "Key Worker", "Lead Professional", "Practitioner",
            "Worker Name", "Social Worker Name",
        )
    )  # fmt: skip
    start_date: list[str] = Field(
        default_factory=lambda: _spellings(
            "CIN Start Date", "Child Protection Plan Start Date", "Date Started to be Looked After",
            "Date the Child Entered Care",
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            "Continuous Assessment Start Date", "Assessment start date", "Date of Referral",
            "Date of Contact", "Episode Start Date", "Case Start Date", "Start Date", "Open Date",
            "Date Opened", "Allocation Date", "Referral Date", "CP Start Date",
            "CP Plan Start Date", "CLA Start Date", "LAC Start Date", "Period of Care Start Date",
            "Allocation Start Date", "Involvement Start Date",
        )
    )  # fmt: skip
    end_date: list[str] = Field(
        default_factory=lambda: _spellings(
            "CIN Closure Date", "Child Protection Plan End Date", "Date Ceased to be Looked After",
            "Date of Adoption Order", "Continuous Assessment Date of Authorisation",
            "Assessment completion date", "Episode End Date", "Case End Date", "End Date",
            "Closure Date", "Close Date", "Date Closed", "CIN End Date", "CP End Date",
            "CP Plan End Date", "Child Protection End Date", "CLA End Date", "LAC End Date",
            "Period of Care End Date", "Case Closure Date", "Date Case Closed",
            "Episode Closure Date", "Closed Date", "Allocation End Date", "Involvement End Date",
        )
    )  # fmt: skip
    case_type: list[str] = Field(
        default_factory=lambda: _spellings(
            "Case Type",
            "Type of Case",
            "Case Category",
            "Service",
            "Involvement",
            "Plan Type",
            "Annex A List",
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
    date_of_birth: list[str] = Field(
        default_factory=lambda: _spellings(
            "Date of Birth", "DOB", "D.O.B.", "Birth Date", "Birthdate", "Child DOB",
            "Child's DOB", "Child Date of Birth", "Child's Date of Birth",
        )
    )  # fmt: skip
    # An unborn child's expected date of birth: marks the child unborn, never kept (personal).
    expected_birth: list[str] = Field(
        default_factory=lambda: _spellings(
            "Expected Date of Birth", "Expected DOB", "EDD", "Estimated Date of Delivery",
            "Expected Delivery Date", "Expected Due Date", "Estimated Due Date", "Due Date of Baby",
        )
    )  # fmt: skip
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
ATTRIBUTE_FIELDS = (
    "date_of_birth",
    "age",
    "category_of_abuse",
    "primary_need",
    "legal_status",
)
PRIVATE_FIELDS = ("child_name",)

# Headers of columns that say who a child or their family is rather than what happened: never kept
# as case facts, whatever the export calls them. A header naming a person is personal unless it
# names a professional or a service ("Allocated Worker Name", "IRO Name", "School Name").
_PERSONAL = re.compile(
    r"\b(?:fore ?names?|sur ?names?|(?:first|last|given|family|middle|preferred|maiden|previous|"
    r"legal|birth) names?|known as|alias|aka|date of birth|birth ?date|dob|d o b|born|address(?:es)?|"
    r"street|post ?code|postal code|zip(?: code)?|nhs|ni number|nino|national insurance|phone|"
    r"telephone|tel|mobile|e ?mail|upn|uln|unique (?:pupil|learner) number|pupil number|passport|"
    r"addr|town|carers?|parents?|mother|father|guardians?|next of kin|contact (?:number|no|"
    r"details)|emergency contact)\b"
)
_NAME = re.compile(r"\bnames?\b")
_PROFESSIONAL = re.compile(
    r"\b(?:team|worker|manager|iro|practitioner|professional|officer|lead|supervisor|auditor|"
    r"school|college|nursery|provider|placement|agency|service|unit|gp|locality|court|hospital|"
    r"organisation|setting|panel|list|file|plan)\b"
)


# A column of free text: notes typed about the child and family, or a template's guidance. It may
# name anyone, so it is never a case fact printed on a form (a dated "Last Case Note Date" is).
_FREE_TEXT = re.compile(
    r"\b(?:notes?|comments?|guidance|remarks?|narrative|free text|observations?|"
    r"additional (?:information|info|details))\b"
)
# A date or a count of them is a fact, not free text: "Date of Last Case Note", "Number of Notes".
_DATED = re.compile(r"\b(?:date|dob|dated|number of|no of|count of|total)\b")


def free_text_header(header: str) -> bool:
    """Whether a column with this header holds free text ("Case Notes", "Ofsted guidance")."""
    folded = fold_header(header)
    return bool(_FREE_TEXT.search(folded)) and not _DATED.search(folded)


def personal_header(header: str) -> bool:
    """Whether a column with this header holds a personal detail (a name, a birth date, an address,
    a postcode, a phone number, an e-mail, an NHS number, a UPN), never to be kept as a case fact."""
    folded = fold_header(header)
    if _PERSONAL.search(folded):
        return True
    return bool(_NAME.search(folded)) and not _PROFESSIONAL.search(folded)


# ----------------------------------------------------------------------------------------------
# Folding and value parsing

_BRACKETS = re.compile(r"\([^)]*\)?|\)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_CODE_PREFIX = re.compile(r"^\s*[a-zA-Z]{1,2}\)\s+")
_SPACES = re.compile(r"\s+")


# Where one word of a run-together header ends: "PersonID", "DateOfBirth", "CINStartDate",
# "Address1" are "Person ID", "Date Of Birth", "CIN Start Date", "Address 1".
_WORD_BOUNDARY = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"
)


_APOSTROPHES = re.compile(r"['’‘`]")


def fold_header(text: str) -> str:
    """Fold a header for tolerant matching: "Age of Child (Years) " -> "age of child",
    "DateOfBirth1" -> "date of birth 1"."""
    text = _WORD_BOUNDARY.sub(" ", text.replace("\u00a0", " ")).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _BRACKETS.sub(" ", text)
    text = _NON_ALNUM.sub(" ", text)
    return " ".join(text.split())


# A possessive "'s" ("Child's unique ID", "Child’s DOB"): the header names the same column
# without it ("Child Unique ID"), so matching a header to a field drops it.
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])['’‘`][sS]\b")


def header_key(text: str) -> str:
    """Fold a header for matching it to a field's spellings: as :func:`fold_header`, and a
    possessive "'s" dropped, so "Child's unique ID" is the "Child Unique ID" column."""
    return fold_header(_POSSESSIVE.sub("", text))


def fold_value(text: str) -> str:
    """Fold a coded value for comparison: "a) Male" -> "male", "N1 - Neglect" -> "n1 neglect"."""
    text = _CODE_PREFIX.sub("", clean_text(text))
    text = _APOSTROPHES.sub("", text.casefold())
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def clean_text(text: str) -> str:
    """Normalise whitespace: non-breaking and repeated spaces become one ordinary space."""
    if text.isprintable() and "  " not in text:
        # The usual cell: no tab, newline, nbsp or zero-width space (none is printable), so only
        # the ends can change. Skipping the regex matters on a 50,000-row case list.
        return text.strip()
    return _SPACES.sub(" ", text.replace("\u00a0", " ").replace("\u200b", "")).strip()


def strip_code(text: str) -> str:
    """Drop an Annex A code prefix: "a) Male" -> "Male", "c) Child in need plan" -> "Child in…"."""
    return _CODE_PREFIX.sub("", clean_text(text))


def snake_header(header: str) -> str:
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


def parse_yes_no(text: str) -> bool | None:
    folded = fold_value(text)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    return None


CLOSED_WORDS = ("closed", "close", "ceased", "ended", "nfa", "no further action", "inactive")
OPEN_WORDS = ("open", "active", "allocated", "current", "ongoing")

# ----------------------------------------------------------------------------------------------
# Annex A knowledge

ANNEX_LISTS: dict[int, tuple[str, CaseType]] = {
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


# A header that reads as an end date ("Involvement Ceased Date", "Date Episode Ended").
_END_HEADER = re.compile(
    r"\b(?:end|ended|ending|closure|closed|close|ceased)\b.*\bdate\b"
    r"|\bdate\b.*\b(?:end|ended|closed|ceased)\b"
)


def unread_end_date(
    sheet: str, header_row: int, headers: list[str], index: dict[str, int]
) -> RowProblem | None:
    """A warning, for a sheet with no end date column qaf knows, about a column whose header
    reads as one: without an end date every case is open, so closed cases may be sampled."""
    if "end_date" in index:
        return None
    mapped = set(index.values())
    for col, header in enumerate(headers):
        if header and col not in mapped and _END_HEADER.search(fold_header(header)):
            return RowProblem(
                sheet,
                header_row,
                header,
                "this column reads as an end date but is not read as the cases' end date (qaf "
                "does not know this header), so every case on this sheet is taken as open and a "
                "closed case may be sampled. If it is when each case closed, name it under "
                f'[sampling.columns] in qaf.toml (end_date = "{header}") and read the list again',
                "warning",
            )
    return None


def no_id_column(sheet: str) -> str:
    """Why a sheet was skipped; an Annex A list of children (1 to 10) also says what to do, since
    none of its children can be sampled."""
    if annex_list_number(sheet) not in ANNEX_LISTS:
        return "no case id column"
    return (
        "no case id column, so none of its children can be sampled; if it has one, name its "
        'header under [sampling.columns] in qaf.toml (case_id = "<its header>")'
    )
