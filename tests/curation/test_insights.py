"""Search insights: the anonymous search log, its page for curators, charts and retention."""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select, text

from kennisnet.accounts.models import Role
from kennisnet.accounts.permissions import SYSTEM
from kennisnet.core.errors import Forbidden
from kennisnet.core.extensions import db
from kennisnet.core.models import utcnow
from kennisnet.curation import insights, tasks
from kennisnet.curation.models import SearchLogEntry
from tests.conftest import AuthActions
from tests.factories import make_document, make_user

NOW = datetime(2025, 6, 30, 12, 0)


def rows() -> list[SearchLogEntry]:
    db.session.rollback()  # the log is written on a connection of its own: see it fresh
    return list(db.session.scalars(select(SearchLogEntry).order_by(SearchLogEntry.id)))


@pytest.fixture
def curator(app: Flask, auth: AuthActions) -> None:
    make_user(email="redactie@example.org", role=Role.CURATOR)
    auth.login("redactie@example.org")


@pytest.fixture
def documents(app: Flask) -> None:
    owner = make_user()
    make_document(owner, "Zonnepanelen op het dak van het buurthuis.", title="Zonnepanelen")
    make_document(owner, "De moestuin achter de school.", title="Moestuin")


# --- the log ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Coöperatie   ALV! ", "cooperatie alv"),
        ("Zonne\u0301panelen", "zonnepanelen"),  # NFD from a paste
        ('"buurt huis" -school', "buurt huis school"),
        ("Ĳsbaan", "ijsbaan"),
        ("!!!", "!!!"),
    ],
)
def test_queries_are_normalised_with_the_dutch_analysis(typed: str, expected: str) -> None:
    assert insights.normalise_query(typed) == expected


def test_the_log_has_no_column_for_a_person(app: Flask) -> None:
    columns = {c["name"] for c in inspect(db.engine).get_columns("search_log")}
    assert columns == {"id", "at", "query", "normalised", "results", "clicked", "token"}
    for personal in ("user", "ip", "session", "address", "agent"):
        assert not any(personal in c for c in columns), columns


def test_a_web_search_is_logged_once_with_its_fields(
    client: FlaskClient, documents: None, auth: AuthActions
) -> None:
    make_user(email="lid@example.org")
    auth.login("lid@example.org")  # signed in, and still nothing about the person is kept
    page = client.get("/zoeken?q=  Zonnepanelen  ").get_data(as_text=True)
    [entry] = rows()
    assert (entry.query, entry.normalised, entry.results, entry.clicked) == (
        "Zonnepanelen",
        "zonnepanelen",
        1,
        False,
    )
    assert entry.token and len(entry.token) == 16
    assert f"?z={entry.token}" in page
    assert utcnow() - entry.at < timedelta(minutes=1)


def test_empty_queries_and_later_pages_are_not_logged(client: FlaskClient, documents: None) -> None:
    client.get("/zoeken")
    client.get("/zoeken?theme=energie")
    client.get("/themas")
    client.get("/api/v1/search")
    assert rows() == []
    client.get("/zoeken?q=moestuin&page=2")
    client.get("/api/v1/search?q=moestuin&page=2")
    assert rows() == []


def test_an_api_search_is_logged_and_its_links_carry_the_token(
    client: FlaskClient, documents: None
) -> None:
    body = client.get("/api/v1/search?q=regenton").get_json()
    [entry] = rows()
    assert (entry.query, entry.results) == ("regenton", 0)
    assert body["search_id"] == entry.token
    body = client.get("/api/v1/search?q=moestuin").get_json()
    url = body["results"][0]["url"]
    assert parse_qs(urlsplit(url).query) == {"z": [body["search_id"]]}


def test_opening_a_result_marks_the_search_as_opened(client: FlaskClient, documents: None) -> None:
    page = client.get("/zoeken?q=moestuin").get_data(as_text=True)
    link = unescape(re.search(r'href="(/documenten/\d+\?z=[^"]+)"', page).group(1))
    [entry] = rows()
    assert not entry.clicked
    assert client.get(link).status_code == 200
    [entry] = rows()
    assert entry.clicked
    assert entry.token is None  # one-way: the URL no longer matches anything


def test_a_result_opened_from_a_later_page_counts_for_the_first(
    client: FlaskClient, app: Flask
) -> None:
    owner = make_user()
    for n in range(3):
        make_document(owner, f"Notulen van de vergadering nummer {n}.", title=f"Notulen {n}")
    first = client.get("/zoeken?q=notulen&per_page=2").get_data(as_text=True)
    [entry] = rows()
    second_url = unescape(re.search(r'href="([^"]*(?:\?|&amp;)page=2\b[^"]*)"', first).group(1))
    assert f"z={entry.token}" in second_url
    second = client.get(second_url).get_data(as_text=True)
    assert len(rows()) == 1
    link = unescape(re.search(r'href="(/documenten/\d+\?z=[^"]+)"', second).group(1))
    client.get(link)
    assert rows()[0].clicked


def test_unknown_or_malformed_tokens_change_nothing(client: FlaskClient, documents: None) -> None:
    client.get("/zoeken?q=moestuin")
    doc_id = int(re.search(r"/documenten/(\d+)", client.get("/zoeken?q=moestuin").text).group(1))
    for token in ("A" * 16, "1", "'; DROP TABLE search_log; --", "x" * 500):
        assert client.get(f"/documenten/{doc_id}", query_string={"z": token}).status_code == 200
    assert [e.clicked for e in rows()] == [False, False]


def test_a_failing_log_never_breaks_the_search(
    client: FlaskClient, documents: None, caplog: pytest.LogCaptureFixture
) -> None:
    db.session.execute(text("DROP TABLE search_log"))
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="kennisnet.curation.insights"):
        page = client.get("/zoeken?q=moestuin")
        api = client.get("/api/v1/search?q=moestuin")
    assert page.status_code == 200 and "Moestuin" in page.get_data(as_text=True)
    assert "?z=" not in page.get_data(as_text=True)
    assert api.status_code == 200 and "search_id" not in api.get_json()
    assert "search log: write failed" in caplog.text


def test_a_busy_database_drops_the_row_instead_of_waiting(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = db.engine.connect()
    # Another writer holds the lock (an import, say).
    if db.engine.dialect.name == "sqlite":
        blocker.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        blocker.exec_driver_sql("LOCK TABLE search_log IN EXCLUSIVE MODE")
    try:
        started = time.monotonic()
        with caplog.at_level(logging.INFO, logger="kennisnet.curation.insights"):
            assert insights.log_search("druk", 1) is None
        assert time.monotonic() - started < 2
        assert "row dropped" in caplog.text
    finally:
        blocker.rollback()
        blocker.close()
    assert insights.log_search("weer rustig", 1) is not None


# --- retention --------------------------------------------------------------------------------


def test_retention_deletes_rows_older_than_90_days_only(app: Flask) -> None:
    for days in (0, 30, 89, 90, 91, 400):
        insights.log_search(f"{days} dagen oud", 1, now=NOW - timedelta(days=days, seconds=1))
    assert insights.purge_search_log(now=NOW) == 3
    assert sorted(e.query for e in rows()) == ["0 dagen oud", "30 dagen oud", "89 dagen oud"]
    assert insights.purge_search_log(now=NOW) == 0


def test_retention_runs_daily_in_the_queue(app: Flask) -> None:
    insights.log_search("heel oud", 1, now=utcnow() - timedelta(days=120))
    insights.log_search("vers", 1)
    runs_at = tasks.purge_search_log.s().validate_datetime
    assert all(runs_at(datetime(2025, 1, day, 3, 41)) for day in range(1, 8))  # every day
    assert not runs_at(datetime(2025, 1, 1, 3, 42))  # once
    tasks.purge_search_log()  # immediate mode in tests: runs now
    assert [e.query for e in rows()] == ["vers"]


# --- the page ---------------------------------------------------------------------------------


def _log(query: str, results: int, days_ago: int, *, opened: bool = False) -> None:
    token = insights.log_search(query, results, now=utcnow() - timedelta(days=days_ago))
    if opened:
        insights.mark_opened(token)


@pytest.fixture
def history(app: Flask) -> None:
    """Three weeks of searches in the last 7 days, one more in 30 and in 90."""
    for _ in range(3):
        _log("Zonnepanelen", 4, 1, opened=True)
    _log("zonnepanelen", 4, 2)
    _log("regenton", 0, 3)
    _log("Regenton", 0, 4)
    _log("buurtbus", 2, 5)  # results, never opened
    _log("warmtepomp", 0, 20)  # only in the 30 and 90 day periods
    _log("deelauto", 3, 60)  # only in the 90 day period
    _log("heel oud", 0, 200)  # past retention, in no period


def _section(page: str, section_id: str) -> list[tuple[str, ...]]:
    """The rows of one table on the page: (term, searches, most results, opened)."""
    match = re.search(rf'data-insights="{section_id}">(.*?)</table>', page, re.S)
    if match is None:
        return []
    found = re.findall(
        r'scope="row">([^<]+)</th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)',
        match.group(1),
    )
    return [(unescape(t), s, r, o) for t, s, r, o in found]


def test_the_page_lists_the_three_kinds_for_seven_days(
    client: FlaskClient, curator: None, history: None
) -> None:
    page = client.get("/beheer/zoekinzichten?dagen=7").get_data(as_text=True)
    assert _section(page, "meest-gezocht") == [
        ("zonnepanelen", "4", "4", "3"),
        ("regenton", "2", "0", "0"),
        ("buurtbus", "1", "2", "0"),
    ]
    assert _section(page, "zonder-resultaten") == [("regenton", "2", "0", "0")]
    assert _section(page, "niet-geopend") == [("buurtbus", "1", "2", "0")]
    assert "7 zoekopdrachten in de laatste 7 dagen" in page


def test_longer_periods_hold_older_searches(
    client: FlaskClient, curator: None, history: None
) -> None:
    default = client.get("/beheer/zoekinzichten").get_data(as_text=True)
    assert ("warmtepomp", "1", "0", "0") in _section(default, "zonder-resultaten")
    assert "deelauto" not in default
    assert 'href="/beheer/zoekinzichten?dagen=30" aria-current="page"' in default
    ninety = client.get("/beheer/zoekinzichten?dagen=90").get_data(as_text=True)
    assert ("deelauto", "1", "3", "0") in _section(ninety, "niet-geopend")
    assert "heel oud" not in ninety


def test_a_period_other_than_7_30_or_90_is_refused_in_dutch(
    client: FlaskClient, curator: None
) -> None:
    for wrong in ("14", "abc", "-7"):
        response = client.get(f"/beheer/zoekinzichten?dagen={wrong}")
        assert response.status_code == 400
        assert "Kies een periode van 7, 30 of 90 dagen." in response.get_data(as_text=True)


def test_rows_link_to_a_prefilled_synonym_and_theme(
    client: FlaskClient, curator: None, history: None
) -> None:
    page = client.get("/beheer/zoekinzichten?dagen=7").get_data(as_text=True)
    assert 'href="/beheer/synoniemen?woord=regenton"' in page
    assert 'href="/beheer/themas?naam=regenton"' in page
    synonym = client.get("/beheer/synoniemen?woord=regenton").get_data(as_text=True)
    assert re.search(r'id="woord" name="woord" type="text" value="regenton"', synonym)
    theme = client.get("/beheer/themas?naam=regenton").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="name"[^>]*value="regenton"', theme)


def test_the_empty_page_says_so(client: FlaskClient, curator: None) -> None:
    page = client.get("/beheer/zoekinzichten").get_data(as_text=True)
    assert "Nog geen zoekopdrachten in deze periode." in page
    assert "0 zoekopdrachten in de laatste 30 dagen" in page


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_members_and_visitors_are_kept_out(
    client: FlaskClient, auth: AuthActions, history: None, role: str
) -> None:
    if role == "member":
        make_user(email="lid@example.org")
        auth.login("lid@example.org")
    for url in ("/beheer/zoekinzichten", "/beheer/zoekinzichten/grafieken.css"):
        response = client.get(url)
        if role == "member":
            assert response.status_code == 403
        else:
            assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
        assert "regenton" not in response.get_data(as_text=True)


def test_the_services_refuse_members(app: Flask) -> None:
    member = make_user()
    for call in (
        lambda: insights.search_insights(30, actor=member),
        lambda: insights.documents_per_theme(actor=member),
        lambda: insights.documents_per_month(actor=member),
    ):
        with pytest.raises(Forbidden):
            call()


# --- charts -----------------------------------------------------------------------------------


def test_charts_are_inline_svg_without_scripts_with_a_table_each(
    client: FlaskClient, curator: None, history: None
) -> None:
    owner = make_user()
    make_document(owner, "Alleen voor leden.", title="Intern", visibility="members")
    make_document(owner, "Openbaar.", title="Openbaar", themes=["wonen"])
    page = client.get("/beheer/zoekinzichten?dagen=7").get_data(as_text=True)
    svgs = re.findall(r"<svg\b[^>]*>", page)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg and "aria-label=" in svg
    for name in ("Documenten per thema", "Documenten per maand", "Zoekopdrachten per dag"):
        assert f'aria-label="{name}' in page
        assert re.search(rf"<figcaption>{name}", page)
        assert re.search(rf"<caption[^>]*>{name}", page)
    assert page.count("<details") == 3
    assert "<script" not in page and "<style" not in page and "style=" not in page
    assert "window.pygal" not in page
    # A curator sees every document: both in this month, the members-only one included.
    month = re.search(r'id="grafiek-maand".*?</figure>', page, re.S).group(0)
    counts = re.findall(r'numeric-column">(\d+)</td>', month)
    assert len(counts) == 12 and counts[-1] == "2"
    day = re.search(r'id="grafiek-dag".*?</figure>', page, re.S).group(0)
    assert len(re.findall(r'numeric-column">(\d+)</td>', day)) == 7
    theme = re.search(r'id="grafiek-thema".*?</figure>', page, re.S).group(0)
    assert re.search(r'scope="row">Wonen</th>\s*<td[^>]*>1</td>', theme)


def test_the_chart_styles_come_from_a_stylesheet(client: FlaskClient, curator: None) -> None:
    page = client.get("/beheer/zoekinzichten").get_data(as_text=True)
    assert 'href="/beheer/zoekinzichten/grafieken.css"' in page
    css = client.get("/beheer/zoekinzichten/grafieken.css")
    assert css.mimetype == "text/css"
    body = css.get_data(as_text=True)
    assert "svg.kn-chart__svg .color-0" in body and "#chart-" not in body
    csp = client.get("/beheer/zoekinzichten").headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp


def test_documents_per_theme_follow_what_the_actor_may_see(app: Flask) -> None:
    owner = make_user()
    make_document(owner, "Openbaar.", themes=["wonen"])
    make_document(owner, "Intern.", themes=["wonen"], visibility="members")
    counts = dict((t.slug, n) for t, n in insights.documents_per_theme(actor=SYSTEM))
    assert counts["wonen"] == 2
    curator = make_user(role=Role.CURATOR)
    counts = dict((t.slug, n) for t, n in insights.documents_per_theme(actor=curator))
    assert counts["wonen"] == 2


# --- the migration ----------------------------------------------------------------------------


def test_the_migration_goes_down_and_up(app: Flask) -> None:
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="0004")
    assert "search_log" not in inspect(db.engine).get_table_names()
    upgrade()
    assert "search_log" in inspect(db.engine).get_table_names()
    assert insights.log_search("na de migratie", 0) is not None
