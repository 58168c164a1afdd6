"""The public surface of search: the types, and the backend bound to the app."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app

from kennisnet.search.analysis import explain
from kennisnet.search.base import (
    ANONYMOUS,
    FACETS,
    FIELD_PREFIX,
    FILTERS,
    MAX_PER_PAGE,
    SORTS,
    Completions,
    Hit,
    IndexedDocument,
    SearchBackend,
    SearchQuery,
    SearchResults,
    Viewer,
    field_value_slug,
)

__all__ = [
    "ANONYMOUS",
    "BACKENDS",
    "FACETS",
    "FIELD_PREFIX",
    "FILTERS",
    "MAX_PER_PAGE",
    "SORTS",
    "Completions",
    "Hit",
    "IndexedDocument",
    "SearchBackend",
    "SearchQuery",
    "SearchResults",
    "Viewer",
    "backend",
    "explain",
    "field_value_slug",
    "make_search_backend",
]


BACKENDS = ("sqlite", "whoosh", "postgres")


def make_search_backend(
    config: Mapping[str, Any], read_allowed: Callable[[], bool] | None = None
) -> SearchBackend:
    """Pick the backend from config (``SEARCH_BACKEND``).

    SQLite FTS5 is the default (faster at every size measured, see docs/benchmarks.md); Whoosh
    stays selectable with the same Dutch analysis. Both keep their files in INDEX_DIR; the
    PostgreSQL backend keeps its index in the app's database, which must then be PostgreSQL
    (a ValueError says so at start-up otherwise).
    """
    name = config.get("SEARCH_BACKEND") or "sqlite"
    if name == "whoosh":
        # Only the chosen engine is imported: Whoosh is dead weight for an FTS5 installation.
        from kennisnet.search.whoosh import WhooshBackend

        return WhooshBackend(config["INDEX_DIR"])
    if name == "sqlite":
        from kennisnet.search.sqlite_backend import SqliteBackend  # see above

        return SqliteBackend(config["INDEX_DIR"])
    if name == "postgres":
        from kennisnet.search.postgres_backend import PostgresBackend, database_url  # see above

        return PostgresBackend(
            database_url(config),
            read_url=config.get("DATABASE_READ_URL") or None,
            read_allowed=read_allowed,
        )
    raise ValueError(f"KENNISNET_SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")


def backend() -> SearchBackend:
    return current_app.extensions["kennisnet.search"]
