from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, FieldList, Form, FormField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from app.contests.question_lines import parse_question_lines, question_errors_by_line
from app.contests.services import TEAM_RULES
from app.forms import DecimalField, IntegerField, show_error_on_form

TRACK_KIND_CHOICES = [SelectChoice("regular", _l("Regular (常规赛)")), SelectChoice("practical", _l("Practical (实战赛)"))]
ENTRANT_CHOICES = [
    SelectChoice("team", _l("Student teams")),
    SelectChoice("individual", _l("Individuals")),
    SelectChoice("organization", _l("Organizations")),
]
#: Each choice names the language in itself too, so that a reader of the other one recognizes it.
LANGUAGE_CHOICES = [SelectChoice("zh", _l("Chinese first (中文)")), SelectChoice("en", _l("English first"))]
BLANK_TRACK_ROWS = 2


class TrackForm(Form):
    code = StringField(_l("Code"))
    name = StringField(_l("Name"))
    kind = SelectField(_l("Kind"), choices=TRACK_KIND_CHOICES)
    entrant = SelectField(_l("Who enters"), choices=ENTRANT_CHOICES, default="team")
    min_members = IntegerField(_l("Fewest people"), validators=[Optional()])
    max_members = IntegerField(_l("Most people"), validators=[Optional()])

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
    questions = TextAreaField(
        _l("Registration questions"),
        description=_l(
            "One question per line: key | label | type, then any of: required, track: CODE, choices: a; b; c, help: text. "
            "Types: text, long_text, choice, number, date, yes_no, url. "
            "Example: stage | Business stage | choice | required | choices: idea; prototype; revenue"
        ),
    )
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
        data["registration_fields"], self._question_lines, _problems = parse_question_lines(self.questions.data or "")
        return data

    def validate_questions(self, field) -> None:
        problems = parse_question_lines(field.data or "")[2]
        if problems:
            raise ValidationError(" ".join(problems))

    def show_error(self, error) -> int:
        """Show a service error at its fields, on the track rows the person filled; a question's at the
        questions, naming its line."""
        error.fields = question_errors_by_line(error.fields, self._question_lines)
        return show_error_on_form(self, error, rows={"tracks": self._track_rows})
