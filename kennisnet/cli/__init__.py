"""The ``kennisnet`` command: one module per group of commands, each thin over the services."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, locate_app

from kennisnet.cli import accounts, documents, index, mail, maintenance


def _create_app() -> Flask:
    # The package imports this one to offer its commands on app.cli, so the factory is
    # located by name here; importing it would be an import cycle.
    return locate_app("kennisnet", "create_app")


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """Kennisnet: de documentenbank van het netwerk van buurt- en wijkcoöperaties."""


for _module in (accounts, documents, index, maintenance, mail):
    for _command in _module.COMMANDS:
        main.add_command(_command)


def init_app(app: Flask) -> None:
    """Offer the commands on ``app.cli`` too (``flask --app kennisnet ...`` and test runners)."""
    for name, command in main.commands.items():
        if name not in app.cli.commands:
            app.cli.add_command(command, name)
