"""Registration forms. They parse and show; the rules are `rules.check_team` and the services."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired

from app import countries
from app.colleges.services import find_college
from app.errors import ContestError
from app.extensions import db
from app.forms import Required, show_error_on_form
from app.models import INDIVIDUAL, ORGANIZATION, TEAM, College, Contest, Team, Track, User
from app.permissions import can_use_college
from app.registration.answer_forms import answer_error_fields, answers_form_class, answers_input, fill_answers
from app.registration.answers import shown_answers

ADVISOR_KIND_CHOICES = [
    SelectChoice("university", _l("University advisor")),
    SelectChoice("enterprise", _l("Enterprise advisor")),
]


def college_label(college) -> str:
    """How a college is written in a college field: its name and code, as the search suggests."""
    return f"{college.name} {college.code}" if college else ""


class SignupForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired()])
    email = EmailField(_l("Email"), validators=[DataRequired()])
    submit = SubmitField(_l("Send me the link"))


class SignupConfirmForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    confirm_password = PasswordField(
        _l("Password again"), validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))]
    )
    submit = SubmitField(_l("Create account"))


def country_field(label) -> SelectField:
    """A country, chosen by its name in the reader's language; the service checks the code."""
    return SelectField(label, validate_choice=False)


class MemberForm(Form):
    name = StringField(_l("Full name"), validators=[Required()])
    student_id = StringField(_l("Student ID"), validators=[Required()])
    college = StringField(_l("College (if not the team's)"))
    major = StringField(_l("Major"))
    grade = StringField(_l("Grade"))
    email = EmailField(_l("Email"), validators=[Required()])
    phone = StringField(_l("Phone"))
    nationality = country_field(_l("Nationality"))

    def is_blank(self) -> bool:
        return not any((field.data or "").strip() for name, field in self._fields.items() if name != "nationality")


class OrganizationForm(Form):
    """An organization entrant's own fields (`organizations.check_organization` checks them)."""

    name = StringField(_l("Legal name"), validators=[Required()])
    country = SelectField(_l("Country"), validate_choice=False, validators=[Required()])
    credit_code = StringField(_l("Unified social credit code"))
    address = StringField(_l("Address"))
    contact_name = StringField(_l("Contact person"), validators=[Required()])
    contact_email = EmailField(_l("Contact email"), validators=[Required()])
    contact_phone = StringField(_l("Contact phone"))

    def to_input(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "country": self.country.data,
            "credit_code": self.credit_code.data,
            "address": self.address.data,
            "contact": {"name": self.contact_name.data, "email": self.contact_email.data, "phone": self.contact_phone.data},
        }


class AdvisorForm(Form):
    kind = SelectField(_l("Kind"), choices=ADVISOR_KIND_CHOICES, validate_choice=False)  # the service checks it
    name = StringField(_l("Full name"), validators=[Required()])
    organization = StringField(_l("Organization"), validators=[Required()])
    title = StringField(_l("Title"))
    email = EmailField(_l("Email"))
    phone = StringField(_l("Phone"))

    def is_blank(self) -> bool:
        return not any((field.data or "").strip() for name, field in self._fields.items() if name != "kind")


class TeamForm(FlaskForm):
    """A team with as many member rows as the contest allows and a row per possible advisor.

    Empty rows are ignored, so the page works without JavaScript; with it, empty rows are hidden
    behind "add" buttons. The captain is the member row chosen in `captain`.
    """

    # No checking validators here: `check_team` reports every problem, required fields included, in one pass;
    # `Required` only marks the fields it requires.
    name = StringField(_l("Team name"), validators=[Required()])
    project_title = StringField(_l("Project title"), validators=[Required()])
    track = SelectField(_l("Track"), validate_choice=False, validators=[Required()])
    college = StringField(_l("College"), validators=[Required()])
    country = country_field(_l("Country"))
    organization = FormField(OrganizationForm)
    members = FieldList(FormField(MemberForm), label=_l("Student"))
    captain = RadioField(_l("Captain"), default="0")
    advisors = FieldList(FormField(AdvisorForm), label=_l("Advisor"))
    submit = SubmitField(_l("Submit registration"))

    @classmethod
    def for_contest(cls, contest: Contest) -> type[TeamForm]:
        """The form with the contest's own questions, as a sub-form `answers`, when it asks any."""
        answers = answers_form_class(contest)
        return cls if answers is None else type("TeamForm", (cls,), {"answers": FormField(answers, label=_l("Questions"))})

    def prepare(self, contest: Contest, track: Track | None = None) -> TeamForm:
        """Shape the form for the contest and for the chosen track's entrant kind (its tracks of that kind are
        offered; a form of one kind cannot hold another's entrant)."""
        self.kind = track.entrant if track is not None else TEAM
        tracks = [t for t in contest.tracks if t.entrant == self.kind]
        self.track.choices = [SelectChoice(t.code, f"{t.code} · {t.name}") for t in tracks]
        if track is not None and not self.track.data:
            self.track.data = track.code
        self.member_range = track.member_range() if track is not None else (contest.min_members, contest.max_members)
        choices = [SelectChoice("", "—"), *(SelectChoice(code, name) for code, name in countries.country_choices())]
        for select in (self.country, self.organization.form.country):
            select.choices = choices
        if self.kind != TEAM:  # a person or an organization may name a college; a team must
            self.college.flags.required = False
            self.name.flags.required = False
            self.college.label.text = _l("University or institution (optional)")
        if self.kind == ORGANIZATION:
            self.name.label.text = _l("Entry name (default: the organization's name)")
        elif self.kind == INDIVIDUAL:
            self.name.label.text = _l("Entry name (default: your name)")
        while len(self.members) < max(self.member_range[1], 1 if self.kind != ORGANIZATION else 0):
            self.members.append_entry()
        while len(self.advisors) < contest.max_university_advisors + contest.max_enterprise_advisors:
            entry = self.advisors.append_entry()
            if len(self.advisors) > contest.max_university_advisors:
                entry.form.kind.data = entry.form.kind.data or "enterprise"
        for entry in self.members:
            entry.form.nationality.choices = choices
            if self.kind != TEAM:
                entry.form.student_id.flags.required = False
                entry.form.student_id.label.text = _l("Student ID (students only)")
                entry.form.college.label.text = _l("College (students only)")
        self.captain.choices = [SelectChoice(str(index), str(index + 1)) for index in range(len(self.members))]
        return self

    def choose_college(self, college_id: int | None, user: User) -> None:
        """Start with the college the link names (the one the person just proposed), if they may use it."""
        college = db.session.get(College, college_id) if college_id else None
        if college is not None and can_use_college(user, college):
            self.college.data = college_label(college)

    def fill_from(self, team: Team) -> None:
        self.name.data, self.project_title.data, self.track.data = team.name, team.project_title, team.track.code
        self.college.data, self.country.data = college_label(team.college), team.country
        if team.organization is not None:
            organization, form = team.organization, self.organization.form
            for name in ("name", "country", "credit_code", "address", "contact_name", "contact_email", "contact_phone"):
                form[name].data = getattr(organization, name)
        for index, member in enumerate(team.members):
            entry = self.members[index].form if index < len(self.members) else self.members.append_entry().form
            entry.name.data, entry.student_id.data, entry.major.data = member.name, member.student_id, member.major
            entry.grade.data, entry.email.data, entry.phone.data = member.grade, member.email, member.phone
            entry.nationality.data = member.nationality
            entry.college.data = college_label(member.college) if member.college_id != team.college_id else ""
            if member.is_captain:
                self.captain.data = str(index)
        for index, advisor in enumerate(team.advisors):
            entry = self.advisors[index].form if index < len(self.advisors) else self.advisors.append_entry().form
            for name in ("kind", "name", "organization", "title", "email", "phone"):
                entry[name].data = getattr(advisor, name)
        if "answers" in self._fields:
            fill_answers(self["answers"].form, shown_answers(team))

    def to_input(self) -> dict[str, Any]:
        """The registration in the API's shape; empty rows are left out."""
        self._member_rows = [i for i, entry in enumerate(self.members) if not entry.form.is_blank()]
        self._advisor_rows = [i for i, entry in enumerate(self.advisors) if not entry.form.is_blank()]
        college = find_college(self.college.data)
        members = []
        for index in self._member_rows:
            entry = self.members[index].form
            member_college = find_college(entry.college.data) if (entry.college.data or "").strip() else None
            members.append(
                {
                    "name": entry.name.data,
                    "student_id": entry.student_id.data,
                    "major": entry.major.data,
                    "grade": entry.grade.data,
                    "email": entry.email.data,
                    "phone": entry.phone.data,
                    "captain": self.captain.data == str(index),
                    "college_id": member_college.id if member_college else (-1 if (entry.college.data or "").strip() else None),
                    "nationality": entry.nationality.data,
                }
            )
        advisors = [
            {name: self.advisors[index].form[name].data for name in ("kind", "name", "organization", "title", "email", "phone")}
            for index in self._advisor_rows
        ]
        college_given = bool((self.college.data or "").strip())
        return {
            "name": self.name.data,
            "project_title": self.project_title.data,
            "track": self.track.data,
            "college_id": college.id if college else (-1 if college_given else None),
            "country": self.country.data,
            "members": members,
            "advisors": advisors,
            "organization": self.organization.form.to_input() if getattr(self, "kind", TEAM) == ORGANIZATION else None,
            **({"answers": answers_input(self["answers"].form)} if "answers" in self._fields else {}),
        }

    def show_error(self, error: ContestError) -> int:
        """Show a service error at its fields, on the member and advisor rows the person filled."""
        error.fields = answer_error_fields(error.fields)
        return show_error_on_form(
            self,
            error,
            rows={"members": self._member_rows, "advisors": self._advisor_rows},
            renames={
                "college_id": "college",
                "organization.contact.name": "organization.contact_name",
                "organization.contact.email": "organization.contact_email",
                "organization.contact.phone": "organization.contact_phone",
            },
        )


class ReviewForm(FlaskForm):
    decision = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(_l("Reason (required to reject)"))
    submit = SubmitField(_l("Save decision"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why is the team withdrawing?"))
    submit = SubmitField(_l("Withdraw the team"))


class ReopenReviewForm(FlaskForm):
    reason = TextAreaField(_l("Why reopen the review?"))
    submit = SubmitField(_l("Reopen the review"))


class DisputeForm(FlaskForm):
    """A member's college disputes (or lifts its dispute of) the student's membership."""

    college_id = HiddenField(validators=[InputRequired()])
    student_id = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"))
    submit = SubmitField(_l("Dispute"))


class BulkApproveForm(FlaskForm):
    submit = SubmitField(_l("Approve the selected teams"))


class TeamImportForm(FlaskForm):
    file = FileField(_l("Filled-in template (.xlsx)"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))
