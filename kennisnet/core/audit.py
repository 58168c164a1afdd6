"""The audit log: who changed what, when, with before/after values for metadata.

``record`` adds the event to the current session without committing, so the event and the
change it describes are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from kennisnet.accounts.models import User
from kennisnet.core.extensions import db
from kennisnet.core.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        return value.value
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Only the fields that changed, as {"field": {"before": old, "after": new}}."""
    changed = {}
    for key in sorted(set(before) | set(after)):
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new:
            changed[key] = {"before": old, "after": new}
    return changed


def record(
    action: str,
    *,
    actor: User | None,
    target: str = "",
    document_id: int | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    # SYSTEM and anonymous visitors are recorded as nobody.
    person = actor if getattr(actor, "is_authenticated", False) and actor is not None else None
    event = AuditEvent(
        action=action,
        actor_id=person.id if person is not None else None,
        actor=person.email if person is not None else "systeem",
        target=target,
        document_id=document_id,
        details={k: _plain(v) for k, v in (details or {}).items()},
    )
    db.session.add(event)
    return event


def events(
    *,
    action: str | None = None,
    actor: str | None = None,
    document_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEvent]:
    """Newest first; ``action`` matches a prefix ("theme." finds every theme action)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor:
        query = query.where(AuditEvent.actor == actor.strip().lower())
    if document_id is not None:
        query = query.where(AuditEvent.document_id == document_id)
    return list(db.session.scalars(query.limit(min(limit, 1000)).offset(offset)))
