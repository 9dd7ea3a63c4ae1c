"""Which line of a hand-edited TOML file holds a key: tomllib gives no line numbers, so the text
is scanned (table headers, counting array tables to resolve indices, and ``key =`` lines)."""

from __future__ import annotations

import re
from collections.abc import Iterator

# A key at the start of a line: bare or quoted parts joined by dots, then '='.
_PART = r'(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)'
_KEY_LINE = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_PART}(?:\s*\.\s*{_PART})*)\s*\]\]?")


def _parts(dotted: str) -> list[str]:
    out = []
    for m in re.finditer(_PART, dotted):
        part = m.group(0)
        out.append(part[1:-1] if part[:1] in "\"'" else part)
    return out


def _lines(text: str) -> list[str]:
    """The lines of ``text`` as TOML counts them: split at "\n" only (``str.splitlines`` also
    splits at a line separator or form feed pasted inside a text, which TOML does not)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def keyed_lines(text: str) -> Iterator[tuple[int, list[str], bool]]:
    """Each line of ``text`` that names a key or a table: (its number, the whole path to it with
    array indices as text, True for a table header). Best-effort: keys inside multi-line strings
    are skipped, inline tables give the line of their key."""
    counts: dict[tuple[str, ...], int] = {}
    latest: dict[tuple[str, ...], int] = {}  # array-table path -> its current index
    current: list[str] = []
    in_string = False

    def resolve(names: list[str]) -> list[str]:
        resolved: list[str] = []
        for name in names:
            resolved.append(name)
            index = latest.get(tuple(resolved))
            if index is not None:
                resolved.append(str(index))
        return resolved

    for number, line in enumerate(_lines(text), start=1):
        if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
            in_string = not in_string
            if not in_string:
                continue
        elif in_string:
            continue
        header = _HEADER.match(line)
        if header and not _KEY_LINE.match(line):
            names = _parts(header.group(2))
            if header.group(1) == "[[":
                parent = [*resolve(names[:-1]), names[-1]]
                key = tuple(parent)
                counts[key] = counts.get(key, -1) + 1
                latest[key] = counts[key]
                # A new array element forgets the sub-tables of the previous one.
                for k in [k for k in latest if len(k) > len(key) and k[: len(key)] == key]:
                    del latest[k]
                current = [*parent, str(counts[key])]
            else:
                current = resolve(names)
            yield number, current, True
        else:
            key_line = _KEY_LINE.match(line)
            if key_line:
                yield number, current + _parts(key_line.group(1)), False


def line_of(text: str, path: tuple[str | int, ...]) -> int | None:
    """Return the line of ``text`` that holds the key at ``path`` (or the nearest enclosing one)."""
    target = [str(p) for p in path]
    best_line, best_depth = None, 0
    for number, candidate, _ in keyed_lines(text):
        depth = 0
        for have, want in zip(candidate, target, strict=False):
            if have != want:
                break
            depth += 1
        # Only a line whose whole key lies on the path counts (not a sibling sharing a prefix).
        if depth == len(candidate) and depth > best_depth:
            best_line, best_depth = number, depth
    return best_line


def value_line(text: str, key: str, value: str) -> int | None:
    """The line of the top-level setting ``key`` where ``value`` is written: the line of
    ``frameworks = [...]`` or, in a list over several lines, the entry's own line."""
    first = line_of(text, (key,))
    if first is None:
        return None
    lines = _lines(text)
    written = (f'"{value}"', f"'{value}'")
    for n in range(first, len(lines) + 1):
        if any(w in lines[n - 1].split("#")[0] for w in written):
            return n
        if (n > first and "]" in lines[n - 1]) or "[" not in lines[first - 1]:
            break
    return first
