"""Flask-WTF forms; every label and message is Dutch and marked for translation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from kennisnet.curation.categories import themes_in_order, types_in_order
from kennisnet.documents.metadata import MAX_SUMMARY, MAX_TITLE, Metadata
from kennisnet.documents.models import Visibility

REQUIRED = _l("Dit veld is verplicht.")
VISIBILITY_CHOICES = [
    SelectChoice(Visibility.PUBLIC.value, _l("Iedereen (openbaar)")),
    SelectChoice(Visibility.MEMBERS.value, _l("Alleen leden van het netwerk")),
]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _email_field() -> EmailField:
    return EmailField(
        _l("E-mailadres"),
        validators=[
            DataRequired(REQUIRED),
            Email(_l("Vul een geldig e-mailadres in.")),
            Length(max=254),
        ],
    )


def _new_password(label: Any, **kwargs: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Minstens 10 tekens."))],
        **kwargs,
    )


def _repeated_password(label: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", _l("De wachtwoorden zijn niet gelijk.")),
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(REQUIRED)])


class _MetadataForm(FlaskForm):
    title = StringField(
        _l("Titel"),
        validators=[Optional(), Length(max=MAX_TITLE)],
        description=_l("Laat leeg om de titel uit het bestand te gebruiken."),
    )
    summary = TextAreaField(
        _l("Korte beschrijving"),
        validators=[Optional(), Length(max=MAX_SUMMARY)],
        description=_l("Waar gaat het over, voor wie is het nuttig?"),
    )
    type = SelectField(_l("Soort document"), validators=[DataRequired(REQUIRED)])
    themes = CheckboxesField(_l("Thema's"), validators=[Optional()])
    visibility = RadioField(
        _l("Wie mag het document zien?"),
        choices=VISIBILITY_CHOICES,
        default=Visibility.MEMBERS.value,
        validators=[DataRequired(REQUIRED)],
    )
    region = StringField(
        _l("Wijk of gemeente"),
        validators=[Optional(), Length(max=200)],
        description=_l("Laat leeg om de wijk van uw organisatie te gebruiken."),
    )
    year = IntegerField(
        _l("Jaar"),
        validators=[
            Optional(),
            NumberRange(min=1900, max=2100, message=_l("Vul een jaartal in, zoals 2025.")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = [SelectChoice(t.slug, t.name) for t in types_in_order()]
        self.themes.choices = [SelectChoice(t.slug, t.name) for t in themes_in_order()]

    def metadata(self) -> Metadata:
        return Metadata(
            title=self.title.data or "",
            summary=self.summary.data or "",
            type=self.type.data or "",
            themes=tuple(self.themes.data or ()),
            visibility=self.visibility.data or Visibility.MEMBERS.value,
            region=self.region.data or "",
            year=self.year.data,
            extra=self.type_field_values(),
        )

    def type_field_values(self) -> dict[str, str]:
        """The type-specific fields filled in for the chosen type (``veld-<type>-<key>``).

        The page shows the fields of every type, since it works without JavaScript; only the
        chosen type's values count.
        """
        prefix = f"veld-{self.type.data}-"
        return {
            name[len(prefix) :]: value
            for name, value in request.form.items()
            if name.startswith(prefix)
        }

    def type_fields(self, values: Mapping[str, str] | None = None) -> list[tuple[Any, list]]:
        """Per type with fields: (type, [(field, input name, current value)]) for the page."""
        submitted = request.form if self.is_submitted() else {}
        values = values or {}
        return [
            (
                doc_type,
                [
                    (
                        field,
                        f"veld-{doc_type.slug}-{field.key}",
                        submitted.get(
                            f"veld-{doc_type.slug}-{field.key}", values.get(field.key, "")
                        ),
                    )
                    for field in doc_type.fields
                ],
            )
            for doc_type in types_in_order()
            if doc_type.fields
        ]


class UploadForm(_MetadataForm):
    files = MultipleFileField(
        _l("Bestanden"),
        description=_l(
            "PDF (ook scans), Word (.docx en .doc), RTF, OpenDocument (.odt, .ods, .odp), "
            "Excel (.xlsx), PowerPoint (.pptx), tekst, Markdown of een foto (JPEG, PNG, TIFF, "
            "WebP). U kunt meerdere bestanden tegelijk kiezen. Van foto's en scans wordt de "
            "tekst herkend. De voorbeeldafbeeldingen die Kennisnet toont zijn zonder "
            "EXIF-gegevens (dus ook zonder GPS-locatie); wie het bestand downloadt, krijgt het "
            "zoals u het uploadde."
        ),
    )

    def validate_files(self, field: MultipleFileField) -> None:
        if not [f for f in field.data or [] if getattr(f, "filename", "")]:
            raise ValidationError(_l("Kies minstens één bestand."))


class DocumentForm(_MetadataForm):
    pass


class CategoryForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=200)])
    description = TextAreaField(_l("Beschrijving"), validators=[Optional(), Length(max=2000)])
    parent = SelectField(
        _l("Hoort bij hoofdthema"),
        validators=[Optional()],
        validate_choice=False,
        description=_l("Laat leeg voor een hoofdthema."),
    )


class InvitationForm(FlaskForm):
    email = _email_field()
    organisation = StringField(
        _l("Organisatie"),
        validators=[Optional(), Length(max=200)],
        description=_l("De naam van de buurt- of wijkorganisatie (nieuw of bestaand)."),
    )
    region = StringField(
        _l("Wijk of gemeente van de organisatie"), validators=[Optional(), Length(max=200)]
    )
    role = RadioField(
        _l("Rol"),
        choices=[
            SelectChoice("member", _l("Lid")),
            SelectChoice("curator", _l("Redacteur (beheert thema's en keurt documenten)")),
            SelectChoice("admin", _l("Beheerder")),
        ],
        default="member",
    )


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Uw naam"), validators=[DataRequired(REQUIRED), Length(max=200)])
    password = _new_password(
        _l("Kies een wachtwoord"),
        description=_l(
            "Minstens 10 tekens. Een zin van een paar woorden is makkelijk te onthouden."
        ),
    )
    confirm = _repeated_password(_l("Herhaal het wachtwoord"))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = StringField(
        _l("Soort organisatie"),
        validators=[Optional(), Length(max=100)],
        description=_l("Bijvoorbeeld: wijkcoöperatie, bewonersvereniging, stichting."),
    )
    region = StringField(_l("Wijk of gemeente"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Korte beschrijving"), validators=[Optional(), Length(max=2000)])
    website = StringField(
        _l("Website"),
        validators=[Optional(), Length(max=300)],
        description=_l("Begint met https://"),
    )
    contact_name = StringField(_l("Contactpersoon"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(
        _l("E-mailadres contactpersoon"),
        validators=[Optional(), Email(_l("Vul een geldig e-mailadres in.")), Length(max=254)],
    )
    contact_public = BooleanField(
        _l("De contactpersoon vindt het goed om op het openbare profiel te staan")
    )


class JoinRequestForm(FlaskForm):
    name = StringField(_l("Uw naam"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = _email_field()
    organisation = StringField(
        _l("Uw buurt- of wijkorganisatie"), validators=[Optional(), Length(max=200)]
    )
    message = TextAreaField(_l("Waarom wilt u meedoen?"), validators=[Optional(), Length(max=2000)])


class ProfileForm(FlaskForm):
    name = StringField(_l("Uw naam"), validators=[DataRequired(REQUIRED), Length(max=200)])


class ResetPasswordForm(FlaskForm):
    password = _new_password(_l("Nieuw wachtwoord"))
    confirm = _repeated_password(_l("Herhaal het nieuwe wachtwoord"))


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l("Huidig wachtwoord"), validators=[DataRequired(REQUIRED)])


class DigestForm(FlaskForm):
    frequency = RadioField(
        _l("E-mailoverzicht van nieuwe documenten"),
        choices=[
            SelectChoice("none", _l("Geen e-mail")),
            SelectChoice("daily", _l("Dagelijks")),
            SelectChoice("weekly", _l("Wekelijks")),
        ],
        validators=[DataRequired(_l("Kies hoe vaak u een overzicht wilt."))],
    )
