"""Commands for the search index."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from kennisnet.documents.indexing import rebuild_index


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database alone."""
    count = rebuild_index()
    click.echo(f"Index opnieuw opgebouwd: {count} documenten.")


COMMANDS = (reindex_command,)
