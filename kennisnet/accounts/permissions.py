"""Who may do what: the one place that decides (CKAN's ``check_access``).

Services call ``require(user, action, obj)`` before they change anything; views and templates
ask ``can(user, action, obj)`` only to show or hide a link or a button. Reading follows the same
rules through ``visible_documents`` (every listing, page, download and feed starts from it) and
``viewer`` (the same rules, handed to the search engine).

Trusted callers that act for nobody in particular (the CLI's ``init``, the demo loader, the
tests' setup) pass ``SYSTEM`` as the actor, which every rule allows; views always pass the
signed-in user (``current_user``, never ``SYSTEM``).

An action is a ``domain.verb`` string. An unknown action is a programming error, so it raises
``KeyError`` instead of quietly allowing or refusing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.sql import Select

from kennisnet.accounts.models import User
from kennisnet.core.errors import Forbidden
from kennisnet.documents.models import Document, Visibility
from kennisnet.search import Viewer


class _System:
    """The actor of trusted internal calls: allowed everything, recorded as nobody."""

    is_authenticated = False

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Any = _System()


def signed_in(user: Any) -> bool:
    """A real, active account: anonymous visitors and blocked members count as nobody."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def _curator(user: Any, _obj: object) -> bool:
    return signed_in(user) and user.is_curator


def _admin(user: Any, _obj: object) -> bool:
    return signed_in(user) and user.is_admin


def _edit_document(user: Any, doc: object) -> bool:
    # Curators edit any document: moderating means approving, editing or sending back.
    if not signed_in(user) or not isinstance(doc, Document):
        return False
    return user.is_curator or doc.uploader_id == user.id


def _see_all_trash(user: Any, _obj: object) -> bool:
    return _admin(user, None)


@dataclass(frozen=True)
class _Rule:
    check: Callable[[Any, object], bool]
    refusal: Any  # a lazy Dutch message


_ONLY_UPLOADER = _l(
    "Alleen wie het document heeft geüpload, een redacteur of een beheerder mag dit."
)
_ONLY_CURATORS = _l("Alleen redacteuren en beheerders mogen dit.")
_ONLY_ADMINS = _l("Alleen beheerders mogen dit.")

RULES: dict[str, _Rule] = {
    # documents
    "document.edit": _Rule(_edit_document, _ONLY_UPLOADER),
    "document.delete": _Rule(_edit_document, _ONLY_UPLOADER),
    "document.restore": _Rule(_edit_document, _ONLY_UPLOADER),
    "document.add_version": _Rule(_edit_document, _ONLY_UPLOADER),
    "document.bulk_edit": _Rule(
        _curator, _l("Alleen redacteuren en beheerders mogen documenten samen bewerken.")
    ),
    "document.moderate": _Rule(_curator, _ONLY_CURATORS),
    "trash.see_all": _Rule(_see_all_trash, _ONLY_ADMINS),
    # curation
    "category.manage": _Rule(_curator, _ONLY_CURATORS),
    "synonym.manage": _Rule(_curator, _ONLY_CURATORS),
    "moderation.configure": _Rule(_curator, _ONLY_CURATORS),
    "field.manage": _Rule(_admin, _ONLY_ADMINS),
    "insights.read": _Rule(_curator, _ONLY_CURATORS),
    # accounts and the network
    "member.manage": _Rule(_admin, _ONLY_ADMINS),
    "organisation.manage": _Rule(_admin, _ONLY_ADMINS),
    "audit.read": _Rule(_admin, _ONLY_ADMINS),
}


def can(user: Any, action: str, obj: object = None) -> bool:
    """Whether ``user`` may do ``action`` (on ``obj``); never raises for a known action."""
    rule = RULES[action]
    return user is SYSTEM or rule.check(user, obj)


def require(user: Any, action: str, obj: object = None) -> None:
    """Raise ``Forbidden`` with the action's Dutch reason unless ``can`` says yes."""
    if not can(user, action, obj):
        raise Forbidden(RULES[action].refusal)


def viewer(user: Any) -> Viewer:
    """The searcher as the engine sees it: the same rules as ``visible_documents``."""
    if not signed_in(user):
        return Viewer()
    return Viewer(user_id=user.id, sees_members_only=True)


def visible_documents(user: User | None) -> Select[tuple[Document]]:
    """The one query every listing, page and download of documents starts from.

    Anonymous visitors and inactive accounts see published public documents only; members
    see every published document plus their own uploads awaiting moderation; curators and
    admins see everything. Documents in the trash are seen by nobody here
    (``documents.trash.trashed_documents`` lists them).
    """
    if user is SYSTEM or (user is not None and signed_in(user) and user.is_curator):
        return select(Document).where(Document.deleted_at.is_(None))
    return viewable_by(viewer(user))


def viewable_by(who: Viewer) -> Select[tuple[Document]]:
    """The documents a searcher known only as a ``Viewer`` may see (search hits, the CLI).

    Unlike ``visible_documents`` for a curator, a viewer never sees unpublished documents of
    others: search never shows them, and the index holds none anyway.
    """
    query = select(Document).where(Document.deleted_at.is_(None))
    if not who.sees_members_only:
        return query.where(Document.visibility == Visibility.PUBLIC, Document.published)
    if who.user_id is None:
        return query.where(Document.published)
    return query.where(or_(Document.published, Document.uploader_id == who.user_id))
