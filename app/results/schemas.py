"""Shapes of the results API: computeResults, getResults, advanceTeams, assignAwards, listAwards, publishRound."""

import marshmallow as ma

from app.api.ids import Id
from app.api.numbers import Decimal, Integer
from app.models import GROUPINGS, TIER_KEYS
from app.notices.schemas import NoticeInSchema
from scoring.model import TIE_POLICIES


class ComputeInSchema(ma.Schema):
    confirm = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "compute even though some assigned sheets are not submitted (they are listed in the 409 otherwise)"
        },
    )


class JudgeTotalSchema(ma.Schema):
    judge = ma.fields.String(metadata={"description": "the judge's code, as exports show it"})
    judge_id = Integer()
    total = ma.fields.Float()


class DataCellSchema(ma.Schema):
    key = ma.fields.String(required=True, metadata={"description": "the data item's key"})
    value = ma.fields.Float(allow_none=True, metadata={"description": "the imported value; null when the team has none"})
    points = ma.fields.Float(required=True, metadata={"description": "the points by the item's rule, before its weight"})


class ResultItemSchema(ma.Schema):
    team_id = Integer(required=True)
    team_number = ma.fields.String()
    team_name = ma.fields.String()
    project_title = ma.fields.String()
    college = ma.fields.String(metadata={"description": "the team's college"})
    member_colleges = ma.fields.List(
        ma.fields.String(), metadata={"description": "every member's college, each once, in the members' order"}
    )
    province = ma.fields.String()
    country = ma.fields.String(metadata={"description": "the team's college's country, ISO 3166-1 alpha-2"})
    score = ma.fields.Float(
        allow_none=True, metadata={"description": "at the round's decimals; null when hidden or without sheets"}
    )
    rank = Integer()
    tied = ma.fields.Boolean()
    judges = ma.fields.List(ma.fields.Nested(JudgeTotalSchema))
    data = ma.fields.List(
        ma.fields.Nested(DataCellSchema),
        metadata={"description": "each data item's value and points, in the sheet's order (counted in score); empty when hidden"},
    )
    spread = ma.fields.Float(allow_none=True)
    flags = ma.fields.List(
        ma.fields.String(), metadata={"description": "from disagreement, few_judges, missing_data, missing_sheets, tie_at_cut"}
    )
    advanced = ma.fields.Boolean()
    tier = ma.fields.String(allow_none=True)


class ResultsSchema(ma.Schema):
    round_id = Integer()
    status = ma.fields.String()
    computed_at = ma.fields.DateTime(allow_none=True)
    rule = ma.fields.Dict(metadata={"description": "the aggregation rule applied"})
    missing = Integer(metadata={"description": "assigned sheets left out because they were not submitted"})
    items = ma.fields.List(ma.fields.Nested(ResultItemSchema), metadata={"description": "one page of the results, in rank order"})
    total = Integer(metadata={"description": "the teams with a result"})
    page = Integer()
    per_page = Integer()


class AdvanceInSchema(ma.Schema):
    to_round_id = Id(required=True)
    top = Integer(allow_none=True, validate=ma.validate.Range(min=0))
    share = Decimal(allow_none=True, as_string=False, validate=ma.validate.Range(min=0, max=1, min_inclusive=False))
    per = ma.fields.String(load_default="none", validate=ma.validate.OneOf(GROUPINGS))
    min_score = Decimal(allow_none=True, as_string=False)
    ties = ma.fields.String(load_default="flag", validate=ma.validate.OneOf(TIE_POLICIES))


class CutTieSchema(ma.Schema):
    group = ma.fields.String()
    places_left = Integer()
    team_ids = ma.fields.List(Integer())


class AdvanceSchema(ma.Schema):
    advanced = ma.fields.List(Integer())
    ties = ma.fields.List(ma.fields.Nested(CutTieSchema))


class TierInSchema(ma.Schema):
    key = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=20),
        metadata={"description": f"usually one of {', '.join(TIER_KEYS)}"},
    )
    name = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=40))
    count = Integer(allow_none=True, validate=ma.validate.Range(min=0))
    share = Decimal(allow_none=True, as_string=False, validate=ma.validate.Range(min=0, max=1))
    amount = Decimal(
        allow_none=True,
        as_string=True,
        metadata={"description": "what each winner of the tier receives (0 or more, at most 2 decimals), in `currency`"},
    )
    currency = ma.fields.String(allow_none=True, metadata={"description": "ISO 4217 code, such as CNY", "example": "CNY"})
    description = ma.fields.String(
        allow_none=True, metadata={"description": "what the winner receives: programme delivery, talent matching, ..."}
    )


class OverrideInSchema(ma.Schema):
    team_id = Id(required=True)
    tier = ma.fields.String(allow_none=True, metadata={"description": "a tier key, or null to give no prize"})
    reason = ma.fields.String(required=True)


class AwardsInSchema(ma.Schema):
    tiers = ma.fields.List(ma.fields.Nested(TierInSchema), required=True, validate=ma.validate.Length(min=1, max=10))
    ties = ma.fields.String(load_default="flag", validate=ma.validate.OneOf(TIE_POLICIES))
    overrides = ma.fields.List(ma.fields.Nested(OverrideInSchema), load_default=list, validate=ma.validate.Length(max=500))


class AwardSchema(ma.Schema):
    team_id = Integer()
    team_number = ma.fields.String()
    team_name = ma.fields.String()
    college = ma.fields.String(metadata={"description": "the team's college"})
    member_colleges = ma.fields.List(
        ma.fields.String(), metadata={"description": "every member's college, each once, in the members' order"}
    )
    province = ma.fields.String()
    country = ma.fields.String(metadata={"description": "the team's college's country, ISO 3166-1 alpha-2"})
    tier = ma.fields.String()
    tier_name = ma.fields.String()
    rank = Integer()
    score = ma.fields.Float(allow_none=True)
    id = Integer(metadata={"description": "the award, for updateAward"})
    amount = ma.fields.String(allow_none=True, metadata={"description": "exact decimal, in `currency`; null: none"})
    currency = ma.fields.String(allow_none=True)
    description = ma.fields.String()
    certificate_code = ma.fields.String(
        allow_none=True, metadata={"description": "the award's certificate (verifyCertificate), null until the results are final"}
    )


class MoneySchema(ma.Schema):
    amount = ma.fields.String(required=True, metadata={"description": 'exact decimal, as text: "6100000.00"'})
    currency = ma.fields.String(required=True, metadata={"description": "ISO 4217 code", "example": "CNY"})


class AwardUpdateInSchema(ma.Schema):
    amount = Decimal(
        allow_none=True, as_string=True, metadata={"description": "this recipient's own amount; null goes back to the tier's"}
    )
    currency = ma.fields.String(allow_none=True, metadata={"description": "ISO 4217; the tier's when left out"})
    description = ma.fields.String(allow_none=True)
    reason = ma.fields.String(allow_none=True, metadata={"description": "kept in the audit trail with the before and after"})


class TierTieSchema(ma.Schema):
    tier = ma.fields.String()
    places_left = Integer()
    team_ids = ma.fields.List(Integer())


class AwardsSchema(ma.Schema):
    awards = ma.fields.List(ma.fields.Nested(AwardSchema))
    ties = ma.fields.List(ma.fields.Nested(TierTieSchema))
    totals = ma.fields.List(ma.fields.Nested(MoneySchema), metadata={"description": "what the awards total, per currency"})


class PublishInSchema(ma.Schema):
    show_scores = ma.fields.Boolean(load_default=True, metadata={"description": "false publishes ranks and tiers without scores"})
    notice = ma.fields.Nested(
        NoticeInSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "a notice period for objections; without it the results are final at once"},
    )
    tell_teams = ma.fields.Boolean(
        load_default=True,
        metadata={"description": "mail each team its result now and when final, as a background job (listResultMails)"},
    )


class ExportArgsSchema(ma.Schema):
    judge_names = ma.fields.Boolean(
        load_default=False, metadata={"description": "name the judges in the Judges sheet (codes by default)"}
    )
