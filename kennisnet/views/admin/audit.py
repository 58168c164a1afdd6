"""The audit log for admins: who changed what, when."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from kennisnet.core import audit
from kennisnet.views.admin.base import bp, requires


@bp.get("/logboek")
@requires("audit.read")
def audit_log() -> ResponseReturnValue:
    action = (request.args.get("actie") or "").strip()
    actor = (request.args.get("door") or "").strip()
    page = max(request.args.get("pagina", 1, type=int) or 1, 1)
    per_page = 50
    events = audit.events(
        action=action or None,
        actor=actor or None,
        limit=per_page + 1,
        offset=(page - 1) * per_page,
    )
    return render_template(
        "admin/audit.html",
        events=events[:per_page],
        action=action,
        actor=actor,
        page=page,
        has_next=len(events) > per_page,
    )
