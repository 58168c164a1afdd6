"""``GET /healthz``: whether each part answers, for load balancers and monitoring.

It names the parts and says "ok" or "error", nothing more: no versions, paths, counts or
error texts, which would tell an outsider more than a monitor needs. The details go to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from kennisnet.core import queue
from kennisnet.core.extensions import db, limiter
from kennisnet.core.storage import file_store
from kennisnet.search import SearchQuery, backend

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def _database() -> None:
    db.session.execute(text("SELECT 1"))


def _index() -> None:
    # A real query, the cheapest one: finds nothing, but opens and reads the index.
    backend().search(SearchQuery(text="", per_page=1))


def _queue() -> None:
    queue.ping()


def _storage() -> None:
    # The upload folder is there and writable, or the bucket answers (HEAD bucket).
    file_store().check()


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "index": _index,
    "queue": _queue,
    "storage": _storage,
}


@bp.get("/healthz")
@limiter.exempt
def healthz() -> ResponseReturnValue:
    parts: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # any failure of a part is that part's "error"
            log.warning("health check: %s failed", name, exc_info=True)
            db.session.rollback()
            parts[name] = "error"
        else:
            parts[name] = "ok"
    healthy = all(state == "ok" for state in parts.values())
    response = jsonify({"status": "ok" if healthy else "error", **parts})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
