"""A consistent copy of the database for backups, and putting one back: SQLite or PostgreSQL.

SQLite is copied with its online backup API. PostgreSQL is dumped with ``pg_dump`` from an
exported snapshot: one REPEATABLE READ transaction exports it, reads the facts the backup needs
(documents, the files they refer to, the schema revision) and keeps it open while ``pg_dump``
dumps exactly that state, so the archive's files match its database even while others write.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from kennisnet.core.errors import DomainError

SQLITE_MEMBER = "database/kennisnet.sqlite3"
POSTGRES_MEMBER = "database/kennisnet.pgdump"
MEMBERS = {"sqlite": SQLITE_MEMBER, "postgresql": POSTGRES_MEMBER}

_FILES_SQL = "SELECT stored_path, thumbnail_path, page_paths FROM document_files ORDER BY id"


class DatabaseCopyError(DomainError):
    code = "backup"
    status = 400


@dataclass
class Facts:
    """What the copied state holds: counted and listed from the copy itself."""

    documents: int = 0
    uploads: list[str] = field(default_factory=list)
    previews: list[str] = field(default_factory=list)
    revision: str | None = None


def kind(database_url: str) -> str:
    """``sqlite`` or ``postgresql``; anything else cannot be backed up here."""
    name = make_url(database_url).get_backend_name()
    if name not in MEMBERS:
        raise DatabaseCopyError(
            f"Een {name}-database kan `kennisnet backup` niet bewaren; gebruik SQLite of "
            "PostgreSQL, of het eigen gereedschap van deze database."
        )
    return name


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite database URL; None for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _collect(rows: Iterator[Any] | Any, facts: Facts) -> None:
    for stored, thumbnail, pages in rows:
        facts.uploads.append(stored)
        pages = json.loads(pages) if isinstance(pages, str) else pages
        facts.previews += [*([thumbnail] if thumbnail else []), *(pages or [])]


# --- SQLite ----------------------------------------------------------------------------------


def _copy_sqlite(source: Path, target: Path) -> Facts:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    con = sqlite3.connect(target)
    try:
        facts = Facts(documents=con.execute("SELECT count(*) FROM documents").fetchone()[0])
        _collect(con.execute(_FILES_SQL), facts)
        with contextlib.suppress(sqlite3.Error):
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            facts.revision = row[0] if row else None
        return facts
    finally:
        con.close()


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: from PATH, else Debian's newest server version."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise DatabaseCopyError(
            f"{name} ontbreekt: installeer de PostgreSQL-clientprogramma's "
            "(Debian: apt-get install postgresql-client)."
        )
    return str(candidates[-1])


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (which goes in the environment, not the process list)."""
    url: URL = make_url(database_url)
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _connect(database_url: str) -> Any:
    import psycopg  # only PostgreSQL installations load the driver

    dsn, _ = _libpq(database_url)
    password = make_url(database_url).password
    return psycopg.connect(dsn, password=password) if password else psycopg.connect(dsn)


def _dump_postgres(database_url: str, target: Path) -> Facts:
    dsn, env = _libpq(database_url)
    with _connect(database_url) as con:
        con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = con.execute("SELECT pg_export_snapshot()").fetchone()[0]
        facts = Facts(documents=con.execute("SELECT count(*) FROM documents").fetchone()[0])
        _collect(con.execute(_FILES_SQL), facts)
        if con.execute("SELECT to_regclass('alembic_version')").fetchone()[0]:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            facts.revision = row[0] if row else None
        # The snapshot lives as long as this transaction: pg_dump runs inside the with.
        result = subprocess.run(  # noqa: S603 - fixed program, our own arguments
            [
                postgres_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={dsn}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        con.rollback()
    if result.returncode != 0:
        raise DatabaseCopyError(f"pg_dump mislukte: {result.stderr.strip()[:500]}")
    return facts


def _postgres_is_empty(database_url: str) -> bool:
    with _connect(database_url) as con:
        row = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchone()
    return row[0] == 0


def _restore_postgres(database_url: str, dump: Path) -> None:
    dsn, env = _libpq(database_url)
    result = subprocess.run(  # noqa: S603 - fixed program, our own arguments
        [
            postgres_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={dsn}",
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise DatabaseCopyError(f"pg_restore mislukte: {result.stderr.strip()[:500]}")


# --- the two together ------------------------------------------------------------------------


def copy(database_url: str, work: Path) -> tuple[Path, str, Facts]:
    """Copy the database into ``work``: the file, its archive member name, and its facts."""
    engine = kind(database_url)
    if engine == "sqlite":
        source = sqlite_path(database_url)
        if source is None:
            raise DatabaseCopyError("Een SQLite-database in het geheugen valt niet te bewaren.")
        target = work / "kennisnet.sqlite3"
        return target, SQLITE_MEMBER, _copy_sqlite(source, target)
    target = work / "kennisnet.pgdump"
    return target, POSTGRES_MEMBER, _dump_postgres(database_url, target)


def is_empty(database_url: str) -> bool:
    if kind(database_url) == "sqlite":
        path = sqlite_path(database_url)
        return path is None or not path.exists() or path.stat().st_size == 0
    return _postgres_is_empty(database_url)


def member_for(database_url: str) -> str:
    return MEMBERS[kind(database_url)]


def restore_postgres(database_url: str, dump: Path) -> None:
    """Load a dump made by ``copy`` into the (empty) PostgreSQL database of ``database_url``."""
    _restore_postgres(database_url, dump)
