"""Crash tests: a real process is killed (SIGKILL) at each step of an upload and its processing.

Afterwards `kennisnet check` must report what the crash left, `kennisnet check --repair` must
fix it, and then: no half-written file is visible, no row points to a missing file and no
document is missing from the index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from kennisnet.core.config import ROOT
from kennisnet.core.extensions import db
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.models import Document, DocumentFile, Status
from kennisnet.documents.uploads import ingest_document
from kennisnet.maintenance import consistency
from kennisnet.search import SearchQuery, Viewer, backend
from tests import databases
from tests.conftest import make_app

pytestmark = pytest.mark.slow

TEXT = "Verslag van de wijkcoöperatie over de gedeelde elektrische bakfiets."

# Kills the process in the file store's rename, i.e. after the temporary file is written and
# fsynced but before it has its final name (storage.py has no hook of its own).
KILL_BEFORE_RENAME = """
import os, signal, sys
real_replace = os.replace
def replace(src, dst, *args, **kwargs):
    if "/.tmp/" in str(src):
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, *args, **kwargs)
os.replace = replace
from kennisnet.cli import main
sys.argv[0] = "kennisnet"
main()
"""


def kennisnet_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISNET_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),  # this checkout, whatever the venv's editable install says
            "KENNISNET_DATA_DIR": str(data_dir),
            "KENNISNET_SECRET_KEY": "fault-test-secret",
            "KENNISNET_TASKS_IMMEDIATE": "1",
            "KENNISNET_EXTRACTION_ISOLATED": "0",
            **databases.subprocess_env(data_dir),
            **extra,
        }
    )
    return env


def run(data_dir: Path, *args: str, fault: str | None = None, script: str | None = None):
    extra = {"KENNISNET_FAULT": fault} if fault else {}
    command = [sys.executable, "-c", script] if script else [sys.executable, "-m", "kennisnet.cli"]
    return subprocess.run(
        [*command, *args],
        env=kennisnet_env(data_dir, **extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("template")
    result = run(data_dir, "init")
    assert result.returncode == 0, result.stderr
    return data_dir


@pytest.fixture
def data_dir(initialised: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(initialised, target)
    databases.clone(initialised, target)
    return target


@pytest.fixture
def data_app(data_dir: Path) -> Iterator[Flask]:
    """The same data, opened in this process once the commands have finished."""
    app = make_app(
        data_dir,
        SQLALCHEMY_DATABASE_URI=databases.database_url(data_dir, "kennisnet.db"),
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def assert_consistent(app: Flask) -> None:
    with app.app_context():
        upload_dir = Path(app.config["UPLOAD_DIR"])
        tmp_dir = upload_dir / ".tmp"
        assert not tmp_dir.exists() or not any(tmp_dir.iterdir()), "leftover temporary file"
        for path in upload_dir.rglob("*"):
            if path.is_file() and ".tmp" not in path.parts and path.name != ".gitkeep":
                assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name, path
        for stored_path in db.session.scalars(select(DocumentFile.stored_path)):
            assert (upload_dir / stored_path).is_file(), f"row points to missing {stored_path}"
        statuses = dict(db.session.execute(select(Document.id, Document.status)).tuples().all())
        assert Status.PROCESSING not in statuses.values()
        assert backend().indexed_ids() == set(statuses)
        assert consistency.check(older_than=0).clean
        db.session.remove()


CASES = {
    # fault point: what `check` must report right after the crash
    "store.before_rename": "tmp_leftovers",
    "ingest.after_store": "orphan_files",
    "ingest.after_commit": "stuck",
    "process.after_extract": "stuck",
    "process.after_index": "stuck",
}


@pytest.mark.parametrize("point", list(CASES))
def test_kill_then_check_and_repair(point: str, data_dir: Path, data_app: Flask) -> None:
    upload = data_dir.parent / "bakfiets.txt"
    upload.write_text(TEXT, encoding="utf-8")
    if point == "store.before_rename":
        crashed = run(data_dir, "import", str(upload), script=KILL_BEFORE_RENAME)
    else:
        crashed = run(data_dir, "import", str(upload), fault=point)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr

    # Only the crash needs its own process; the checks run in this one on the same data.
    with data_app.app_context():
        runner = data_app.test_cli_runner()
        checked = runner.invoke(args=["check", "--older-than", "0", "--json"])
        assert checked.exit_code == 1, checked.output
        found = json.loads(checked.output)["found"]
        assert len(found[CASES[point]]) == 1, found
        assert found["problems"] == 1, found
        repaired = runner.invoke(args=["check", "--repair", "--older-than", "0"])
        assert repaired.exit_code == 0, repaired.output
        assert "In orde" in repaired.output
        db.session.remove()
    assert_consistent(data_app)

    # Whatever the crash hit, the file can be (re)imported and is found afterwards.
    with data_app.app_context():
        if not db.session.scalar(select(Document.id)):
            with upload.open("rb") as stream:
                ingest_document(stream, upload.name, Metadata(type="overig"), None)
        hits = backend().search(SearchQuery(text="bakfiets", viewer=Viewer(1, True)))
        assert hits.total == 1
        db.session.remove()
    assert_consistent(data_app)


def test_worker_start_resumes_what_a_crash_left(data_dir: Path, data_app: Flask) -> None:
    """Without any check: a worker start picks up a document whose task was never queued."""
    upload = data_dir.parent / "bakfiets.txt"
    upload.write_text(TEXT, encoding="utf-8")
    crashed = run(data_dir, "import", str(upload), fault="ingest.after_commit")
    assert crashed.returncode == -signal.SIGKILL
    worker = subprocess.Popen(
        [sys.executable, "-m", "kennisnet.cli", "worker", "--workers", "1"],
        env={**kennisnet_env(data_dir), "KENNISNET_TASKS_IMMEDIATE": ""},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        with data_app.app_context():
            while True:
                status = db.session.scalar(select(Document.status))
                db.session.remove()
                if status == Status.READY or time.monotonic() > deadline:
                    break
                assert worker.poll() is None, "the worker stopped"
                time.sleep(0.1)
            assert status == Status.READY
    finally:
        worker.send_signal(signal.SIGINT)
        out, err = worker.communicate(timeout=20)
    assert "1 onafgemaakte documenten" in out, out + err
    assert_consistent(data_app)


def test_worker_start_replaces_a_corrupt_index(data_dir: Path, data_app: Flask) -> None:
    """Garbage in the segment files: search answers (empty) at once, complete after rebuild."""
    upload = data_dir.parent / "bakfiets.txt"
    upload.write_text(TEXT, encoding="utf-8")
    assert run(data_dir, "import", str(upload)).returncode == 0
    index_dir = data_dir / "index"
    broken = (index_dir / "CURRENT").read_text().strip()
    for path in (index_dir / broken).iterdir():
        if path.suffix != ".json":
            path.write_bytes(b"\x00garbage" * 3)
    worker = subprocess.Popen(
        [sys.executable, "-m", "kennisnet.cli", "worker", "--workers", "1"],
        env={**kennisnet_env(data_dir), "KENNISNET_TASKS_IMMEDIATE": ""},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while (index_dir / "CURRENT").read_text().strip() == broken:
            assert worker.poll() is None and time.monotonic() < deadline, "no new generation"
            time.sleep(0.05)
        query = SearchQuery(text="bakfiets", viewer=Viewer(1, True))
        with data_app.app_context():
            while backend().search(query).total == 0:  # never an error meanwhile
                assert time.monotonic() < deadline, "index not rebuilt"
                time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGINT)
        out, err = worker.communicate(timeout=20)
    assert "onleesbaar" in out, out + err
    assert_consistent(data_app)
