from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, FieldList, Form, FormField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from app.contests.services import TEAM_RULES
from app.forms import DecimalField, IntegerField, show_error_on_form

TRACK_KIND_CHOICES = [SelectChoice("regular", _l("Regular (常规赛)")), SelectChoice("practical", _l("Practical (实战赛)"))]
#: Each choice names the language in itself too, so that a reader of the other one recognizes it.
LANGUAGE_CHOICES = [SelectChoice("zh", _l("Chinese first (中文)")), SelectChoice("en", _l("English first"))]
BLANK_TRACK_ROWS = 2


class TrackForm(Form):
    code = StringField(_l("Code"))
    name = StringField(_l("Name"))
    kind = SelectField(_l("Kind"), choices=TRACK_KIND_CHOICES)

    def is_blank(self) -> bool:
        return not (self.code.data or "").strip() and not (self.name.data or "").strip()


class BudgetForm(Form):
    amount = DecimalField(_l("Budget for awards"), validators=[Optional()])
    currency = StringField(_l("Currency"), description=_l("An ISO 4217 code, such as CNY."))

    def to_data(self) -> dict | None:
        """The budget for the service, or None when both fields are empty (no limit)."""
        currency = (self.currency.data or "").strip().upper() or None
        if self.amount.data is None and currency is None:
            return None
        return {"amount": self.amount.data, "currency": currency}


class ContestForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired()])
    year = IntegerField(_l("Year"), validators=[InputRequired()])
    timezone = StringField(_l("Time zone"), validators=[InputRequired()])
    language = SelectField(_l("Contest language"), choices=LANGUAGE_CHOICES, default="zh")
    registration_opens_at = DateTimeLocalField(_l("Registration opens"), validators=[InputRequired()], format="%Y-%m-%dT%H:%M")
    registration_closes_at = DateTimeLocalField(_l("Registration closes"), validators=[InputRequired()], format="%Y-%m-%dT%H:%M")
    min_members = IntegerField(_l("Fewest students per team"), validators=[Optional()])
    max_members = IntegerField(_l("Most students per team"), validators=[Optional()])
    max_university_advisors = IntegerField(_l("Most university advisors"), validators=[Optional()])
    max_enterprise_advisors = IntegerField(_l("Most enterprise advisors"), validators=[Optional()])
    team_name_max = IntegerField(_l("Longest team name (characters)"), validators=[Optional()])
    project_title_max = IntegerField(_l("Longest project title (characters)"), validators=[Optional()])
    tracks = FieldList(FormField(TrackForm), min_entries=1)
    budget = FormField(BudgetForm, label=_l("Budget"))
    submit = SubmitField(_l("Save contest"))

    def add_blank_tracks(self) -> None:
        """Offer empty rows for new tracks; rows left empty are ignored."""
        for _row in range(BLANK_TRACK_ROWS):
            self.tracks.append_entry()

    def to_data(self) -> dict:
        """The values for the contests service; empty track rows are left out."""
        data = {
            name: self[name].data
            for name in ("name", "year", "timezone", "language", "registration_opens_at", "registration_closes_at")
        }
        data.update({key: self[key].data for key, *_bounds in TEAM_RULES})
        self._track_rows = [index for index, entry in enumerate(self.tracks) if not entry.form.is_blank()]
        data["tracks"] = [self.tracks[index].data for index in self._track_rows]
        data["budget"] = self.budget.form.to_data()
        return data

    def show_error(self, error) -> int:
        """Show a service error at its fields, on the track rows the person filled."""
        return show_error_on_form(self, error, rows={"tracks": self._track_rows})
