"""SQLAlchemy models: the database is the source of truth; the index is derived from it."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import Select

from kennisnet.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Role(enum.StrEnum):
    MEMBER = "member"
    CURATOR = "curator"
    ADMIN = "admin"


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"


class Status(enum.StrEnum):
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK constraint, portable to PostgreSQL.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    region: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(100), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    website: Mapped[str] = mapped_column(String(300), default="", server_default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # A contact person is shown on the public profile only with their consent.
    contact_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organisation")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.MEMBER)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_curator(self) -> bool:
        """Curators curate categories and moderate; admins may do all that too."""
        return self.role in (Role.CURATOR, Role.ADMIN)


class ApiToken(db.Model):
    """Only the SHA-256 of a token is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.MEMBER)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User | None] = relationship()


class JoinRequest(db.Model):
    """Someone asking to join the network; an admin approves (an invitation follows) or refuses."""

    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(20))  # "approved" or "refused"
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PasswordReset(db.Model):
    """A single-use, expiring link an admin hands to a member (no e-mail server needed)."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class Theme(db.Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))

    parent: Mapped[Theme | None] = relationship(remote_side="Theme.id", back_populates="children")
    children: Mapped[list[Theme]] = relationship(
        back_populates="parent", order_by="Theme.position, Theme.name"
    )


class CategoryRedirect(db.Model):
    """The old slug of a merged theme or type, so its old address leads to the survivor."""

    __tablename__ = "category_redirects"
    __table_args__ = (UniqueConstraint("kind", "old_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "theme" or "type"
    old_slug: Mapped[str] = mapped_column(String(200))
    target_slug: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEvent(db.Model):
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


class DocumentType(db.Model):
    __tablename__ = "document_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    fields: Mapped[list[FieldDefinition]] = relationship(
        back_populates="type", order_by="FieldDefinition.position", cascade="all, delete-orphan"
    )


document_themes = Table(
    "document_themes",
    db.metadata,
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Document(db.Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    # True while the title is only derived from the file name, so that a title from the
    # file's own metadata may replace it once extraction has read it.
    title_is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
    type_id: Mapped[int] = mapped_column(ForeignKey("document_types.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    region: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    visibility: Mapped[Visibility] = mapped_column(
        _enum(Visibility, "visibility"), default=Visibility.MEMBERS
    )
    status: Mapped[Status] = mapped_column(_enum(Status, "status"), default=Status.PROCESSING)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Moderation: unpublished documents are seen by their uploader and curators only.
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Trash: a deleted document stays restorable for 30 days.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    type: Mapped[DocumentType] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    uploader: Mapped[User | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        secondary=document_themes, order_by="Theme.position, Theme.name"
    )
    files: Mapped[list[DocumentFile]] = relationship(
        back_populates="document",
        order_by="DocumentFile.id",
        cascade="all, delete-orphan",
    )
    field_values: Mapped[list[DocumentFieldValue]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )

    @property
    def file(self) -> DocumentFile | None:
        """The current file: the newest one (older versions stay for history)."""
        return self.files[-1] if self.files else None


class FieldDefinition(db.Model):
    """A type-specific field that admins define, e.g. a subsidy's deadline."""

    __tablename__ = "field_definitions"
    __table_args__ = (UniqueConstraint("type_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("document_types.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # text, date, number, choice, link
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    facet: Mapped[bool] = mapped_column(Boolean, default=False)

    type: Mapped[DocumentType] = relationship(back_populates="fields")


class DocumentFieldValue(db.Model):
    __tablename__ = "document_field_values"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    field_id: Mapped[int] = mapped_column(
        ForeignKey("field_definitions.id", ondelete="CASCADE"), primary_key=True
    )
    # Dates as ISO 8601 and numbers in plain notation, so text order is meaningful.
    value: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="field_values")
    field: Mapped[FieldDefinition] = relationship()


class Synonym(db.Model):
    """A word or abbreviation and what it stands for, applied to queries (no reindex needed)."""

    __tablename__ = "synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(100), unique=True)  # folded: "alv", "wmo"
    expansion: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Setting(db.Model):
    """Settings admins change at run time (e.g. whether uploads wait for moderation)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DocumentFile(db.Model):
    __tablename__ = "document_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    original_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    stored_path: Mapped[str] = mapped_column(String(300))
    page_count: Mapped[int | None] = mapped_column(Integer)
    extracted_text: Mapped[str | None] = mapped_column(Text)
    extraction_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="files")


def visible_documents(user: User | None) -> Select[tuple[Document]]:
    """The one query every listing, page and download of documents starts from.

    Anonymous visitors and inactive accounts see published public documents only; members
    see every published document plus their own uploads awaiting moderation; curators and
    admins see everything. Documents in the trash are seen by nobody here
    (``documents.trashed_documents`` lists them).
    """
    query = select(Document).where(Document.deleted_at.is_(None))
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return query.where(Document.visibility == Visibility.PUBLIC, Document.published)
    if user.is_curator:
        return query
    return query.where(or_(Document.published, Document.uploader_id == user.id))
