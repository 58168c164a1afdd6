"""What a feed, a follow and a digest hold, and the Atom feeds themselves (feedgen).

Every selection starts from ``permissions.viewable_by`` (or, for a search, the engine's viewer
filter and ``load_visible``): a feed holds what its viewer may see and nothing else. An
anonymous feed is built for ``Viewer()``, a personal one for the token owner's viewer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import parse_qsl, urlencode

from feedgen.feed import FeedGenerator
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from kennisnet.accounts.models import Organisation
from kennisnet.accounts.permissions import viewable_by
from kennisnet.core.extensions import db
from kennisnet.core.models import utcnow
from kennisnet.curation.models import DocumentType, Theme
from kennisnet.documents.finding import find, parse_query
from kennisnet.documents.models import Document
from kennisnet.search import FIELD_PREFIX, FILTERS, MAX_PER_PAGE, Viewer

FEED_SIZE = 50
MAX_SEARCH_CHARS = 1000

CategoryKind = Literal["theme", "organisation", "type"]


def category_documents(
    kind: CategoryKind,
    slug: str,
    viewer: Viewer,
    *,
    since: datetime | None = None,
    limit: int = FEED_SIZE,
) -> list[Document]:
    """The newest documents of a theme, an organisation or a type that ``viewer`` may see."""
    query = viewable_by(viewer)
    if kind == "theme":
        query = query.where(Document.themes.any(Theme.slug == slug))
    elif kind == "organisation":
        query = query.where(Document.organisation.has(Organisation.slug == slug))
    else:
        query = query.where(Document.type.has(DocumentType.slug == slug))
    if since is not None:
        query = query.where(Document.created_at > since)
    query = query.options(selectinload(Document.themes), selectinload(Document.type))
    return list(
        db.session.scalars(
            query.order_by(Document.created_at.desc(), Document.id.desc()).limit(limit)
        )
    )


def canonical_search(args: MultiDict[str, str]) -> str:
    """A search as a stable query string: the text and the filters, sorted; nothing else.

    Paging and sorting are left out, so the same search saved twice is one follow.
    """
    pairs: list[tuple[str, str]] = []
    text = " ".join((args.get("q") or "").split())
    if text:
        pairs.append(("q", text))
    for name in sorted(set(args)):
        if name in FILTERS or name.startswith(FIELD_PREFIX):
            values = sorted({v.strip() for v in args.getlist(name) if v and v.strip()})
            pairs.extend((name, v) for v in values)
    return urlencode(pairs)


def search_args(canonical: str) -> MultiDict[str, str]:
    return MultiDict(parse_qsl(canonical, keep_blank_values=False))


def search_documents(
    canonical: str,
    viewer: Viewer,
    *,
    since: datetime | None = None,
    limit: int = FEED_SIZE,
) -> list[Document]:
    """The newest documents a saved search finds for ``viewer``."""
    query = parse_query(search_args(canonical), viewer, strict=False)
    query = replace(query, sort="newest", page=1, per_page=min(MAX_PER_PAGE, max(limit, 1)))
    found = find(query).documents
    if since is not None:
        found = [d for d in found if d.created_at > since]
    return found[:limit]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# Characters XML 1.0 cannot hold: a title or query carrying one must not break the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def atom_feed(
    *,
    title: str,
    self_url: str,
    page_url: str,
    documents: Sequence[Document],
    document_url: Callable[[Document], str],
    subtitle: str = "",
) -> bytes:
    """An Atom 1.0 document; its id is the page's address, so it stays stable across hosts'
    query strings (a personal token never becomes part of an id)."""
    feed = FeedGenerator()
    feed.id(page_url)
    feed.title(xml_text(title))
    if subtitle:
        feed.subtitle(xml_text(subtitle))
    feed.author({"name": "Kennisnet"})
    feed.link(href=page_url, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language("nl")
    newest = max((d.updated_at or d.created_at for d in documents), default=None)
    feed.updated(_aware(newest or utcnow()))
    for doc in documents:
        url = document_url(doc)
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.title(xml_text(doc.title))
        entry.link(href=url, rel="alternate")
        entry.published(_aware(doc.created_at))
        entry.updated(_aware(doc.updated_at or doc.created_at))
        if doc.summary:
            entry.summary(xml_text(doc.summary))
        for theme in doc.themes:
            entry.category(term=theme.slug, label=xml_text(theme.name))
    return bytes(feed.atom_str(pretty=True))


def category_exists(kind: CategoryKind, slug: str) -> str | None:
    """The display name of the theme, organisation or type, or None when there is none."""
    if kind == "theme":
        return db.session.scalar(select(Theme.name).where(Theme.slug == slug))
    if kind == "organisation":
        return db.session.scalar(select(Organisation.name).where(Organisation.slug == slug))
    return db.session.scalar(select(DocumentType.name).where(DocumentType.slug == slug))
