"""The team page's hand-in forms and the organizers' extension form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional


class WorkUploadForm(FlaskForm):
    """One item's hand-in: a file, or a link's address (whichever the item asks for)."""

    file = FileField(_l("File"))
    url = StringField(_l("Address (http:// or https://)"))
    submit = SubmitField(_l("Hand in"))


class ExtensionForm(FlaskForm):
    until = DateTimeLocalField(_l("New deadline"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    reason = TextAreaField(_l("Reason"))
    submit = SubmitField(_l("Grant extension"))
