"""Search that finds what a member means: did-you-mean, OR fallback, nearest themes, more like
this, autocomplete and exact forms first, each with the visibility rules applied."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet.search import SearchQuery, Viewer
from kennisnet.search.analysis import stem
from kennisnet.search.whoosh import WhooshBackend
from tests.conftest import AuthActions, fetch
from tests.factories import make_document, make_user
from tests.search.test_search_backend import doc

FALLBACK_NOTE = "Geen documenten met alle woorden; hieronder documenten met een of meer van de"
SECRET_WORD = "kwartelkoningsnest"


@pytest.fixture
def library(app: Flask) -> dict[str, int]:
    """Public documents on care, subsidies and statutes; one members-only document."""
    member = make_user(email="lid@example.org")
    docs = {
        "care": make_document(
            member,
            "Mantelzorgers ontmoeten elkaar elke week in de buurtkamer. Mantelzorgers delen "
            "ervaringen over respijt, vrijwilligers en zorg dichtbij huis.",
            title="Mantelzorgcafé in de buurtkamer",
            themes=["mantelzorg"],
        ),
        "care2": make_document(
            member,
            "Een netwerk van vrijwilligers ondersteunt mantelzorgers met respijt en zorg in "
            "de wijk; mantelzorgers vinden elkaar in de buurtkamer.",
            title="Respijtzorg door vrijwilligers",
            themes=["mantelzorg", "informele-zorg"],
        ),
        "money": make_document(
            member,
            "De subsidie van de gemeente betaalt de moestuin. Subsidie aanvragen kan tot mei.",
            title="Subsidie voor de moestuin",
            themes=["wijkeconomie"],
        ),
        "statutes": make_document(
            member,
            "De statuten van de coöperatie regelen de ledenvergadering en het bestuur.",
            title="Statuten wijkcoöperatie",
            themes=["burgerparticipatie"],
        ),
        "secret": make_document(
            member,
            f"Vertrouwelijk: het {SECRET_WORD} bij de mantelzorgers en vrijwilligers in de "
            "buurtkamer, respijt en zorg.",
            title="Verslag ledenraad zilverreiger",
            themes=["mantelzorg"],
            visibility="members",
        ),
    }
    return {name: d.id for name, d in docs.items()}


def search(client: FlaskClient, q: str) -> dict:
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()


# -- did you mean ---------------------------------------------------------------------------


@pytest.mark.parametrize("typo", ["mantelzorgr", "subsidei", "statuen", "buurtkamr"])
def test_suggestion_for_typos_leads_to_results(
    client: FlaskClient, library: dict[str, int], typo: str
) -> None:
    answer = search(client, typo)
    assert answer["total"] == 0
    suggestion = answer["suggestion"]
    assert suggestion and suggestion != typo
    assert search(client, suggestion)["total"] > 0


def test_suggestion_on_the_page_is_a_link(client: FlaskClient, library: dict[str, int]) -> None:
    page = client.get("/zoeken?q=statuen").get_data(as_text=True)
    assert "Bedoelde u:" in page
    assert 'href="/zoeken?q=statuten"' in page or "q=statuten" in page


def test_no_suggestion_for_words_that_find_documents(
    client: FlaskClient, library: dict[str, int]
) -> None:
    assert search(client, "mantelzorgers")["suggestion"] is None
    assert search(client, "subsidies")["suggestion"] is None  # found by its stem


def test_suggestion_never_reveals_members_only_words(
    client: FlaskClient, auth: AuthActions, library: dict[str, int]
) -> None:
    typo = SECRET_WORD[:-1] + "x"
    anonymous = client.get("/api/v1/search", query_string={"q": typo}).get_data(as_text=True)
    assert SECRET_WORD not in anonymous
    page = client.get("/zoeken", query_string={"q": typo}).get_data(as_text=True)
    assert SECRET_WORD not in page
    auth.login("lid@example.org")
    assert search(client, typo)["suggestion"] == SECRET_WORD


# -- zero results: OR fallback and nearest themes -------------------------------------------


def test_or_fallback_when_no_document_has_all_words(
    client: FlaskClient, library: dict[str, int]
) -> None:
    answer = search(client, "moestuin statuten")
    assert answer["fallback"] == "or"
    assert {r["id"] for r in answer["results"]} == {library["money"], library["statutes"]}
    page = client.get("/zoeken?q=moestuin+statuten").get_data(as_text=True)
    assert FALLBACK_NOTE in page


def test_no_fallback_when_all_words_match(client: FlaskClient, library: dict[str, int]) -> None:
    answer = search(client, "subsidie moestuin")
    assert answer["fallback"] is None
    assert [r["id"] for r in answer["results"]] == [library["money"]]
    assert FALLBACK_NOTE not in client.get("/zoeken?q=subsidie+moestuin").get_data(as_text=True)


def test_nearest_themes_shown_when_little_is_found(
    client: FlaskClient, library: dict[str, int]
) -> None:
    # "respijtzorg" is only in the Mantelzorg theme's description and a title.
    page = client.get("/zoeken?q=mantelzorg+onvindbaarwoord").get_data(as_text=True)
    assert FALLBACK_NOTE in page
    nearest = page.split('id="nearest-themes-title"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/thema/mantelzorg"' in nearest
    # The top themes of the OR results come next.
    assert "/thema/" in nearest
    found_all = client.get("/zoeken?q=subsidie+moestuin").get_data(as_text=True)
    assert 'id="nearest-themes-title"' not in found_all


def test_nearest_themes_by_description_with_zero_results(
    client: FlaskClient, library: dict[str, int]
) -> None:
    page = client.get("/zoeken?q=burenhulp").get_data(as_text=True)  # Informele zorg
    nearest = page.split('id="nearest-themes-title"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/thema/informele-zorg"' in nearest


# -- more like this ---------------------------------------------------------------------------


def similar_ids(client: FlaskClient, doc_id: int, ids: dict[str, int]) -> set[str]:
    page = client.get(f"/documenten/{doc_id}").get_data(as_text=True)
    if 'id="vergelijkbaar"' not in page:
        return set()
    section = page.split('id="vergelijkbaar"', 1)[1].split("</section>", 1)[0]
    return {name for name, i in ids.items() if f'href="/documenten/{i}"' in section}


def test_more_like_this_respects_visibility(
    client: FlaskClient, auth: AuthActions, library: dict[str, int]
) -> None:
    anonymous = similar_ids(client, library["care"], library)
    assert "care2" in anonymous
    assert "secret" not in anonymous and "care" not in anonymous
    assert len(anonymous) <= 5
    auth.login("lid@example.org")
    member = similar_ids(client, library["care"], library)
    assert {"care2", "secret"} <= member
    assert "care" not in member


def test_more_like_this_backend_excludes_the_document(tmp_path: Path) -> None:
    search = WhooshBackend(tmp_path / "idx")
    text = "buurtkamer mantelzorgers respijt vrijwilligers ontmoeten"
    search.index([doc(i, body=f"{text} {i}") for i in range(1, 9)])
    ids = search.more_like(1, Viewer(), limit=5)
    assert 1 not in ids and 0 < len(ids) <= 5
    assert search.more_like(999, Viewer()) == []


# -- autocomplete -----------------------------------------------------------------------------


def complete(client: FlaskClient, q: str) -> dict:
    response = client.get("/api/v1/autocomplete", query_string={"q": q})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_autocomplete_shape(client: FlaskClient, library: dict[str, int]) -> None:
    answer = complete(client, "mantel")
    assert answer["query"] == "mantel"
    assert 0 < len(answer["suggestions"]) <= 8
    for item in answer["suggestions"]:
        assert set(item) == {"text", "kind"}
        assert item["kind"] in {"title", "theme", "term"}
        assert isinstance(item["text"], str) and item["text"]


def test_autocomplete_titles_themes_and_terms(client: FlaskClient, library: dict[str, int]) -> None:
    kinds = {(s["kind"], s["text"]) for s in complete(client, "mantel")["suggestions"]}
    assert ("title", "Mantelzorgcafé in de buurtkamer") in kinds
    assert ("theme", "Mantelzorg") in kinds
    assert ("term", "mantelzorgers") in kinds
    # Earlier words stay as typed; the last one is completed.
    texts = [s["text"] for s in complete(client, "respijtzorg vrijwil")["suggestions"]]
    assert "Respijtzorg door vrijwilligers" in texts
    assert "respijtzorg vrijwilligers" in texts


def test_autocomplete_offers_visible_titles_and_words_only(
    client: FlaskClient, auth: AuthActions, library: dict[str, int]
) -> None:
    for prefix in ("zilverr", "verslag", SECRET_WORD[:6]):
        body = client.get("/api/v1/autocomplete", query_string={"q": prefix}).get_data(as_text=True)
        assert "zilverreiger" not in body and SECRET_WORD not in body
    auth.login("lid@example.org")
    texts = [s["text"] for s in complete(client, "zilverr")["suggestions"]]
    assert "Verslag ledenraad zilverreiger" in texts
    assert SECRET_WORD in [s["text"] for s in complete(client, SECRET_WORD[:6])["suggestions"]]


@pytest.mark.parametrize(
    "q", ["", " ", "m", "*", "💥", "\x00", '"', "title:geheim", "AND", "((", "a" * 5000]
)
def test_autocomplete_odd_input(client: FlaskClient, library: dict[str, int], q: str) -> None:
    answer = complete(client, q)
    assert isinstance(answer["suggestions"], list) and len(answer["suggestions"]) <= 8
    assert len(answer["query"]) <= 100


def test_autocomplete_is_progressive_enhancement(client: FlaskClient) -> None:
    page = client.get("/zoeken").get_data(as_text=True)
    assert 'data-autocomplete="/api/v1/autocomplete"' in page
    assert '<script src="/static/js/autocomplete.js"' in page
    assert "<script>" not in page  # the CSP forbids inline script
    assert fetch(client, "/static/js/autocomplete.js").status_code == 200


# -- ranking and highlighting -----------------------------------------------------------------


def test_exact_form_ranks_above_stemmed_only_match(tmp_path: Path) -> None:
    assert stem("subsidies") == stem("subsidie")  # both documents match either form
    search = WhooshBackend(tmp_path / "idx")
    search.index(
        [
            doc(1, title="Aanvraag", body="De subsidie voor het buurthuis is rond."),
            doc(2, title="Aanvraag", body="De subsidies voor het buurthuis zijn rond."),
        ]
    )
    assert [h.id for h in search.search(SearchQuery(text="subsidies")).hits] == [2, 1]
    assert [h.id for h in search.search(SearchQuery(text="subsidie")).hits] == [1, 2]


def test_snippet_marks_the_forms_found(tmp_path: Path) -> None:
    search = WhooshBackend(tmp_path / "idx")
    search.index([doc(1, body="Twee mantelzorgers en een <b>mantelzorger</b> praten.")])
    snippet = search.search(SearchQuery(text="mantelzorger")).hits[0].snippet
    assert "<mark>mantelzorgers</mark>" in snippet and "<mark>mantelzorger</mark>" in snippet
    assert "&lt;b&gt;" in snippet


def test_snippet_marks_compounds_once_split(tmp_path: Path) -> None:
    search = WhooshBackend(tmp_path / "idx")
    search.index([doc(1, body="Drie buurtnetwerken werken samen.", created=datetime(2025, 1, 1))])
    results = search.search(SearchQuery(text="netwerk"))
    assert "<mark>buurtnetwerken</mark>" in results.hits[0].snippet
