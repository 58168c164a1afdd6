"""What the command modules share: failing with a message, and showing progress."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, NoReturn

import click
from tqdm import tqdm

# How often a plain progress line is written when no terminal shows a bar.
PLAIN_EVERY_SECONDS = 5.0

Progress = Callable[[int, int], None]  # (done, total)


def fail(message: object) -> NoReturn:
    """Stop the command with a message on standard error and exit code 1."""
    raise click.ClickException(str(message))


@contextmanager
def progress(
    description: str, unit: str = "bestanden", stream: IO[str] | None = None
) -> Iterator[Progress]:
    """A callback for ``(done, total)``: a bar with count, rate and time left in a terminal,
    and otherwise (CI, pipes, ``--json``) a plain line now and then and one at the end.

    Both go to standard error, so standard output (a ``--json`` report) stays as it was.
    """
    stream = stream or sys.stderr
    if stream.isatty():
        with tqdm(desc=description, unit=f" {unit}", file=stream, total=None) as bar:

            def update_bar(done: int, total: int) -> None:
                if bar.total != total:
                    bar.total = total
                    bar.refresh()
                bar.update(done - bar.n)

            yield update_bar
        return
    plain = _PlainProgress(description, unit, stream)
    yield plain.update
    plain.finish()


class _PlainProgress:
    def __init__(self, description: str, unit: str, stream: IO[str]) -> None:
        self.description, self.unit, self.stream = description, unit, stream
        self.started = self.last = time.monotonic()
        self.done = self.total = 0
        self.reported = -1

    def update(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if now - self.last >= PLAIN_EVERY_SECONDS and done < total:
            self.last = now
            self._line(now)

    def finish(self) -> None:
        if self.total and self.reported != self.done:
            self._line(time.monotonic())

    def _line(self, now: int | float) -> None:
        self.reported = self.done
        seconds = max(now - self.started, 1e-6)
        rate = self.done / seconds
        text = f"{self.description}: {self.done} van {self.total} {self.unit}"
        if self.total:
            text += f" ({100 * self.done // self.total}%)"
        text += f", {rate:.1f} per seconde"
        if self.done < self.total and rate > 0:
            text += f", nog ongeveer {_duration((self.total - self.done) / rate)}"
        else:
            text += f", klaar in {_duration(seconds)}"
        click.echo(text, file=self.stream)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(int(seconds), 60)
    return (
        f"{minutes} min {rest:02d} s" if minutes < 60 else f"{minutes // 60} u {minutes % 60} min"
    )
