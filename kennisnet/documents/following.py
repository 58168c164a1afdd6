"""Following themes, organisations and saved searches; "Nieuw voor u"; the digest setting.

What is new for a member is computed when asked, from the member's follows and through the
member's viewer at that moment, so a document hidden or moderated since never shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from kennisnet.accounts import permissions
from kennisnet.accounts.models import DigestFrequency, Follow, FollowKind, User
from kennisnet.core.errors import InvalidInput, NotFound
from kennisnet.core.extensions import db
from kennisnet.core.models import utcnow
from kennisnet.documents import feeds
from kennisnet.documents.models import Document

# A first visit (or digest) looks back this far.
FIRST_LOOK_BACK = timedelta(days=30)
MAX_NEW = 100
MAX_FOLLOWS = 200


@dataclass(frozen=True)
class FollowView:
    follow: Follow
    label: str


def _check_target(kind: FollowKind, target: str) -> str:
    target = (target or "").strip()
    if kind is FollowKind.SEARCH:
        target = feeds.canonical_search(feeds.search_args(target))
        if not target:
            raise InvalidInput(_l("Geef een zoekopdracht of een filter om te volgen."), field="q")
        if len(target) > feeds.MAX_SEARCH_CHARS:
            raise InvalidInput(_l("Deze zoekopdracht is te lang om te volgen."), field="q")
        return target
    if feeds.category_exists(kind.value, target) is None:  # type: ignore[arg-type]
        raise NotFound(
            _l("Dit thema bestaat niet.")
            if kind is FollowKind.THEME
            else _l("Deze organisatie bestaat niet.")
        )
    return target


def parse_kind(value: str) -> FollowKind:
    try:
        return FollowKind(value)
    except ValueError:
        raise InvalidInput(
            _l("Kies een thema, een organisatie of een zoekopdracht om te volgen."), field="kind"
        ) from None


def _find(user: User, kind: FollowKind, target: str) -> Follow | None:
    return db.session.scalar(
        select(Follow).where(
            Follow.user_id == user.id, Follow.kind == kind, Follow.target == target
        )
    )


def follow(user: User, kind: FollowKind, target: str) -> Follow:
    """Follow a theme or organisation (by slug) or a search (a query string); idempotent."""
    if not permissions.signed_in(user):
        raise InvalidInput(_l("Log in om iets te volgen."))
    target = _check_target(kind, target)
    existing = _find(user, kind, target)
    if existing is not None:
        return existing
    count = db.session.scalar(select(func.count(Follow.id)).where(Follow.user_id == user.id))
    if (count or 0) >= MAX_FOLLOWS:
        raise InvalidInput(_l("U volgt al het maximale aantal onderwerpen."))
    item = Follow(user_id=user.id, kind=kind, target=target)
    db.session.add(item)
    db.session.commit()
    return item


def unfollow(user: User, kind: FollowKind, target: str) -> bool:
    if kind is FollowKind.SEARCH:
        target = feeds.canonical_search(feeds.search_args(target))
    existing = _find(user, kind, (target or "").strip())
    if existing is None:
        return False
    db.session.delete(existing)
    db.session.commit()
    return True


def is_following(user: object, kind: FollowKind, target: str) -> bool:
    if not permissions.signed_in(user):
        return False
    if kind is FollowKind.SEARCH:
        target = feeds.canonical_search(feeds.search_args(target))
    return _find(user, kind, target) is not None  # type: ignore[arg-type]


def label(item: Follow) -> str:
    """How a follow is named on pages and in mails."""
    if item.kind is FollowKind.SEARCH:
        args = feeds.search_args(item.target)
        text = args.get("q") or ""
        parts = [f"‘{text}’"] if text else []
        parts += [v for k, v in args.items(multi=True) if k != "q"]
        shown = " · ".join(parts)
        return str(_l("Zoekopdracht: %(query)s", query=shown))
    name = feeds.category_exists(item.kind.value, item.target)  # type: ignore[arg-type]
    if item.kind is FollowKind.THEME:
        return str(_l("Thema: %(name)s", name=name or item.target))
    return str(_l("Organisatie: %(name)s", name=name or item.target))


def follows_of(user: User) -> list[FollowView]:
    items = db.session.scalars(
        select(Follow).where(Follow.user_id == user.id).order_by(Follow.created_at, Follow.id)
    )
    return [FollowView(item, label(item)) for item in items]


def new_documents(user: User, since: datetime, limit: int = MAX_NEW) -> list[Document]:
    """Documents from the member's follows, created after ``since``, that the member may see
    now; newest first, each once."""
    who = permissions.viewer(user)
    found: dict[int, Document] = {}
    for item in db.session.scalars(select(Follow).where(Follow.user_id == user.id)):
        if item.kind is FollowKind.SEARCH:
            docs = feeds.search_documents(item.target, who, since=since, limit=limit)
        else:
            docs = feeds.category_documents(
                item.kind.value,  # type: ignore[arg-type]
                item.target,
                who,
                since=since,
                limit=limit,
            )
        for doc in docs:
            found.setdefault(doc.id, doc)
    ordered = sorted(found.values(), key=lambda d: (d.created_at, d.id), reverse=True)
    return ordered[:limit]


@dataclass(frozen=True)
class NewForYou:
    since: datetime
    documents: list[Document]
    first_visit: bool


def visit_new_for_you(user: User, now: datetime | None = None) -> NewForYou:
    """What is new since the member's last visit to "Nieuw voor u"; records this visit."""
    now = now or utcnow()
    first = user.last_visit_at is None
    since = user.last_visit_at or (now - FIRST_LOOK_BACK)
    documents = new_documents(user, since)
    user.last_visit_at = now
    db.session.commit()
    return NewForYou(since=since, documents=documents, first_visit=first)


def set_digest_frequency(user: User, value: str) -> DigestFrequency:
    try:
        frequency = DigestFrequency(value)
    except ValueError:
        raise InvalidInput(
            _l("Kies dagelijks, wekelijks of geen overzicht."), field="digest_frequency"
        ) from None
    user.digest_frequency = frequency
    db.session.commit()
    return frequency
