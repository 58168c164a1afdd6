"""Curating categories: the theme tree, merge, delete with reassignment, and the audit log."""

from __future__ import annotations

import pytest
from flask import Flask

from kennisnet.accounts.permissions import SYSTEM
from kennisnet.core import audit
from kennisnet.core.errors import Conflict, InvalidInput
from kennisnet.core.extensions import db
from kennisnet.core.models import AuditEvent
from kennisnet.curation import categories
from kennisnet.curation.models import DocumentType, Theme
from kennisnet.documents.models import Document
from kennisnet.search import SearchQuery, Viewer, backend
from kennisnet.views.api.serializers import event_json
from tests.factories import make_admin, make_document, make_user

ADMIN_VIEW = Viewer(user_id=1, sees_members_only=True)


def theme(slug: str) -> Theme:
    return categories.get_category(Theme, slug)


def facet(name: str, **filters: tuple[str, ...]) -> dict[str, int]:
    return backend().search(SearchQuery(filters=filters, viewer=ADMIN_VIEW)).facets[name]


def test_two_level_tree(app: Flask) -> None:
    admin = make_admin()
    main = categories.create_category(Theme, "Zorg in de wijk", actor=admin)
    sub = categories.create_category(Theme, "Respijtzorg", parent=main, actor=admin)
    assert sub.parent is main and main.children == [sub]
    assert main in categories.theme_tree() and sub not in categories.theme_tree()
    with pytest.raises(InvalidInput):
        categories.create_category(Theme, "Te diep", parent=sub, actor=SYSTEM)
    with pytest.raises(InvalidInput):
        categories.move_theme(main, theme("wonen"), actor=SYSTEM)  # has children itself
    categories.move_theme(sub, None, actor=admin)
    assert sub.parent is None
    assert [e.action for e in audit.events(action="theme.")][:3] == [
        "theme.move",
        "theme.create",
        "theme.create",
    ]


def test_merge_moves_documents_redirects_and_reindexes(app: Flask, client) -> None:
    admin = make_admin()
    member = make_user()
    both = make_document(member, "Hofje en zorg.", themes=["wonen", "mantelzorg"])
    only = make_document(member, "Alleen mantelzorg.", themes=["mantelzorg"])
    assert facet("theme")["mantelzorg"] == 2
    moved = categories.merge_category(theme("mantelzorg"), theme("wonen"), actor=admin)
    assert sorted(moved) == sorted([both.id, only.id])
    db.session.expire_all()
    assert [t.slug for t in db.session.get(Document, only.id).themes] == ["wonen"]
    assert [t.slug for t in db.session.get(Document, both.id).themes] == ["wonen"]
    # The index follows right after the background reindex (immediate in tests).
    counts = facet("theme")
    assert "mantelzorg" not in counts and counts["wonen"] == 2
    response = client.get("/thema/mantelzorg")
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith("/thema/wonen")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "theme.merge"))
    assert event.details == {"into": "wonen", "documents": 2} and event.actor == admin.email


def test_merging_into_a_merged_target_keeps_old_addresses(app: Flask) -> None:
    categories.merge_category(theme("mantelzorg"), theme("informele-zorg"), actor=SYSTEM)
    categories.merge_category(theme("informele-zorg"), theme("wonen"), actor=SYSTEM)
    assert categories.redirected_slug(Theme, "mantelzorg") == "wonen"
    assert categories.redirected_slug(Theme, "informele-zorg") == "wonen"


def test_delete_needs_reassignment_when_used(app: Flask) -> None:
    member = make_user()
    doc = make_document(member, "Over wonen.", themes=["wonen"])
    with pytest.raises(Conflict):
        categories.delete_category(theme("wonen"), actor=SYSTEM)
    categories.delete_category(theme("wonen"), reassign_to=theme("buurtnetwerken"), actor=SYSTEM)
    db.session.expire_all()
    assert [t.slug for t in db.session.get(Document, doc.id).themes] == ["buurtnetwerken"]
    assert facet("theme") == {"buurtnetwerken": 1}
    assert categories.redirected_slug(Theme, "wonen") is None


def test_document_types_merge_too(app: Flask) -> None:
    member = make_user()
    make_document(member, "Een idee.", type="pilot-idee")
    categories.merge_category(
        categories.get_category(DocumentType, "pilot-idee"),
        categories.get_category(DocumentType, "projectplan"),
        actor=SYSTEM,
    )
    assert facet("type") == {"projectplan": 1}
    with pytest.raises(InvalidInput):
        categories.merge_category(
            theme("wonen"), categories.get_category(DocumentType, "overig"), actor=SYSTEM
        )


def test_rename_is_audited_with_before_and_after(app: Flask) -> None:
    admin = make_admin()
    categories.update_category(theme("wonen"), "Wonen en zorg", "", actor=admin)
    event = audit.events(action="theme.update")[0]
    assert event.details["name"] == {"before": "Wonen", "after": "Wonen en zorg"}
    assert event_json(event)["action"] == "theme.update"


def test_curator_uses_the_admin_pages_for_categories(client, auth) -> None:
    from kennisnet.accounts.models import Role
    from tests.conftest import csrf_token

    make_user(email="redactie@example.org", role=Role.CURATOR)
    member = make_user()
    make_document(member, "Een plan voor wonen.", themes=["wonen"], title="Woonplan")
    auth.login("redactie@example.org")
    assert client.get("/beheer/uitnodigingen").status_code == 403  # admins only
    page = client.get("/beheer/themas/wonen").get_data(as_text=True)
    assert "Samenvoegen met" in page
    response = client.post(
        "/beheer/themas/wonen/samenvoegen",
        data={"into": "buurtnetwerken", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302
    assert "Woonplan" in client.get("/thema/buurtnetwerken").get_data(as_text=True)
    # Create a sub-theme through the form.
    page = client.get("/beheer/themas").get_data(as_text=True)
    client.post(
        "/beheer/themas",
        data={
            "name": "Knarrenhof",
            "description": "",
            "parent": "buurtnetwerken",
            "csrf_token": csrf_token(page),
        },
    )
    assert theme("knarrenhof").parent.slug == "buurtnetwerken"


def test_document_changes_are_audited(app: Flask) -> None:
    from kennisnet.documents.metadata import Metadata
    from kennisnet.documents.operations import delete_document, update_document

    owner = make_user()
    doc = make_document(owner, "Een plan.", title="Eerste titel", themes=["wonen"])
    update_document(
        doc,
        Metadata(
            title="Tweede titel",
            type="overig",
            themes=("wonen", "mantelzorg"),
            visibility="members",
        ),
        owner,
    )
    event = audit.events(document_id=doc.id)[0]
    assert event.action == "document.update" and event.actor == owner.email
    assert event.details["title"] == {"before": "Eerste titel", "after": "Tweede titel"}
    assert event.details["themes"]["after"] == ["mantelzorg", "wonen"]
    assert event.details["visibility"] == {"before": "public", "after": "members"}
    doc_id = doc.id
    delete_document(doc, owner)
    assert [e.action for e in audit.events(document_id=doc_id)] == [
        "document.delete",
        "document.update",
        "document.create",
    ]


def test_bulk_update_by_curators(app: Flask) -> None:
    from kennisnet.accounts.models import Role
    from kennisnet.documents.operations import bulk_update

    curator = make_user(role=Role.CURATOR)
    member = make_user()
    a = make_document(member, "Eerste stuk over tuinen.", themes=["wonen"])
    b = make_document(member, "Tweede stuk over tuinen.", visibility="members")
    with pytest.raises(InvalidInput):
        bulk_update([a.id, b.id], curator, themes=("bestaat-niet",))
    db.session.expire_all()
    assert [t.slug for t in db.session.get(Document, a.id).themes] == ["wonen"]  # all or nothing
    changed = bulk_update([a.id, b.id], curator, themes=("buurtnetwerken",), visibility="public")
    assert sorted(changed) == sorted([a.id, b.id])
    assert facet("theme") == {"buurtnetwerken": 2}
    anonymous = backend().search(SearchQuery(text="tuinen"))
    assert anonymous.total == 2
    assert len(audit.events(action="document.update")) == 2
    with pytest.raises(Exception, match="redacteuren"):
        bulk_update([a.id], member, type="overig")


def test_bulk_edit_changes_only_what_was_asked(app: Flask) -> None:
    from kennisnet.accounts.models import Role
    from kennisnet.accounts.organisations import ensure_organisation
    from kennisnet.documents.operations import bulk_update

    curator = make_user(role=Role.CURATOR)
    member = make_user(organisation="Wijkraad Noord")
    doc = make_document(member, "Een stuk zonder wijk.", visibility="members")
    assert doc.region == ""
    ensure_organisation("Wijkraad Noord").region = "Groningen"  # the organisation moves on
    db.session.commit()
    bulk_update([doc.id], curator, visibility="public")
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert doc.visibility == "public"
    assert doc.region == ""  # not filled in from anywhere: only visibility was asked
    event = audit.events(action="document.update")[0]
    assert set(event.details) == {"visibility", "bulk"}


def test_bulk_edit_route(client, auth) -> None:
    from kennisnet.accounts.models import Role
    from tests.conftest import csrf_token

    make_user(email="redactie@example.org", role=Role.CURATOR)
    member = make_user(email="lid@example.org")
    a = make_document(member, "Over fietsen.", title="Fietsen")
    b = make_document(member, "Over lopen.", title="Lopen")
    auth.login("lid@example.org")
    token = csrf_token(client.get("/").get_data(as_text=True))
    denied = client.post(
        "/documenten/samen-bewerken", data={"ids": [a.id], "type": "statuten", "csrf_token": token}
    )
    assert denied.status_code == 403
    auth.logout()
    auth.login("redactie@example.org")
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post(
        "/documenten/samen-bewerken",
        data={"ids": [a.id, b.id], "type": "statuten", "terug": "/zoeken?q=x", "csrf_token": token},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/zoeken?q=x"
    assert facet("type") == {"statuten": 2}


def test_document_page_shows_fields_history_and_suggestions(client, auth) -> None:
    from kennisnet.documents import fields
    from kennisnet.documents.metadata import Metadata
    from kennisnet.documents.operations import update_document
    from tests.conftest import csrf_token

    fields.seed_fields()
    owner = make_user(email="eigen@example.org")
    for n in range(3):
        make_document(owner, f"Mantelzorgers en respijtzorg, deel {n}.", themes=["mantelzorg"])
    doc = make_document(
        owner, "Respijtzorg voor mantelzorgers in de wijk.", type="subsidie", title="Respijtfonds"
    )
    fields.set_values(doc, fields.validate_values(doc.type, {"deadline": "2099-05-01"}))
    db.session.commit()
    update_document(
        doc, Metadata(title="Respijtfonds 2099", type="subsidie", visibility="public"), owner
    )
    public = client.get(f"/documenten/{doc.id}").get_data(as_text=True)
    assert "01-05-2099" in public and "Geschiedenis" not in public
    auth.login("eigen@example.org")
    page = client.get(f"/documenten/{doc.id}").get_data(as_text=True)
    assert "Geschiedenis" in page and "document.update" in page
    assert 'value="mantelzorg"' in page  # suggested from the similar documents
    client.post(
        f"/documenten/{doc.id}/themas-toevoegen",
        data={"themes": ["mantelzorg"], "csrf_token": csrf_token(page)},
    )
    db.session.expire_all()
    assert [t.slug for t in db.session.get(Document, doc.id).themes] == ["mantelzorg"]


def test_pending_index_work_is_counted(app: Flask) -> None:
    from kennisnet.core import queue
    from kennisnet.documents import tasks

    queue.huey.immediate = False  # queue for real, in memory, so nothing runs
    try:
        queue.huey.storage = queue.huey.get_immediate_storage()
        tasks.commit_then_index([1, 2, 3])
        tasks.process_document(4)
        assert queue.pending_index_work() == 4
    finally:
        queue.huey.immediate = True


def test_admin_browses_the_audit_log(client, auth) -> None:
    admin = make_admin(email="baas@example.org")
    categories.update_category(theme("wonen"), "Wonen en zorg", "", actor=admin)
    categories.create_category(Theme, "Energie", actor=admin)
    auth.login("baas@example.org")
    page = client.get("/beheer/logboek?actie=theme.update").get_data(as_text=True)
    assert "Wonen → Wonen en zorg" in page and "theme.create" not in page
    assert "theme.create" in client.get("/beheer/logboek").get_data(as_text=True)


def test_admin_defines_type_fields_in_the_page(client, auth) -> None:
    from tests.conftest import csrf_token

    make_admin(email="baas@example.org")
    auth.login("baas@example.org")
    page = client.get("/beheer/soorten/overig").get_data(as_text=True)
    assert "Extra velden voor dit soort document" in page
    client.post(
        "/beheer/soorten/overig/velden",
        data={
            "label": "Soort verslag",
            "sleutel": "report_kind",
            "soort": "choice",
            "keuzes": "ALV, bestuur",
            "facet": "ja",
            "csrf_token": csrf_token(page),
        },
    )
    overig = categories.get_category(DocumentType, "overig")
    assert [(f.key, f.choices, f.facet) for f in overig.fields] == [
        ("report_kind", ["ALV", "bestuur"], True)
    ]
    bad = client.post(
        "/beheer/soorten/overig/velden",
        data={"label": "X", "sleutel": "Fout!", "soort": "text", "csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    assert "kleine letters" in bad.get_data(as_text=True)
    client.post(
        "/beheer/soorten/overig/velden/report_kind/verwijderen",
        data={"csrf_token": csrf_token(page)},
    )
    db.session.expire_all()
    assert categories.get_category(DocumentType, "overig").fields == []


def test_curators_get_bulk_edit_in_search_results(client, auth) -> None:
    from kennisnet.accounts.models import Role

    member = make_user(email="lid@example.org")
    make_document(member, "Over bankjes in het park.", title="Bankjes")
    auth.login("lid@example.org")
    assert 'name="ids"' not in client.get("/zoeken?q=bankjes").get_data(as_text=True)
    auth.logout()
    make_user(email="red@example.org", role=Role.CURATOR)
    auth.login("red@example.org")
    page = client.get("/zoeken?q=bankjes").get_data(as_text=True)
    assert 'name="ids"' in page and "/documenten/samen-bewerken" in page


def test_new_versions_keep_history_and_index_the_newest(client, auth) -> None:
    import io

    from tests.conftest import csrf_token, fetch

    owner = make_user(email="eigen@example.org")
    doc = make_document(owner, "Eerste versie over de zwemvijver.", title="Stallingsplan")
    old_file = doc.file.id
    auth.login("eigen@example.org")
    page = client.get(f"/documenten/{doc.id}").get_data(as_text=True)
    response = client.post(
        f"/documenten/{doc.id}/nieuwe-versie",
        data={
            "bestand": (io.BytesIO(b"Tweede versie over deelfietsen."), "plan-v2.txt"),
            "csrf_token": csrf_token(page),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert len(doc.files) == 2 and doc.status.value == "ready"
    auth.logout()
    assert backend().search(SearchQuery(text="deelfietsen")).total == 1
    assert backend().search(SearchQuery(text="zwemvijver")).total == 0
    assert fetch(client, f"/documenten/{doc.id}/versies/{old_file}").data.startswith(b"Eerste")
    assert fetch(client, f"/documenten/{doc.id}/bestand").data.startswith(b"Tweede")
    assert "document.version" in [e.action for e in audit.events(document_id=doc.id)]
