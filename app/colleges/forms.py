from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField, URLField

from app import countries
from app.forms import Required
from app.models import PROVINCES_CN


class CollegeImportForm(FlaskForm):
    file = FileField(_l("Colleges file (.xlsx or .csv)"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))


class CollegeProposalForm(FlaskForm):
    """An institution that is not on the list; `app.colleges.proposals.propose_college` checks it."""

    name = StringField(_l("Name of the university or organization"), validators=[Required()])
    country = SelectField(_l("Country"), validate_choice=False, validators=[Required()])
    province = SelectField(_l("Province (Chinese institutions)"), validate_choice=False)
    website = URLField(_l("Website"))
    submit = SubmitField(_l("Propose it"))

    def prepare(self) -> "CollegeProposalForm":
        self.country.choices = [("", "—"), *countries.country_choices()]
        self.province.choices = [("", "—"), *((name, name) for name in PROVINCES_CN)]
        return self

    def to_input(self) -> dict[str, str]:
        return {name: self[name].data or "" for name in ("name", "country", "province", "website")}


class CollegeVerifyForm(FlaskForm):
    """Verify a proposal, with its name corrected if need be."""

    name = StringField(_l("Name"))
    submit = SubmitField(_l("Verify"))


class CollegeMergeForm(FlaskForm):
    """Merge a proposal into a college on the list, named as the college search writes it (name and code)."""

    into = StringField(_l("Merge into…"), validators=[Required()])
    submit = SubmitField(_l("Merge"))
