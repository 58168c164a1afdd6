"""Every search engine for the tests that run on all of them: ``open_backend(name, folder)``.

The file engines keep their index in the folder; the PostgreSQL engine gets a database of its
own on the session's throwaway server (``tests.databases``, started on first use, also in the
plain SQLite run of the suite), the same one for the same folder, dropped by ``close_all``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kennisnet.search import SearchBackend
from kennisnet.search.postgres_backend import PostgresBackend
from kennisnet.search.sqlite_backend import SqliteBackend
from kennisnet.search.whoosh import WhooshBackend
from tests import databases

ENGINES = ("postgres", "sqlite", "whoosh")
FILE_ENGINES = ("sqlite", "whoosh")


class Engines:
    """Backends opened by one test or module, closed (and their databases dropped) at the end."""

    def __init__(self) -> None:
        self.opened: list[SearchBackend] = []
        self.databases: set[str] = set()

    def open(self, name: str, folder: Path) -> SearchBackend:
        backend: SearchBackend
        if name == "sqlite":
            backend = SqliteBackend(folder)
        elif name == "whoosh":
            backend = WhooshBackend(folder)
        else:
            backend = PostgresBackend(self.database(folder), pool_size=2)
        self.opened.append(backend)
        return backend

    def database(self, folder: Path) -> str:
        digest = hashlib.sha1(str(Path(folder).resolve()).encode()).hexdigest()[:20]  # noqa: S324
        name = f"s_{digest}"
        pg = databases.server()
        if name not in self.databases:
            pg.drop_database(name)
            pg.create_database(name)
            self.databases.add(name)
        return pg.url(name)

    def close_all(self) -> None:
        for backend in self.opened:
            backend.close()  # type: ignore[attr-defined]
        self.opened.clear()
        for name in self.databases:
            databases.server().drop_database(name)
        self.databases.clear()
