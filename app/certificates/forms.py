"""Certificate forms: a contest's issuer and seal; revoking an award's certificate."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.audit import REASON_MAX
from app.certificates.seals import ISSUER_MAX


class CertificateSettingsForm(FlaskForm):
    issuer = StringField(
        _l("Awarded by"),
        validators=[Length(max=ISSUER_MAX)],
        description=_l("As printed on the certificates, such as the organizing committee; empty: the contest's name."),
    )
    seal = FileField(_l("Seal (PNG, at most 1 MB)"), description=_l("The organizer's seal, printed over the issuer's name."))
    remove_seal = BooleanField(_l("Print no seal"))
    save = SubmitField(_l("Save"))


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (shown on the public verification page)"), validators=[DataRequired(), Length(max=REASON_MAX)]
    )
    revoke = SubmitField(_l("Revoke the certificate"))
