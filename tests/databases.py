"""The database a test runs on: SQLite, or a real throwaway PostgreSQL server.

``make test`` runs the suite twice: once as it is (SQLite files under each test's tmp_path) and
once with ``KENNISNET_TEST_DB=postgresql``. Then one PostgreSQL server is started for the whole
session from Debian's binaries (initdb and pg_ctl in a temporary folder, a unix socket only,
fsync off) and every test data folder gets a database of its own, dropped after the test.

A database that a test's ``app`` fixture migrates is cloned from a template migrated once per
session: ``CREATE DATABASE ... TEMPLATE`` takes milliseconds, running the migrations a second.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

ENGINE = (os.environ.get("KENNISNET_TEST_DB") or "sqlite").strip().lower()
POSTGRES = ENGINE in {"postgres", "postgresql"}
INSTALL_HINT = "apt-get install postgresql-15 (make test installs it)"
MIGRATED_TEMPLATE = "kn_migrated"


def postgres_bindir() -> Path | None:
    """Debian's newest PostgreSQL server binaries (``/usr/lib/postgresql/<version>/bin``)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


class PostgresServer:
    """A PostgreSQL server in a temporary folder, reached over a unix socket only.

    PostgreSQL refuses to run as root; as root the server runs as the ``postgres`` account that
    Debian's package creates (or ``nobody``).
    """

    def __init__(self, *, name: str = "kn-pg", settings: dict[str, str] | None = None) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            raise RuntimeError(f"no PostgreSQL server here: {INSTALL_HINT}")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        self.data = self.root / "data"
        self.user = self._server_user()
        self.settings = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.root}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "400",
            "shared_buffers": "128MB",
            "wal_level": "replica",
            "max_wal_senders": "4",
            **(settings or {}),
        }
        self._lock = threading.Lock()

    @staticmethod
    def _server_user() -> str | None:
        if os.geteuid() != 0:
            return None
        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                pwd.getpwnam(name)
                return name
        raise RuntimeError("running as root, but there is no postgres or nobody account")

    def _run(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args,
            user=self.user,
            check=True,
            capture_output=True,
            text=True,
            cwd=self.root,
            **kwargs,  # type: ignore[arg-type]
        )

    def _write_settings(self) -> None:
        # Later lines win: a replica's copied configuration gets this server's own socket.
        with (self.data / "postgresql.conf").open("a") as conf:
            for key, value in self.settings.items():
                conf.write(f"{key} = {value}\n")

    def _pg_ctl_start(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def start_replica_of(self, primary: PostgresServer) -> PostgresServer:
        """A streaming replica, copied from ``primary`` with pg_basebackup."""
        if self.user:
            shutil.chown(self.root, self.user)
        self._run(
            str(self.bindir / "pg_basebackup"),
            "-D",
            str(self.data),
            "-R",  # writes standby.signal and primary_conninfo
            "-X",
            "stream",
            "-d",
            primary.libpq_url(),
        )
        self._write_settings()
        self._pg_ctl_start()
        return self

    def start(self) -> PostgresServer:
        if self.user:
            shutil.chown(self.root, self.user)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "kennisnet",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self._write_settings()
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write("local replication all trust\n")
        self._pg_ctl_start()
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://kennisnet@/{database}?host={self.root}"

    def libpq_url(self, database: str = "postgres") -> str:
        return self.url(database, driver="postgresql")

    def execute(self, sql: str, *params: object, database: str = "postgres") -> list[tuple]:
        import psycopg  # only the PostgreSQL run needs the driver loaded

        with psycopg.connect(self.libpq_url(database), autocommit=True) as con:
            cursor = con.execute(sql, params or None)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str, template: str = "template0") -> None:
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_server: PostgresServer | None = None
_server_lock = threading.Lock()
_by_folder: dict[tuple[str, str], str] = {}
_created: list[str] = []


def server() -> PostgresServer:
    """The session's PostgreSQL server, started on first use and stopped at exit."""
    global _server
    with _server_lock:
        if _server is None:
            started = PostgresServer().start()
            atexit.register(started.stop)
            _server = started
        return _server


def _migrated_template() -> str:
    pg = server()
    if not pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", MIGRATED_TEMPLATE):
        from flask_migrate import upgrade  # the template is made once, on first use

        from tests.conftest import make_app

        pg.create_database(MIGRATED_TEMPLATE)
        folder = Path(tempfile.mkdtemp(prefix="kn-template-"))
        app = make_app(folder, SQLALCHEMY_DATABASE_URI=pg.url(MIGRATED_TEMPLATE))
        with app.app_context():
            from kennisnet.core.extensions import db

            upgrade()
            db.session.remove()
            db.engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    return MIGRATED_TEMPLATE


def database_url(data_dir: Path, file_name: str = "test.db", *, migrated: bool = False) -> str:
    """The database of one test data folder: a SQLite file in it, or a PostgreSQL database.

    The same folder (and file name) always gives the same database, so a test can open its data
    again as after a restart, or hand it to a command in another process.
    """
    if not POSTGRES:
        return f"sqlite:///{Path(data_dir) / 'instance' / file_name}"
    key = (str(Path(data_dir).resolve()), file_name)
    name = _by_folder.get(key)
    if name is None:
        digest = hashlib.sha1("\0".join(key).encode()).hexdigest()[:20]  # noqa: S324 - a name
        name = f"t_{digest}"
        pg = server()
        pg.drop_database(name)
        pg.create_database(name, _migrated_template() if migrated else "template0")
        _by_folder[key] = name
        _created.append(name)
    return server().url(name)


def clone(source_dir: Path, target_dir: Path, file_name: str = "kennisnet.db") -> None:
    """Give ``target_dir`` a copy of ``source_dir``'s database, as copying the folder does for
    SQLite (the source must have no open connections)."""
    if not POSTGRES:
        return
    database_url(source_dir, file_name)
    source = _by_folder[(str(Path(source_dir).resolve()), file_name)]
    key = (str(Path(target_dir).resolve()), file_name)
    name = f"t_{hashlib.sha1(chr(0).join(key).encode()).hexdigest()[:20]}"  # noqa: S324
    pg = server()
    pg.drop_database(name)
    pg.create_database(name, source)
    _by_folder[key] = name
    _created.append(name)


def subprocess_env(data_dir: Path, file_name: str = "kennisnet.db") -> dict[str, str]:
    """What a ``kennisnet`` command in another process needs to find the folder's database."""
    if not POSTGRES:
        return {}
    return {"KENNISNET_DATABASE_URL": database_url(data_dir, file_name)}


def created() -> set[str]:
    return set(_created)


def keep(names: set[str]) -> None:
    """Keep these past the current test: a module or session fixture made them for later tests
    (they go with the server at the end of the session)."""
    _created[:] = [name for name in _created if name not in names]


def drop_test_databases() -> None:
    """Drop the databases made during the test that just ended."""
    if not _created:
        return
    pg = server()
    for name in _created:
        pg.drop_database(name)
    dropped = set(_created)
    _created.clear()
    for key in [k for k, v in _by_folder.items() if v in dropped]:
        del _by_folder[key]


@contextlib.contextmanager
def extra_server(**settings: str) -> Iterator[PostgresServer]:
    """A PostgreSQL server of a test's own (a primary for a replica, a crash test)."""
    pg = PostgresServer(name="kn-pg-extra", settings=settings).start()
    try:
        yield pg
    finally:
        pg.stop()
