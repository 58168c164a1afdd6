"""Progress of long commands: a bar in a terminal, plain lines elsewhere, never on stdout."""

from __future__ import annotations

import io
import re

import pytest

from kennisnet.cli import base


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_with_count_rate_and_time_left() -> None:
    screen = Terminal()
    with base.progress("Importeren", stream=screen) as report:
        for done in range(1, 41):
            report(done, 40)
    text = screen.getvalue()
    assert "Importeren" in text and "40/40" in text
    assert re.search(r"\d\d:\d\d<\d\d:\d\d", text)  # elapsed < left
    assert "bestanden/s" in text


def test_elsewhere_plain_lines_now_and_then_and_one_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pipe = io.StringIO()
    monkeypatch.setattr(base, "PLAIN_EVERY_SECONDS", 0.0)
    with base.progress("Index opbouwen", unit="documenten", stream=pipe) as report:
        report(1, 4)
        report(2, 4)
        report(4, 4)
    lines = pipe.getvalue().splitlines()
    assert lines[0].startswith("Index opbouwen: 1 van 4 documenten (25%)")
    assert "nog ongeveer" in lines[0]
    assert lines[-1].startswith("Index opbouwen: 4 van 4 documenten (100%)")
    assert "klaar in" in lines[-1]
    assert "\r" not in pipe.getvalue()  # no bar drawing in a log


def test_a_quick_run_writes_a_single_line() -> None:
    pipe = io.StringIO()
    with base.progress("Backup", stream=pipe) as report:
        for done in range(1, 101):
            report(done, 100)
    assert pipe.getvalue().count("\n") == 1


def test_nothing_to_do_writes_nothing() -> None:
    pipe = io.StringIO()
    with base.progress("Backup", stream=pipe):
        pass
    assert pipe.getvalue() == ""
