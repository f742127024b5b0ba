from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField


class CollegeImportForm(FlaskForm):
    file = FileField(_l("Colleges file (.xlsx or .csv)"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))
