"""`kennisnet check`: every way database, files and index can disagree, found and repaired."""

from __future__ import annotations

import gc
import io
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from kennisnet.core.extensions import db
from kennisnet.core.storage import FileStore, S3Store, Store, file_store
from kennisnet.documents import tasks
from kennisnet.documents.indexing import to_indexed
from kennisnet.documents.models import Document, Status
from kennisnet.documents.processing import MISSING_FILE
from kennisnet.search import backend
from tests.conftest import make_app
from tests.factories import make_document, make_user
from tests.s3server import BOTH_STORES

ORPHAN = "ab/cd/abcd" + "0" * 60


def check(runner, *args: str) -> tuple[int, dict]:
    result = runner.invoke(args=["check", "--older-than", "0", "--json", *args])
    return result.exit_code, json.loads(result.output)


def search_total(client, text: str) -> int:
    response = client.get("/api/v1/search", query_string={"q": text})
    assert response.status_code == 200
    return response.get_json()["total"]


def break_everything(app: Flask) -> dict[str, int]:
    """One of each inconsistency a crash can leave behind."""
    user = make_user()
    gone = make_document(user, "Het verslag van de fietsenwerkplaats.")
    unindexed = make_document(user, "Notulen van de ledenvergadering over zonnepanelen.")
    stuck = make_document(user, "Plan voor de repaircafé op zaterdag.")
    ok = make_document(user, "De buurtbus rijdt elke dinsdag.")
    store = file_store()
    store.remove(gone.file.stored_path)
    orphan = store.put(io.BytesIO(b"niemand verwijst naar mij")).relative_path
    leftover = half_written(store)
    backend().remove([unindexed.id])
    backend().index([replace(to_indexed(ok), id=999)])
    stuck.status = Status.PROCESSING
    db.session.commit()
    return {"gone": gone.id, "unindexed": unindexed.id, "stuck": stuck.id, "ok": ok.id} | {
        "orphan": orphan,
        "leftover": leftover,
    }


def half_written(store: Store) -> str:
    """What an interrupted write leaves: a temporary file, or an unfinished multipart upload."""
    if isinstance(store, S3Store):
        key = store.key(ORPHAN)
        upload = store.client.create_multipart_upload(Bucket=store.bucket, Key=key)
        store.client.upload_part(
            Bucket=store.bucket,
            Key=key,
            UploadId=upload["UploadId"],
            PartNumber=1,
            Body=b"half geschreven",
        )
        return f"{ORPHAN}?uploadId={upload['UploadId']}"
    assert isinstance(store, FileStore)
    store.tmp_dir.mkdir(exist_ok=True)
    (store.tmp_dir / "upload-half").write_bytes(b"half geschreven")
    return "upload-half"


def test_clean_data_checks_clean(runner) -> None:
    make_document(make_user(), "Een gewoon document.")
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "In orde" in result.output


@BOTH_STORES
def test_check_reports_every_kind(app: Flask, runner) -> None:
    ids = break_everything(app)
    code, body = check(runner)
    assert code == 1
    found = body["found"]
    assert [m["document_id"] for m in found["missing_files"]] == [ids["gone"]]
    assert found["orphan_files"] == [ids["orphan"]]
    assert found["tmp_leftovers"] == [ids["leftover"]]
    assert found["stale_index"] == [999]
    assert found["unindexed"] == [ids["unindexed"]]
    assert found["stuck"] == [ids["stuck"]]
    assert found["problems"] == 6 and body["clean"] is False
    text = runner.invoke(args=["check", "--older-than", "0"])
    assert text.exit_code == 1
    assert f"bestand ontbreekt: document {ids['gone']}" in text.output
    assert "6 problemen gevonden." in text.output


@BOTH_STORES
def test_repair_fixes_and_keeps_rows(app: Flask, runner, client) -> None:
    ids = break_everything(app)
    code, body = check(runner, "--repair")
    assert code == 0, body
    assert body["after"]["problems"] == 0 and body["clean"] is True
    gone = db.session.get(Document, ids["gone"])
    assert gone is not None and gone.status == Status.FAILED
    assert gone.file.extraction_error == MISSING_FILE
    store = file_store()
    assert not store.exists(ids["orphan"])
    assert list(store.leftovers()) == []
    assert {f.relative_path for f in store.listing()} == {
        f.stored_path for doc in db.session.scalars(select(Document)) for f in doc.files
    } - {gone.file.stored_path}
    assert backend().indexed_ids() == {ids["gone"], ids["unindexed"], ids["stuck"], ids["ok"]}
    assert db.session.get(Document, ids["stuck"]).status == Status.READY
    assert search_total(client, "zonnepanelen") == 1
    assert search_total(client, "repaircafé") == 1
    # Flagged rows are known, not new problems: a second check is clean.
    assert check(runner)[0] == 0


@BOTH_STORES
def test_file_coming_back_is_processed_again(app: Flask, runner) -> None:
    doc = make_document(make_user(), "Tekst over de moestuin.")
    store = file_store()
    with store.open(doc.file.stored_path).file as stored:
        content = stored.read()
    store.remove(doc.file.stored_path)
    assert check(runner, "--repair")[0] == 0
    store.put(io.BytesIO(content))
    code, body = check(runner, "--repair")
    assert body["found"]["recovered"] == [doc.id] and code == 0
    db.session.refresh(doc)
    assert doc.status == Status.READY and doc.file.extraction_error is None


def test_young_leftovers_are_left_alone(app: Flask, runner) -> None:
    """An upload between its rename and its commit looks like an orphan; age tells them apart."""
    store = file_store()
    orphan = store.root / ORPHAN
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"net binnen")
    assert runner.invoke(args=["check", "--repair"]).exit_code == 0
    assert orphan.exists()
    hour_ago = orphan.stat().st_mtime - 3600
    os.utime(orphan, (hour_ago, hour_ago))
    assert runner.invoke(args=["check", "--repair"]).exit_code == 0
    assert not orphan.exists()


# Whoosh (whoosh-reloaded 2.7.5) leaves the table of contents open when it cannot parse it.
whoosh_toc_leak = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io.FileIO name=.*_kennisnet_.*toc"
    ":pytest.PytestUnraisableExceptionWarning"
)


def close_leaked_files(directory: Path) -> None:
    """Close what a log record of the error keeps alive, or it would warn in a later test."""
    for obj in gc.get_objects():
        # getattr: a gzip stream's reader (the lemma lexicon) is a BufferedReader without a name.
        name = str(getattr(obj, "name", "")) if isinstance(obj, io.BufferedReader) else ""
        if name.startswith(str(directory)):
            obj.close()


def restarted(app: Flask) -> Flask:
    """A fresh app on the same data, as after a restart: nothing of the old index cached."""
    return make_app(
        app.config["DATA_DIR"], SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"]
    )


def corrupt_index(app: Flask) -> None:
    index_dir = Path(app.config["INDEX_DIR"])
    generation = (index_dir / "CURRENT").read_text().strip()
    segments = [p for p in (index_dir / generation).iterdir() if p.suffix != ".json"]
    assert segments
    for path in segments:
        path.write_bytes(b"\x00garbage" * 3)


@whoosh_toc_leak
def test_corrupt_index_keeps_search_answering_until_rebuilt(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_document(make_user(), "Een verhaal over de buurtbus.")
    corrupt_index(app)
    fresh = restarted(app)
    client = fresh.test_client()
    queued: list[str] = []
    with fresh.app_context():
        monkeypatch.setattr(tasks, "rebuild_index", lambda: queued.append("rebuild"))
        assert tasks.ensure_index() == "unreadable"
        assert queued == ["rebuild"]
        assert search_total(client, "buurtbus") == 0  # empty, not an error, while it rebuilds
        monkeypatch.undo()
        tasks.rebuild_index()
        assert search_total(client, "buurtbus") == 1
        assert tasks.ensure_index() == "ok"
        db.session.remove()
    close_leaked_files(app.config["INDEX_DIR"])


@whoosh_toc_leak
def test_check_repairs_corrupt_index(app: Flask) -> None:
    make_document(make_user(), "Een verhaal over de buurtbus.")
    corrupt_index(app)
    fresh = restarted(app)
    with fresh.app_context():
        code, body = check(fresh.test_cli_runner(), "--repair")
        assert body["found"]["index"] == "unreadable"
        assert body["repaired"]["index_rebuilt"] == 1 and code == 0
        assert search_total(fresh.test_client(), "buurtbus") == 1
        db.session.remove()
    close_leaked_files(app.config["INDEX_DIR"])


def test_trashed_document_left_in_index_is_removed(app: Flask, runner) -> None:
    """A crash between moving a document to the trash and updating the index would leak it."""
    doc = make_document(make_user(), "Geheime notulen.")
    doc.deleted_at = doc.created_at
    db.session.commit()
    code, body = check(runner, "--repair")
    assert body["found"]["hidden_indexed"] == [doc.id] and code == 0
    assert doc.id not in backend().indexed_ids()
