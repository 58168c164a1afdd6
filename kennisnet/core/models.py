"""What every domain's models share: the clock, enum columns, the audit log, run-time settings.

The models live with their domains (``accounts/models.py``, ``curation/models.py``,
``documents/models.py``); relationships across domains name their target class as a string,
so no models module imports another at run time.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kennisnet.core.extensions import Model


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK constraint, portable to PostgreSQL.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


class AuditEvent(Model):
    """Who changed what, when; details hold before/after values for metadata changes."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as text so the log still names the actor after the account is gone.
    actor: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Setting(Model):
    """Settings admins change at run time (e.g. whether uploads wait for moderation)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
