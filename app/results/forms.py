"""Results forms: compute, publish, reopen, the advancement rule and the prize tiers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from app.forms import DecimalField, IntegerField
from app.models import TIER_KEYS, TIER_NAMES
from app.notices.forms import NoticeFields

TIE_CHOICES = [
    SelectChoice("flag", _l("Flag them for me to decide")),
    SelectChoice("include", _l("Include the whole tied group")),
]
TIER_LABELS = {
    "special": _l("Special prize"),
    "first": _l("First prize"),
    "second": _l("Second prize"),
    "third": _l("Third prize"),
    "honorable": _l("Honorable mention"),
}


class ComputeForm(FlaskForm):
    confirm = BooleanField(_l("Compute without the sheets that are not submitted"))
    compute = SubmitField(_l("Compute results"))


class AwardPrizeForm(FlaskForm):
    """One recipient's own amount (grants may differ per recipient); empty amount: the tier's."""

    amount = DecimalField(_l("Amount"), places=None, validators=[Optional()])
    currency = StringField(_l("Currency"))
    description = StringField(_l("What the winner receives"))
    reason = StringField(_l("Reason"))
    save = SubmitField(_l("Save the award"))

    def to_input(self) -> dict:
        return {
            "amount": self.amount.data,
            "currency": (self.currency.data or "").strip().upper() or None,
            "description": self.description.data if (self.description.data or "").strip() else None,
            "reason": self.reason.data,
        }


class PublishForm(FlaskForm, NoticeFields):
    show_scores = BooleanField(_l("Show scores on the public page"), default=True)
    tell_teams = BooleanField(
        _l("Mail each team its result"),
        default=True,
        description=_l("Now, and again when the results are final: to each captain, or every member if the contest chooses."),
    )
    publish = SubmitField(_l("Publish"))


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why reopen the published round?"))
    reopen = SubmitField(_l("Reopen"))


class AdvanceForm(FlaskForm):
    to_round_id = SelectField(_l("Into round"), coerce=int)
    top = IntegerField(_l("Top N teams"), validators=[Optional(), NumberRange(min=0)])
    share = DecimalField(_l("or a share (0.3 = 30%)"), places=None, validators=[Optional()])
    per = SelectField(
        _l("Per"),
        choices=[
            SelectChoice("none", _l("overall")),
            SelectChoice("college", _l("college")),
            SelectChoice("province", _l("province")),
            SelectChoice("country", _l("country")),
            SelectChoice("region", _l("world region")),
        ],
    )
    min_score = DecimalField(_l("Minimum score (optional)"), places=None, validators=[Optional()])
    ties = SelectField(_l("Ties at the cut"), choices=TIE_CHOICES, default="flag")
    preview = SubmitField(_l("Preview"))
    confirm = SubmitField(_l("Confirm advancement"))

    def rule(self) -> dict:
        return {
            "to_round_id": self.to_round_id.data,
            "top": self.top.data,
            "share": self.share.data,
            "per": self.per.data,
            "min_score": self.min_score.data,
            "ties": self.ties.data,
        }


def awards_form_class(tie_team_ids: list[int]) -> type[FlaskForm]:
    """The awards form: a count and a share per tier, the tie policy, and one choice per team in a
    tied group (built per request, as the sheet form is)."""

    class AwardsForm(FlaskForm):
        ties = SelectField(_l("Ties at a tier boundary"), choices=TIE_CHOICES, default="flag")
        reason = TextAreaField(_l("Reason for the decisions on tied teams"))
        preview = SubmitField(_l("Preview"))
        confirm = SubmitField(_l("Confirm awards"))

        def tiers(self) -> list[dict]:
            tiers = []
            for key in TIER_KEYS:
                count, share = self[f"count_{key}"].data, self[f"share_{key}"].data
                if count is not None or share is not None:
                    tiers.append({"key": key, "name": TIER_NAMES[key], "count": count, "share": share})
            return tiers

        def overrides(self) -> list[dict]:
            reason = self.reason.data or ""
            chosen = []
            for team_id in tie_team_ids:
                value = self[f"tie_{team_id}"].data
                if value:
                    chosen.append({"team_id": team_id, "tier": None if value == "none" else value, "reason": reason})
            return chosen

    for key in TIER_KEYS:
        setattr(AwardsForm, f"count_{key}", IntegerField(TIER_LABELS[key], validators=[Optional(), NumberRange(min=0)]))
        setattr(
            AwardsForm,
            f"share_{key}",
            DecimalField(_l("or share"), places=None, validators=[Optional(), NumberRange(min=0, max=1)]),
        )
    tie_choices = [
        SelectChoice("", _l("leave as computed")),
        *[SelectChoice(key, TIER_LABELS[key]) for key in TIER_KEYS],
        SelectChoice("none", _l("no prize")),
    ]
    for team_id in tie_team_ids:
        setattr(AwardsForm, f"tie_{team_id}", SelectField(_l("Decision"), choices=tie_choices, validators=[Optional()]))
    return AwardsForm
