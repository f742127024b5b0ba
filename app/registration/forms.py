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

from app.colleges.services import find_college
from app.errors import ContestError
from app.extensions import db
from app.forms import Required, show_error_on_form
from app.models import College, Contest, Team, User
from app.permissions import can_use_college

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


class MemberForm(Form):
    name = StringField(_l("Full name"), validators=[Required()])
    student_id = StringField(_l("Student ID"), validators=[Required()])
    college = StringField(_l("College (if not the team's)"))
    major = StringField(_l("Major"))
    grade = StringField(_l("Grade"))
    email = EmailField(_l("Email"), validators=[Required()])
    phone = StringField(_l("Phone"))

    def is_blank(self) -> bool:
        return not any((field.data or "").strip() for field in self)


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
    members = FieldList(FormField(MemberForm), label=_l("Student"))
    captain = RadioField(_l("Captain"), default="0")
    advisors = FieldList(FormField(AdvisorForm), label=_l("Advisor"))
    submit = SubmitField(_l("Submit registration"))

    def prepare(self, contest: Contest) -> TeamForm:
        self.track.choices = [SelectChoice(t.code, f"{t.code} · {t.name}") for t in contest.tracks]
        while len(self.members) < contest.max_members:
            self.members.append_entry()
        while len(self.advisors) < contest.max_university_advisors + contest.max_enterprise_advisors:
            entry = self.advisors.append_entry()
            if len(self.advisors) > contest.max_university_advisors:
                entry.form.kind.data = entry.form.kind.data or "enterprise"
        self.captain.choices = [SelectChoice(str(index), str(index + 1)) for index in range(len(self.members))]
        return self

    def choose_college(self, college_id: int | None, user: User) -> None:
        """Start with the college the link names (the one the person just proposed), if they may use it."""
        college = db.session.get(College, college_id) if college_id else None
        if college is not None and can_use_college(user, college):
            self.college.data = college_label(college)

    def fill_from(self, team: Team) -> None:
        self.name.data, self.project_title.data, self.track.data = team.name, team.project_title, team.track.code
        self.college.data = college_label(team.college)
        for index, member in enumerate(team.members):
            entry = self.members[index].form if index < len(self.members) else self.members.append_entry().form
            entry.name.data, entry.student_id.data, entry.major.data = member.name, member.student_id, member.major
            entry.grade.data, entry.email.data, entry.phone.data = member.grade, member.email, member.phone
            entry.college.data = college_label(member.college) if member.college_id != team.college_id else ""
            if member.is_captain:
                self.captain.data = str(index)
        for index, advisor in enumerate(team.advisors):
            entry = self.advisors[index].form if index < len(self.advisors) else self.advisors.append_entry().form
            for name in ("kind", "name", "organization", "title", "email", "phone"):
                entry[name].data = getattr(advisor, name)

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
                }
            )
        advisors = [
            {name: self.advisors[index].form[name].data for name in ("kind", "name", "organization", "title", "email", "phone")}
            for index in self._advisor_rows
        ]
        return {
            "name": self.name.data,
            "project_title": self.project_title.data,
            "track": self.track.data,
            "college_id": college.id if college else None,
            "members": members,
            "advisors": advisors,
        }

    def show_error(self, error: ContestError) -> int:
        """Show a service error at its fields, on the member and advisor rows the person filled."""
        return show_error_on_form(
            self, error, rows={"members": self._member_rows, "advisors": self._advisor_rows}, renames={"college_id": "college"}
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
