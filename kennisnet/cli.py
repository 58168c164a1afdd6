"""The ``kennisnet`` command: thin commands over the services."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.datastructures import MultiDict

from kennisnet.errors import DomainError


def _create_app() -> Flask:
    from kennisnet import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """Kennisnet: de documentenbank van het netwerk van buurt- en wijkcoöperaties."""


def init_app(app: Flask) -> None:
    """Offer the commands on ``app.cli`` too (``flask --app kennisnet ...`` and test runners)."""
    for name, command in main.commands.items():
        if name not in app.cli.commands:
            app.cli.add_command(command, name)


def _fail(message: object) -> None:
    raise click.ClickException(str(message))


@main.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database and seed the standard types and themes."""
    from flask_migrate import upgrade

    from kennisnet import curation, fields

    for key in ("UPLOAD_DIR", "INDEX_DIR", "INSTANCE_DIR"):
        Path(current_app.config[key]).mkdir(parents=True, exist_ok=True)
    upgrade()
    curation.seed()
    fields.seed_fields()
    click.echo("Database is bijgewerkt; standaardsoorten en thema's staan klaar.")


def _read_password(password_stdin: bool) -> tuple[str, bool]:
    """Returns (password, generated)."""
    from kennisnet.accounts import generate_password

    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if sys.stdin.isatty():
        return click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True), False
    return generate_password(), True


def _create_or_update_user(
    email: str, role: str, password_stdin: bool, name: str, organisation: str
) -> None:
    from kennisnet import accounts
    from kennisnet.documents import ensure_organisation
    from kennisnet.extensions import db
    from kennisnet.models import Role

    password, generated = _read_password(password_stdin)
    org = ensure_organisation(organisation) if organisation else None
    existing = accounts.find_user(email)
    try:
        if existing is not None:
            existing.role = Role(role)
            existing.active = True
            if org is not None:
                existing.organisation = org
            accounts.set_password(existing, password)
            db.session.commit()
            user = existing
        else:
            user = accounts.create_user(
                email, password, name=name, role=Role(role), organisation=org
            )
    except DomainError as exc:
        _fail(exc.message)
    labels = {"member": "Lid", "curator": "Redacteur", "admin": "Beheerder"}
    click.echo(f"{labels[role]}: {user.email}")
    if generated:
        click.echo(f"Wachtwoord: {password}")


@main.command("create-admin")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
@click.option("--name", default="", help="Naam van de beheerder.")
@with_appcontext
def create_admin_command(email: str, password_stdin: bool, name: str) -> None:
    """Create an admin account (or make an existing account admin)."""
    _create_or_update_user(email, "admin", password_stdin, name, "")


@main.command("create-user")
@click.argument("email")
@click.option(
    "--role", type=click.Choice(["member", "curator", "admin"]), default="member", show_default=True
)
@click.option("--organisation", default="", help="Naam van de organisatie (wordt aangemaakt).")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
@click.option("--name", default="", help="Naam van de gebruiker.")
@with_appcontext
def create_user_command(
    email: str, role: str, organisation: str, password_stdin: bool, name: str
) -> None:
    """Create an account with a role (or update an existing one)."""
    _create_or_update_user(email, role, password_stdin, name, organisation)


@main.command("purge-trash")
@with_appcontext
def purge_trash_command() -> None:
    """Delete documents that have been in the trash for more than 30 days."""
    from kennisnet.documents import purge_trash

    click.echo(f"{purge_trash()} document(en) definitief verwijderd.")


@main.group("token")
def token_group() -> None:
    """API tokens."""


@token_group.command("create")
@click.argument("email")
@click.option("--label", default="", help="Waarvoor het token is.")
@with_appcontext
def token_create_command(email: str, label: str) -> None:
    """Create an API token for a user; the token is the last line printed."""
    from kennisnet import accounts

    user = accounts.find_user(email)
    if user is None:
        _fail(f"Geen account met e-mailadres {email}.")
    token = accounts.create_api_token(user, label)
    click.echo(
        f"Nieuw API-token voor {user.email} (bewaar het goed, het wordt niet opnieuw getoond):"
    )
    click.echo(token)


def _collect(paths: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            files.append(path)
    return files


@main.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--type", "type_slug", default="overig", show_default=True)
@click.option("--theme", "themes", multiple=True, help="Thema-slug; mag vaker.")
@click.option("--organisation", default="", help="Naam van de organisatie (wordt aangemaakt).")
@click.option("--region", default="")
@click.option(
    "--visibility", type=click.Choice(["public", "members"]), default="members", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Schrijf het resultaat als JSON.")
@with_appcontext
def import_command(
    paths: tuple[str, ...],
    type_slug: str,
    themes: tuple[str, ...],
    organisation: str,
    region: str,
    visibility: str,
    as_json: bool,
) -> None:
    """Import files and folders; when it returns, the documents are indexed."""
    from kennisnet.documents import ensure_organisation
    from kennisnet.ingest import DuplicateUpload, Metadata, ingest_document, process_document

    if organisation:
        ensure_organisation(organisation, region)
    meta = Metadata(
        type=type_slug,
        themes=themes,
        visibility=visibility,
        organisation=organisation,
        region=region,
    )
    imported = duplicates = 0
    refused: list[dict[str, str]] = []
    documents: list[dict[str, object]] = []
    files = _collect(paths)
    show_bar = sys.stderr.isatty() and not as_json
    with click.progressbar(
        files, label="Importeren", file=sys.stderr if show_bar else io.StringIO()
    ) as bar:
        for path in bar:
            try:
                with path.open("rb") as stream:
                    doc = ingest_document(stream, path.name, meta, None, enqueue=False)
            except DuplicateUpload as exc:
                duplicates += 1
                documents.append({"id": exc.existing_id, "path": str(path), "status": "duplicate"})
                continue
            except DomainError as exc:
                refused.append({"path": str(path), "error": str(exc.message)})
                continue
            except OSError as exc:
                refused.append(
                    {"path": str(path), "error": f"Kan het bestand niet lezen: {exc.strerror}"}
                )
                continue
            status = process_document(doc.id)
            imported += 1
            documents.append({"id": doc.id, "path": str(path), "status": str(status)})
    if as_json:
        report = {
            "imported": imported,
            "duplicates": duplicates,
            "refused": refused,
            "documents": documents,
        }
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        for item in documents:
            click.echo(f"{item['status']:<10} {item['id']:>6}  {item['path']}")
        for item in refused:
            click.echo(f"geweigerd         {item['path']}: {item['error']}")
        click.echo(f"{imported} geïmporteerd, {duplicates} dubbel, {len(refused)} geweigerd.")
    if refused:
        sys.exit(1)


@main.command("search")
@click.argument("query", default="")
@click.option("--theme", "themes", multiple=True)
@click.option("--type", "types", multiple=True)
@click.option("--organisation", "organisations", multiple=True)
@click.option("--year", "years", multiple=True)
@click.option("--sort", type=click.Choice(["relevance", "newest"]), default="relevance")
@click.option("--page", type=int, default=1)
@click.option("--per-page", type=int, default=20)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def search_command(
    query: str,
    themes: tuple[str, ...],
    types: tuple[str, ...],
    organisations: tuple[str, ...],
    years: tuple[str, ...],
    sort: str,
    page: int,
    per_page: int,
    as_json: bool,
) -> None:
    """Search as an admin sees it (members-only documents included)."""
    from kennisnet.finding import find, found_json, parse_query
    from kennisnet.models import Role, User

    args = MultiDict(
        [("q", query), ("sort", sort), ("page", str(page)), ("per_page", str(per_page))]
        + [("theme", t) for t in themes]
        + [("type", t) for t in types]
        + [("organisation", o) for o in organisations]
        + [("year", y) for y in years]
    )
    admin = User(id=0, email="cli@localhost", name="cli", role=Role.ADMIN, active=True)
    base_url = os.environ.get("KENNISNET_BASE_URL", "http://127.0.0.1:5000")
    with current_app.test_request_context("/", base_url=base_url):
        try:
            parsed = parse_query(args, admin, strict=True)
        except DomainError as exc:
            _fail(exc.message)
        body = found_json(find(parsed, admin))
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False))
        return
    click.echo(f"{body['total']} resultaten")
    for item in body["results"]:
        click.echo(f"{item['id']:>6}  {item['title']}  ({item['type']}, {item['year']})")


@main.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database alone."""
    from kennisnet.indexing import rebuild_index

    count = rebuild_index()
    click.echo(f"Index opnieuw opgebouwd: {count} documenten.")


def _ensure_index() -> None:
    from kennisnet import tasks

    state = tasks.ensure_index()
    if state == "unreadable":
        click.echo("De zoekindex was onleesbaar; hij wordt op de achtergrond opnieuw opgebouwd.")
    elif state == "outdated":
        click.echo("De zoekindex is verouderd; hij wordt op de achtergrond opnieuw opgebouwd.")


@main.command("check")
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
    from dataclasses import asdict

    from kennisnet import consistency

    age = consistency.DEFAULT_OLDER_THAN if older_than is None else older_than
    found = consistency.check(older_than=age)
    repairs = after = None
    if repair and not found.clean:
        repairs = consistency.repair(found)
        after = consistency.check(older_than=age)
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


@main.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-index", is_flag=True, help="Neem ook de zoekindex mee.")
@with_appcontext
def backup_command(path: Path, with_index: bool) -> None:
    """Write a tar.gz with the database (SQLite), the files and a manifest; safe while running.

    PostgreSQL: use pg_dump for the database and copy uploads/ beside it.
    """
    from kennisnet.backup import create_backup

    try:
        result = create_backup(path, with_index=with_index)
    except DomainError as exc:
        _fail(exc.message)
    click.echo(
        f"Backup geschreven naar {result.path}: {result.documents} documenten, "
        f"{result.files} bestanden ({result.bytes} bytes)"
        + (", met index." if result.with_index else ", zonder index.")
    )
    for missing in result.missing_files:
        click.echo(f"let op: bestand ontbrak al: uploads/{missing}")


@main.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Restore a backup into an empty data directory, then rebuild and check the index."""
    from flask_migrate import upgrade

    from kennisnet import consistency
    from kennisnet.backup import restore_backup
    from kennisnet.extensions import db
    from kennisnet.indexing import rebuild_index

    for key in ("UPLOAD_DIR", "INDEX_DIR", "INSTANCE_DIR"):
        Path(current_app.config[key]).mkdir(parents=True, exist_ok=True)
    try:
        result = restore_backup(path)
    except DomainError as exc:
        _fail(exc.message)
    db.engine.dispose()  # no connection may have seen the file before it was replaced
    upgrade()  # a backup from an older release gets the current schema
    if result.with_index:
        click.echo("Index teruggezet uit de backup.")
    else:
        count = rebuild_index()
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


@main.command("worker")
@click.option("--workers", type=int, default=None, help="Aantal werkthreads.")
@with_appcontext
def worker_command(workers: int | None) -> None:
    """Run the background workers alone (for deployments that run them apart)."""
    from kennisnet import tasks

    _ensure_index()
    resumed = tasks.resume_unfinished()
    if resumed:
        click.echo(f"{resumed} onafgemaakte documenten opnieuw in de wachtrij gezet.")
    tasks.run_worker(workers or current_app.config["TASKS_WORKERS"])


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
@click.option("--threads", type=int, default=8, show_default=True)
@click.option("--no-worker", is_flag=True, help="Start geen achtergrondwerker mee.")
@with_appcontext
def serve_command(host: str, port: int, threads: int, no_worker: bool) -> None:
    """Serve with a production WSGI server (waitress) and a background worker alongside."""
    from waitress import serve

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _ensure_index()
    worker = None
    if not no_worker and not app.config["TASKS_IMMEDIATE"]:
        worker = subprocess.Popen([sys.executable, "-m", "kennisnet", "worker"])
    click.echo(f"Kennisnet draait op http://{host}:{port}/  (stoppen: Ctrl-C)")
    try:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        serve(app, host=host, port=port, threads=threads, ident="kennisnet")
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()


@main.command("demo")
@click.option("--admin-email", default="beheer@example.org", show_default=True)
@with_appcontext
def demo_command(admin_email: str) -> None:
    """Load the demo data (once) and print the demo admin's login with a fresh password."""
    from kennisnet.demo import load_demo

    result = load_demo(admin_email)
    if result.loaded:
        click.echo(f"Demodata geladen: {result.documents} documenten.")
    else:
        click.echo("Demodata stond er al.")
    click.echo(f"Demobeheerder: {result.admin_email}")
    click.echo(f"Wachtwoord:    {result.admin_password}")


@token_group.command("revoke")
@click.argument("email")
@with_appcontext
def token_revoke_command(email: str) -> None:
    """Revoke every API token of a user."""
    from kennisnet import accounts

    user = accounts.find_user(email)
    if user is None:
        _fail(f"Geen account met e-mailadres {email}.")
    click.echo(f"{accounts.revoke_api_tokens(user)} token(s) ingetrokken voor {user.email}.")
