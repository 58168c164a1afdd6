"""The engine-neutral search boundary: plain dataclasses and the backend protocol.

Nothing here imports an engine; views, the API and the CLI only ever see these types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from slugify import slugify

FACETS: tuple[str, ...] = ("theme", "type", "organisation", "year")
FILTERS: tuple[str, ...] = (*FACETS, "region")
SORTS: tuple[str, ...] = ("relevance", "newest")
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Viewer:
    """Who is searching; the backend turns this into a filter inside the engine query."""

    user_id: int | None = None
    sees_members_only: bool = False


ANONYMOUS = Viewer()


@dataclass(frozen=True)
class IndexedDocument:
    id: int
    title: str
    summary: str
    body: str
    themes: tuple[str, ...]  # slugs
    theme_names: tuple[str, ...]
    type: str  # slug
    type_name: str
    organisation: str  # slug, "" when none
    organisation_name: str
    region: str  # slug, "" when none
    region_name: str
    year: int | None
    visibility: str
    status: str
    created: datetime
    # Type-specific fields as (key, value) in canonical text: searchable and filterable.
    fields: tuple[tuple[str, str], ...] = ()
    # ``analysis.body_terms`` of the body when an extraction worker made it already; the FTS5
    # engine then skips analysing the body again (the other engines analyse it themselves).
    body_terms: tuple[str, str, str] | None = None


# Filters and facets on type-specific fields are named "field.<key>", values are slugs.
FIELD_PREFIX = "field."


def filter_target(name: str, values: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """What a filter selects, the same for every engine: ("theme", slugs) for a standard
    filter, ("field", ("key=slug", ...)) for a type-specific field, ("", ()) for an unknown name.
    """
    if name.startswith(FIELD_PREFIX):
        key = name[len(FIELD_PREFIX) :]
        return "field", tuple(f"{key}={v}" for v in values)
    if name in FILTERS:
        return name, values
    return "", ()


def page_window(total: int, page: int, per_page: int) -> tuple[int, int]:
    """The page actually shown (clamped to those that exist) and the offset of its first hit."""
    pages = max(1, -(-total // per_page))
    shown = min(max(1, page), pages)
    return shown, (shown - 1) * per_page


def field_value_slug(value: str) -> str:
    """How a field value is filtered on: lower-case ASCII, like every other facet value."""
    return slugify(value, max_length=100) or "-"


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    viewer: Viewer = ANONYMOUS
    page: int = 1
    per_page: int = 20
    sort: Literal["relevance", "newest"] = "relevance"
    # Extra facets to count, on type-specific fields: "field.legal_form", ...
    field_facets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
    snippet: str  # HTML: the document's text escaped, with matches in <mark>


@dataclass(frozen=True)
class SearchResults:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None  # a corrected query that finds documents for this viewer
    fallback: str | None = None  # "or" when no document had all words and any word was used

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Completions:
    """Autocomplete material for a prefix, already limited to what the viewer may see."""

    title_ids: list[int]  # documents whose title has a word starting with the prefix
    terms: list[str]  # index words (folded) with the prefix, most frequent first


class SearchBackend(Protocol):
    def index(self, docs: Iterable[IndexedDocument]) -> None: ...

    def remove(self, ids: Iterable[int]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResults: ...

    def rebuild(self, docs: Iterable[IndexedDocument]) -> int: ...

    def indexed_ids(self) -> set[int]: ...

    def more_like(self, doc_id: int, viewer: Viewer, limit: int = 5) -> list[int]: ...

    def complete(self, prefix: str, viewer: Viewer, limit: int = 8) -> Completions: ...

    def schema_version(self) -> str | None:
        """The schema version of the index on disk; None when there is no index yet."""
        ...

    def needs_rebuild(self) -> bool:
        """True when the index is missing, unreadable or written with another schema version."""
        ...

    def snapshot(self, dest: Path) -> str | None:
        """Copy the live index into the directory ``dest`` (``CURRENT`` plus the generation's
        folder) under the index write lock, consistent for a backup; returns its schema
        version, or None (nothing copied) when there is no index."""
        ...
