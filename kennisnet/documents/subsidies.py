"""Subsidy and investment calls: open calls by deadline, and an iCalendar feed of deadlines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy.orm import selectinload

from kennisnet.accounts.models import User
from kennisnet.accounts.permissions import visible_documents
from kennisnet.core.extensions import db
from kennisnet.curation.models import DocumentType
from kennisnet.documents.models import Document, DocumentFieldValue

SUBSIDY_TYPE = "subsidie"


@dataclass(frozen=True)
class Call:
    document: Document
    deadline: date | None  # None: no deadline, open until further notice

    @property
    def closed(self) -> bool:
        return self.deadline is not None and self.deadline < date.today()


def calls(
    user: User | None, *, include_closed: bool = False, today: date | None = None
) -> list[Call]:
    """Subsidy documents the user may see: open ones by deadline, then those without one;
    closed ones (deadline passed) only on request, last."""
    today = today or date.today()
    docs = db.session.scalars(
        visible_documents(user)
        .join(DocumentType, Document.type_id == DocumentType.id)
        .where(DocumentType.slug == SUBSIDY_TYPE)
        .options(
            selectinload(Document.field_values).selectinload(DocumentFieldValue.field),
            selectinload(Document.themes),
            selectinload(Document.organisation),
            selectinload(Document.type),
        )
    )
    result: list[Call] = []
    for doc in docs:
        raw = next((v.value for v in doc.field_values if v.field.key == "deadline"), None)
        deadline = date.fromisoformat(raw) if raw else None
        if deadline is not None and deadline < today and not include_closed:
            continue
        result.append(Call(doc, deadline))

    def order(call: Call) -> tuple[int, date, str]:
        if call.deadline is None:
            return (1, date.max, call.document.title)
        return (2 if call.deadline < today else 0, call.deadline, call.document.title)

    return sorted(result, key=order)


def ical_feed(
    items: list[Call], url_for_document: Callable[[Document], str], now: datetime | None = None
) -> bytes:
    """One all-day event per deadline; the UID is stable so calendar apps update in place."""
    calendar = Calendar()
    calendar.add("prodid", "-//Kennisnet//Subsidiedeadlines//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Kennisnet: subsidiedeadlines")
    stamp = now or datetime.now()
    for item in items:
        if item.deadline is None:
            continue
        event = Event()
        event.add("uid", f"subsidie-{item.document.id}@kennisnet")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.deadline)
        event.add("dtend", item.deadline + timedelta(days=1))
        event.add("summary", f"Deadline: {item.document.title}")
        event.add("url", url_for_document(item.document))
        if item.document.summary:
            event.add("description", item.document.summary)
        calendar.add_component(event)
    return calendar.to_ical()
