"""Type-specific fields and the subsidy overview built on them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import Flask
from icalendar import Calendar

from kennisnet.accounts.permissions import SYSTEM
from kennisnet.core.errors import Conflict, InvalidInput
from kennisnet.core.extensions import db
from kennisnet.curation import categories
from kennisnet.curation.models import DocumentType
from kennisnet.documents import fields, subsidies
from kennisnet.documents.indexing import index_documents
from kennisnet.documents.models import Document
from tests.factories import make_admin, make_document, make_user


@pytest.fixture(autouse=True)
def _seeded(app: Flask) -> None:
    fields.seed_fields()


def doc_type(slug: str) -> DocumentType:
    return categories.get_category(DocumentType, slug)


def subsidy(uploader, title: str, deadline: str | None, **meta):
    doc = make_document(uploader, f"Regeling {title}.", title=title, type="subsidie", **meta)
    values = fields.validate_values(doc.type, {"deadline": deadline or "", "funder": "Klaverfonds"})
    fields.set_values(doc, values)
    db.session.commit()
    return doc


def test_standard_fields_are_seeded_once(app: Flask) -> None:
    fields.seed_fields()
    keys = [f.key for f in doc_type("subsidie").fields]
    assert keys == ["funder", "deadline", "amount_from", "amount_to", "call_url", "target_group"]
    legal_form = next(f for f in doc_type("statuten").fields if f.key == "legal_form")
    assert legal_form.choices == ["coöperatie", "vereniging", "stichting"] and legal_form.facet


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("deadline", "2027-03-01", "2027-03-01"),
        ("deadline", "1-3-2027", "2027-03-01"),
        ("amount_from", "€ 5.000,50", "5000.5"),
        ("amount_from", "12000", "12000"),
        ("amount_from", "7.500", "7500"),
        ("amount_from", "7.5", "7.5"),
        ("call_url", "https://example.org/regeling", "https://example.org/regeling"),
        ("funder", "  Klaverfonds ", "Klaverfonds"),
    ],
)
def test_values_are_canonical(key: str, raw: str, expected: str) -> None:
    assert fields.validate_values(doc_type("subsidie"), {key: raw}) == {key: expected}


@pytest.mark.parametrize(
    ("type_slug", "key", "raw"),
    [
        ("subsidie", "deadline", "volgende week"),
        ("subsidie", "amount_to", "veel"),
        ("subsidie", "amount_to", "1e400"),
        ("subsidie", "call_url", "javascript:alert(1)"),
        ("statuten", "legal_form", "bv"),
    ],
)
def test_bad_values_get_a_dutch_message(type_slug: str, key: str, raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        fields.validate_values(doc_type(type_slug), {key: raw})
    assert caught.value.field == key
    assert str(caught.value.message)


def test_choice_matches_case_and_fields_json_is_typed(app: Flask) -> None:
    member = make_user()
    doc = make_document(member, "Statuten.", type="statuten")
    fields.set_values(
        doc,
        fields.validate_values(doc.type, {"legal_form": "Coöperatie", "year_adopted": "2021"}),
    )
    db.session.commit()
    assert fields.fields_json(doc) == {"legal_form": "coöperatie", "year_adopted": 2021}


def test_type_change_drops_fields_of_the_old_type(app: Flask) -> None:
    member = make_user()
    doc = subsidy(member, "Buurtfonds", "2027-01-01")
    doc.type = doc_type("overig")
    changes = fields.set_values(doc, {})
    db.session.commit()
    assert fields.fields_json(db.session.get(Document, doc.id)) == {}
    assert changes["deadline"] == {"before": "2027-01-01", "after": None}


def test_admins_define_and_remove_fields(app: Flask) -> None:
    admin = make_admin()
    field = fields.define_field(
        doc_type("overig"), "meeting_date", "Datum vergadering", "date", actor=admin
    )
    assert field in doc_type("overig").fields
    with pytest.raises(Conflict):
        fields.define_field(doc_type("overig"), "meeting_date", "Nog eens", "text", actor=SYSTEM)
    with pytest.raises(InvalidInput):
        fields.define_field(doc_type("overig"), "Bad Key!", "X", "text", actor=SYSTEM)
    with pytest.raises(InvalidInput):
        fields.define_field(doc_type("overig"), "kleur", "Kleur", "choice", actor=SYSTEM)
    fields.remove_field(doc_type("overig"), "meeting_date", actor=admin)
    assert doc_type("overig").fields == []


def test_open_calls_by_deadline_and_closed_ones_on_request(app: Flask) -> None:
    member = make_user()
    today = date(2027, 1, 15)
    late = subsidy(member, "Late regeling", "2027-06-01")
    soon = subsidy(member, "Snelle regeling", "2027-02-01")
    subsidy(member, "Doorlopend fonds", None)
    closed = subsidy(member, "Gesloten regeling", "2026-12-31")
    hidden = subsidy(member, "Ledenregeling", "2027-03-01", visibility="members")
    open_calls = subsidies.calls(None, today=today)
    assert [c.document.title for c in open_calls] == [
        "Snelle regeling",
        "Late regeling",
        "Doorlopend fonds",
    ]
    with_closed = subsidies.calls(member, include_closed=True, today=today)
    assert [c.document.id for c in with_closed][:3] == [soon.id, hidden.id, late.id]
    assert with_closed[-1].document.id == closed.id


def test_ical_feed_has_one_event_per_deadline(app: Flask) -> None:
    member = make_user()
    doc = subsidy(member, "Wijkfonds", "2027-03-01")
    subsidy(member, "Zonder datum", None)
    feed = subsidies.ical_feed(
        subsidies.calls(None, today=date(2027, 1, 1)),
        lambda d: f"https://kennisnet.test/documenten/{d.id}",
        now=datetime(2027, 1, 1, 12, 0),
    )
    events = Calendar.from_ical(feed).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["summary"]) == "Deadline: Wijkfonds"
    assert events[0].decoded("dtstart") == date(2027, 3, 1)
    assert str(events[0]["uid"]) == f"subsidie-{doc.id}@kennisnet"


def test_api_upload_takes_fields_and_validates_them(app: Flask, client) -> None:
    import io

    from kennisnet.accounts import users

    token = users.create_api_token(make_user())
    headers = {"Authorization": f"Bearer {token}"}

    def upload(content: bytes, **form: str):
        data = {"file": (io.BytesIO(content), "s.txt"), "type": "subsidie", **form}
        return client.post(
            "/api/v1/documents", data=data, headers=headers, content_type="multipart/form-data"
        )

    ok = upload(
        b"Fonds voor buurten.", deadline="1-3-2099", amount_to="7.500", funder="Klaverfonds"
    )
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["fields"] == {
        "funder": "Klaverfonds",
        "deadline": "2099-03-01",
        "amount_to": 7500,
    }
    bad = upload(b"Ander fonds.", deadline="morgen")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "deadline"


def test_edit_changes_fields_and_audits_them(app: Flask) -> None:
    from kennisnet.core import audit
    from kennisnet.documents.metadata import Metadata
    from kennisnet.documents.operations import update_document

    owner = make_user()
    doc = subsidy(owner, "Fonds", "2099-01-01")
    update_document(
        doc,
        Metadata(
            title="Fonds", type="subsidie", visibility="public", extra={"deadline": "2099-02-01"}
        ),
        owner,
    )
    assert fields.fields_json(doc)["deadline"] == "2099-02-01"
    event = audit.events(action="document.update")[0]
    assert event.details["fields.deadline"] == {"before": "2099-01-01", "after": "2099-02-01"}


def test_upload_and_edit_forms_carry_the_type_fields(client, auth) -> None:
    import io

    from tests.conftest import csrf_token

    make_user(email="vorm@example.org")
    auth.login("vorm@example.org")
    page = client.get("/uploaden").get_data(as_text=True)
    assert "Alleen voor Subsidie of investering" in page and 'name="veld-subsidie-deadline"' in page
    response = client.post(
        "/uploaden",
        data={
            "csrf_token": csrf_token(page),
            "files": [(io.BytesIO(b"Fonds voor de buurt."), "fonds.txt")],
            "type": "subsidie",
            "visibility": "public",
            "veld-subsidie-deadline": "2099-04-01",
            "veld-statuten-legal_form": "stichting",  # another type's field: ignored
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    doc = db.session.scalar(db.select(Document).order_by(Document.id.desc()))
    assert fields.fields_json(doc) == {"deadline": "2099-04-01"}
    edit = client.get(f"/documenten/{doc.id}/bewerken").get_data(as_text=True)
    assert 'value="2099-04-01"' in edit
    assert "01-04-2099" in client.get(f"/documenten/{doc.id}").get_data(as_text=True)


def test_fields_are_searchable_filterable_and_faceted(app: Flask, client) -> None:
    member = make_user()
    for title, form in (
        ("Statuten Noord", "coöperatie"),
        ("Statuten Zuid", "stichting"),
        ("Statuten West", "coöperatie"),
    ):
        doc = make_document(member, f"De {title}.", title=title, type="statuten")
        fields.set_values(doc, fields.validate_values(doc.type, {"legal_form": form}))
        db.session.commit()
        index_documents([doc.id])  # the fields were set after the upload was indexed
    fonds = subsidy(member, "Fonds", "2099-01-01")
    index_documents([fonds.id])
    body = client.get("/api/v1/search").get_json()
    assert body["facets"]["field.legal_form"] == {"cooperatie": 2, "stichting": 1}
    assert body["facets"]["field.funder"] == {"klaverfonds": 1}
    filtered = client.get("/api/v1/search?field.legal_form=cooperatie").get_json()
    assert sorted(r["title"] for r in filtered["results"]) == ["Statuten Noord", "Statuten West"]
    assert client.get("/api/v1/search?q=Klaverfonds").get_json()["total"] == 1
    page = client.get("/zoeken").get_data(as_text=True)
    assert "Rechtsvorm" in page and "coöperatie" in page and "field.legal_form=cooperatie" in page
