"""`kennisnet import` in batches: one index write per batch, resumable after a kill."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from kennisnet.core import queue
from kennisnet.core.extensions import db
from kennisnet.core.storage import FileStore
from kennisnet.documents.importing import _batches, collect_files, import_files
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.models import Document, DocumentFile, Status
from kennisnet.extraction.pool import POOL
from kennisnet.search import SearchQuery, backend
from kennisnet.search.analysis import BODY_ANALYSER
from tests import databases
from tests.factories import make_document
from tests.test_faults import ROOT, kennisnet_env


def write_files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"verslag-{n}.txt"
        path.write_text(f"Verslag {n} van de buurtvergadering over de moestuin nummer{n}.")
        paths.append(path)
    return paths


def test_batches_close_by_count() -> None:
    paths = [Path(f"{n}.txt") for n in range(5)]
    assert [len(b) for b in _batches(paths, 2, 60_000)] == [2, 2, 1]


def test_batches_grow_from_a_small_first_one() -> None:
    paths = [Path(f"{n}.txt") for n in range(100)]
    assert [len(b) for b in _batches(paths, 30, 60_000)] == [8, 16, 30, 30, 16]


def test_batches_close_by_time() -> None:
    paths = [Path(f"{n}.txt") for n in range(3)]
    assert [len(b) for b in _batches(paths, 100, 0)] == [1, 1, 1]


def test_one_index_write_per_batch(app: Flask, tmp_path: Path, monkeypatch) -> None:
    app.config.update(INDEX_BATCH_SIZE=2, INDEX_BATCH_MS=60_000)
    search = backend()
    calls: list[int] = []
    original = search.index

    def counting(docs):  # type: ignore[no-untyped-def]
        docs = list(docs)
        calls.append(len(docs))
        return original(docs)

    monkeypatch.setattr(search, "index", counting)
    progress: list[tuple[int, int]] = []
    files = write_files(tmp_path / "archief", 5)
    report = import_files(
        files, Metadata(visibility="public"), on_progress=lambda *seen: progress.append(seen)
    )
    assert report.imported == 5
    assert calls == [2, 2, 1]
    assert progress == [(2, 5), (4, 5), (5, 5)]
    assert {d["status"] for d in report.documents} == {"ready"}


def import_command(data_dir: Path, folder: Path, fault: str | None = None):
    env = kennisnet_env(data_dir, KENNISNET_INDEX_BATCH_SIZE="2")
    if fault:
        env["KENNISNET_FAULT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "kennisnet.cli", "import", str(folder), "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_a_killed_import_run_again_stores_every_file_once(tmp_path: Path) -> None:
    from tests.conftest import make_app

    data_dir = tmp_path / "data"
    init = subprocess.run(
        [sys.executable, "-m", "kennisnet.cli", "init"],
        env=kennisnet_env(data_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert init.returncode == 0, init.stderr
    folder = tmp_path / "archief"
    write_files(folder, 5)
    killed = import_command(data_dir, folder, fault="ingest.after_commit")
    assert killed.returncode == -9, killed.stderr
    again = import_command(data_dir, folder)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["duplicates"] == 2  # the batch stored before the kill
    assert report["imported"] == 3
    app = make_app(
        data_dir,
        SQLALCHEMY_DATABASE_URI=databases.database_url(data_dir, "kennisnet.db"),
        UPLOAD_DIR=data_dir / "uploads",
        INDEX_DIR=data_dir / "index",
        INSTANCE_DIR=data_dir / "instance",
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DocumentFile)) == 5
        statuses = set(db.session.scalars(select(Document.status)))
        assert statuses == {Status.READY}
        assert backend().indexed_ids() == set(db.session.scalars(select(Document.id)))
        stored = [
            p for p in (data_dir / "uploads").rglob("*") if p.is_file() and ".tmp" not in p.parts
        ]
        assert len(stored) == 5
        db.session.remove()
        db.engine.dispose()
    assert os.environ.get("KENNISNET_FAULT") is None


def test_collect_files_leaves_hidden_files_out(tmp_path: Path) -> None:
    write_files(tmp_path / "a", 2)
    (tmp_path / "a" / ".verborgen.txt").write_text("nee")
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / ".git" / "x.txt").write_text("nee")
    assert [p.name for p in collect_files([tmp_path / "a"])] == ["verslag-0.txt", "verslag-1.txt"]


def test_a_batch_rolled_back_by_a_race_is_stored_again_file_by_file(
    app: Flask, tmp_path: Path, monkeypatch
) -> None:
    from kennisnet.documents import importing

    app.config.update(INDEX_BATCH_SIZE=3, INDEX_BATCH_MS=60_000)
    files = write_files(tmp_path / "archief", 3)
    real_stage = importing.stage_files
    stagings: list[int] = []

    def racing(puts, *args):  # type: ignore[no-untyped-def]
        staged = real_stage(puts, *args)
        stagings.append(len(puts))
        if len(stagings) == 1:
            # Another upload of the second file's bytes commits between our check and our
            # flush, in a session of its own.
            with app.app_context():
                make_document(None, content=files[1].read_bytes(), filename="tegelijk.txt")
        return staged

    monkeypatch.setattr(importing, "stage_files", racing)
    report = import_files(files, Metadata(visibility="public"))
    assert stagings == [3]  # then file by file
    assert report.imported == 2 and report.duplicates == 1
    assert db.session.scalar(select(func.count()).select_from(DocumentFile)) == 3
    assert set(db.session.scalars(select(Document.status))) == {Status.READY}
    stored = [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]
    assert len([p for p in stored if ".tmp" not in p.parts]) == 3


def test_the_same_bytes_twice_in_one_batch_are_one_document(app: Flask, tmp_path: Path) -> None:
    app.config.update(INDEX_BATCH_SIZE=10, INDEX_BATCH_MS=60_000)
    files = write_files(tmp_path / "archief", 2)
    copy = tmp_path / "archief" / "verslag-kopie.txt"
    copy.write_bytes(files[0].read_bytes())
    report = import_files([files[0], copy, files[1]], Metadata(visibility="public"))
    assert report.imported == 2 and report.duplicates == 1
    first = report.documents[0]["id"]
    assert report.documents[1] == {"id": first, "path": str(copy), "status": "duplicate"}
    assert db.session.scalar(select(func.count()).select_from(DocumentFile)) == 2


def test_a_batch_syncs_its_files_once_before_its_rows_are_committed(
    app: Flask, tmp_path: Path, monkeypatch
) -> None:
    app.config.update(INDEX_BATCH_SIZE=3, INDEX_BATCH_MS=60_000)
    events: list[str] = []
    real_fsync, real_commit = os.fsync, db.session.commit
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(FileStore, "sync", lambda self: events.append("sync"))
    monkeypatch.setattr(db.session, "commit", lambda: (events.append("commit"), real_commit())[1])
    import_files(write_files(tmp_path / "archief", 3), Metadata(visibility="public"))
    stored = events[: events.index("sync")]
    assert "fsync" not in stored  # not two fsyncs a file: one sync for the batch
    assert "commit" not in stored


def test_the_worker_pool_is_warmed_before_the_first_batch(
    app: Flask, tmp_path: Path, monkeypatch
) -> None:
    app.config.update(EXTRACTION_ISOLATED=True, EXTRACTION_WORKERS=2)
    warmed: list[tuple[int, int, tuple[str, ...]]] = []
    monkeypatch.setattr(POOL, "warm", lambda *args: warmed.append(args))
    import_files(write_files(tmp_path / "archief", 1), Metadata(visibility="public"))
    # With the FTS5 engine the workers analyse the text for the index as well.
    # First of all; a worker that earlier tests left grown may be replaced after it (warm(1)).
    assert warmed[0] == (2, app.config["EXTRACTION_MEMORY_MB"], (BODY_ANALYSER,))


def test_a_batch_costs_the_same_few_queries_whatever_its_size(
    app: Flask, tmp_path: Path, monkeypatch
) -> None:
    # Previews are the worker's business later, a document at a time: not counted here.
    monkeypatch.setattr(queue, "commit_then_enqueue", lambda *args, **kwargs: None)

    def statements_for(count: int) -> int:
        app.config.update(INDEX_BATCH_SIZE=count, INDEX_BATCH_MS=60_000)
        files = write_files(tmp_path / f"archief-{count}", count)
        for n, path in enumerate(files):  # each file its own bytes across both runs
            path.write_text(f"{path.read_text()} Uniek {count}-{n}.")
        seen: list[str] = []

        def count_select(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count_select)
        try:
            import_files(files, Metadata(visibility="public"))
        finally:
            event.remove(db.engine, "before_cursor_execute", count_select)
        return len(seen)

    small, large = statements_for(2), statements_for(12)
    # The duplicate check is one query a file; reading and indexing are per batch.
    assert large - small <= 10


def test_the_next_batch_is_being_read_while_one_is_finished(
    app: Flask, tmp_path: Path, monkeypatch
) -> None:
    from kennisnet.documents import importing

    app.config.update(INDEX_BATCH_SIZE=2, INDEX_BATCH_MS=60_000)
    events: list[str] = []
    real_start, real_finish = importing.start_reading, importing.finish_reading

    def start(jobs, threads):  # type: ignore[no-untyped-def]
        events.append(f"read {len(jobs)}")
        return real_start(jobs, threads)

    def finish(reads):  # type: ignore[no-untyped-def]
        events.append(f"finish {len(reads.jobs)}")
        return real_finish(reads)

    monkeypatch.setattr(importing, "start_reading", start)
    monkeypatch.setattr(importing, "finish_reading", finish)
    report = import_files(write_files(tmp_path / "archief", 5), Metadata(visibility="public"))
    assert report.imported == 5
    assert events == ["read 2", "read 2", "finish 2", "read 1", "finish 2", "finish 1"]
    assert set(db.session.scalars(select(Document.status))) == {Status.READY}


def test_the_extraction_workers_analyse_the_body_for_the_index(
    app: Flask, tmp_path: Path, monkeypatch
) -> None:
    from kennisnet.search.analysis import body_terms

    app.config.update(EXTRACTION_ISOLATED=True, EXTRACTION_WORKERS=1)
    search = backend()
    given: list[tuple[str, ...] | None] = []
    original = search.index

    def capturing(docs):  # type: ignore[no-untyped-def]
        docs = list(docs)
        given.extend(doc.body_terms for doc in docs)
        return original(docs)

    monkeypatch.setattr(search, "index", capturing)
    path = tmp_path / "archief" / "verslag.txt"
    path.parent.mkdir()
    path.write_text("De bewoners vergaderden over de buurt-\nmoestuinen.")
    assert import_files([path], Metadata(visibility="public")).imported == 1
    assert given == [body_terms(path.read_text())]
    assert search.search(SearchQuery(text="buurtmoestuin")).total == 1
    assert search.search(SearchQuery(text="bewoner")).total == 1
