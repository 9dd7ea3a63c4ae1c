"""The Jinja analysis behind slot plans: a case value is a slot only where it is printed or tested."""

from __future__ import annotations

import pytest

from qaf_docs.packs.slot_analysis import EACH, Usage, analyse, parse_all
from qaf_docs.packs.templates import jinja_environment

KEYS = ["team", "case_facts", "previous", "case_id", "child_name"]


def _usage(source: str) -> Usage:
    return analyse(parse_all([source], jinja_environment())).of(KEYS)


@pytest.mark.parametrize(
    "source",
    [
        "{{ team }}",
        "{% if team %}x{% endif %}",
        "{% if not team %}x{% elif team %}y{% else %}z{% endif %}",
        "{{ 'a' if team else 'b' }}",
        "{{ team or 'none' }}",
        "{% if team and child_name %}{{ child_name }}{% endif %}",
        "{% for c in case_facts %}{{ c.label }}{{ loop.index }}{% endfor %}",
        "{% for c in case_facts if c.since %}{{ c['value'] }}{% endfor %}",
        "{% for d in previous.domains %}{{ d.grade }}{% if loop.last %}.{% endif %}{% endfor %}",
    ],
)
def test_printing_testing_and_looping_leave_values_slots(source: str) -> None:
    usage = _usage(source)
    assert not usage.opaque and not usage.structural


@pytest.mark.parametrize(
    ("source", "structural"),
    [
        ('{% if team == "A" %}x{% endif %}', "team"),
        ("{{ team|upper }}", "team"),
        ("{{ team ~ 'x' }}", "team"),
        ("{{ team + 'x' }}", "team"),
        ("{% if team is string %}x{% endif %}", "team"),
        ("{% set x = team %}{{ x }}", "team"),
        ("{% set x %}{{ team }}{% endset %}{{ x|length }}", "team"),
        ("{% with x = team %}{{ x }}{% endwith %}", "team"),
        ("{% filter upper %}{{ team }}{% endfilter %}", "team"),
        ("{% macro m(v) %}{{ v }}{% endmacro %}{{ m(team) }}", "team"),
        ("{% for k, v in case_facts %}{{ k }}{% endfor %}", "case_facts"),
        (
            "{% for c in case_facts|sort(attribute='label') %}{{ c.label }}{% endfor %}",
            "case_facts",
        ),
        ("{% for c in case_facts %}{{ c.label|length }}{% endfor %}", "case_facts"),
        ("{% for c in case_facts %}{{ loop.previtem }}{% endfor %}", "case_facts"),
        ("{% for c in case_facts %}{{ case_facts[loop.index0].label }}{% endfor %}", "case_facts"),
        ("{{ previous.domains[1:] }}", "previous"),
        ("{% autoescape false %}{{ team }}{% endautoescape %}", "team"),
        ("{{ not team }}{{ team.upper() }}", "team"),
    ],
)
def test_any_other_use_makes_a_value_structural(source: str, structural: str) -> None:
    usage = _usage(source)
    assert structural in usage.structural


@pytest.mark.parametrize(
    "source",
    [
        "{% include 'other.xml' %}",
        "{% import 'macros.xml' as m %}",
        "{{ [1, 2]|random }}",
        "{{ lipsum(1) }}",
        "{{ case_facts.append(1) }}",
        "{% if team is sameas 'A' %}x{% endif %}",
    ],
)
def test_includes_and_impure_constructs_make_every_value_structural(source: str) -> None:
    usage = _usage(source)
    assert usage.opaque and usage.structural == frozenset(KEYS)


def test_a_loop_name_reused_over_shared_data_does_not_poison_the_case_loop() -> None:
    usage = _usage(
        "{% for c in case_facts %}{{ c.label }}{% endfor %}"
        '{% for c in descriptors %}{% if c.grade == "Good" %}{{ c.text|upper }}{% endif %}'
        "{{ loop.previtem }}{% endfor %}"
        "{% for case_id in domains %}{{ case_id|upper }}{% endfor %}{{ case_id }}"
    )
    assert not usage.structural
    assert usage.paths["case_facts"] == {
        ((EACH,), False),
        ((EACH, ("attr", "label")), True),
    }
    assert usage.paths["case_id"] == {((), True)}


def test_loop_names_belong_to_the_innermost_loop() -> None:
    usage = _usage(
        "{% for d in domains %}{% for c in case_facts %}{% if c.flag %}{{ d.title }}{% endif %}"
        "{% endfor %}{{ loop.previtem }}{% endfor %}"
        "{% for c in case_facts %}{% for x in domains %}{{ loop.nextitem }}{% endfor %}{% endfor %}"
    )
    assert not usage.structural, "loop.previtem and loop.nextitem there hand out shared items"
    for source in (
        "{% for c in case_facts %}{% for d in domains %}{% endfor %}{{ loop.nextitem }}{% endfor %}",
        "{% for c in case_facts %}{% for x in c.rows %}{{ loop.nextitem }}{% endfor %}{% endfor %}",
    ):
        assert _usage(source).structural == {"case_facts"}, source
