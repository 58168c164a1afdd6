"""The analysis' generated word lists under ``data/``: read once per process, on first use.

Importing the analysis must stay cheap (the app imports it at start, and the Whoosh schema
pickles analyzers that reach the lists only through module functions), so a list is loaded
the first time a word needs it and then shared read-only between threads.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Generic, TypeVar

__all__ = ["Lazy", "pairs"]

T = TypeVar("T")


def pairs(name: str) -> Iterator[tuple[str, str]]:
    """The ``key<TAB>value`` lines of ``data/<name>`` (gzip), comments and blank lines skipped."""
    data = resources.files(__package__).joinpath("data", name).read_bytes()
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("\t")
            yield key, value


class Lazy(Generic[T]):
    """A value built by ``load`` on the first ``get()``, once, whichever thread asks first."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._value: T | None = None

    @property
    def loaded(self) -> bool:
        return self._value is not None

    def get(self) -> T:
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._load()
                value = self._value
        return value
