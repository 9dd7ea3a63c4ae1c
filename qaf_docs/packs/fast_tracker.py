"""The Excel action tracker for many audits from one filling of the template per shape.

Opening and saving the template through openpyxl for every audit is most of the cost of a pack and
of re-issuing trackers after a burst of returned forms. Trackers of the same shape (the same number
of actions, the same fields blank) differ only in text, numbers and dates, so the template is filled
once per shape (by ``filled_workbook``, the same code as one tracker) with a marker in place of each
value, and the few parts that hold markers are cut at them into pieces deflated once; per audit only
the values are joined between the pieces (``Member.joined``) and every other part is copied as
compressed bytes.

Whatever openpyxl or ``set_text_cell`` would treat specially (a formula trigger, spaces at the ends,
control characters or line breaks, text long enough to need a taller row) goes through the plain
path, as does any shape whose markers do not come out where expected, so the result is the same.
The framework's words on actions are the same on every tracker of its audits: they are written
into the prototype as they are (its row made tall enough for them), one prototype per framework.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from qaf_docs.office.action_sheet import Column
from qaf_docs.office.zip_members import Member, PreDeflated, read_members, write_zip
from qaf_docs.packs.action_tracker import filled_workbook, tracker_values, write_action_tracker
from qaf_docs.packs.details import PackAction, PackDetails
from qaf_docs.safe_output import atomic_write, may_start_formula

_MARK = "QAFMARK{}Z"
_LONGEST = 2_000
_FIRST_NUMBER = 987_650_000  # action numbers in a prototype: no real tracker holds these
_FIRST_DATE = date(2800, 1, 1)  # likewise for dates
_TEXTS = ("description", "owner", "status", "evidence")
_WRAPPED = {"description": Column.DESCRIPTION, "evidence": Column.EVIDENCE}
_SHARED = "action_guidance"  # the same for every audit of a framework: in the prototype as text

Shape = tuple[tuple[bool, ...], ...]


_FOUND = re.compile(r"QAFMARK(\d+)Z|<v>(\d+(?:\.0)?)</v>")
_PIECE_LEVEL = 6  # pieces are deflated once per shape: worth compressing harder


@dataclass(frozen=True)
class _Cut:
    """A part's text cut once at its markers: per tracker only the values are joined in.

    The same text as ``_FOUND.sub`` with the tracker's values would give: the text between
    markers is copied (deflated once), an ordinary number stays in its piece as written.
    """

    pieces: tuple[PreDeflated, ...]
    holes: tuple[tuple[int, str], ...]  # (text index, "") or (-1, a marker number)

    @classmethod
    def of(cls, text: str, marked: set[str]) -> _Cut:
        pieces: list[str] = []
        holes: list[tuple[int, str]] = []
        at = 0
        for m in _FOUND.finditer(text):
            if m.group(1) is None and m.group(2) not in marked:
                continue  # no tracker has a value for it: it is written as it is
            pieces.append(text[at : m.start()])
            holes.append((int(m.group(1)), "") if m.group(1) is not None else (-1, m.group(2)))
            at = m.end()
        pieces.append(text[at:])
        return cls(tuple(PreDeflated.of(p.encode(), _PIECE_LEVEL) for p in pieces), tuple(holes))

    def joined(self, name: str, fills: list[str], numbers: dict[str, str]) -> Member:
        seq: list[bytes | PreDeflated] = [self.pieces[0]]
        for (index, number), piece in zip(self.holes, self.pieces[1:], strict=True):
            value = fills[index] if index >= 0 else f"<v>{numbers.get(number, number)}</v>"
            seq += (value.encode(), piece)
        return Member.joined(name, seq)


@dataclass
class _Prototype:
    members: list[Member | str]  # a str names a part whose text holds markers
    cuts: dict[str, _Cut]


class TrackerWriter:
    """Writes action trackers from one template, filled once per shape of tracker."""

    def __init__(self, template: Path, sample: PackDetails) -> None:
        self.template = template
        self._values = [k for k in tracker_values(sample) if k != _SHARED]
        self._props = list(sample.identity.as_properties())
        blank = {k: "" for k in [*self._values, _SHARED]}
        sheet = filled_workbook(template, blank, {}).worksheets[0]
        self._per_line = {
            col: max(1, int((sheet.column_dimensions[get_column_letter(col)].width or 10) * 1.1))
            for col in _WRAPPED.values()
        }
        self._prototypes: dict[tuple[str, Shape], _Prototype | None] = {}

    def write(
        self,
        details: PackDetails,
        out: Path,
        actions: Sequence[PackAction] = (),
        audit_date: date | None = None,
        *,
        durable: bool = True,
    ) -> Path:
        """Write the tracker for one audit to ``out`` and return the path written.

        ``durable=False``: the caller flushes the file to disk (``safe_output.make_durable``).
        """
        values = tracker_values(details, audit_date)
        shared = values.pop(_SHARED, "")
        props = details.identity.as_properties()
        texts = list(values.values()) + list(props.values())
        for a in actions:
            texts += [t for t in (a.description, a.owner, a.status, a.evidence) if t]
        prototype = None
        heads = [*values.values(), *props.values()]
        same_names = list(values) == self._values and list(props) == self._props
        lines = all(self._one_line(a) for a in actions)
        # The manager's sign-off is rare and not in the prototypes: such trackers go the plain way.
        signed = any(a.signed_off_by or a.signed_off_on for a in actions)
        if same_names and all(heads) and all(map(_plain, texts)) and lines and not signed:
            prototype = self._prototype((shared, _shape(actions)))
        if prototype is None:
            return write_action_tracker(self.template, details, list(actions), out, audit_date)
        fills = [escape(t) for t in list(values.values()) + list(props.values())]
        numbers: dict[str, str] = {}
        for i, a in enumerate(actions):
            numbers[str(_FIRST_NUMBER + i)] = str(a.number)
            for j, when in enumerate((a.due_on, a.completed_on)):
                if when is not None:
                    numbers[_serial(_marker_date(i, j))] = _serial(when)
            fills += [escape(getattr(a, f)) for f in _TEXTS if getattr(a, f)]

        members = [
            m if isinstance(m, Member) else prototype.cuts[m].joined(m, fills, numbers)
            for m in prototype.members
        ]
        return atomic_write(out, lambda tmp: write_zip(tmp, members), durable=durable)

    def _one_line(self, action: PackAction) -> bool:
        # A longer text makes fit_row_height set a taller row, which a prototype does not have.
        return all(
            len(getattr(action, field)) <= self._per_line[col] for field, col in _WRAPPED.items()
        )

    def _prototype(self, key: tuple[str, Shape]) -> _Prototype | None:
        if key not in self._prototypes:
            self._prototypes[key] = self._build(*key)
        return self._prototypes[key]

    def _build(self, shared: str, shape: Shape) -> _Prototype | None:
        if min(self._per_line.values()) < len(_MARK.format(999)) + 2:
            return None  # columns so narrow that even a marker would wrap
        count = iter(range(1_000_000))
        values = {k: _MARK.format(next(count)) for k in self._values}
        values[_SHARED] = shared
        props = {k: _MARK.format(next(count)) for k in self._props}
        actions = []
        expected = list(props.values())  # a template need not use every {{ name }}
        for i, blanks in enumerate(shape):
            text = {
                f: "" if blank else _MARK.format(next(count))
                for f, blank in zip(_TEXTS, blanks[:4], strict=True)
            }
            expected += [t for t in text.values() if t]
            due, completed = (
                (None if blanks[4] else _marker_date(i, 0)),
                (None if blanks[5] else _marker_date(i, 1)),
            )
            expected += [f"<v>{_serial(d)}</v>" for d in (due, completed) if d is not None]
            expected.append(f"<v>{_FIRST_NUMBER + i}</v>")
            actions.append(
                PackAction(
                    _FIRST_NUMBER + i,
                    description=text["description"],
                    owner=text["owner"],
                    due_on=due,
                    status=text["status"],
                    completed_on=completed,
                    evidence=text["evidence"],
                )
            )
        buffer = io.BytesIO()
        filled_workbook(self.template, values, props, actions).save(buffer)
        members: list[Member | str] = []
        texts: dict[str, str] = {}
        for name, member in read_members(buffer.getvalue()).items():
            xml = zlib.decompress(member.deflated, -15).decode("utf-8")
            if "QAFMARK" in xml or any(
                f"<v>{_FIRST_NUMBER + i}</v>" in xml for i in range(len(shape))
            ):
                members.append(name)
                texts[name] = xml
            else:
                members.append(member)
        whole = "".join(texts.values())
        if not all(marker in whole for marker in expected):
            return None  # the template puts values somewhere unexpected: plain path
        marked = {str(_FIRST_NUMBER + i) for i in range(len(shape))}
        marked |= {
            _serial(_marker_date(i, j))
            for i, blanks in enumerate(shape)
            for j in (0, 1)
            if not blanks[4 + j]
        }
        return _Prototype(members, {name: _Cut.of(t, marked) for name, t in texts.items()})


def _shape(actions: Sequence[PackAction]) -> Shape:
    return tuple(
        (*(not getattr(a, f) for f in _TEXTS), a.due_on is None, a.completed_on is None)
        for a in actions
    )


def _marker_date(action: int, which: int) -> date:
    return _FIRST_DATE + timedelta(days=2 * action + which)


def _serial(when: date) -> str:
    value = to_excel(when)
    return str(int(value)) if float(value).is_integer() else str(value)


def _plain(value: str) -> bool:
    """True when the text is stored exactly as given (no formula guard, trimming or cleaning)."""
    return (
        value == value.strip()
        and value.isprintable()
        and len(value) < _LONGEST
        and not may_start_formula(value)
        and "QAFMARK" not in value
    )
