"""Tests for qaf_docs.dates: dates as people type them in UK forms and spreadsheets."""

from __future__ import annotations

from datetime import date

import pytest

from qaf_docs.dates import add_months, parse_uk_date, shown_date

DEC_3 = date(2026, 12, 3)


@pytest.mark.parametrize(
    "text",
    [
        "03/12/2026",
        "3/12/26",
        "3 Dec 2026",
        "3rd December 2026",
        "2026-12-03",
        "03.12.2026",
        "3 dec 2026",
        "\u00a03 Dec 2026 ",  # a non-breaking space pasted from Word
        "Thursday, 3 December 2026",  # a long date pasted from Word or Outlook
        "Thu 3 Dec 2026",
        "December 3rd, 2026",  # the month in words first cannot be misread
    ],
)
def test_uk_spellings_of_a_date_all_mean_3_december_2026(text: str) -> None:
    assert parse_uk_date(text) == DEC_3


def test_day_comes_before_month() -> None:
    # 03/12 is 3 December in the UK, never 12 March.
    assert parse_uk_date("03/12/2026") != date(2026, 3, 12)
    assert parse_uk_date("12/03/2026") == date(2026, 3, 12)


@pytest.mark.parametrize("text", ["ASAP", "tbc", "31/02/2026", "12/13/2026", "next week"])
def test_text_that_is_not_a_real_date_is_refused_with_a_readable_reason(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_uk_date(text)
    message = str(caught.value)
    # The admin officer's note quotes this: it must say which entry is wrong, in words.
    assert text in message
    assert "date" in message.lower()


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_date_is_refused_with_a_readable_reason(text: str) -> None:
    with pytest.raises(ValueError, match=r"(?i)no date"):
        parse_uk_date(text)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("3rd December", "'3rd December' is not a date on its own: it gives no year"),
        ("03/12", "'03/12' is not a date on its own: it gives no year"),
        ("Friday, 3 December 2026", "names a Friday, but 03/12/2026 is a Thursday"),
    ],
)
def test_a_date_that_leaves_its_year_or_its_day_unclear_says_which(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_uk_date(text)


def test_a_date_that_does_not_exist_is_called_not_real() -> None:
    with pytest.raises(ValueError, match="not a real date"):
        parse_uk_date("31/02/2026")


# -- shown_date: what a date picker means when a person may have typed over it ---------------------


def test_visible_text_wins_over_the_stored_picker_date() -> None:
    assert shown_date("10/12/2026", stored=DEC_3) == date(2026, 12, 10)


def test_typed_over_picker_with_asap_is_an_error_not_the_hidden_date() -> None:
    with pytest.raises(ValueError, match="ASAP"):
        shown_date("ASAP", stored=DEC_3)


@pytest.mark.parametrize(
    "text", ["Thursday, 3 December 2026", "Thursday 3rd December 2026", "3 December 2026"]
)
def test_long_form_text_of_the_same_date_gives_the_stored_date(text: str) -> None:
    assert shown_date(text, stored=DEC_3) == DEC_3


@pytest.mark.parametrize("text", ["", "  "])
def test_empty_text_falls_back_to_the_stored_date(text: str) -> None:
    assert shown_date(text, stored=DEC_3) == DEC_3


def test_empty_text_and_no_stored_date_is_no_date() -> None:
    assert shown_date("", stored=None) is None


@pytest.mark.parametrize(
    "text",
    [
        "Before Christmas 2026",  # not a date at all
        "Friday, 4 December 2026",  # a different date, long-hand
    ],
)
def test_text_that_is_not_the_stored_date_never_yields_the_stored_date(text: str) -> None:
    stored = date(2026, 12, 2)
    try:
        result = shown_date(text, stored=stored)
    except ValueError:
        result = None  # refusing the text is fine; silently using the hidden date is not
    assert result != stored


# -- add_months ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),  # across the year end
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
    ],
)
def test_add_months_clamps_to_the_last_day_of_the_month(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected
