"""Judging forms. The sheet form is built per round, one field per criterion (as Indico does)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.forms import IntegerField, show_error_on_form
from app.judging.labels import GROUPING_LABELS, METHOD_LABELS, ROUND_LEVEL_LABELS
from app.models import ROUND_LEVELS, Round


def sheet_form_class(round_: Round) -> type[FlaskForm]:
    """A form with a text field per criterion (typed values are checked by the service, so that
    full-width digits and every mistake get one message at their item)."""

    class SheetForm(FlaskForm):
        version = HiddenField()
        comment = TextAreaField(_l("Comment (optional)"))
        save = SubmitField(_l("Save draft"))
        submit_sheet = SubmitField(_l("Submit scores"))

    for criterion in round_.sheet_criteria:
        setattr(SheetForm, f"score_{criterion.key}", StringField(criterion.name))
    return SheetForm


def sheet_values(form: FlaskForm, round_: Round) -> dict[str, str]:
    return {criterion.key: (form[f"score_{criterion.key}"].data or "") for criterion in round_.sheet_criteria}


class UnlockForm(FlaskForm):
    reason = TextAreaField(_l("Why unlock this sheet?"))
    submit = SubmitField(_l("Unlock for the judge"))


class RoundActionForm(FlaskForm):
    """The round page's buttons: one form, the button pressed names the action."""

    action = HiddenField()


class AutoAssignForm(FlaskForm):
    judges_per_team = IntegerField(_l("Judges per team"), validators=[Optional()])
    max_per_judge = IntegerField(_l("Most teams per judge"), validators=[Optional()])
    avoid_same_province = SelectField(
        _l("Judges of the team's province"), choices=[SelectChoice("0", _l("Allowed")), SelectChoice("1", _l("Avoided"))]
    )
    seed = IntegerField(_l("Seed"), default=0, validators=[Optional()])
    bridging = BooleanField(_l("Bridge the groups' panels"))
    submit = SubmitField(_l("Assign judges automatically"))

    def options(self) -> dict:
        """The form's choices as `app.judging.assignments.auto_assign` takes them."""
        return {
            "judges_per_team": self.judges_per_team.data,
            "max_per_judge": self.max_per_judge.data,
            "avoid_same_province": self.avoid_same_province.data == "1",
            "seed": self.seed.data or 0,
            "bridging": self.bridging.data,
        }


class JudgeImportForm(FlaskForm):
    file = FileField(
        _l("Judges (.xlsx or .csv): name, email, college_code, organization, province, expertise"), validators=[FileRequired()]
    )
    submit = SubmitField(_l("Import judges"))


class ConflictForm(FlaskForm):
    college = StringField(_l("College (name and code, or exact name)"))
    team_number = StringField(_l("or a team number"))
    reason = StringField(_l("Reason"))
    submit = SubmitField(_l("Declare conflict"))


class ManualAssignmentForm(FlaskForm):
    team_number = StringField(_l("Team number"))
    judge_id = SelectField(_l("Judge"), validate_choice=False)
    reason = StringField(_l("Reason (needed for a judge of the team's province)"))
    submit = SubmitField(_l("Assign"))


class RemoveAssignmentForm(FlaskForm):
    submit = SubmitField(_l("Remove this assignment"))


class CriterionForm(Form):
    key = StringField(_l("Key"))
    name = StringField(_l("Item (Chinese)"))
    name_en = StringField(_l("Item (English)"))
    description = StringField(_l("Description"))
    max = StringField(_l("Maximum"))
    weight = StringField(_l("Weight"), default="1")
    step = StringField(_l("Step"), default="0.5")
    source = SelectField(
        _l("Source"),
        choices=[SelectChoice("judges", _l("Judges")), SelectChoice("data", _l("Data import"))],
        default="judges",
        validate_choice=False,
    )
    rule_kind = SelectField(
        _l("Data rule"),
        choices=[SelectChoice("", "—"), SelectChoice("linear", _l("Linear, floor to cap")), SelectChoice("rank", _l("By rank"))],
        default="",
        validate_choice=False,
    )
    floor = StringField(_l("Floor"))
    cap = StringField(_l("Cap"))

    def rule(self) -> dict | None:
        """The data rule in the API's shape, or None for a judges' item."""
        if self.source.data != "data":
            return None
        rule = {"kind": self.rule_kind.data or None}
        if self.rule_kind.data == "linear":
            rule.update(floor=(self.floor.data or "").strip() or None, cap=(self.cap.data or "").strip() or None)
        return rule

    def is_blank(self) -> bool:
        return not any((self[name].data or "").strip() for name in ("key", "name", "max"))


class RequirementForm(Form):
    """One item teams hand in; the types are typed as a list ("pdf, pptx")."""

    key = StringField(_l("Key"))
    name = StringField(_l("Item"))
    kind = SelectField(_l("Kind"), choices=[SelectChoice("file", _l("File")), SelectChoice("link", _l("Link"))])
    types = StringField(_l("Types"))
    max_mb = StringField(_l("Max MB"))
    max_pages = StringField(_l("Max pages"))
    required = BooleanField(_l("Required"), default=True)

    def is_blank(self) -> bool:
        return not any((self[name].data or "").strip() for name in ("key", "name"))

    def to_data(self) -> dict:
        return {
            "key": self.key.data,
            "name": self.name.data,
            "kind": self.kind.data,
            "types": [part.strip() for part in (self.types.data or "").replace("，", ",").split(",") if part.strip()],
            "max_mb": self.max_mb.data or None,
            "max_pages": self.max_pages.data or None,
            "required": bool(self.required.data),
        }


#: The level a round's teams usually advance to.
NEXT_LEVEL = {"school": "provincial", "provincial": "national"}


class RoundForm(FlaskForm):
    """A round and its score sheet; rows are in order, and empty rows are left out."""

    name = StringField(_l("Name"))
    level = SelectField(
        _l("Round level"), choices=[SelectChoice(v, ROUND_LEVEL_LABELS.get(v, v)) for v in ROUND_LEVELS], validate_choice=False
    )
    grouping = SelectField(
        _l("Ranked within"), choices=[SelectChoice(v, label) for v, label in GROUPING_LABELS.items()], validate_choice=False
    )
    judges_per_team = IntegerField(_l("Judges per team"), default=5, validators=[Optional()])
    method = SelectField(
        _l("Team score"), choices=[SelectChoice(v, label) for v, label in METHOD_LABELS.items()], validate_choice=False
    )
    trim = IntegerField(_l("Trim"), default=1, validators=[Optional()])
    decimals = IntegerField(_l("Decimals shown"), default=2, validators=[Optional()])
    tie_breaks = StringField(_l("Tie-breaks, in order (raw_sum, criterion:<key>)"))
    blind = BooleanField(_l("Blind: judges see team number and title, not names"))
    #: Unticked (the default, and what a form without the box posts), a judge never scores their own college's teams.
    own_college_judges = BooleanField(_l("Let the college's own teachers judge its teams (school rounds only)"))
    criteria = FieldList(FormField(CriterionForm))
    requirements = FieldList(FormField(RequirementForm))
    works_due_at = DateTimeLocalField(_l("Works due"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    submit = SubmitField(_l("Save round"))

    def add_blank_rows(self, count: int = 3) -> None:
        for _row in range(count):
            self.criteria.append_entry()
        for _row in range(2):
            self.requirements.append_entry()

    def fill_from(self, round_: Round) -> None:
        self.name.data, self.level.data, self.grouping.data = round_.name, round_.level, round_.grouping
        self.judges_per_team.data, self.method.data, self.trim.data = round_.judges_per_team, round_.aggregation, round_.trim
        self.decimals.data, self.blind.data, self.tie_breaks.data = round_.decimals, round_.blind, ", ".join(round_.tie_breaks)
        self.own_college_judges.data = not round_.own_college_conflict
        for requirement in round_.requirements or []:
            entry = self.requirements.append_entry().form
            entry.key.data, entry.name.data, entry.kind.data = requirement["key"], requirement["name"], requirement["kind"]
            entry.types.data = ", ".join(requirement.get("types", []))
            entry.max_mb.data, entry.max_pages.data = (
                str(requirement.get("max_mb") or ""),
                str(requirement.get("max_pages") or ""),
            )
            entry.required.data = requirement.get("required", True)
        if round_.works_due_at is not None:
            local = round_.works_due_at.astimezone(ZoneInfo(round_.contest.timezone))
            self.works_due_at.data = local.replace(tzinfo=None)
        for criterion in round_.criteria:
            entry = self.criteria.append_entry().form
            for name in ("key", "name", "name_en", "description"):
                entry[name].data = getattr(criterion, name)
            for name in ("max", "weight", "step"):
                entry[name].data = format(getattr(criterion, name).normalize(), "f")
            entry.source.data = criterion.source
            rule = criterion.rule or {}
            entry.rule_kind.data, entry.floor.data, entry.cap.data = (
                rule.get("kind", ""),
                rule.get("floor", ""),
                rule.get("cap", ""),
            )

    def fill_next(self, previous: Round) -> None:
        """The round after `previous`: the same sheet, rule and items (their keys reuse the works handed in
        there), the next level, and a name and deadline still to give."""
        self.fill_from(previous)
        self.name.data, self.works_due_at.data = "", None
        self.level.data = NEXT_LEVEL.get(previous.level, previous.level)

    def to_data(self, timezone: str, *, include_criteria: bool = True, include_works: bool = True) -> dict:
        """The round in the API's shape, the deadline read in the contest's `timezone`. A locked sheet's
        inputs (and an open round's items) are disabled and not posted, so they are left out rather than
        read as empty."""
        self._rows = [index for index, entry in enumerate(self.criteria) if not entry.form.is_blank()]
        self._requirement_rows = [index for index, entry in enumerate(self.requirements) if not entry.form.is_blank()]
        data = {
            "name": self.name.data,
            "level": self.level.data,
            "grouping": self.grouping.data,
            "judges_per_team": self.judges_per_team.data,
            "aggregation": {
                "method": self.method.data,
                "trim": self.trim.data if self.trim.data is not None else 1,
                "decimals": self.decimals.data if self.decimals.data is not None else 2,
            },
            "tie_breaks": [part.strip() for part in (self.tie_breaks.data or "").split(",") if part.strip()],
            "blind": bool(self.blind.data),
            "own_college_conflict": not self.own_college_judges.data,
            "criteria": [
                {
                    **{
                        name: self.criteria[index].form[name].data
                        for name in ("key", "name", "name_en", "description", "max", "weight", "step", "source")
                    },
                    "rule": self.criteria[index].form.rule(),
                }
                for index in self._rows
            ],
        }
        if not include_criteria:
            del data["criteria"]
        if include_works:
            due: datetime | None = self.works_due_at.data
            data["requirements"] = [self.requirements[index].form.to_data() for index in self._requirement_rows]
            data["works_due_at"] = due.replace(tzinfo=ZoneInfo(timezone)) if due is not None else None
        return data

    def show_error(self, error) -> int:
        # aggregation.method and aggregation.trim land on the method and trim fields
        error.fields = {name.removeprefix("aggregation."): messages for name, messages in error.fields.items()}
        # a data rule's kind, floor and cap are fields of the criterion's row
        error.fields = {
            name.replace(".rule.kind", ".rule_kind").replace(".rule.", "."): messages for name, messages in error.fields.items()
        }
        return show_error_on_form(
            self,
            error,
            rows={"criteria": self._rows, "requirements": self._requirement_rows},
            renames={"own_college_conflict": "own_college_judges"},
        )


class MetricsImportForm(FlaskForm):
    file = FileField(_l("Data values (.xlsx or .csv): team number, then a column per data item"), validators=[FileRequired()])
    submit = SubmitField(_l("Import values"))


class MetricObjectionForm(FlaskForm):
    key = HiddenField()
    note = TextAreaField(_l("What is wrong with this value, and what should it be?"))
    submit = SubmitField(_l("Report this value as wrong"))
