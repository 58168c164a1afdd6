"""Commands to run and keep Kennisnet: init, serve, worker, check, backup, restore, demo."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import locate_app, with_appcontext
from flask_migrate import upgrade
from waitress import serve

from kennisnet.cli.base import fail, progress
from kennisnet.core import queue
from kennisnet.core.errors import DomainError
from kennisnet.core.extensions import db
from kennisnet.curation import categories
from kennisnet.documents import fields, tasks
from kennisnet.documents.indexing import rebuild_index
from kennisnet.documents.processing import warm_extraction
from kennisnet.maintenance import consistency
from kennisnet.maintenance.backup import create_backup, restore_backup


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database and seed the standard types and themes."""

    for key in ("UPLOAD_DIR", "INDEX_DIR", "INSTANCE_DIR", "PREVIEW_DIR"):
        Path(current_app.config[key]).mkdir(parents=True, exist_ok=True)
    upgrade()
    categories.seed()
    fields.seed_fields()
    click.echo("Database is bijgewerkt; standaardsoorten en thema's staan klaar.")


def _ensure_index() -> None:

    state = tasks.ensure_index()
    if state == "unreadable":
        click.echo("De zoekindex was onleesbaar; hij wordt op de achtergrond opnieuw opgebouwd.")
    elif state == "outdated":
        click.echo("De zoekindex is verouderd; hij wordt op de achtergrond opnieuw opgebouwd.")


@click.command("check")
@click.option("--repair", is_flag=True, help="Herstel wat gevonden wordt.")
@click.option(
    "--older-than",
    type=float,
    default=None,
    help="Negeer wat jonger is dan dit aantal seconden (kan nog bezig zijn). Standaard 600.",
)
@click.option("--json", "as_json", is_flag=True, help="Schrijf het resultaat als JSON.")
@with_appcontext
def check_command(repair: bool, older_than: float | None, as_json: bool) -> None:
    """Compare database, files and index; exit code 1 when anything is inconsistent.

    With --repair: flag documents whose file is missing, remove unused files and leftovers
    of interrupted uploads, bring the index in line and process documents that got stuck.
    """

    age = consistency.DEFAULT_OLDER_THAN if older_than is None else older_than
    try:
        found = consistency.check(older_than=age)
        repairs = after = None
        if repair and not found.clean:
            repairs = consistency.repair(found)
            after = consistency.check(older_than=age)
    except DomainError as exc:  # the object store does not answer: say so, change nothing
        fail(exc.message)
    final = after or found
    if as_json:
        body: dict[str, object] = {"found": found.as_dict(), "clean": final.clean}
        if repairs is not None and after is not None:
            body["repaired"] = asdict(repairs)
            body["after"] = after.as_dict()
        click.echo(json.dumps(body, ensure_ascii=False))
    else:
        for line in found.lines():
            click.echo(line)
        if repairs is not None and after is not None:
            for line in repairs.lines():
                click.echo(f"hersteld: {line}")
            for line in after.lines():
                click.echo(f"nog steeds: {line}")
        if final.clean:
            click.echo("In orde: database, bestanden en index kloppen met elkaar.")
        else:
            click.echo(f"{final.problems} problemen gevonden.")
    if not final.clean:
        sys.exit(1)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-index", is_flag=True, help="Neem ook de zoekindex mee.")
@with_appcontext
def backup_command(path: Path, with_index: bool) -> None:
    """Write a tar.gz with the database (SQLite), the files and a manifest; safe while running.

    PostgreSQL: use pg_dump for the database and copy uploads/ beside it.
    """
    try:
        with progress("Backup") as report_progress:
            result = create_backup(path, with_index=with_index, on_progress=report_progress)
    except DomainError as exc:
        fail(exc.message)
    click.echo(
        f"Backup geschreven naar {result.path}: {result.documents} documenten, "
        f"{result.files} bestanden ({result.bytes} bytes)"
        + (", met index." if result.with_index else ", zonder index.")
    )
    for missing in result.missing_files:
        click.echo(f"let op: bestand ontbrak al: uploads/{missing}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Restore a backup into an empty data directory, then rebuild and check the index."""

    for key in ("UPLOAD_DIR", "INDEX_DIR", "INSTANCE_DIR", "PREVIEW_DIR"):
        Path(current_app.config[key]).mkdir(parents=True, exist_ok=True)
    try:
        with progress("Terugzetten") as report_progress:
            result = restore_backup(path, on_progress=report_progress)
    except DomainError as exc:
        fail(exc.message)
    db.engine.dispose()  # no connection may have seen the file before it was replaced
    upgrade()  # a backup from an older release gets the current schema
    if result.with_index:
        click.echo("Index teruggezet uit de backup.")
    else:
        with progress("Index opbouwen", unit="documenten") as report_progress:
            count = rebuild_index(on_progress=report_progress)
        click.echo(f"Index opnieuw opgebouwd: {count} documenten.")
    # Nothing else runs on a freshly restored data directory, so nothing is "in flight".
    found = consistency.check(older_than=0)
    if not found.clean:
        consistency.repair(found)
    after = consistency.check(older_than=0)
    click.echo(
        f"Teruggezet: {result.documents} documenten, {result.files} bestanden."
        + ("" if after.clean else f" {after.problems} problemen over; zie `kennisnet check`.")
    )
    if not after.clean:
        sys.exit(1)


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Aantal werkthreads.")
@with_appcontext
def worker_command(workers: int | None) -> None:
    """Run the background workers alone (for deployments that run them apart)."""
    _ensure_index()
    warm_extraction()  # the first upload then finds a worker ready
    resumed = tasks.resume_unfinished()
    if resumed:
        click.echo(f"{resumed} onafgemaakte documenten opnieuw in de wachtrij gezet.")
    queue.run_worker(
        workers or current_app.config["TASKS_WORKERS"],
        sweep=tasks.resume_unfinished,
        every=current_app.config["QUEUE_SWEEP_SECONDS"],
    )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
@click.option("--threads", type=int, default=8, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Aantal webprocessen; meer dan 1 draait gunicorn.",
)
@click.option("--no-worker", is_flag=True, help="Start geen achtergrondwerker mee.")
@with_appcontext
def serve_command(host: str, port: int, threads: int, workers: int, no_worker: bool) -> None:
    """Serve with a production WSGI server and a background worker alongside: waitress in
    one process, or gunicorn with ``--workers`` processes."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _ensure_index()
    worker = None
    if not no_worker and not app.config["TASKS_IMMEDIATE"]:
        worker = subprocess.Popen([sys.executable, "-m", "kennisnet.cli", "worker"])
    click.echo(f"Kennisnet draait op http://{host}:{port}/  (stoppen: Ctrl-C)")
    try:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        if workers > 1:
            _serve_with_gunicorn(host, port, workers, threads)
        else:
            serve(app, host=host, port=port, threads=threads, ident="kennisnet")
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()


def _serve_with_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    # Imported here: only a multi-process deployment needs gunicorn (and it is POSIX-only).
    from gunicorn.app.base import BaseApplication

    class _Kennisnet(BaseApplication):
        """Each gunicorn worker builds its own app after the fork: no shared connections."""

        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("proc_name", "kennisnet")
            self.cfg.set("accesslog", None)

        def load(self) -> Any:
            # Located by name, as the command group does: importing the factory is a cycle.
            return locate_app("kennisnet", "create_app")

    _Kennisnet().run()


@click.command("demo")
@click.option("--admin-email", default="beheer@example.org", show_default=True)
@with_appcontext
def demo_command(admin_email: str) -> None:
    """Load the demo data (once) and print the demo admin's login with a fresh password."""
    # Imported here: the demo's document writers (DOCX, PDF, ODT) would slow every command's start.
    from kennisnet.maintenance.demo import load_demo

    result = load_demo(admin_email)
    if result.loaded:
        click.echo(f"Demodata geladen: {result.documents} documenten.")
    else:
        click.echo("Demodata stond er al.")
    click.echo(f"Demobeheerder: {result.admin_email}")
    click.echo(f"Wachtwoord:    {result.admin_password}")


COMMANDS = (
    init_command,
    serve_command,
    worker_command,
    check_command,
    backup_command,
    restore_command,
    demo_command,
)
