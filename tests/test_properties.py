"""Custom properties joined into a part cut once are byte for byte what lxml writes."""

from __future__ import annotations

import pytest

from qaf_docs.office.identity import custom_properties_xml
from qaf_docs.packs.properties import CustomProperties

NAMES = ("qaf_kind", "qaf_audit_ref", "qaf_case_id", "qaf_issued_at")
VALUES = [
    "R-0001",
    "Team & <Partners> \"quoted\" 'single'",
    "Zoë Ångström – ✓ 北京",
    "]]> &amp; already",
    "x" * 5000,
    "qAfPrOp0zA",
    "",
    "tab\there",
    "line\nbreak",
    "carriage\rreturn",
]


@pytest.mark.parametrize("value", VALUES)
def test_joined_properties_are_what_lxml_writes(value: str) -> None:
    writer = CustomProperties()
    for order in (NAMES, NAMES[::-1], NAMES[:1]):
        props = {name: f"{value} {i}" if i else value for i, name in enumerate(order)}
        assert writer.xml(props) == custom_properties_xml(props)


def test_lxml_writes_only_the_cut_and_the_values_it_must(monkeypatch: pytest.MonkeyPatch) -> None:
    writer = CustomProperties()
    expected = custom_properties_xml(dict.fromkeys(NAMES, "a & b"))
    assert writer.xml(dict.fromkeys(NAMES, "a & b")) == expected  # the cut is made here

    def refuse(props: dict[str, str]) -> bytes:
        raise AssertionError("lxml was asked")

    monkeypatch.setattr("qaf_docs.packs.properties.custom_properties_xml", refuse)
    assert writer.xml(dict.fromkeys(NAMES, "a & b")) == expected
    with pytest.raises(AssertionError, match="lxml was asked"):
        writer.xml(dict.fromkeys(NAMES, "tab\there"))
