"""Audit tools from slot plans: the template rendered once per shape of case, each case's text joined in.

Three ways write an audit tool, each exact, each falling back to the next (``AuditToolWriter``):

1. **A slot plan** (here). Most audits of a run differ only in text: a case ID, a team, the rows of
   the case facts panel. For each *shape* of case (which values are empty, how many facts, whether
   there is an earlier audit) the template is rendered once through the compiled path below with a
   stand-in ("sentinel") for every non-empty text, and each part is cut at the stand-ins into
   constant pieces, deflated once. Per audit only the case's own values are escaped as Jinja's
   autoescape would (``markupsafe.escape``; markup inserted as it is) and joined between the pieces
   (``Member.joined``), with no Jinja, no post-processing and no deflating of the constant text.
2. **The compiled template** (``fast_render.CompiledDocx``): Jinja per audit, then docxtpl's own
   post-processing steps, by string where they would change nothing.
3. **Plain docxtpl**, which also words the errors a council sees.

Why a plan is exact:

- The template's Jinja is read first (``slot_analysis``): a value gets a slot only if the template
  merely prints it, tests its truth or loops over it; the shape fixes every truth test and loop.
  Any other use puts the value itself in the plan's key (the plan is then reused only for an equal
  value); anything the analysis does not know, or anything impure, means no plans at all.
- A plan is made from two renders with different stand-ins (lengths and letters differ): it is kept
  only if swapping the second set into the first render's pieces gives the second render exactly,
  every stand-in Jinja printed came through post-processing whole, each one sits in text (after a
  ``>``, never inside a tag), and the body needed no lxml table repair and no listing.
- docxtpl's post-processing edits the text around patterns (``{_``, ``_}``, tabs and line breaks,
  ``docPr`` ids, table tags); a case value that holds or would complete one of them next to its
  pieces (or is only white space) is written the compiled way instead.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import jinja2
from markupsafe import Markup, escape

from qaf_docs.office.zip_members import Member, PreDeflated
from qaf_docs.packs.fast_render import CUSTOM_PART, CompiledDocx, RenderedPart
from qaf_docs.packs.slot_analysis import EACH, Path, Usage

_STAND_INS = ("qAfSlOt{}zA", "qAfSlOt{}zBbBq")
_FOUND = (re.compile(r"qAfSlOt(\d+)zA"), re.compile(r"qAfSlOt(\d+)zBbBq"))
# Text docxtpl's post-processing looks for; none may start or end inside a case's value.
_PATTERNS = ("\n<w:p ", "\n<w:p>", "{_{", "}_}", "{_%", "%_}", "{_", "_}", "docPr", "<wp:docPr")
_REACH = max(map(len, _PATTERNS))
_PREFIXES = tuple({p[:n] for p in _PATTERNS for n in range(1, len(p))})
_SUFFIXES = tuple({p[n:] for p in _PATTERNS for n in range(1, len(p))})
_UNSAFE = re.compile(r"\{_|_\}|docPr|[\t\a\n\f\r]")
_VISIBLE = re.compile(r"\S")  # a value of white space alone could join a cell to its wrapper
_TABLE_TAG = re.compile(r"</?w:(?:tbl|tr|tc|gridCol|gridSpan)")
_OPEN_WRAPPER_AT_END = re.compile(r"<w:(?:sdtContent|customXml)[^>]*>\s*\Z")
_SCALARS = (type(None), bool, int, float, date, datetime)
_TEXT, _HTML, _EMPTY = ("text",), ("html",), ("empty",)
_CONTAINERS = ("dict", "list", "tuple")
_PIECE_LEVEL = 6  # pieces are deflated once per plan: worth compressing harder
_MAX_PLANS = 64
_MAX_SEEN = 4096
_MAX_SHARED = 8


@dataclass(frozen=True)
class _PartPlan:
    name: str
    texts: tuple[str, ...]  # the constant pieces, one more than the slots
    pieces: tuple[PreDeflated, ...]
    slots: tuple[int, ...]  # which value goes between pieces[k] and pieces[k + 1]
    risky: tuple[int, ...]  # slots (by position) whose neighbours could complete a pattern


@dataclass(frozen=True)
class _Plan:
    parts: tuple[_PartPlan, ...]
    html: frozenset[int]  # values that are markup, inserted as they are


@dataclass(frozen=True)
class _Restructure:
    """This shape's paths do not hold: these keys go in the plan key by value instead."""

    keys: frozenset[str]


class SlotRenderer:
    """Writes audit tools from slot plans where exact, else through ``CompiledDocx.render``.

    ``shared`` (the framework's values) must be the same object, unchanged, for every audit of a
    framework: plans are keyed by its identity. ``case`` holds the audit's own values.
    """

    def __init__(self, compiled: CompiledDocx, env: jinja2.Environment) -> None:
        self._compiled = compiled
        self._enabled = env.autoescape is True and env.finalize is None
        self._usages: dict[tuple[str, ...], Usage] = {}
        self._plans: dict[Hashable, _Plan | _Restructure | None] = {}
        self._seen: set[Hashable] = set()
        self._shared: dict[int, Mapping[str, Any]] = {}  # kept alive so their ids stay theirs
        self.planned = self.built = self.rendered = 0

    def render(
        self, shared: Mapping[str, Any], case: Mapping[str, Any], custom_properties: bytes | None
    ) -> list[Member] | None:
        """Return the package's members for ``{**shared, **case}``, or None where docxtpl must."""
        members = self._from_plan(shared, case, custom_properties)
        if members is not None:
            self.planned += 1
            return members
        self.rendered += 1
        return self._compiled.render({**shared, **case}, custom_properties)

    def _from_plan(
        self, shared: Mapping[str, Any], case: Mapping[str, Any], custom_properties: bytes | None
    ) -> list[Member] | None:
        if not self._enabled:
            return None
        keys = tuple(case)
        usage = self._usages.get(keys)
        if usage is None:
            usage = self._usages[keys] = self._compiled.usage.of(keys)
        structural = usage.structural
        for _ in range(2):  # a second pass only after a _Restructure
            described = _describe(case, keys, usage, structural)
            if described is None:
                return None
            whole, shapes, values = described
            key = (id(shared), keys, structural, whole, shapes)
            plan = self._plans.get(key, _MISSING)
            if plan is _MISSING:
                if key not in self._seen:  # a plan pays for itself from the second use on
                    self._remember(key, shared)
                    return None
                plan = self._plans[key] = self._plan(
                    shared, case, usage, structural, shapes, values
                )
                self.built += plan is not None and not isinstance(plan, _Restructure)
            if not isinstance(plan, _Restructure):
                break
            structural = structural | plan.keys
        else:
            return None
        if plan is None or isinstance(plan, _Restructure):
            return None
        return self._join(plan, values, custom_properties)

    def _remember(self, key: Hashable, shared: Mapping[str, Any]) -> None:
        if (
            len(self._seen) >= _MAX_SEEN
            or len(self._plans) >= _MAX_PLANS
            or (id(shared) not in self._shared and len(self._shared) >= _MAX_SHARED)
        ):
            self._seen.clear()
            self._plans.clear()
            self._shared.clear()
        self._seen.add(key)
        self._shared[id(shared)] = shared

    def _plan(
        self,
        shared: Mapping[str, Any],
        case: Mapping[str, Any],
        usage: Usage,
        structural: frozenset[str],
        shapes: tuple[Hashable, ...],
        values: list[Any],
    ) -> _Plan | _Restructure | None:
        failing = frozenset(
            k
            for k, s in zip(_slotted(case, usage, structural), shapes, strict=True)
            if not all(_follows(s, path, printed) for path, printed in usage.paths[k])
        )
        if failing:
            return _Restructure(failing)
        probes: list[list[RenderedPart]] = []
        html: set[int] = set()
        for form in _STAND_INS:
            count = itertools.count()
            context = {**shared, **case}
            for k in _slotted(case, usage, structural):
                context[k] = _stand_in(case[k], form, count, html)
            parts = self._compiled.render_parts(context)
            if parts is None or not all(p.by_string for p in parts) or next(count) != len(values):
                return None
            probes.append(parts)
        plans = []
        for a, b in zip(*probes, strict=True):
            part = self._part_plan(a, b, len(values))
            if part is None:
                return None
            plans.append(part)
        return _Plan(tuple(plans), frozenset(html))

    def _part_plan(self, a: RenderedPart, b: RenderedPart, count: int) -> _PartPlan | None:
        found = list(_FOUND[0].finditer(a.xml))
        for probe, pattern in ((a, _FOUND[0]), (b, _FOUND[1])):
            # Every stand-in Jinja printed came through post-processing whole.
            if Counter(pattern.findall(probe.rendered)) != Counter(pattern.findall(probe.xml)):
                return None
        texts: list[str] = []
        slots: list[int] = []
        at = 0
        for m in found:
            slot = int(m.group(1))
            if slot >= count or a.xml.rfind("<", 0, m.start()) > a.xml.rfind(">", 0, m.start()):
                return None  # not one of ours, or inside a tag
            texts.append(a.xml[at : m.start()])
            slots.append(slot)
            at = m.end()
        texts.append(a.xml[at:])
        rebuilt = texts[0] + "".join(
            _STAND_INS[1].format(s) + t for s, t in zip(slots, texts[1:], strict=True)
        )
        if a.name != b.name or rebuilt != b.xml:
            return None
        risky = tuple(
            k
            for k in range(len(slots))
            if min(len(texts[k]), len(texts[k + 1])) < _REACH
            or texts[k].endswith(_PREFIXES)
            or texts[k + 1].startswith(_SUFFIXES)
        )
        pieces = tuple(PreDeflated.of(t.encode("utf-8"), _PIECE_LEVEL) for t in texts)
        return _PartPlan(a.name, tuple(texts), pieces, tuple(slots), risky)

    def _join(
        self, plan: _Plan, values: list[Any], custom_properties: bytes | None
    ) -> list[Member] | None:
        texts = [_printed(v) for v in values]
        for i, text in enumerate(texts):
            if _UNSAFE.search(text) or not _VISIBLE.search(text):
                return None
            if i in plan.html and not _markup_ok(text):
                return None
        changed: dict[str, Member] = {}
        encoded = [t.encode("utf-8") for t in texts]
        for part in plan.parts:
            if any(_completes_pattern(part, k, texts) for k in part.risky):
                return None
            seq: list[bytes | PreDeflated] = [part.pieces[0]]
            for slot, piece in zip(part.slots, part.pieces[1:], strict=True):
                seq += (encoded[slot], piece)
            changed[part.name] = Member.joined(part.name, seq)
        if custom_properties is not None:
            changed[CUSTOM_PART] = Member.joined(CUSTOM_PART, [custom_properties])
        return self._compiled.assemble(changed)


_MISSING: Any = object()


def _slotted(case: Mapping[str, Any], usage: Usage, structural: frozenset[str]) -> list[str]:
    """The case's keys whose texts become slots, in the case's order."""
    return [k for k in case if k in usage.paths and k not in structural]


def _describe(
    case: Mapping[str, Any], keys: tuple[str, ...], usage: Usage, structural: frozenset[str]
) -> tuple[tuple[Hashable, ...], tuple[Hashable, ...], list[Any]] | None:
    """The plan key's case half (structural values whole, the others' shapes) and the slot values."""
    values: list[Any] = []
    whole = []
    for k in keys:
        if k in structural:
            stable = _stable(case[k])
            if stable is None:
                return None
            whole.append(stable)
    shapes = []
    for k in _slotted(case, usage, structural):
        shape = _shape(case[k], values)
        if shape is None:
            return None
        shapes.append(shape)
    return tuple(whole), tuple(shapes), values


def _shape(value: Any, values: list[Any]) -> Hashable | None:
    """What a template that only prints, tests and loops can see of ``value``; texts to ``values``."""
    kind = type(value)
    if kind is str:
        if not value:
            return _EMPTY
        values.append(value)
        return _TEXT
    if kind is dict:
        items = []
        for k, v in value.items():
            shape = _shape(v, values)
            if shape is None or type(k) not in (str, int):
                return None
            items.append((k, shape))
        return ("dict", tuple(items))
    if kind is list or kind is tuple:
        children = []
        for v in value:
            shape = _shape(v, values)
            if shape is None:
                return None
            children.append(shape)
        return (kind.__name__, tuple(children))
    if hasattr(value, "__html__"):  # Markup, or a content control
        if not value:
            return ("empty markup", str(value)) if kind is Markup else None
        values.append(value)
        return _HTML
    if kind in _SCALARS:
        return ("value", kind.__name__, repr(value))
    return None


def _stable(value: Any) -> Hashable | None:
    """``value`` itself as a key, when equal keys mean values a template cannot tell apart."""
    kind = type(value)
    if kind is str or kind is Markup:
        return (kind.__name__, str(value))
    if kind is dict:
        items = [(k, _stable(v)) for k, v in value.items() if type(k) in (str, int)]
        if len(items) != len(value) or any(s is None for _, s in items):
            return None
        return ("dict", tuple(items))
    if kind is list or kind is tuple:
        children = [_stable(v) for v in value]
        return None if any(c is None for c in children) else (kind.__name__, tuple(children))
    if kind in _SCALARS:
        return ("value", kind.__name__, repr(value))
    return None


def _follows(shape: Any, path: Path, printed: bool) -> bool:
    """True when Jinja, following ``path`` into a value of ``shape``, reaches the same places."""
    if not path:
        return not printed or shape[0] not in _CONTAINERS  # a printed list would show its repr
    (kind, key), rest = path[0], path[1:]
    if path[0] == EACH:
        return shape[0] in ("list", "tuple") and all(_follows(c, rest, printed) for c in shape[1])
    if shape[0] == "dict":
        if kind == "attr" and hasattr(dict, str(key)):
            return False  # Jinja would find the dict's method, not the item
        child = dict(shape[1]).get(key, _MISSING)
        return child is not _MISSING and _follows(child, rest, printed)
    if shape[0] in ("list", "tuple") and kind == "item" and type(key) is int:
        items = shape[1]
        return -len(items) <= key < len(items) and _follows(items[key], rest, printed)
    return False


def _stand_in(value: Any, form: str, count: itertools.count[int], html: set[int]) -> Any:
    """``value`` with each text a stand-in (numbered as ``_shape`` collects them)."""
    kind = type(value)
    if kind is str:
        return form.format(next(count)) if value else value
    if kind is dict:
        return {k: _stand_in(v, form, count, html) for k, v in value.items()}
    if kind is list or kind is tuple:
        return kind(_stand_in(v, form, count, html) for v in value)
    if hasattr(value, "__html__") and value:
        n = next(count)
        html.add(n)
        return Markup(form.format(n))
    return value


def _printed(value: Any) -> str:
    """``value`` as Jinja's autoescape prints it."""
    return str(escape(value))


def _markup_ok(text: str) -> bool:
    """Markup that holds no table tags and ends outside a tag and outside a cell wrapper."""
    return (
        not _TABLE_TAG.search(text)
        and text.rfind("<") <= text.rfind(">")
        and not _OPEN_WRAPPER_AT_END.search(text)
    )


def _completes_pattern(part: _PartPlan, k: int, texts: Sequence[str]) -> bool:
    """True when slot ``k``'s value and the text around it make a pattern that touches the value."""
    value = texts[part.slots[k]]
    left, j = part.texts[k], k
    while len(left) < _REACH and j > 0:
        j -= 1
        left = part.texts[j] + texts[part.slots[j]] + left
    right, j = part.texts[k + 1], k + 1
    while len(right) < _REACH and j < len(part.slots):
        right = right + texts[part.slots[j]] + part.texts[j + 1]
        j += 1
    window = left[-_REACH:] + value + right[:_REACH]
    lo, hi = min(len(left), _REACH), min(len(left), _REACH) + len(value)
    for pattern in _PATTERNS:
        at = window.find(pattern)
        while at != -1:
            if at < hi and at + len(pattern) > lo:
                return True
            at = window.find(pattern, at + 1)
    return False
