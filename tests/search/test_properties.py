"""Property tests: any query string, any page and filter values give a normal answer."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennisnet.accounts.permissions import SYSTEM
from kennisnet.curation import synonyms
from kennisnet.search import IndexedDocument, SearchBackend, SearchQuery, Viewer, querylang
from kennisnet.search.fts_query import COLUMNS, compile_query
from tests.factories import make_document, make_user
from tests.search.engines import ENGINES, Engines

# Query syntax characters, Dutch letters with diacritics, and anything else Unicode has.
QUERY_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))
SYNTAX = st.sampled_from(
    [
        '"',
        "(",
        ")",
        "*",
        "?",
        "~",
        "^",
        ":",
        "-",
        "+",
        "AND",
        "OR",
        "NOT",
        "[",
        "]",
        "{",
        "}",
        "\\",
        "/",
        "coöperatie",
        "mantelzorgers",
        " ",
    ]
)
QUERIES = st.one_of(
    st.text(QUERY_ALPHABET, max_size=80), st.lists(SYNTAX, max_size=12).map("".join)
)


@pytest.fixture(scope="module", params=ENGINES)
def backend(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> SearchBackend:
    engines = Engines()
    request.addfinalizer(engines.close_all)
    search = engines.open(request.param, Path(tmp_path_factory.mktemp("prop")) / "index")
    search.index(
        IndexedDocument(
            id=n,
            title=f"Document {n} over buurtnetwerken",
            summary="",
            theme_names=(),
            body="Mantelzorgers in de wijkcoöperatie en de algemene ledenvergadering.",
            themes=("mantelzorg",),
            type="overig",
            type_name="Overig",
            organisation="",
            organisation_name="",
            region="",
            region_name="",
            year=2025,
            visibility="public" if n % 2 else "members",
            status="ready",
            created=datetime(2025, 1, n),
        )
        for n in range(1, 6)
    )
    return search


@settings(max_examples=150, deadline=None)
@given(text=QUERIES, members=st.booleans(), page=st.integers(min_value=1, max_value=50))
def test_backend_answers_any_query(
    backend: SearchBackend, text: str, members: bool, page: int
) -> None:
    results = backend.search(
        SearchQuery(text=text, viewer=Viewer(user_id=1, sees_members_only=members), page=page)
    )
    assert results.total >= 0
    assert results.fallback in (None, "or")
    if not members:
        assert all(hit.id % 2 for hit in results.hits)


@pytest.fixture(scope="module")
def fts5() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(COLUMNS)})")
    yield conn
    conn.close()


@settings(max_examples=300, deadline=None)
@given(text=QUERIES)
def test_any_query_compiles_to_an_expression_fts5_accepts(
    fts5: sqlite3.Connection, text: str
) -> None:
    """The backend swallows FTS5 syntax errors so a member never sees one; this finds them."""
    tree = querylang.parse(text)
    for node in (tree, querylang.any_words(tree), querylang.excluded(tree)):
        for boosted in (False, True):
            expression = compile_query(node, boosted=boosted)
            if expression is not None:
                fts5.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (expression,)).fetchall()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=QUERIES,
    theme=st.text(max_size=20),
    page=st.text(max_size=5),
    sort=st.text(max_size=10),
)
def test_api_and_page_answer_any_parameters(
    app: Flask, client: FlaskClient, text: str, theme: str, page: str, sort: str
) -> None:
    if not getattr(app, "_prop_seeded", False):
        make_document(make_user(), "Een plan voor de buurtkamer.", title="Buurtkamer")
        synonyms.add_synonym("ALV", "algemene ledenvergadering", actor=SYSTEM)
        app._prop_seeded = True
    params = {"q": text, "theme": theme, "page": page, "sort": sort}
    api = client.get("/api/v1/search", query_string=params)
    assert api.status_code in (200, 400)
    assert api.is_json
    if api.status_code == 400:
        assert api.get_json()["error"]["code"] == "invalid"
    assert client.get("/zoeken", query_string=params).status_code == 200
    assert client.get("/api/v1/autocomplete", query_string={"q": text}).status_code == 200


@settings(max_examples=300, deadline=None)
@given(text=QUERIES)
def test_query_text_round_trips(text: str) -> None:
    """Whoosh parses the OR fallback from ``to_text``: it must mean the same query."""
    tree = querylang.parse(text)
    assert querylang.parse(querylang.to_text(tree)) == tree
