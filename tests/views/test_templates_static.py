"""The layout, the form macros and the vendored NL Design System CSS.

Self-contained on purpose: a bare Flask app with stub endpoints renders the
real templates, so these checks run before (and apart from) the app factory.
"""

from __future__ import annotations

import re
from pathlib import Path

import flask_login
import pytest
from flask import Blueprint, Flask, flash, render_template, render_template_string
from flask_babel import Babel
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from kennisnet.accounts import permissions

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor"
VENDORED_CSS = {
    "@utrecht/component-library-css": VENDOR / "utrecht-component-library-css" / "index.css",
    "@nl-design-system-unstable/voorbeeld-design-tokens": VENDOR
    / "voorbeeld-design-tokens"
    / "theme.css",
}
ERROR_PAGES = ("400", "403", "404", "413", "500")


class User(flask_login.UserMixin):
    def __init__(self, *, is_admin: bool = False) -> None:
        self.id = "1"
        self.name = "Anna de Vries"
        self.email = "anna@example.org"
        self.is_admin = is_admin
        self.is_curator = is_admin
        self.active = True


def choices(**labels: str) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class SampleForm(FlaskForm):
    title = StringField("Titel", validators=[DataRequired("Vul een titel in.")])
    summary = TextAreaField("Samenvatting", validators=[Optional()])
    kind = SelectField("Soort", choices=choices(notulen="Notulen", beleid="Beleid"))
    themes = SelectMultipleField(
        "Thema's",
        choices=choices(energie="Energie", zorg="Zorg"),
        validators=[DataRequired("Kies minstens één thema.")],
    )
    audience = RadioField(
        "Zichtbaar voor", choices=choices(leden="Leden", iedereen="Iedereen"), default="leden"
    )
    files = MultipleFileField("Bestanden")
    password = PasswordField("Wachtwoord")
    agree = BooleanField("Ik mag dit delen")


@pytest.fixture
def app() -> Flask:
    app = Flask(
        __name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static")
    )
    app.config.update(SECRET_KEY="test", TESTING=True, WTF_CSRF_ENABLED=False)
    Babel(app)
    login_manager = flask_login.LoginManager(app)
    login_manager.user_loader(lambda user_id: None)

    def stub() -> str:
        return ""

    for name, rules in {
        "search": {"index": "/", "themes": "/themas"},
        "documents": {"upload": "/uploaden"},
        "network": {"subsidy_list": "/subsidies", "organisation_list": "/organisaties"},
        "account": {"settings": "/account", "join": "/aanmelden"},
        "admin": {"index": "/beheer/"},
        "auth": {"logout": "/uitloggen", "login": "/inloggen"},
        "following": {"new_for_you": "/nieuw"},
    }.items():
        bp = Blueprint(name, __name__)
        for endpoint, rule in rules.items():
            bp.add_url_rule(rule, endpoint, stub, methods=["GET", "POST"])
        app.register_blueprint(bp)

    @app.context_processor
    def csrf_stub() -> dict[str, object]:
        return {
            "csrf_token": lambda: "stub-token",
            "can": lambda action, obj=None: permissions.can(flask_login.current_user, action, obj),
        }

    return app


def render_page(app: Flask, *, user: User | None = None, path: str = "/", **context) -> str:
    with app.test_request_context(path):
        if user is not None:
            flask_login.login_user(user)
        flash("Het document is opgeslagen.", "success")
        flash("Het bestand is te groot.", "error")
        return render_template_string(
            '{% extends "base.html" %}{% block title %}Zoeken{% endblock %}'
            "{% block content %}<h1>Zoeken</h1>{% endblock %}",
            **context,
        )


def assert_no_inline_script_or_style(html: str) -> None:
    assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE), "inline style attribute"
    assert "<style" not in html.lower(), "inline <style> element"
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S | re.I):
        assert "src=" in attrs and not body.strip(), "inline <script> content"
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), "inline event handler"


# -- vendored CSS ---------------------------------------------------------


@pytest.mark.parametrize("package", sorted(VENDORED_CSS))
def test_vendored_css_is_present_with_its_licence(package: str) -> None:
    css = VENDORED_CSS[package]
    assert css.is_file() and css.stat().st_size > 10_000
    assert (
        (css.parent / "LICENSE.md")
        .read_text(encoding="utf-8")
        .startswith("# EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    )


def test_vendor_readme_lists_each_package_with_an_exact_version() -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    for package in VENDORED_CSS:
        assert re.search(re.escape(package) + r"@\d+\.\d+\.\d+", readme), package
    assert "EUPL-1.2" in readme


def test_theme_class_used_by_the_layout_exists_in_the_vendored_theme() -> None:
    theme = VENDORED_CSS["@nl-design-system-unstable/voorbeeld-design-tokens"]
    assert ".voorbeeld-theme {" in theme.read_text(encoding="utf-8")


def test_utrecht_classes_used_by_the_templates_exist() -> None:
    css = VENDORED_CSS["@utrecht/component-library-css"].read_text(encoding="utf-8")
    defined = set(re.findall(r"\.(utrecht-[a-z0-9_-]+)", css))
    used = set()
    for template in (ROOT / "templates").rglob("*.html"):
        for attr in re.findall(r'class="([^"]*)"', template.read_text(encoding="utf-8")):
            used |= {name for name in attr.split() if re.fullmatch(r"utrecht-[a-z0-9_-]+", name)}
    assert used, "the templates use no Utrecht class at all"
    assert used <= defined, sorted(used - defined)


def test_our_stylesheet_has_a_strong_focus_style() -> None:
    css = (ROOT / "static" / "css" / "kennisnet.css").read_text(encoding="utf-8")
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*3px solid", css)


# -- base.html ------------------------------------------------------------


def test_layout_has_lang_skip_link_and_main_target(app: Flask) -> None:
    html = render_page(app)
    assert '<html lang="nl">' in html
    assert re.search(r'<a class="utrecht-skip-link[^"]*" href="#inhoud">Naar de inhoud</a>', html)
    assert '<main id="inhoud"' in html
    assert "<title>Zoeken \u2013 Kennisnet</title>" in html
    assert "voorbeeld-theme" in re.search(r"<body class=\"([^\"]*)\"", html).group(1)


def test_layout_lang_follows_html_lang(app: Flask) -> None:
    assert '<html lang="en">' in render_page(app, html_lang="en")


def test_layout_links_the_stylesheets_in_order(app: Flask) -> None:
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', render_page(app))
    assert links == [
        "/static/vendor/utrecht-component-library-css/index.css",
        "/static/vendor/voorbeeld-design-tokens/theme.css",
        "/static/css/kennisnet.css",
    ]


def test_the_feed_block_announces_an_atom_feed_in_the_head(app: Flask) -> None:
    with app.test_request_context("/"):
        html = render_template_string(
            '{% extends "base.html" %}{% block title %}Thema{% endblock %}'
            "{% block feed %}{{ url }}{% endblock %}",
            url="/feeds/thema/wonen.atom?a=1&b=2",
        )
    head = html[: html.index("</head>")]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Thema (Atom)" '
        'href="/feeds/thema/wonen.atom?a=1&amp;b=2">'
    ) in head
    assert "application/atom+xml" not in render_page(app)


def test_layout_has_no_inline_script_or_style(app: Flask) -> None:
    assert_no_inline_script_or_style(render_page(app, user=User(is_admin=True)))


def test_anonymous_visitor_sees_login_and_no_upload(app: Flask) -> None:
    html = render_page(app)
    assert 'href="/inloggen">Inloggen</a>' in html
    assert "Uploaden" not in html and "Uitloggen" not in html


def test_member_sees_upload_and_a_logout_form_but_no_admin(app: Flask) -> None:
    html = render_page(app, user=User())
    assert 'href="/uploaden">Uploaden</a>' in html
    assert "Beheer" not in html
    assert "Anna de Vries" in html
    form = re.search(r'<form[^>]*action="/uitloggen"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'method="post"' in form.group(0)
    assert '<input type="hidden" name="csrf_token" value="stub-token">' in form.group(1)


def test_admin_sees_the_admin_link(app: Flask) -> None:
    assert 'href="/beheer/">Beheer</a>' in render_page(app, user=User(is_admin=True))


def test_current_menu_item_is_marked(app: Flask) -> None:
    html = render_page(app, path="/themas")
    assert re.search(r'href="/themas" aria-current="page">Thema', html)
    assert 'href="/" aria-current' not in html


def test_flash_messages_use_status_and_alert_roles(app: Flask) -> None:
    html = render_page(app)
    assert re.search(r'role="status">\s*<p[^>]*>.*Gelukt:.*Het document is opgeslagen', html)
    assert re.search(r'role="alert">\s*<p[^>]*>.*Fout:.*Het bestand is te groot', html)


@pytest.mark.parametrize("code", ERROR_PAGES)
def test_error_pages_extend_the_layout_and_link_back_to_search(app: Flask, code: str) -> None:
    with app.test_request_context("/"):
        html = render_template(f"errors/{code}.html")
    assert '<html lang="nl">' in html
    assert re.search(r"<h1[^>]*>[^<]+</h1>", html)
    assert 'href="/"' in html.split('<main id="inhoud"', 1)[1]
    assert "aria-current" not in html
    assert_no_inline_script_or_style(html)


# -- _macros.html ---------------------------------------------------------


def render_macro(app: Flask, call: str, **context) -> str:
    with app.test_request_context("/", method="POST", data=context.pop("data", {})):
        form = SampleForm()
        form.validate()
        return render_template_string(
            '{% import "_macros.html" as m %}' + call, form=form, **context
        )


def test_text_field_has_label_hint_and_required_marker(app: Flask) -> None:
    html = render_macro(
        app, '{{ m.render_field(form.title, hint="Zoals op het document.") }}', data={"title": "x"}
    )
    assert re.search(r'<label class="utrecht-form-label" for="title">Titel', html)
    assert "(verplicht)" in html
    assert 'id="title-hint"' in html
    assert re.search(r'<input[^>]*aria-describedby="title-hint"', html)
    assert "aria-invalid" not in html


def test_field_errors_are_linked_and_marked_invalid(app: Flask) -> None:
    html = render_macro(app, '{{ m.render_field(form.title, hint="Hint") }}')
    assert 'id="title-error"' in html and "Vul een titel in." in html
    assert re.search(r'<input[^>]*aria-describedby="title-hint title-error"', html)
    assert re.search(r'<input[^>]*aria-invalid="true"', html)


def test_multiple_select_renders_as_checkboxes_in_a_fieldset(app: Flask) -> None:
    html = render_macro(app, "{{ m.render_field(form.themes) }}")
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Thema", html)
    assert html.count('type="checkbox"') == 2
    assert 'id="themes-0"' in html and '<label class="utrecht-form-label' in html
    assert "<select" not in html


def test_radio_field_renders_in_a_fieldset_with_the_default_checked(app: Flask) -> None:
    html = render_macro(app, "{{ m.render_field(form.audience) }}")
    assert "<legend" in html and html.count('type="radio"') == 2
    assert re.search(r'<input[^>]*id="audience-0"[^>]*checked', html)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("summary", r"<textarea[^>]*class=\"utrecht-textarea"),
        ("kind", r"<select[^>]*class=\"utrecht-select"),
        ("files", r"<input[^>]*multiple[^>]*type=\"file\""),
        ("password", r"<input[^>]*type=\"password\""),
        ("agree", r"<input[^>]*type=\"checkbox\"[^>]*>\s*<label[^>]*for=\"agree\""),
    ],
)
def test_each_field_type_gets_its_control(app: Flask, field: str, expected: str) -> None:
    html = render_macro(app, f"{{{{ m.render_field(form.{field}) }}}}")
    assert re.search(expected, html), html
    assert f'for="{field}"' in html or "<legend" in html


def test_error_summary_links_each_error_to_its_field(app: Flask) -> None:
    html = render_macro(app, "{{ m.error_summary(form) }}")
    assert 'role="alert"' in html and "Er ging iets mis" in html
    assert '<a href="#title">Vul een titel in.</a>' in html
    assert '<a href="#themes-0">Kies minstens één thema.</a>' in html


def test_error_summary_is_absent_without_errors(app: Flask) -> None:
    html = render_macro(
        app,
        "{{ m.error_summary(form) }}",
        data={"title": "x", "themes": ["zorg"], "kind": "beleid"},
    )
    assert html.strip() == ""


def test_pagination_marks_the_current_page(app: Flask) -> None:
    html = render_macro(
        app,
        "{{ m.pagination(5, 12, url_for_page) }}",
        url_for_page=lambda n: f"/?page={n}",
    )
    assert 'aria-label="Paginering"' in html
    assert re.search(r'href="/\?page=5" aria-current="page"', html)
    assert 'href="/?page=4" rel="prev">Vorige' in html
    assert 'href="/?page=6" rel="next">Volgende' in html
    assert 'href="/?page=1"' in html and 'href="/?page=12"' in html
    assert 'href="/?page=9"' not in html


def test_pagination_is_absent_for_a_single_page(app: Flask) -> None:
    assert render_macro(app, "{{ m.pagination(1, 1, f) }}", f=str).strip() == ""


@pytest.mark.parametrize(
    ("status", "text"),
    [("processing", "Wordt verwerkt"), ("ready", "Klaar"), ("failed", "Tekst niet gelezen")],
)
def test_status_badge_says_the_status_in_words(app: Flask, status: str, text: str) -> None:
    html = render_macro(app, "{{ m.status_badge(status) }}", status=status)
    assert f"kn-badge--{status}" in html
    assert " ".join(re.sub(r"<[^>]+>", " ", html).split()) == f"Status: {text}"
