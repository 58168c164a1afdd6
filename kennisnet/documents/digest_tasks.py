"""The digest's periodic task, apart from ``tasks``: the digest reads through search and the
categories, and ``curation.categories`` imports ``tasks`` to reindex, so one module for both
would be an import cycle."""

from __future__ import annotations

from huey import crontab

from kennisnet.core.queue import huey, run_alone
from kennisnet.documents import digest


@huey.periodic_task(crontab(hour="7", minute="0"))
def send_digests() -> None:
    """Every morning: the daily digests, and the weekly ones that are due."""
    run_alone("periodic:send_digests", digest.send_scheduled_digests)
