"""Index generations on disk, for any engine: build a new one aside, then swap it in.

Layout under the index directory: one folder per generation (``gen-<n>``) holding the engine's
files and ``kennisnet-schema.json``, and a ``CURRENT`` file naming the live one. A rebuild
writes a new generation and replaces ``CURRENT`` atomically, so searches keep answering from
the old index until the new one is complete. All writes take an exclusive file lock
(``write.lock``), which serialises the worker, the CLI and any other process that writes.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Generations"]

VERSION_FILE = "kennisnet-schema.json"


class Generations:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._held = threading.local()

    @property
    def _current_file(self) -> Path:
        return self.directory / "CURRENT"

    def current(self) -> str | None:
        try:
            return self._current_file.read_text().strip() or None
        except FileNotFoundError:
            return None

    def path(self, generation: str) -> Path:
        return self.directory / generation

    def set_current(self, generation: str) -> None:
        """Point ``CURRENT`` at ``generation``, durably: the old one is deleted right after."""
        tmp = self._current_file.with_suffix(".tmp")
        with open(tmp, "w") as handle:
            handle.write(generation)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self._current_file)
        directory = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def version(self, generation: str | None = None) -> str | None:
        """The schema version recorded in ``generation`` (default: the live one)."""
        generation = generation or self.current()
        if generation is None:
            return None
        try:
            return json.loads((self.path(generation) / VERSION_FILE).read_text())["version"]
        except (FileNotFoundError, ValueError, KeyError):
            return None

    def new(self, version: str) -> str:
        """Create an empty ``gen-<n>`` folder recording ``version``; returns its name."""
        self.directory.mkdir(parents=True, exist_ok=True)
        numbers = [
            int(p.name.split("-", 1)[1])
            for p in self.directory.glob("gen-*")
            if p.name.split("-", 1)[1].isdigit()
        ]
        generation = f"gen-{max(numbers, default=0) + 1}"
        path = self.path(generation)
        path.mkdir()
        (path / VERSION_FILE).write_text(json.dumps({"version": version}))
        return generation

    def discard(self, generation: str) -> None:
        shutil.rmtree(self.path(generation), ignore_errors=True)

    def swap(self, generation: str) -> None:
        """Make ``generation`` the live one and remove every other."""
        old = self.current()
        self.set_current(generation)
        if old and old != generation:
            self.discard(old)
        for stale in self.directory.glob("gen-*"):
            if stale.name != generation:
                shutil.rmtree(stale, ignore_errors=True)

    def snapshot(self, dest: Path, prepare: Callable[[Path], None] | None = None) -> str | None:
        """Copy the live generation into ``dest`` under the write lock; its schema version.

        Layout: ``dest/CURRENT`` names the generation, ``dest/<generation>/`` holds its files,
        the same layout as the index directory, so restoring is unpacking. ``prepare`` runs on
        the generation's folder first, still under the lock (SQLite folds its write-ahead log
        into the main file there). SQLite's ``-shm`` files describe a live process's view,
        not data, and are left out. None, and nothing written, when there is no index.
        """
        with self.write_lock():
            generation = self.current()
            if generation is None or not self.path(generation).is_dir():
                return None
            source = self.path(generation)
            if prepare is not None:
                prepare(source)
            target = Path(dest) / generation
            target.mkdir(parents=True, exist_ok=True)
            for path in sorted(source.iterdir()):
                if path.is_file() and not path.name.endswith("-shm"):
                    shutil.copy2(path, target / path.name)
            (Path(dest) / "CURRENT").write_text(generation)
            return self.version(generation)

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        # Re-entrant per thread: an update holds the lock and may create the first generation.
        if getattr(self._held, "depth", 0):
            self._held.depth += 1
            try:
                yield
            finally:
                self._held.depth -= 1
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "write.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            self._held.depth = 1
            try:
                yield
            finally:
                self._held.depth = 0
                fcntl.flock(handle, fcntl.LOCK_UN)
