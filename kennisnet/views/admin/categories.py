"""Admin pages for themes and document types, and the fields of each type."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from kennisnet.core import queue
from kennisnet.core.errors import DomainError
from kennisnet.curation import categories as curation
from kennisnet.curation.models import DocumentType, Theme
from kennisnet.documents import fields
from kennisnet.views.admin.base import bp, requires
from kennisnet.views.forms import CategoryForm

KINDS = {
    "themas": (Theme, _l("Thema's"), _l("thema")),
    "soorten": (DocumentType, _l("Soorten documenten"), _l("soort document")),
}


def _kind(kind: str) -> tuple[Any, Any, Any]:  # the model the URL names, and its labels
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


@bp.route("/<kind>", methods=["GET", "POST"])
@requires("category.manage")
def categories(kind: str) -> ResponseReturnValue:
    model, title, singular = _kind(kind)
    form = CategoryForm()
    if not form.is_submitted() and request.args.get("naam"):
        # Prefilled from a link (the search insights): a search term that deserves a theme.
        form.name.data = request.args["naam"][:200]
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
        pending=queue.pending_index_work(),
        kind=kind,
        title=title,
        singular=singular,
        items=items,
        counts=counts,
        form=form,
    ), status


@bp.route("/<kind>/<slug>", methods=["GET", "POST"])
@requires("category.manage")
def edit_category(kind: str, slug: str) -> ResponseReturnValue:
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
@requires("category.manage")
def move_category(kind: str, slug: str) -> ResponseReturnValue:
    model, _title, _singular = _kind(kind)
    item = curation.get_category(model, slug)
    curation.move_category(
        item, -1 if request.form.get("richting") == "omhoog" else 1, actor=current_user
    )
    return redirect(url_for("admin.categories", kind=kind))


@bp.post("/<kind>/<slug>/verwijderen")
@requires("category.manage")
def delete_category(kind: str, slug: str) -> ResponseReturnValue:
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
@requires("category.manage")
def merge_category(kind: str, slug: str) -> ResponseReturnValue:
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


@bp.route("/soorten/<slug>/velden", methods=["POST"])
@requires("field.manage")
def add_type_field(slug: str) -> ResponseReturnValue:
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
@requires("field.manage")
def remove_type_field(slug: str, key: str) -> ResponseReturnValue:
    doc_type = curation.get_category(DocumentType, slug)
    fields.remove_field(doc_type, key, actor=current_user)
    flash(_("Het veld is verwijderd."), "success")
    return redirect(url_for("admin.edit_category", kind="soorten", slug=slug))
