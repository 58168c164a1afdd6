"""Crash points for the fault tests: a process killed here behaves like a power cut."""

from __future__ import annotations

import logging
import os
import signal

log = logging.getLogger(__name__)


def fault_point(name: str) -> None:
    """Die here, like a power cut, when KENNISNET_FAULT names this point (crash tests only).

    Points: ``ingest.after_store`` (file in uploads/, no row yet), ``ingest.after_commit``
    (row committed, no task queued; for an import, its batch's rows), ``process.after_extract``
    (text committed, not indexed), ``process.after_index`` (indexed, status not yet final).
    tests/test_faults.py kills each one and checks that `kennisnet check --repair` recovers.
    """
    if os.environ.get("KENNISNET_FAULT") == name:
        log.warning("fault point %s: killing process %d", name, os.getpid())
        os.kill(os.getpid(), signal.SIGKILL)
