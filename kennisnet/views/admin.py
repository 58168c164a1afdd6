"""Admin pages: themes and document types, and inviting members."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from kennisnet import accounts, audit, curation, fields, membership, moderation, synonyms, tasks
from kennisnet import organisations as orgs
from kennisnet.documents import ensure_organisation
from kennisnet.errors import DomainError
from kennisnet.extensions import db
from kennisnet.forms import CategoryForm, InvitationForm, OrganisationForm
from kennisnet.models import Document, DocumentType, Invitation, Theme, User, utcnow
from kennisnet.suggestions import themes_for

bp = Blueprint("admin", __name__, url_prefix="/beheer")

KINDS = {
    "themas": (Theme, _l("Thema's"), _l("thema")),
    "soorten": (DocumentType, _l("Soorten documenten"), _l("soort document")),
}


def _role_required(check):  # type: ignore[no-untyped-def]
    def decorator(view):  # type: ignore[no-untyped-def]
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = _role_required(lambda user: user.is_admin)
curator_required = _role_required(lambda user: user.is_curator)


def _kind(kind: str):  # type: ignore[no-untyped-def]
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


@bp.get("/")
@curator_required
def index():  # type: ignore[no-untyped-def]
    return render_template("admin/index.html")


@bp.route("/<kind>", methods=["GET", "POST"])
@curator_required
def categories(kind: str):  # type: ignore[no-untyped-def]
    model, title, singular = _kind(kind)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            item = curation.create_category(
                model,
                form.name.data,
                form.description.data,
                parent=_parent_from(form) if model is Theme else None,
                actor=current_user,
            )
        except DomainError as exc:
            form.name.errors = [*form.name.errors, str(exc.message)]
        else:
            flash(_("‘%(name)s’ is toegevoegd.", name=item.name), "success")
            return redirect(url_for("admin.categories", kind=kind))
    _offer_parents(form, model, None)
    items = curation.themes_in_order() if model is Theme else curation.types_in_order()
    counts = {item.id: len(curation.affected_documents(item)) for item in items}
    status = 400 if form.errors else 200
    return render_template(
        "admin/categories.html",
        pending=tasks.pending_index_work(),
        kind=kind,
        title=title,
        singular=singular,
        items=items,
        counts=counts,
        form=form,
    ), status


@bp.route("/<kind>/<slug>", methods=["GET", "POST"])
@curator_required
def edit_category(kind: str, slug: str):  # type: ignore[no-untyped-def]
    model, title, singular = _kind(kind)
    item = curation.get_category(model, slug)
    form = CategoryForm(obj=item)
    _offer_parents(form, model, item)
    if not form.is_submitted() and model is Theme:
        form.parent.data = item.parent.slug if item.parent else ""
    if form.validate_on_submit():
        try:
            curation.update_category(
                item, form.name.data, form.description.data, actor=current_user
            )
            if model is Theme and _parent_from(form) != item.parent:
                curation.move_theme(item, _parent_from(form), actor=current_user)
        except DomainError as exc:
            form.name.errors = [*form.name.errors, str(exc.message)]
        else:
            flash(_("De wijzigingen zijn opgeslagen."), "success")
            return redirect(url_for("admin.categories", kind=kind))
    status = 400 if form.errors else 200
    others = [
        other
        for other in (curation.themes_in_order() if model is Theme else curation.types_in_order())
        if other.id != item.id
    ]
    return render_template(
        "admin/category_edit.html",
        kind=kind,
        title=title,
        singular=singular,
        item=item,
        form=form,
        others=others,
        used=len(curation.affected_documents(item)),
    ), status


@bp.post("/<kind>/<slug>/verplaatsen")
@curator_required
def move_category(kind: str, slug: str):  # type: ignore[no-untyped-def]
    model, _title, _singular = _kind(kind)
    item = curation.get_category(model, slug)
    curation.move_category(item, -1 if request.form.get("richting") == "omhoog" else 1)
    return redirect(url_for("admin.categories", kind=kind))


@bp.post("/<kind>/<slug>/verwijderen")
@curator_required
def delete_category(kind: str, slug: str):  # type: ignore[no-untyped-def]
    model, _title, _singular = _kind(kind)
    item = curation.get_category(model, slug)
    name = item.name
    target_slug = request.form.get("reassign") or ""
    try:
        target = curation.get_category(model, target_slug) if target_slug else None
        curation.delete_category(item, reassign_to=target, actor=current_user)
    except DomainError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("admin.edit_category", kind=kind, slug=slug))
    flash(_("‘%(name)s’ is verwijderd.", name=name), "success")
    return redirect(url_for("admin.categories", kind=kind))


@bp.post("/<kind>/<slug>/samenvoegen")
@curator_required
def merge_category(kind: str, slug: str):  # type: ignore[no-untyped-def]
    model, _title, _singular = _kind(kind)
    item = curation.get_category(model, slug)
    try:
        target = curation.get_category(model, request.form.get("into") or "")
        moved = curation.merge_category(item, target, actor=current_user)
    except DomainError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("admin.edit_category", kind=kind, slug=slug))
    flash(
        _(
            "‘%(name)s’ is samengevoegd met ‘%(target)s’; %(n)s document(en) verplaatst.",
            name=item.name,
            target=target.name,
            n=len(moved),
        ),
        "success",
    )
    return redirect(url_for("admin.categories", kind=kind))


def _offer_parents(form: CategoryForm, model: type, item: Theme | None) -> None:
    """Themes may hang under a main theme; types have no tree."""
    if model is not Theme:
        del form.parent
        return
    form.parent.choices = [SelectChoice("", _("Geen: dit is een hoofdthema"))] + [
        SelectChoice(t.slug, t.name)
        for t in curation.theme_tree()
        if item is None or t.id != item.id
    ]


def _parent_from(form: CategoryForm) -> Theme | None:
    slug = form.parent.data if hasattr(form, "parent") else ""
    return curation.get_category(Theme, slug) if slug else None


@bp.route("/uitnodigingen", methods=["GET", "POST"])
@admin_required
def invitations():  # type: ignore[no-untyped-def]
    form = InvitationForm()
    link = None
    if form.validate_on_submit():
        organisation = (
            ensure_organisation(form.organisation.data, form.region.data or "")
            if form.organisation.data
            else None
        )
        try:
            invitation, token = accounts.create_invitation(
                form.email.data,
                invited_by=current_user,
                days=current_app.config["INVITATION_DAYS"],
                role=form.role.data,
                organisation=organisation,
            )
        except DomainError as exc:
            form.email.errors = [*form.email.errors, str(exc.message)]
        else:
            link = url_for("auth.accept_invitation", token=token, _external=True)
            flash(
                _(
                    "Uitnodiging gemaakt voor %(email)s. Stuur de link hieronder door.",
                    email=invitation.email,
                ),
                "success",
            )
            form = InvitationForm(formdata=None)
    pending = list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.used_at.is_(None), Invitation.expires_at > utcnow())
            .order_by(Invitation.created_at.desc())
        )
    )
    status = 400 if form.errors else 200
    return render_template("admin/invitations.html", form=form, link=link, pending=pending), status


@bp.get("/organisaties")
@admin_required
def organisations():  # type: ignore[no-untyped-def]
    return render_template(
        "admin/organisations.html", items=orgs.organisations_with_counts(current_user)
    )


@bp.route("/organisaties/<slug>", methods=["GET", "POST"])
@admin_required
def edit_organisation(slug: str):  # type: ignore[no-untyped-def]
    org = orgs.get_organisation(slug)
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        try:
            orgs.update_profile(
                org, {name: form[name].data for name in orgs.PROFILE_FIELDS}, actor=current_user
            )
        except DomainError as exc:
            target = getattr(form, getattr(exc, "field", "") or "name", form.name)
            target.errors = [*target.errors, str(exc.message)]
        else:
            flash(_("Het profiel is opgeslagen."), "success")
            return redirect(url_for("network.organisation", slug=org.slug))
    status = 400 if form.errors else 200
    return render_template("admin/organisation_edit.html", form=form, org=org), status


@bp.get("/moderatie")
@curator_required
def moderation_queue():  # type: ignore[no-untyped-def]
    pending = moderation.pending_documents()
    suggestions = {doc.id: [t.name for t in themes_for(doc)] for doc in pending}
    return render_template(
        "admin/moderation.html",
        enabled=moderation.moderation_enabled(),
        pending=pending,
        suggestions=suggestions,
    )


@bp.post("/moderatie/instelling")
@curator_required
def moderation_setting():  # type: ignore[no-untyped-def]
    enabled = request.form.get("moderatie") == "aan"
    moderation.set_moderation(enabled, actor=current_user)
    flash(
        _("Nieuwe uploads wachten nu op een redacteur.")
        if enabled
        else _("Nieuwe uploads worden nu meteen gepubliceerd."),
        "success",
    )
    return redirect(url_for("admin.moderation_queue"))


def _pending(document_id: int) -> Document:
    doc = db.session.get(Document, document_id)
    if doc is None or doc.deleted_at is not None:
        abort(404)
    return doc


@bp.post("/moderatie/<int:document_id>/goedkeuren")
@curator_required
def approve(document_id: int):  # type: ignore[no-untyped-def]
    doc = moderation.approve(_pending(document_id), actor=current_user)
    flash(_("‘%(title)s’ is gepubliceerd.", title=doc.title), "success")
    return redirect(url_for("admin.moderation_queue"))


@bp.post("/moderatie/<int:document_id>/terugsturen")
@curator_required
def send_back(document_id: int):  # type: ignore[no-untyped-def]
    doc = _pending(document_id)
    try:
        moderation.send_back(doc, request.form.get("bericht", ""), actor=current_user)
    except DomainError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("‘%(title)s’ is teruggestuurd naar de uploader.", title=doc.title), "success")
    return redirect(url_for("admin.moderation_queue"))


@bp.get("/leden")
@admin_required
def members():  # type: ignore[no-untyped-def]
    return _members_page(reset_link=None)


def _members_page(reset_link: tuple[User, str] | None):  # type: ignore[no-untyped-def]
    return render_template(
        "admin/members.html",
        members=membership.members(),
        requests=membership.pending_requests(),
        reset_link=reset_link,
    )


def _member(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/leden/<int:user_id>/rol")
@admin_required
def member_role(user_id: int):  # type: ignore[no-untyped-def]
    user = _member(user_id)
    try:
        membership.change_role(user, request.form.get("rol", ""), actor=current_user)
    except DomainError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("De rol van %(name)s is aangepast.", name=user.name), "success")
    return redirect(url_for("admin.members"))


@bp.post("/leden/<int:user_id>/actief")
@admin_required
def member_active(user_id: int):  # type: ignore[no-untyped-def]
    user = _member(user_id)
    active = request.form.get("actief") == "ja"
    try:
        membership.set_active(user, active, actor=current_user)
    except DomainError as exc:
        flash(str(exc.message), "error")
    else:
        flash(
            _("%(name)s kan weer inloggen.", name=user.name)
            if active
            else _("%(name)s kan niet meer inloggen; de documenten blijven staan.", name=user.name),
            "success",
        )
    return redirect(url_for("admin.members"))


@bp.post("/leden/<int:user_id>/wachtwoordlink")
@admin_required
def member_reset_link(user_id: int):  # type: ignore[no-untyped-def]
    user = _member(user_id)
    token = membership.issue_password_reset(user, actor=current_user)
    return _members_page(
        reset_link=(user, url_for("account.reset_password", token=token, _external=True))
    )


@bp.post("/aanmeldingen/<int:request_id>")
@admin_required
def decide_request(request_id: int):  # type: ignore[no-untyped-def]
    if request.form.get("besluit") == "toelaten":
        invitation, token = membership.approve_request(
            request_id, actor=current_user, days=current_app.config["INVITATION_DAYS"]
        )
        link = url_for("auth.accept_invitation", token=token, _external=True)
        flash(
            _(
                "Toegelaten. Stuur %(email)s deze uitnodigingslink: %(link)s",
                email=invitation.email,
                link=link,
            ),
            "success",
        )
    else:
        refused = membership.refuse_request(request_id, actor=current_user)
        flash(_("De aanmelding van %(email)s is afgewezen.", email=refused.email), "info")
    return redirect(url_for("admin.members"))


@bp.route("/synoniemen", methods=["GET", "POST"])
@curator_required
def synonym_list():  # type: ignore[no-untyped-def]
    error = None
    if request.method == "POST":
        try:
            synonyms.add_synonym(
                request.form.get("woord", ""), request.form.get("betekenis", ""), actor=current_user
            )
        except DomainError as exc:
            error = str(exc.message)
        else:
            flash(_("Het synoniem is toegevoegd; zoeken gebruikt het meteen."), "success")
            return redirect(url_for("admin.synonym_list"))
    return render_template(
        "admin/synonyms.html", items=synonyms.all_synonyms(), error=error
    ), 400 if error else 200


@bp.post("/synoniemen/<term>/verwijderen")
@curator_required
def synonym_delete(term: str):  # type: ignore[no-untyped-def]
    synonyms.remove_synonym(term, actor=current_user)
    flash(_("Het synoniem is verwijderd."), "success")
    return redirect(url_for("admin.synonym_list"))


@bp.get("/logboek")
@admin_required
def audit_log():  # type: ignore[no-untyped-def]
    action = (request.args.get("actie") or "").strip()
    actor = (request.args.get("door") or "").strip()
    page = max(request.args.get("pagina", 1, type=int) or 1, 1)
    per_page = 50
    events = audit.events(
        action=action or None,
        actor=actor or None,
        limit=per_page + 1,
        offset=(page - 1) * per_page,
    )
    return render_template(
        "admin/audit.html",
        events=events[:per_page],
        action=action,
        actor=actor,
        page=page,
        has_next=len(events) > per_page,
    )


@bp.route("/soorten/<slug>/velden", methods=["POST"])
@admin_required
def add_type_field(slug: str):  # type: ignore[no-untyped-def]
    doc_type = curation.get_category(DocumentType, slug)
    form = request.form
    try:
        fields.define_field(
            doc_type,
            form.get("sleutel", ""),
            form.get("label", ""),
            form.get("soort", ""),
            choices=tuple((form.get("keuzes") or "").split(",")),
            facet=form.get("facet") == "ja",
            actor=current_user,
        )
    except DomainError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Het veld is toegevoegd."), "success")
    return redirect(url_for("admin.edit_category", kind="soorten", slug=slug))


@bp.post("/soorten/<slug>/velden/<key>/verwijderen")
@admin_required
def remove_type_field(slug: str, key: str):  # type: ignore[no-untyped-def]
    doc_type = curation.get_category(DocumentType, slug)
    fields.remove_field(doc_type, key, actor=current_user)
    flash(_("Het veld is verwijderd."), "success")
    return redirect(url_for("admin.edit_category", kind="soorten", slug=slug))
