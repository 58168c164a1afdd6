"""An optional read replica (``KENNISNET_DATABASE_READ_URL``) for the pages browsers read.

A PostgreSQL streaming replica lags its primary by a little. So only what cannot notice the lag
reads from it: plain SELECTs of GET and HEAD requests in a browser session that has not written
anything in the last ``STICKY_SECONDS``. Everything else uses the primary: writes and flushes,
``SELECT ... FOR UPDATE``, the worker and the command line (no request), API clients (a tool
that uploads and then reads must see its upload), and a member who just saved something (who
must see it on the next page).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_sqlalchemy.session import Session
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import Select
from sqlalchemy.sql.selectable import CompoundSelect

REPLICA = "replica"
STICKY_SECONDS = 30
# After the replica failed to answer, the primary serves everything for this long.
RETRY_SECONDS = 30
_SESSION_KEY = "wrote_at"
_READ_METHODS = frozenset({"GET", "HEAD"})

log = logging.getLogger(__name__)


def reads_allowed() -> bool:
    """Whether this request may read the replica at all (the search backend asks too)."""
    return has_request_context() and bool(g.get("kennisnet_replica", False))


def _may_read_from_replica(clause: Any) -> bool:
    if not reads_allowed():
        return False
    if isinstance(clause, Select):
        return clause._for_update_arg is None
    return isinstance(clause, CompoundSelect)


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, sending the replica-safe SELECTs to the replica."""

    def get_bind(
        self,
        mapper: Any | None = None,
        clause: Any | None = None,
        bind: Engine | Connection | None = None,
        **kwargs: Any,
    ) -> Engine | Connection:
        if bind is None and not self._flushing and _may_read_from_replica(clause):
            replica = self._db.engines.get(REPLICA)
            if replica is not None:
                return replica
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def configure(app: Flask) -> None:
    """Bind the replica engine (before ``db.init_app``) and decide per request who may use it."""
    url = app.config.get("DATABASE_READ_URL")
    if not url:
        return
    # pool_pre_ping: a replica that went away is noticed at checkout, before a page needs it.
    app.config.setdefault("SQLALCHEMY_BINDS", {})[REPLICA] = {"url": url, "pool_pre_ping": True}
    down_until = {"at": 0.0}

    def _replica_answers() -> bool:
        if time.monotonic() < down_until["at"]:
            return False
        engine = current_app.extensions["sqlalchemy"].engines[REPLICA]
        try:
            with engine.connect():
                return True
        except Exception:
            log.warning("read replica unreachable; the primary serves reads", exc_info=True)
            down_until["at"] = time.monotonic() + RETRY_SECONDS
            return False

    @app.before_request
    def _choose() -> None:
        wrote_at = session.get(_SESSION_KEY, 0)
        g.kennisnet_replica = (
            request.method in _READ_METHODS
            and "Authorization" not in request.headers
            and not request.path.startswith("/api/")
            and time.time() - float(wrote_at or 0) > STICKY_SECONDS
            and _replica_answers()
        )

    @app.after_request
    def _remember_writes(response: Response) -> Response:
        if request.method not in _READ_METHODS and "Authorization" not in request.headers:
            session[_SESSION_KEY] = int(time.time())
        return response
