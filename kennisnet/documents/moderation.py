"""Moderation: whether new uploads are published at once or wait for a curator."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kennisnet.accounts import permissions
from kennisnet.accounts.models import User
from kennisnet.core import audit
from kennisnet.core.errors import InvalidInput
from kennisnet.core.extensions import db
from kennisnet.core.models import Setting
from kennisnet.documents import tasks
from kennisnet.documents.models import Document

SETTING = "moderation"


def moderation_enabled() -> bool:
    row = db.session.get(Setting, SETTING)
    return row is not None and row.value == "on"


def set_moderation(enabled: bool, *, actor: User) -> None:
    permissions.require(actor, "moderation.configure")
    row = db.session.get(Setting, SETTING) or Setting(key=SETTING, value="off")
    before = row.value
    row.value = "on" if enabled else "off"
    db.session.add(row)
    if before != row.value:
        audit.record(
            "setting.moderation",
            actor=actor,
            target=SETTING,
            details={"before": before, "after": row.value},
        )
    db.session.commit()


def pending_documents() -> list[Document]:
    return list(
        db.session.scalars(
            select(Document)
            .where(~Document.published, Document.deleted_at.is_(None))
            .order_by(Document.created_at)
        )
    )


def approve(doc: Document, *, actor: User) -> Document:
    permissions.require(actor, "document.moderate", doc)
    doc.published = True
    doc.review_note = ""
    audit.record("document.approve", actor=actor, target=f"document:{doc.id}", document_id=doc.id)
    tasks.commit_then_index([doc.id])
    return doc


def send_back(doc: Document, message: str, *, actor: User) -> Document:
    """Keep the document unpublished and tell the uploader what to change."""
    permissions.require(actor, "document.moderate", doc)
    message = " ".join((message or "").split())[:2000]
    if not message:
        raise InvalidInput(_l("Schrijf erbij wat er anders moet."), field="message")
    doc.published = False
    doc.review_note = message
    audit.record(
        "document.send_back",
        actor=actor,
        target=f"document:{doc.id}",
        document_id=doc.id,
        details={"message": message},
    )
    tasks.commit_then_index([doc.id])
    return doc
