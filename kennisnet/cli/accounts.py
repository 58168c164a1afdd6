"""Commands for accounts: admins and users, API tokens."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from kennisnet.accounts import users
from kennisnet.accounts.users import generate_password
from kennisnet.cli.base import fail
from kennisnet.core.errors import DomainError


def _read_password(password_stdin: bool) -> tuple[str, bool]:
    """Returns (password, generated)."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if sys.stdin.isatty():
        return click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True), False
    return generate_password(), True


def _create_or_update_user(
    email: str, role: str, password_stdin: bool, name: str, organisation: str
) -> None:
    password, generated = _read_password(password_stdin)
    try:
        user = users.create_or_update_user(
            email, password, role=role, name=name, organisation=organisation
        )
    except DomainError as exc:
        fail(exc.message)
    labels = {"member": "Lid", "curator": "Redacteur", "admin": "Beheerder"}
    click.echo(f"{labels[role]}: {user.email}")
    if generated:
        click.echo(f"Wachtwoord: {password}")


@click.command("create-admin")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
@click.option("--name", default="", help="Naam van de beheerder.")
@with_appcontext
def create_admin_command(email: str, password_stdin: bool, name: str) -> None:
    """Create an admin account (or make an existing account admin)."""
    _create_or_update_user(email, "admin", password_stdin, name, "")


@click.command("create-user")
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


@click.group("token")
def token_group() -> None:
    """API tokens."""


@token_group.command("create")
@click.argument("email")
@click.option("--label", default="", help="Waarvoor het token is.")
@with_appcontext
def token_create_command(email: str, label: str) -> None:
    """Create an API token for a user; the token is the last line printed."""
    user = users.find_user(email)
    if user is None:
        fail(f"Geen account met e-mailadres {email}.")
    token = users.create_api_token(user, label)
    click.echo(
        f"Nieuw API-token voor {user.email} (bewaar het goed, het wordt niet opnieuw getoond):"
    )
    click.echo(token)


@token_group.command("revoke")
@click.argument("email")
@with_appcontext
def token_revoke_command(email: str) -> None:
    """Revoke every API token of a user."""
    user = users.find_user(email)
    if user is None:
        fail(f"Geen account met e-mailadres {email}.")
    click.echo(f"{users.revoke_api_tokens(user)} token(s) ingetrokken voor {user.email}.")


COMMANDS = (create_admin_command, create_user_command, token_group)
