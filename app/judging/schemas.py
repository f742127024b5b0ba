import marshmallow as ma

from app.api.ids import Id
from app.api.numbers import Decimal, Integer
from app.judging.queries import round_counts
from app.judging.services import AGGREGATION_METHODS
from app.models import GROUPINGS, ROUND_LEVELS, WORK_KINDS, utcnow
from app.notices.schemas import NoticeSchema
from app.notices.services import notice_payload
from app.pagination import PageArgsSchema
from app.works.requirements import FILE_TYPES

OWN_COLLEGE_CONFLICT = (
    "true (default): a judge never scores a team of their own college; false, for school rounds only: the college's "
    "own judges may, at most half of a panel where enough outside judges exist"
)


class DataRuleSchema(ma.Schema):
    """A data item's rule; its bounds are the service's (`app.judging.criteria.check_rule`)."""

    kind = ma.fields.String(
        required=True,
        metadata={
            "example": "linear",
            "description": "linear: points rise evenly from the floor to the cap; rank: by rank in the round",
        },
    )
    floor = Decimal(
        allow_none=True, as_string=False, metadata={"example": 1000, "description": "linear only: the value worth 0 points"}
    )
    cap = Decimal(
        allow_none=True,
        as_string=False,
        metadata={"example": 50000, "description": "linear only: the value worth max points; below the floor: lower is better"},
    )


class CriterionInSchema(ma.Schema):
    """Numbers only here: their bounds and decimals are the service's rule (`app.judging.criteria.check_criteria`)."""

    key = ma.fields.String(required=True, metadata={"example": "innovation"})
    name = ma.fields.String(required=True, metadata={"example": "创新"})
    name_en = ma.fields.String()
    description = ma.fields.String()
    max = Decimal(required=True, as_string=False, metadata={"example": 20, "description": "above 0, at most 1000, 2 decimals"})
    weight = Decimal(load_default=1, as_string=False, metadata={"description": "above 0, at most 100, 4 decimals"})
    step = Decimal(allow_none=True, as_string=False, metadata={"description": "default 0.01; above 0, at most 100, 2 decimals"})
    source = ma.fields.String(
        load_default="judges",
        metadata={"description": "judges (default): scored on the judges' sheets; data: from importMetrics, by its rule"},
    )
    rule = ma.fields.Nested(DataRuleSchema, allow_none=True, metadata={"description": "a data item's rule (source: data only)"})


class RequirementSchema(ma.Schema):
    """An item a round asks for; its rules are `app.works.requirements.check_requirements`."""

    key = ma.fields.String(required=True, metadata={"example": "plan", "description": "a later round reuses a key's work"})
    name = ma.fields.String(required=True, metadata={"example": "商业计划书 Business plan"})
    kind = ma.fields.String(load_default="file", validate=ma.validate.OneOf(WORK_KINDS))
    types = ma.fields.List(
        ma.fields.String(), metadata={"description": f"file items: among {', '.join(FILE_TYPES)}; a link takes none"}
    )
    max_mb = Integer(allow_none=True, metadata={"description": "file items: 1 to the works ceiling (its default)"})
    max_pages = Integer(allow_none=True, metadata={"description": "PDF-only items: the most pages"})
    required = ma.fields.Boolean(load_default=True)


WORKS_DUE = "ISO 8601 with its offset (2026-05-01T17:00:00+08:00); null: no deadline. Frozen once the round opens"


class AggregationSchema(ma.Schema):
    method = ma.fields.String(load_default="mean", validate=ma.validate.OneOf(AGGREGATION_METHODS))
    trim = Integer(load_default=1)
    decimals = Integer(load_default=2)
    min_judges = Integer(load_default=5, metadata={"description": "judges needed before trimming"})


class RoundInSchema(ma.Schema):
    name = ma.fields.String(required=True)
    level = ma.fields.String(load_default="custom", validate=ma.validate.OneOf(ROUND_LEVELS))
    grouping = ma.fields.String(load_default="none", validate=ma.validate.OneOf(GROUPINGS))
    judges_per_team = Integer(load_default=5)
    aggregation = ma.fields.Nested(AggregationSchema, load_default=dict)
    tie_breaks = ma.fields.List(ma.fields.String(), load_default=list)
    criteria = ma.fields.List(ma.fields.Nested(CriterionInSchema), required=True)
    blind = ma.fields.Boolean(load_default=False)
    own_college_conflict = ma.fields.Boolean(load_default=True, metadata={"description": OWN_COLLEGE_CONFLICT})
    previous_round_id = Id(allow_none=True)
    requirements = ma.fields.List(ma.fields.Nested(RequirementSchema), load_default=list)
    works_due_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": WORKS_DUE})


class RoundPatchSchema(ma.Schema):
    name = ma.fields.String()
    level = ma.fields.String(validate=ma.validate.OneOf(ROUND_LEVELS))
    grouping = ma.fields.String(validate=ma.validate.OneOf(GROUPINGS))
    judges_per_team = Integer()
    aggregation = ma.fields.Nested(AggregationSchema)
    tie_breaks = ma.fields.List(ma.fields.String())
    criteria = ma.fields.List(ma.fields.Nested(CriterionInSchema))
    blind = ma.fields.Boolean()
    own_college_conflict = ma.fields.Boolean(metadata={"description": OWN_COLLEGE_CONFLICT})
    requirements = ma.fields.List(ma.fields.Nested(RequirementSchema))
    works_due_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": WORKS_DUE})


class CriterionSchema(ma.Schema):
    id = Integer(required=True)
    key = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    name_en = ma.fields.String()
    description = ma.fields.String()
    # Shown as JSON numbers; these values have at most 4 decimals, which a float carries exactly enough.
    max = ma.fields.Float(required=True)
    weight = ma.fields.Float(required=True)
    step = ma.fields.Float(required=True)
    source = ma.fields.String(required=True, metadata={"description": "judges or data"})
    rule = ma.fields.Function(
        lambda criterion: _rule_out(criterion.rule),
        allow_none=True,
        metadata={"description": "a data item's rule: {kind: linear, floor, cap} or {kind: rank}; null for a judges' item"},
    )


def _rule_out(rule: dict | None) -> dict | None:
    """A stored rule as JSON numbers (its floor and cap have at most 4 decimals, which a float carries exactly enough)."""
    if not rule:
        return None
    return {name: float(value) if name in ("floor", "cap") else value for name, value in rule.items()}


class RoundCountsSchema(ma.Schema):
    entries = Integer(required=True)
    judges = Integer(required=True)
    assignments = Integer(required=True)
    sheets_draft = Integer(required=True)
    sheets_submitted = Integer(required=True)
    set_aside = Integer(required=True, metadata={"description": "assignments set aside for a conflict"})
    teams_needing_judges = Integer(
        required=True, metadata={"description": "teams that lost a judge to a conflict and are now short of judges"}
    )


class RoundSchema(ma.Schema):
    id = Integer(required=True)
    contest_id = Integer(required=True)
    name = ma.fields.String(required=True)
    level = ma.fields.String(required=True)
    grouping = ma.fields.String(required=True)
    judges_per_team = Integer(required=True)
    aggregation = ma.fields.Function(
        lambda r: {"method": r.aggregation, "trim": r.trim, "decimals": r.decimals, "min_judges": r.min_judges_for_trim},
        required=True,
    )
    tie_breaks = ma.fields.List(ma.fields.String(), required=True)
    blind = ma.fields.Boolean(required=True)
    own_college_conflict = ma.fields.Boolean(required=True, metadata={"description": OWN_COLLEGE_CONFLICT})
    status = ma.fields.String(required=True)
    previous_round_id = Integer(allow_none=True)
    criteria = ma.fields.List(ma.fields.Nested(CriterionSchema), required=True)
    requirements = ma.fields.List(ma.fields.Nested(RequirementSchema), required=True)
    works_due_at = ma.fields.AwareDateTime(allow_none=True, required=True)
    counts = ma.fields.Method(
        "get_counts", required=True, metadata={"description": "assignments and sheets in force; see RoundCountsSchema"}
    )

    notice = ma.fields.Method(
        "get_notice",
        allow_none=True,
        metadata={"description": "the public notice of a published round: {starts_on, ends_on, days, calendar, state}, or null"},
    )

    def get_counts(self, round_):
        return round_counts(round_)

    def get_notice(self, round_):
        notice = notice_payload(round_, utcnow())
        return None if notice is None else NoticeSchema().dump(notice)


class TransitionSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(["open", "closed"]))
    reason = ma.fields.String(allow_none=True)


class EntriesInSchema(ma.Schema):
    team_ids = ma.fields.List(Id())
    all_approved = ma.fields.Boolean(load_default=False)

    @ma.validates_schema
    def one_of(self, data, **kwargs):
        if not data.get("team_ids") and not data.get("all_approved"):
            raise ma.ValidationError("Give team_ids, or all_approved: true.", field_name="team_ids")


class JudgesInSchema(ma.Schema):
    user_ids = ma.fields.List(Id(), required=True, validate=ma.validate.Length(min=1))


class AddedSchema(ma.Schema):
    added = Integer(required=True)


def _number(value):
    return None if value is None else float(value)


class SheetSchema(ma.Schema):
    status = ma.fields.String(required=True)
    scores = ma.fields.Function(lambda view: {key: float(value) for key, value in view["scores"].items()}, required=True)
    comment = ma.fields.String(required=True)
    total = ma.fields.Function(lambda view: _number(view["total"]), allow_none=True, required=True)
    version = Integer(required=True, metadata={"description": "send it back with the next save"})
    submitted_at = ma.fields.DateTime(allow_none=True)


class SheetInSchema(ma.Schema):
    scores = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), required=True)
    comment = ma.fields.String(allow_none=True)
    submit = ma.fields.Boolean(load_default=False)
    version = Integer(
        required=True,
        metadata={"description": "the version read (0 for a sheet never saved); a stale save is refused (409)"},
    )


class ReasonSchema(ma.Schema):
    reason = ma.fields.String(required=True)


class AssignmentSchema(ma.Schema):
    """An assignment as `app.judging.queries.assignment_views` gives it."""

    id = Integer(required=True)
    team_id = Integer(
        required=True, allow_none=True, metadata={"description": "null for a judge of a blind round: see team_code"}
    )
    team_code = ma.fields.String(
        required=True, metadata={"description": "the team's code in this round, the only name a blind round's judge sees"}
    )
    judge_id = Integer(required=True)
    sheet_status = ma.fields.String(required=True)
    manual = ma.fields.Boolean()
    set_aside_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "when a conflict of interest set it aside: it no longer counts"}
    )
    set_aside_conflict = ma.fields.String(
        allow_none=True, metadata={"description": "own_college, advisor, declared_college or declared_team"}
    )


class AssignmentQuerySchema(PageArgsSchema):
    judge_id = Id()
    set_aside = ma.fields.Boolean(metadata={"description": "true: only those set aside; false: only those in force"})


class TeamNeedingJudgesSchema(ma.Schema):
    team_id = Integer(required=True)
    team_number = ma.fields.String(required=True)
    team_name = ma.fields.String(required=True)
    judges = Integer(required=True, metadata={"description": "its assignments in force"})
    set_aside = Integer(required=True, metadata={"description": "its assignments set aside for a conflict"})


class AutoAssignSchema(ma.Schema):
    judges_per_team = Integer(allow_none=True)
    max_per_judge = Integer(allow_none=True)
    avoid_same_province = ma.fields.Boolean(load_default=False)
    seed = Integer(load_default=0, metadata={"description": "the same seed gives the same assignment"})
    bridging = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "give each team whose judges all score its group alone one judge more, from another "
            "group's panel, so that the panels link up (for the adjusted method)"
        },
    )


class UnassignedSchema(ma.Schema):
    team_id = Integer(required=True)
    reason = ma.fields.String(required=True)
    message = ma.fields.String()


class AutoAssignResultSchema(ma.Schema):
    assigned = Integer(required=True)
    unassigned = ma.fields.List(ma.fields.Nested(UnassignedSchema), required=True)
    unbridged = ma.fields.List(
        ma.fields.Nested(UnassignedSchema),
        required=True,
        metadata={"description": "with bridging, the teams that needed a judge from another group's panel and got none"},
    )
    stats = ma.fields.Dict()


class AssignmentInSchema(ma.Schema):
    team_id = Id(required=True)
    judge_id = Id(required=True)
    reason = ma.fields.String(allow_none=True, metadata={"description": "required for a judge of the team's province"})


class ConflictInSchema(ma.Schema):
    college_id = Id(allow_none=True)
    team_id = Id(allow_none=True)
    reason = ma.fields.String(allow_none=True)


class ConflictSchema(ma.Schema):
    id = Integer(required=True)
    judge_id = Integer(required=True)
    college_id = Integer(allow_none=True)
    team_id = Integer(allow_none=True)
    reason = ma.fields.String()


class GeneratedPasswordSchema(ma.Schema):
    email = ma.fields.String(required=True)
    password = ma.fields.String(required=True)


class JudgeImportSchema(ma.Schema):
    created = Integer(required=True)
    updated = Integer(required=True)
    passwords = ma.fields.List(
        ma.fields.Nested(GeneratedPasswordSchema),
        required=True,
        metadata={"description": "passwords made up for new accounts; shown this once"},
    )


class JudgeSchema(ma.Schema):
    id = Integer(required=True)
    name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    college_id = Integer(allow_none=True)
    organization = ma.fields.String()
    province = ma.fields.String()
    expertise = ma.fields.String()


class MetricsImportedSchema(ma.Schema):
    imported = Integer(required=True, metadata={"description": "the teams with at least one value in the file"})
