"""Commands that send mail: the digest."""

from __future__ import annotations

import smtplib

import click
from flask.cli import with_appcontext

from kennisnet.cli.base import fail
from kennisnet.core.errors import DomainError
from kennisnet.documents import digest


@click.command("digest")
@click.option("--dry-run", is_flag=True, help="Toon wat verstuurd zou worden en verstuur niets.")
@with_appcontext
def digest_command(dry_run: bool) -> None:
    """Send the e-mail digests that are due now (the periodic task does this every morning)."""
    try:
        run = digest.run_digests(dry_run=dry_run)
    except DomainError as exc:  # no or a malformed KENNISNET_SMTP_URL
        fail(exc.message)
    except (smtplib.SMTPException, OSError) as exc:
        fail(f"De mailserver weigerde of was niet bereikbaar: {exc}")
    for item in run.digests:
        click.echo(f"{item.user.email}: {item.message['Subject']}")
        for doc in item.documents:
            click.echo(f"  - {doc.title}")
    if dry_run:
        click.echo(
            f"Proefrun: {len(run.digests)} e-mails zouden worden verstuurd; niets verstuurd."
        )
    else:
        click.echo(f"{run.sent} e-mails verstuurd.")


COMMANDS = (digest_command,)
