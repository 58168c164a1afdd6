"""The curation catalogue as plain data, read once per change instead of on every search page.

The catalogue (facet fields, synonyms, the names of themes, types and organisations) changes
only when someone curates it, yet every search page needs all of it. Each app keeps one copy
per process and, once per request, reads the stamp row that database triggers rewrite in the
same transaction as every change of these tables (migration 0006): a change made by any
process on any host is seen by the next request everywhere, and nothing in the code has to
remember to announce it.

Only plain values are cached, never ORM objects, so nothing is shared between sessions.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app, has_request_context, request
from sqlalchemy import Select, select
from sqlalchemy.engine import Connection, Engine

from kennisnet.accounts.models import Organisation
from kennisnet.core.extensions import db
from kennisnet.curation.models import CatalogueStamp, DocumentType, FieldDefinition, Synonym, Theme
from kennisnet.search import FIELD_PREFIX, field_value_slug

# The tables whose triggers rewrite the stamp (migration 0006 lists them again).
TABLES = ("themes", "document_types", "field_definitions", "synonyms", "organisations")
_EXTENSION = "kennisnet.catalogue"
_STAMP: Select[tuple[str]] = select(CatalogueStamp.value).where(CatalogueStamp.id == 1)


@dataclass(frozen=True)
class Catalogue:
    stamp: str
    # "field.<key>" of the fields admins marked as filters, sorted.
    field_facets: tuple[str, ...]
    # The ids of the field definitions behind each field facet (one key, several types).
    field_ids: Mapping[str, tuple[int, ...]]
    field_titles: Mapping[str, str]
    # Value slug -> display form, from each field facet's fixed choices.
    field_choices: Mapping[str, Mapping[str, str]]
    synonyms: Mapping[str, str]
    # "theme", "type", "organisation": slug -> name.
    names: Mapping[str, Mapping[str, str]]


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.current: Catalogue | None = None


def current() -> Catalogue:
    """The catalogue as the database has it now; the stamp is read once per request."""
    if has_request_context():
        memo: Catalogue | None = getattr(request, "_kennisnet_catalogue", None)
        if memo is None:
            memo = _checked()
            request._kennisnet_catalogue = memo  # type: ignore[attr-defined]
        return memo
    return _checked()


def _checked() -> Catalogue:
    cache: _Cache = current_app.extensions.setdefault(_EXTENSION, _Cache())
    known = cache.current
    if known is not None and db.session.scalar(_STAMP) == known.stamp:
        return known
    # The stamp and the rows from one database (the primary, or the replica this request may
    # read), the stamp first: a change committed in between leaves rows newer than the stamp,
    # which the next request reloads; the other way round would keep old rows under a new stamp.
    bind = db.session.get_bind(clause=_STAMP)
    loaded = _load(bind)
    with cache.lock:
        cache.current = loaded
    return loaded


def _load(bind: Engine | Connection) -> Catalogue:
    def rows(statement: Select) -> list:
        return list(db.session.execute(statement, bind_arguments={"bind": bind}))

    stamp = rows(_STAMP)[0][0]
    field_ids: dict[str, list[int]] = {}
    titles: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    for field_id, key, label, fixed in rows(
        select(
            FieldDefinition.id, FieldDefinition.key, FieldDefinition.label, FieldDefinition.choices
        ).where(FieldDefinition.facet)
    ):
        name = f"{FIELD_PREFIX}{key}"
        field_ids.setdefault(name, []).append(field_id)
        titles.setdefault(name, label)
        shown = choices.setdefault(name, {})
        for choice in fixed or ():
            shown.setdefault(field_value_slug(choice), choice)
    return Catalogue(
        stamp=stamp,
        field_facets=tuple(sorted(field_ids)),
        field_ids={name: tuple(ids) for name, ids in field_ids.items()},
        field_titles=titles,
        field_choices=choices,
        synonyms=dict(rows(select(Synonym.term, Synonym.expansion))),
        names={
            kind: dict(rows(select(model.slug, model.name)))
            for kind, model in (
                ("theme", Theme),
                ("type", DocumentType),
                ("organisation", Organisation),
            )
        },
    )
