"""Commands for documents: import an archive, search, purge the trash."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext
from werkzeug.datastructures import MultiDict

from kennisnet.cli.base import fail, progress
from kennisnet.core.errors import DomainError
from kennisnet.documents.finding import find, parse_query
from kennisnet.documents.importing import collect_files, import_files
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.trash import purge_trash
from kennisnet.search import Viewer
from kennisnet.views.api.serializers import found_json

# The command line searches as the network's staff sees published documents: members-only
# documents included, nobody's uploads awaiting moderation.
STAFF = Viewer(user_id=None, sees_members_only=True)


@click.command("purge-trash")
@with_appcontext
def purge_trash_command() -> None:
    """Delete documents that have been in the trash for more than 30 days."""
    click.echo(f"{purge_trash()} document(en) definitief verwijderd.")


@click.command("import")
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
    meta = Metadata(
        type=type_slug,
        themes=themes,
        visibility=visibility,
        organisation=organisation,
        region=region,
    )
    files = collect_files(paths)
    with progress("Importeren") as report_progress:
        report = import_files(files, meta, on_progress=report_progress)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for item in report.documents:
            click.echo(f"{item['status']:<10} {item['id']:>6}  {item['path']}")
        for item in report.refused:
            click.echo(f"geweigerd         {item['path']}: {item['error']}")
        click.echo(
            f"{report.imported} geïmporteerd, {report.duplicates} dubbel, "
            f"{len(report.refused)} geweigerd."
        )
    if report.refused:
        sys.exit(1)


@click.command("search")
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
    """Search as the network's staff sees it (members-only documents included)."""
    args = MultiDict(
        [("q", query), ("sort", sort), ("page", str(page)), ("per_page", str(per_page))]
        + [("theme", t) for t in themes]
        + [("type", t) for t in types]
        + [("organisation", o) for o in organisations]
        + [("year", y) for y in years]
    )
    try:
        parsed = parse_query(args, STAFF, strict=True)
    except DomainError as exc:
        fail(exc.message)
    body = found_json(find(parsed))
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False))
        return
    click.echo(f"{body['total']} resultaten")
    for item in body["results"]:
        click.echo(f"{item['id']:>6}  {item['title']}  ({item['type']}, {item['year']})")


COMMANDS = (import_command, search_command, purge_trash_command)
