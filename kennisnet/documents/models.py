"""Documents and their files: the database is the source of truth; the index is derived from it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kennisnet.core.extensions import Model, db
from kennisnet.core.models import enum_column, utcnow

if TYPE_CHECKING:  # relationships name their targets as strings; these are for type checkers
    from kennisnet.accounts.models import Organisation, User
    from kennisnet.curation.models import DocumentType, FieldDefinition, Theme


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"


class Status(enum.StrEnum):
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


document_themes = Table(
    "document_themes",
    db.metadata,
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Document(Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    # True while the title is only derived from the file name, so that a title from the
    # file's own metadata may replace it once extraction has read it.
    title_is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # Likewise for the year (the upload's year until the file's own date is read) and the
    # author named in the file's metadata.
    year_is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    author: Mapped[str] = mapped_column(String(200), default="", server_default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    type_id: Mapped[int] = mapped_column(ForeignKey("document_types.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    region: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility, "visibility"), default=Visibility.MEMBERS
    )
    status: Mapped[Status] = mapped_column(enum_column(Status, "status"), default=Status.PROCESSING)
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


class DocumentFieldValue(Model):
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


class DocumentFile(Model):
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
    # "text" (its own text layer), "ocr" (text recognition) or None (no text found).
    text_source: Mapped[str | None] = mapped_column(String(10))
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    # What the member should know about the reading, in Dutch (e.g. pages left unread).
    extraction_notes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # Pages read so far while the worker runs text recognition: progress on the page.
    progress_done: Mapped[int | None] = mapped_column(Integer)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    # Preview images in the file store, content-addressed like the file itself.
    thumbnail_path: Mapped[str | None] = mapped_column(String(300))
    page_paths: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="files")

    def preview_paths(self) -> list[str]:
        """This version's images in the preview store: the thumbnail and the page images."""
        thumbnail = [self.thumbnail_path] if self.thumbnail_path else []
        return [*thumbnail, *self.page_paths]
