"""The e-mail digest, sent to a real SMTP server in this process (aiosmtpd)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet.accounts.models import DigestFrequency, FollowKind, Role, User
from kennisnet.core import mail
from kennisnet.core.errors import InvalidInput
from kennisnet.core.extensions import db
from kennisnet.core.models import utcnow
from kennisnet.curation import categories
from kennisnet.documents import digest, digest_tasks, following, moderation
from kennisnet.documents.operations import delete_document
from tests.factories import make_document, make_user
from tests.mailserver import Inbox, smtp_server


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    with smtp_server() as server:
        app.config["SMTP_URL"] = server.url
        app.config["MAIL_FROM"] = "Kennisnet <nieuws@kennisnet.test>"
        yield server


@pytest.fixture
def theme(app: Flask) -> str:
    return categories.themes_in_order()[0].slug


def _subscriber(theme: str, frequency: DigestFrequency = DigestFrequency.DAILY, **kw) -> User:
    user = make_user(**kw)
    following.follow(user, FollowKind.THEME, theme)
    following.set_digest_frequency(user, frequency.value)
    return user


def _unsubscribe_path(text: str) -> str:
    match = re.search(r"https?://[^/\s]+(/afmelden/[^\s\"<>]+)", text)
    assert match, text
    return match.group(1)


def test_the_digest_arrives_with_what_the_member_follows_and_may_see(
    app: Flask, client: FlaskClient, inbox: Inbox, theme: str
) -> None:
    other_theme = categories.themes_in_order()[1].slug
    reader = _subscriber(theme, email="lezer@example.org", name="Lezer")
    owner = make_user(organisation="Buurtkracht Oost")
    make_document(owner, "Open.", title="Nieuw buurtplan", themes=[theme])
    make_document(
        owner, "Leden.", title="Ledenverslag kievit", themes=[theme], visibility="members"
    )
    make_document(owner, "Ander.", title="Niet gevolgd thema", themes=[other_theme])

    run = digest.run_digests()

    assert run.sent == 1
    assert inbox.recipients == [["lezer@example.org"]]
    message = inbox.messages[0]
    assert message["Subject"] == "Kennisnet: 2 nieuwe documenten voor u"
    assert message["From"] == "Kennisnet <nieuws@kennisnet.test>"
    text, html = inbox.text(message), inbox.html(message)
    for body in (text, html):
        assert "Nieuw buurtplan" in body and "Ledenverslag kievit" in body
        assert "Niet gevolgd thema" not in body
        assert "Beste Lezer" in body
    assert "/afmelden/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    db.session.refresh(reader)
    assert reader.last_digest_at is not None
    # Sent once: the next run finds nothing due.
    assert digest.run_digests().sent == 0
    assert len(inbox.messages) == 1


def test_the_unsubscribe_link_confirms_then_unsubscribes(
    app: Flask, client: FlaskClient, inbox: Inbox, theme: str
) -> None:
    reader = _subscriber(theme, email="lezer@example.org")
    make_document(make_user(), "Open.", title="Nieuw buurtplan", themes=[theme])
    digest.run_digests()
    path = _unsubscribe_path(inbox.text(inbox.messages[0]))
    assert path in inbox.html(inbox.messages[0])
    page = client.get(path)  # a link checker's GET changes nothing
    assert page.status_code == 200 and "lezer@example.org" in page.get_data(as_text=True)
    db.session.refresh(reader)
    assert reader.digest_frequency is DigestFrequency.DAILY
    done = client.post(path)  # the confirm button: no session, no CSRF token needed
    assert done.status_code == 200 and "Afgemeld" in done.get_data(as_text=True)
    db.session.refresh(reader)
    assert reader.digest_frequency is DigestFrequency.NONE


def test_one_click_unsubscribe_from_the_header_rfc_8058(
    app: Flask, client: FlaskClient, inbox: Inbox, theme: str
) -> None:
    reader = _subscriber(theme)
    make_document(make_user(), "Open.", title="Nieuw buurtplan", themes=[theme])
    digest.run_digests()
    url = inbox.messages[0]["List-Unsubscribe"].strip("<>")
    response = client.post(
        "/afmelden/" + url.split("/afmelden/", 1)[1], data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    db.session.refresh(reader)
    assert reader.digest_frequency is DigestFrequency.NONE


@pytest.mark.parametrize("token", ["onzin", "eyJ1IjoxLCJlIjoiYWJjIn0.vals"])
def test_a_bad_unsubscribe_token_gets_a_dutch_404(client: FlaskClient, token: str) -> None:
    response = client.get(f"/afmelden/{token}")
    assert response.status_code == 404
    assert "afmeldlink is ongeldig" in response.get_data(as_text=True)
    assert client.post(f"/afmelden/{token}").status_code == 404


def test_a_token_stops_working_when_the_address_changes(app: Flask, theme: str) -> None:
    reader = _subscriber(theme)
    token = digest.unsubscribe_token(reader)
    assert digest.user_for_unsubscribe(token) is reader
    reader.email = "nieuw-adres@example.org"
    db.session.commit()
    with pytest.raises(Exception, match="afmeldlink"):
        digest.user_for_unsubscribe(token)


def test_visibility_is_decided_at_the_moment_of_sending(
    app: Flask, inbox: Inbox, theme: str
) -> None:
    curator = make_user(role=Role.CURATOR)
    reader = _subscriber(theme, email="lezer@example.org")
    blocked = _subscriber(theme, email="geblokkeerd@example.org")
    owner = make_user(organisation="Buurtkracht Oost")
    make_document(owner, "Open.", title="Open buurtplan", themes=[theme], visibility="members")
    trashed = make_document(owner, "Weg.", title="Weggegooid plan", themes=[theme])
    delete_document(trashed, owner)
    moderation.set_moderation(True, actor=curator)
    make_document(make_user(organisation="West"), "Wacht.", title="Wachtend plan", themes=[theme])
    blocked.active = False
    db.session.commit()

    digest.run_digests()

    assert inbox.recipients == [[reader.email]]
    body = inbox.text(inbox.messages[0])
    assert "Open buurtplan" in body
    assert "Weggegooid plan" not in body and "Wachtend plan" not in body


def test_nothing_new_means_no_mail_and_weekly_waits_a_week(
    app: Flask, inbox: Inbox, theme: str
) -> None:
    weekly = _subscriber(theme, DigestFrequency.WEEKLY)
    quiet = _subscriber(categories.themes_in_order()[1].slug)
    make_document(make_user(), "Open.", title="Nieuw buurtplan", themes=[theme])
    now = utcnow()
    weekly.last_digest_at = now - timedelta(days=3)
    db.session.commit()
    assert digest.run_digests(now).sent == 0  # weekly not due; quiet has nothing new
    assert digest.run_digests(now + timedelta(days=4)).sent == 1
    assert inbox.recipients == [[weekly.email]]
    assert quiet.last_digest_at is None


def test_the_cli_dry_run_prints_and_sends_nothing(
    app: Flask, runner, inbox: Inbox, theme: str
) -> None:
    reader = _subscriber(theme, email="lezer@example.org")
    make_document(make_user(), "Open.", title="Nieuw buurtplan", themes=[theme])
    result = runner.invoke(args=["digest", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "lezer@example.org" in result.output and "Nieuw buurtplan" in result.output
    assert "niets verstuurd" in result.output
    assert inbox.messages == []
    db.session.refresh(reader)
    assert reader.last_digest_at is None
    result = runner.invoke(args=["digest"])
    assert result.exit_code == 0, result.output
    assert "1 e-mails verstuurd" in result.output
    assert inbox.recipients == [["lezer@example.org"]]


def test_the_cli_says_when_no_mail_server_is_set(app: Flask, runner, theme: str) -> None:
    app.config["SMTP_URL"] = ""
    result = runner.invoke(args=["digest"])
    assert result.exit_code == 1
    assert "Er is geen mailserver ingesteld (KENNISNET_SMTP_URL)." in result.output
    assert runner.invoke(args=["digest", "--dry-run"]).exit_code == 0


def test_the_periodic_task_sends_the_due_digests(app: Flask, inbox: Inbox, theme: str) -> None:
    scheduled = digest_tasks.send_digests.s()
    assert scheduled.validate_datetime(datetime(2026, 3, 2, 7, 0))  # every morning at 7
    assert not scheduled.validate_datetime(datetime(2026, 3, 2, 8, 0))
    _subscriber(theme, email="lezer@example.org")
    make_document(make_user(), "Open.", title="Nieuw buurtplan", themes=[theme])
    digest_tasks.send_digests()
    assert inbox.recipients == [["lezer@example.org"]]


def test_the_member_chooses_the_frequency_in_account_settings(
    client: FlaskClient, auth, app: Flask
) -> None:
    from tests.conftest import csrf_token

    user = make_user(email="lezer@example.org")
    auth.login("lezer@example.org")
    page = client.get("/account").get_data(as_text=True)
    assert "Wekelijks" in page and "Dagelijks" in page and "Geen e-mail" in page
    data = {"formulier": "overzicht", "overzicht-frequency": "weekly"}
    response = client.post("/account", data={**data, "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.digest_frequency is DigestFrequency.WEEKLY
    bad = {**data, "overzicht-frequency": "elk uur", "csrf_token": csrf_token(page)}
    response = client.post("/account", data=bad)
    assert response.status_code == 400
    assert "Not a valid choice" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "scheme", "port", "username"),
    [
        ("smtp://localhost", "smtp", 25, None),
        ("smtp+starttls://mail.example.org", "smtp+starttls", 587, None),
        ("smtps://post%40kennis:geheim@mail.example.org:2465", "smtps", 2465, "post@kennis"),
    ],
)
def test_smtp_urls_are_read(url: str, scheme: str, port: int, username: str | None) -> None:
    settings = mail.parse_smtp_url(url)
    assert (settings.scheme, settings.port, settings.username) == (scheme, port, username)


@pytest.mark.parametrize("url", ["", "http://mail.example.org", "smtp://", "smtp://host:poort"])
def test_bad_smtp_urls_get_a_dutch_message(url: str) -> None:
    with pytest.raises(InvalidInput) as error:
        mail.parse_smtp_url(url)
    assert "KENNISNET_SMTP_URL" in str(error.value.message)


def test_a_refused_address_does_not_stop_the_others(
    app: Flask, inbox: Inbox, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import smtplib

    bad = _subscriber(theme, email="weg@example.org")
    good = _subscriber(theme, email="lezer@example.org")
    make_document(make_user(), "Open.", title="Nieuw buurtplan", themes=[theme])
    real_send = smtplib.SMTP.send_message

    def refusing(self, message, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "weg@example.org" in message["To"]:
            raise smtplib.SMTPRecipientsRefused({"weg@example.org": (550, b"no such user")})
        return real_send(self, message, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "send_message", refusing)
    assert digest.run_digests().sent == 1
    assert inbox.recipients == [["lezer@example.org"]]
    db.session.refresh(bad)
    db.session.refresh(good)
    assert bad.last_digest_at is None and good.last_digest_at is not None


def test_a_late_run_still_covers_everything_since_the_last_digest(
    app: Flask, inbox: Inbox, theme: str
) -> None:
    reader = _subscriber(theme)
    now = utcnow()
    reader.last_digest_at = now - timedelta(days=3)  # the mail server was down for two days
    db.session.commit()
    document = make_document(make_user(), "Open.", title="Tussen de runs", themes=[theme])
    document.created_at = now - timedelta(days=2)
    db.session.commit()
    assert digest.run_digests(now).sent == 1
    assert "Tussen de runs" in inbox.text(inbox.messages[0])
