"""Commands for the search index and the Dutch analysis that feeds it."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from kennisnet.cli.base import fail, progress
from kennisnet.documents.indexing import rebuild_index
from kennisnet.search import explain


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database alone."""
    with progress("Index opbouwen", unit="documenten") as report_progress:
        count = rebuild_index(on_progress=report_progress)
    click.echo(f"Index opnieuw opgebouwd: {count} documenten.")


@click.command("analyse")
@click.argument("words", nargs=-1)
@click.option("--stdin", "from_stdin", is_flag=True, help="Lees de tekst van standaardinvoer.")
@click.option("--json", "as_json", is_flag=True, help="Schrijf het resultaat als JSON.")
def analyse_command(words: tuple[str, ...], from_stdin: bool, as_json: bool) -> None:
    """Show the index term of every word, as search sees it (like Elasticsearch's _analyze)."""
    text = sys.stdin.read() if from_stdin else " ".join(words)
    if not text.strip() and not from_stdin:
        fail("Geef een tekst mee, of gebruik --stdin.")
    tokens = explain(text)
    if as_json:
        click.echo(json.dumps({"tokens": tokens}, ensure_ascii=False))
        return
    for token in tokens:
        if token["term"] is None:
            click.echo(f"{token['word']}  (stopwoord, niet doorzocht)")
            continue
        parts = f"  delen: {', '.join(token['parts'])}" if token["parts"] else ""
        click.echo(f"{token['word']}  ->  {token['term']}  (exact: {token['exact']}){parts}")


COMMANDS = (reindex_command, analyse_command)
