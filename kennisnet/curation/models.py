"""The categories curators keep: themes, document types with their fields, synonyms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kennisnet.core.extensions import Model
from kennisnet.core.models import utcnow


class Theme(Model):
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


class CategoryRedirect(Model):
    """The old slug of a merged theme or type, so its old address leads to the survivor."""

    __tablename__ = "category_redirects"
    __table_args__ = (UniqueConstraint("kind", "old_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "theme" or "type"
    old_slug: Mapped[str] = mapped_column(String(200))
    target_slug: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DocumentType(Model):
    __tablename__ = "document_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    fields: Mapped[list[FieldDefinition]] = relationship(
        back_populates="type", order_by="FieldDefinition.position", cascade="all, delete-orphan"
    )


class FieldDefinition(Model):
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


class Synonym(Model):
    """A word or abbreviation and what it stands for, applied to queries (no reindex needed)."""

    __tablename__ = "synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(100), unique=True)  # folded: "alv", "wmo"
    expansion: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SearchLogEntry(Model):
    """One search typed on the site or through the API, kept for the curators' insights.

    Anonymous by design: no column names a person, an address or a session. ``token`` is a
    random value that the result links carry, so opening a result marks the search as opened;
    it is cleared at that moment, so nothing in the row can be matched to a later URL.
    """

    __tablename__ = "search_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    query: Mapped[str] = mapped_column(String(500))
    normalised: Mapped[str] = mapped_column(String(500), index=True)
    results: Mapped[int] = mapped_column(Integer, default=0)
    clicked: Mapped[bool] = mapped_column(Boolean, default=False)
    token: Mapped[str | None] = mapped_column(String(32), unique=True)


class CatalogueStamp(Model):
    """One row whose value database triggers rewrite on every change of the curation
    catalogue's tables (migration 0006), so each process knows when its cached copy is old
    (``curation.catalogue``)."""

    __tablename__ = "catalogue_stamp"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(String(32))
