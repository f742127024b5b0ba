import marshmallow as ma

from app.api.ids import Id
from app.api.numbers import Integer
from app.models import ADVISOR_KINDS, TEAM_STATUSES
from app.pagination import PageArgsSchema
from app.registration.answers import shown_answers

ANSWERS_IN = {
    "description": "answers to the contest's questions (getContest's registration_fields), by key: text, a choice's text, "
    "a number, a date YYYY-MM-DD, true or false, a URL; an update replaces them all",
    "example": {"stage": "prototype"},
}


class MemberInSchema(ma.Schema):
    name = ma.fields.String(required=True)
    student_id = ma.fields.String(required=True)
    college_id = Id(allow_none=True, metadata={"description": "default: the team's college"})
    email = ma.fields.String(required=True)
    phone = ma.fields.String(allow_none=True)
    major = ma.fields.String(allow_none=True)
    grade = ma.fields.String(allow_none=True)
    captain = ma.fields.Boolean(load_default=False)


class AdvisorInSchema(ma.Schema):
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(ADVISOR_KINDS))
    organization = ma.fields.String(required=True)
    title = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)


class TeamInSchema(ma.Schema):
    name = ma.fields.String(required=True)
    project_title = ma.fields.String(required=True)
    track = ma.fields.String(required=True, metadata={"description": "the track's code, as CB"})
    college_id = Id(required=True)
    members = ma.fields.List(ma.fields.Nested(MemberInSchema), required=True)
    advisors = ma.fields.List(ma.fields.Nested(AdvisorInSchema), load_default=list)
    answers = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), load_default=dict, metadata=ANSWERS_IN
    )


class TeamPatchSchema(ma.Schema):
    """Any subset of a registration; members and advisors replace the whole list."""

    name = ma.fields.String()
    project_title = ma.fields.String()
    track = ma.fields.String()
    college_id = Id()
    members = ma.fields.List(ma.fields.Nested(MemberInSchema))
    advisors = ma.fields.List(ma.fields.Nested(AdvisorInSchema))
    answers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), metadata=ANSWERS_IN)


class MemberSchema(ma.Schema):
    name = ma.fields.String(required=True)
    student_id = ma.fields.String(required=True)
    college_id = Integer(required=True)
    college = ma.fields.Function(lambda member: member.college.name)
    disputed = ma.fields.Function(
        lambda member: member.team.dispute_of(member) is not None,
        metadata={"description": "the member's college disputes the membership: the student holds no place in the team"},
    )
    email = ma.fields.String(required=True)
    phone = ma.fields.String()
    major = ma.fields.String()
    grade = ma.fields.String()
    captain = ma.fields.Boolean(attribute="is_captain", required=True)


class AdvisorSchema(ma.Schema):
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    organization = ma.fields.String(required=True)
    title = ma.fields.String()
    email = ma.fields.String()
    phone = ma.fields.String()


class TeamCreatedSchema(ma.Schema):
    id = Integer(required=True)
    number = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(TEAM_STATUSES))


class TeamSummarySchema(TeamCreatedSchema):
    contest_id = Integer(required=True)
    name = ma.fields.String(required=True)
    project_title = ma.fields.String(required=True)
    track = ma.fields.Function(lambda team: team.track.code, required=True)
    college_id = Integer(required=True)
    college = ma.fields.Function(lambda team: team.college.name, required=True)
    province = ma.fields.Function(lambda team: team.college.province_name, required=True)
    review_reason = ma.fields.String(allow_none=True)
    answers = ma.fields.Function(
        shown_answers,
        required=True,
        metadata={"description": "the answers to the questions the team's track asks, by key (getContest's registration_fields)"},
    )
    created_at = ma.fields.DateTime(required=True)


class DisputeSchema(ma.Schema):
    college_id = Integer(required=True)
    college = ma.fields.Function(lambda dispute: dispute.college.name)
    student_id = ma.fields.String(required=True)
    reason = ma.fields.String(required=True)
    disputed_at = ma.fields.DateTime(required=True)


class TeamSchema(TeamSummarySchema):
    members = ma.fields.List(ma.fields.Nested(MemberSchema), required=True)
    advisors = ma.fields.List(ma.fields.Nested(AdvisorSchema), required=True)
    disputes = ma.fields.List(
        ma.fields.Nested(DisputeSchema),
        metadata={"description": "students their college disputes in this team, members or not"},
    )
    review_reopened_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "when an organizer reopened the review after judging started"}
    )


class TeamQuerySchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(TEAM_STATUSES))
    college_id = Id()
    member_college_id = Id(metadata={"description": "teams of other colleges holding this college's students"})
    province = ma.fields.String()
    track = ma.fields.String()
    q = ma.fields.String(metadata={"description": "team name or number, student name or ID, college"})
    sort = ma.fields.String(
        load_default="number", validate=ma.validate.OneOf(["number", "name", "college", "province", "status", "created"])
    )
    descending = ma.fields.Boolean(load_default=False)


class WithdrawSchema(ma.Schema):
    reason = ma.fields.String(required=True)


class ReopenReviewSchema(ma.Schema):
    reason = ma.fields.String(required=True)


class DisputeInSchema(ma.Schema):
    college_id = Id(required=True, metadata={"description": "the member's college"})
    student_id = ma.fields.String(required=True)
    reason = ma.fields.String(required=True)


class LiftDisputeInSchema(ma.Schema):
    college_id = Id(required=True)
    student_id = ma.fields.String(required=True)
    reason = ma.fields.String(allow_none=True)


class ReviewSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(["approve", "reject"]))
    reason = ma.fields.String(allow_none=True)


class ImportResultSchema(ma.Schema):
    created = Integer(required=True)
