"""What the command modules share."""

from __future__ import annotations

from typing import NoReturn

import click


def fail(message: object) -> NoReturn:
    """Stop the command with a message on standard error and exit code 1."""
    raise click.ClickException(str(message))
