"""Progress bars for long commands: drawn on a terminal, silent when output goes to a file or pipe."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

#: Fewer steps than this finish too fast to need a bar.
SHOW_FROM = 20


@contextmanager
def progress(
    label: str, *, show_from: int = SHOW_FROM
) -> Iterator[tuple[Callable[[int], None], Callable[..., None]]]:
    """Yield (start(total), step(n=1)) callbacks that draw a bar on stderr when it is a terminal.

    The bar appears only for ``show_from`` steps or more: shorter work is over before it is read.
    """
    bar: list[object] = []

    def start(total: int) -> None:
        if total >= show_from and sys.stderr.isatty():
            made = click.progressbar(length=total, label=label, file=sys.stderr)
            made.__enter__()
            bar.append(made)

    def step(n: int = 1) -> None:
        if bar:
            bar[0].update(n)  # type: ignore[attr-defined]

    try:
        yield start, step
    finally:
        if bar:
            bar[0].__exit__(None, None, None)  # type: ignore[attr-defined]
