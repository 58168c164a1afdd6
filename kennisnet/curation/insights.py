"""Search insights for curators: an anonymous log of searches, and what it says.

What must stay true:

- Anonymous by design: a row holds the query as typed, its normalised form, the number of
  results, whether a result was opened, and when. Never a user, an IP address or a session.
- Logging never breaks or slows a search: one insert on a connection of its own, with a short
  lock wait, and any failure is logged and swallowed.
- Empty queries (browsing by filters or themes) are not logged: they say nothing about words
  that are missing.
- Rows older than ``RETENTION_DAYS`` are deleted by a daily task (``curation/tasks.py``).
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, desc, func, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql import Executable

from kennisnet.accounts import permissions
from kennisnet.accounts.permissions import visible_documents
from kennisnet.core.errors import InvalidInput
from kennisnet.core.extensions import db
from kennisnet.core.models import utcnow
from kennisnet.curation import categories
from kennisnet.curation.models import SearchLogEntry, Theme
from kennisnet.documents.finding import MAX_QUERY_CHARS  # a logged query is a searched one
from kennisnet.documents.models import Document
from kennisnet.search.analysis import TOKEN_PATTERN, fold, normalise

log = logging.getLogger(__name__)

RETENTION_DAYS = 90
PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
MONTHS_SHOWN = 12
ROWS_SHOWN = 25
# A search must not wait on a busy database for its log row: after this the row is dropped.
LOG_WAIT_MS = 200
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16}")


def normalise_query(text: str) -> str:
    """The form searches are grouped by: the words as the analysis finds them, folded.

    "  Coöperatie   ALV! " and "cooperatie alv" become the same "cooperatie alv": NFC and one
    apostrophe (``analysis.normalise``), case and diacritics folded (``analysis.fold``),
    punctuation and query syntax dropped, one space between words. Not stemmed, so the form
    stays a word a curator can add as a synonym or a theme.
    """
    words = [fold(normalise(match.group())) for match in TOKEN_PATTERN.finditer(text)]
    if not words:  # only punctuation: keep it, folded, so the row still says what was typed
        words = fold(normalise(text)).split()
    return " ".join(words)[:MAX_QUERY_CHARS]


def _write(statement: Executable) -> bool:
    """Run one write on its own connection: the request's session and its work stay untouched.

    A search never waits long for its log row: on SQLite a short busy timeout, on PostgreSQL a
    short lock timeout; past it the row is dropped.
    """
    try:
        with db.engine.connect() as connection:
            dialect = connection.dialect.name
            if dialect == "sqlite":
                waited = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
                connection.exec_driver_sql(f"PRAGMA busy_timeout={LOG_WAIT_MS}")
            elif dialect == "postgresql":
                # SET LOCAL ends with this transaction: the pooled connection is not changed.
                # The row is a statistic: its commit need not wait for the WAL to reach the
                # disk (a crash may lose the last fraction of a second of rows, never more,
                # and never anything else). One round trip for both settings.
                connection.exec_driver_sql(
                    f"SET LOCAL lock_timeout = {LOG_WAIT_MS}; SET LOCAL synchronous_commit = off"
                )
            try:
                connection.execute(statement)
                connection.commit()
            finally:
                if dialect == "sqlite":
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={int(waited or 0)}")
    except OperationalError as exc:
        if not _busy(exc):
            log.warning("search log: write failed, the search goes on without it", exc_info=True)
        else:  # expected under heavy writing (imports): the row is dropped by design
            log.info("search log: database busy for over %d ms, row dropped", LOG_WAIT_MS)
        return False
    except Exception:
        log.warning("search log: write failed, the search goes on without it", exc_info=True)
        return False
    return True


def _busy(exc: OperationalError) -> bool:
    # SQLite: "database is locked"; PostgreSQL: lock_not_available (55P03).
    return "locked" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == "55P03"


def log_search(text: str, results: int, *, now: datetime | None = None) -> str | None:
    """Record a search; returns the opaque token its result links carry, None if not logged."""
    text = " ".join((text or "").split())[:MAX_QUERY_CHARS]
    if not text:
        return None
    token = secrets.token_urlsafe(12)  # 16 characters, random: says nothing, guesses nothing
    written = _write(
        insert(SearchLogEntry).values(
            at=now or utcnow(),
            query=text,
            normalised=normalise_query(text),
            results=max(0, int(results)),
            clicked=False,
            token=token,
        )
    )
    return token if written else None


def valid_token(raw: str | None) -> str | None:
    """The token from a URL if it has the shape of one (anything else is ignored)."""
    return raw if raw and _TOKEN.fullmatch(raw) else None


def mark_opened(raw_token: str | None) -> None:
    """A result of the search with this token was opened (unknown tokens change nothing)."""
    token = valid_token(raw_token)
    if token is None:
        return
    # Clearing the token makes the flag one-way and leaves nothing to match a URL against.
    _write(
        update(SearchLogEntry).where(SearchLogEntry.token == token).values(clicked=True, token=None)
    )


def purge_search_log(now: datetime | None = None) -> int:
    """Delete rows older than ``RETENTION_DAYS``; returns how many went."""
    cutoff = (now or utcnow()) - timedelta(days=RETENTION_DAYS)
    result: Any = db.session.execute(delete(SearchLogEntry).where(SearchLogEntry.at < cutoff))
    db.session.commit()
    if result.rowcount:
        log.info("search log: %d rows older than %d days deleted", result.rowcount, RETENTION_DAYS)
    return int(result.rowcount or 0)


def parse_period(raw: str | None) -> int:
    if raw in (None, ""):
        return DEFAULT_PERIOD
    if raw in {str(days) for days in PERIODS}:  # not isdigit(): "²" is a digit int() refuses
        return int(raw)
    raise InvalidInput(_l("Kies een periode van 7, 30 of 90 dagen."), field="dagen")


@dataclass(frozen=True)
class QueryRow:
    text: str  # the normalised form
    searches: int
    results: int  # the most results any of these searches had
    opened: int  # searches from which a result was opened


@dataclass(frozen=True)
class Insights:
    days: int
    total: int
    frequent: list[QueryRow]
    no_results: list[QueryRow]
    unopened: list[QueryRow]
    per_day: list[tuple[date, int]]


def _first_day(days: int, now: datetime) -> datetime:
    """The period is today and the ``days - 1`` days before it, from midnight (UTC)."""
    return datetime.combine(now.date() - timedelta(days=days - 1), time.min)


def search_insights(
    days: int, *, actor: Any, now: datetime | None = None, limit: int = ROWS_SHOWN
) -> Insights:
    permissions.require(actor, "insights.read")
    if days not in PERIODS:
        raise InvalidInput(_l("Kies een periode van 7, 30 of 90 dagen."), field="dagen")
    now = now or utcnow()
    since = _first_day(days, now)
    searches = func.count().label("searches")
    most = func.max(SearchLogEntry.results).label("most")
    opened = func.sum(case((SearchLogEntry.clicked, 1), else_=0)).label("opened")
    grouped = (
        select(SearchLogEntry.normalised, searches, most, opened)
        .where(SearchLogEntry.at >= since)
        .group_by(SearchLogEntry.normalised)
        .order_by(desc("searches"), SearchLogEntry.normalised)
        .limit(limit)
    )

    def rows(statement: Any) -> list[QueryRow]:
        return [
            QueryRow(text, int(n), int(m or 0), int(o or 0))
            for text, n, m, o in db.session.execute(statement)
        ]

    total = db.session.scalar(
        select(func.count()).select_from(SearchLogEntry).where(SearchLogEntry.at >= since)
    )
    return Insights(
        days=days,
        total=int(total or 0),
        frequent=rows(grouped),
        no_results=rows(grouped.where(SearchLogEntry.results == 0)),
        unopened=rows(grouped.where(SearchLogEntry.results > 0).having(opened == 0)),
        per_day=_searches_per_day(days, since, now),
    )


def _searches_per_day(days: int, since: datetime, now: datetime) -> list[tuple[date, int]]:
    day = func.date(SearchLogEntry.at)
    counted = {
        # SQLite answers 'YYYY-MM-DD', PostgreSQL a date: both start with the ISO form.
        str(value)[:10]: int(n)
        for value, n in db.session.execute(
            select(day, func.count()).where(SearchLogEntry.at >= since).group_by(day)
        )
    }
    first = now.date() - timedelta(days=days - 1)
    dates = [first + timedelta(days=i) for i in range(days)]
    return [(d, counted.get(d.isoformat(), 0)) for d in dates]


def documents_per_theme(*, actor: Any) -> list[tuple[Theme, int]]:
    """Every theme with the documents ``actor`` may see in it (through ``visible_documents``)."""
    permissions.require(actor, "insights.read")
    counts = categories.theme_counts(actor)
    return [(theme, counts.get(theme.id, 0)) for theme in categories.themes_in_order()]


def documents_per_month(
    *, actor: Any, now: datetime | None = None, months: int = MONTHS_SHOWN
) -> list[tuple[date, int]]:
    """Documents added per month over the last ``months`` months, as far as ``actor`` sees."""
    permissions.require(actor, "insights.read")
    today = (now or utcnow()).date()
    starts: list[date] = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    starts.reverse()
    visible = visible_documents(actor).with_only_columns(Document.created_at)
    created = db.session.scalars(
        visible.where(Document.created_at >= datetime.combine(starts[0], time.min))
    )
    counts = dict.fromkeys(starts, 0)
    for at in created:
        key = date(at.year, at.month, 1)
        if key in counts:
            counts[key] += 1
    return list(counts.items())
