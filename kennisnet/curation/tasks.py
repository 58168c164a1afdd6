"""The curation domain's background task: the search log's retention.

A thin wrapper, as in ``documents/tasks.py``: the work lives in ``insights`` and never enqueues.
"""

from __future__ import annotations

from huey import crontab

from kennisnet.core.queue import huey, run_alone
from kennisnet.curation import insights


@huey.periodic_task(crontab(hour="3", minute="41"))
def purge_search_log() -> None:
    """Daily: search log rows older than 90 days go (docs/security.md promises so)."""
    run_alone("periodic:purge_search_log", insights.purge_search_log)
