"""Backups: the database, the files it refers to and (optionally) the index in one tar.gz.

The database copy is a committed state even while the server and worker write (SQLite's online
backup API, or pg_dump of an exported PostgreSQL snapshot: see ``dbcopy``). Files are
content-addressed and never change, so the archive takes exactly the files that copy refers
to, streamed from the file store (the folders or the S3 bucket, whichever the installation
uses); files uploaded after the copy are not needed, and a file deleted in between is listed in
the manifest (``check`` flags it after a restore).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import re
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from flask import current_app

from kennisnet.core.errors import DomainError
from kennisnet.core.storage import Store, file_store, preview_store, remote
from kennisnet.maintenance import dbcopy
from kennisnet.maintenance.dbcopy import sqlite_path
from kennisnet.search import SearchBackend, backend

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
_UPLOAD = re.compile(r"^uploads/([0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{64}))$")
_PREVIEW = re.compile(r"^previews/([0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{64}))$")
_INDEX = re.compile(r"^index/(CURRENT|gen-[0-9]+/[A-Za-z0-9_.\-]+)$")


class BackupError(DomainError):
    code = "backup"
    status = 400


@dataclass
class BackupResult:
    path: Path
    documents: int
    files: int
    bytes: int
    with_index: bool
    missing_files: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    documents: int
    files: int
    with_index: bool
    manifest: dict[str, Any]


def _database_url() -> str:
    url = str(current_app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        dbcopy.kind(url)
    except dbcopy.DatabaseCopyError as exc:
        raise BackupError(exc.message) from exc
    return url


def _version() -> str:
    try:
        return metadata.version("kennisnet")
    except metadata.PackageNotFoundError:
        return "onbekend"


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o640
    tar.addfile(info, io.BytesIO(data))


def create_backup(
    target: Path,
    *,
    with_index: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> BackupResult:
    """Write a tar.gz to ``target`` (through a temporary file, so no half archive remains).

    ``on_progress(done, total)`` hears how many of the files (uploads and previews) are in.
    """
    database_url = _database_url()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kennisnet-backup-") as work:
        try:
            snapshot, member, facts = dbcopy.copy(database_url, Path(work))
        except dbcopy.DatabaseCopyError as exc:
            raise BackupError(exc.message) from exc
        documents, paths, previews = facts.documents, facts.uploads, facts.previews
        fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".backup-", suffix=".tar.gz")
        os.close(fd)
        missing: list[str] = []
        files = total = 0
        try:
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(snapshot, member)
                uploads, shown = list(dict.fromkeys(paths)), list(dict.fromkeys(previews))
                count = len(uploads) + len(shown)
                store = file_store()
                for done, relative in enumerate(uploads, 1):
                    if on_progress is not None:
                        on_progress(done, count)
                    try:
                        total += _add_stored(tar, f"uploads/{relative}", store, relative)
                    except FileNotFoundError:
                        missing.append(relative)
                        continue
                    files += 1
                # Previews come along, so a restored page shows them; a missing one is left
                # out (the page then shows none).
                previews_store = preview_store()
                for done, relative in enumerate(shown, len(uploads) + 1):
                    with contextlib.suppress(FileNotFoundError):
                        _add_stored(tar, f"previews/{relative}", previews_store, relative)
                    if on_progress is not None:
                        on_progress(done, count)
                index_version = None
                if with_index:
                    index_version = _add_index(tar, backend())
                manifest = {
                    "format": FORMAT,
                    "kennisnet_version": _version(),
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "database": dbcopy.kind(database_url),
                    "schema_revision": facts.revision,
                    "documents": documents,
                    "files": files,
                    "bytes": total,
                    "missing_files": missing,
                    "with_index": index_version is not None,
                    "index_schema_version": index_version,
                }
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    if missing:
        log.warning("backup: %d files referenced by the database are missing", len(missing))
    return BackupResult(target, documents, files, total, index_version is not None, missing)


def _add_stored(tar: tarfile.TarFile, name: str, store: Store, relative: str) -> int:
    """One stored file into the archive, streamed from its store; returns its size."""
    opened = store.open(relative)
    with opened.file:
        info = tarfile.TarInfo(name)
        info.size = opened.size
        info.mtime = int(opened.modified)
        info.mode = 0o640
        tar.addfile(info, opened.file)
    return opened.size


def _add_index(tar: tarfile.TarFile, search: SearchBackend) -> str | None:
    """The live index generation, as the backend snapshots it under its write lock."""
    with tempfile.TemporaryDirectory(prefix="kennisnet-index-") as work:
        version = search.snapshot(Path(work))
        if version is None:
            return None
        for path in sorted(Path(work).rglob("*")):
            if path.is_file():
                tar.add(path, f"index/{path.relative_to(work).as_posix()}")
        return version


def _is_empty(upload_dir: Path | None, index_dir: Path, database_url: str) -> bool:
    if not dbcopy.is_empty(database_url):
        return False
    for root in (upload_dir, index_dir):
        if root is None:
            continue
        if root.is_dir() and any(p.is_file() and p.name != ".gitkeep" for p in root.rglob("*")):
            return False
    return True


def restore_backup(
    source: Path, on_progress: Callable[[int, int], None] | None = None
) -> RestoreResult:
    """Unpack an archive into an empty data directory; the caller rebuilds what is missing.

    ``on_progress(done, total)`` hears how many of the manifest's files are back.

    Only the members this module writes are accepted, each checked by name (no paths from
    the archive reach the file system) and every file against its SHA-256 name.
    """
    database_url = _database_url()
    # A bucket may hold the files already (the database host was lost, the bucket was not):
    # content-addressed objects with the backup's names have the backup's bytes.
    upload_dir = None if remote() else Path(current_app.config["UPLOAD_DIR"])
    index_dir = Path(current_app.config["INDEX_DIR"])
    if not _is_empty(upload_dir, index_dir, database_url):
        raise BackupError(
            "De datamap is niet leeg (database, uploads/ of index/ bevat al gegevens). "
            "Terugzetten kan alleen in een lege datamap."
        )
    try:
        tar = tarfile.open(source, "r:gz")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Dit is geen leesbare Kennisnet-backup: {exc}") from exc
    with tar:
        try:
            manifest = json.loads(_member_bytes(tar, MANIFEST))
        except (KeyError, ValueError) as exc:
            raise BackupError("De backup heeft geen geldig manifest.") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Onbekend backupformaat: {manifest.get('format')!r}.")
        files = 0
        index_written = database_written = False
        for member in tar:
            if not member.isfile() or member.name == MANIFEST:
                continue
            if member.name in dbcopy.MEMBERS.values():
                _restore_database(tar, member, database_url)
                database_written = True
            elif match := _UPLOAD.match(member.name):
                _restore_stored(tar, member, file_store(), match.group(2))
                files += 1
                if on_progress is not None:
                    on_progress(files, max(files, int(manifest.get("files", 0))))
            elif match := _PREVIEW.match(member.name):
                _restore_stored(tar, member, preview_store(), match.group(2))
            elif _INDEX.match(member.name):
                _extract_to(tar, member, index_dir / member.name.removeprefix("index/"))
                index_written = True
            else:
                log.warning("restore: skipping unexpected member %s", member.name)
        if not database_written:
            raise BackupError("De backup bevat geen database.")
    return RestoreResult(
        documents=int(manifest.get("documents", 0)),
        files=files,
        with_index=index_written and (index_dir / "CURRENT").exists(),
        manifest=manifest,
    )


def _restore_database(tar: tarfile.TarFile, member: tarfile.TarInfo, database_url: str) -> None:
    expected = dbcopy.member_for(database_url)
    if member.name != expected:
        made_with = "SQLite" if member.name == dbcopy.SQLITE_MEMBER else "PostgreSQL"
        raise BackupError(
            f"Deze backup is van een {made_with}-database en past niet in deze database. "
            "Zet hem terug in hetzelfde soort database."
        )
    database = sqlite_path(database_url)
    if database is not None:
        _extract_to(tar, member, database)
        return
    with tempfile.TemporaryDirectory(prefix="kennisnet-restore-") as work:
        dump = Path(work) / "kennisnet.pgdump"
        _extract_to(tar, member, dump)
        try:
            dbcopy.restore_postgres(database_url, dump)
        except dbcopy.DatabaseCopyError as exc:
            raise BackupError(exc.message) from exc


def _member_bytes(tar: tarfile.TarFile, name: str) -> bytes:
    handle = tar.extractfile(tar.getmember(name))
    if handle is None:
        raise KeyError(name)
    return handle.read()


def _restore_stored(
    tar: tarfile.TarFile, member: tarfile.TarInfo, store: Store, sha256: str
) -> None:
    """Put one archived file back into its store, refusing bytes that do not match the name."""
    source = tar.extractfile(member)
    if source is None:
        raise BackupError(f"Onleesbaar onderdeel in de backup: {member.name}")
    stored = store.put(source)
    if stored.sha256 != sha256:
        store.remove(stored.relative_path)
        raise BackupError(f"Bestand beschadigd in de backup: {member.name}")


def _extract_to(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    """Write one member atomically; returns its SHA-256."""
    source = tar.extractfile(member)
    if source is None:
        raise BackupError(f"Onleesbaar onderdeel in de backup: {member.name}")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    partial = target.with_name(f".{target.name}.restoring")
    with partial.open("wb") as out:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
    return digest.hexdigest()
