import marshmallow as ma

from app.api.ids import Id
from app.api.numbers import Integer
from app.models import ADVISOR_KINDS, ENTRANT_KINDS, TEAM_STATUSES
from app.pagination import PageArgsSchema
from app.registration.answers import shown_answers
from app.registration.snapshots import organization_snapshot

ANSWERS_IN = {
    "description": "answers to the contest's questions (getContest's registration_fields), by key: text, a choice's text, "
    "a number, a date YYYY-MM-DD, true or false, a URL; an update replaces them all",
    "example": {"stage": "prototype"},
}
NATIONALITY = {"description": "ISO 3166-1 alpha-2; default: the person's college's country, else the entrant's"}


class MemberInSchema(ma.Schema):
    name = ma.fields.String(required=True)
    student_id = ma.fields.String(
        allow_none=True,
        metadata={"description": "required of a student (every member of a team); none for a person who is not one"},
    )
    college_id = Id(allow_none=True, metadata={"description": "default: the team's college"})
    nationality = ma.fields.String(allow_none=True, metadata=NATIONALITY)
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
    nationality = ma.fields.String(allow_none=True, metadata=NATIONALITY)


class ContactSchema(ma.Schema):
    name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    phone = ma.fields.String(allow_none=True)
    nationality = ma.fields.String(allow_none=True, metadata={"description": "default: the organization's country"})


class OrganizationSchema(ma.Schema):
    name = ma.fields.String(required=True, metadata={"description": "the legal name"})
    country = ma.fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2"})
    credit_code = ma.fields.String(
        allow_none=True,
        metadata={"description": "统一社会信用代码, checked by its check digit; required of a Chinese organization"},
    )
    contact = ma.fields.Nested(ContactSchema, required=True)
    address = ma.fields.String(allow_none=True)


class TeamInSchema(ma.Schema):
    name = ma.fields.String(
        metadata={
            "description": "required of a team; an individual's defaults to the person's name, an organization's to its name"
        }
    )
    project_title = ma.fields.String(required=True)
    track = ma.fields.String(required=True, metadata={"description": "the track's code, as CB"})
    college_id = Id(allow_none=True, metadata={"description": "required of a student team; optional for the other kinds"})
    country = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "ISO 3166-1 alpha-2; default: the college's, the organization's, or the individual's nationality"
        },
    )
    members = ma.fields.List(ma.fields.Nested(MemberInSchema), load_default=list)
    advisors = ma.fields.List(ma.fields.Nested(AdvisorInSchema), load_default=list)
    organization = ma.fields.Nested(
        OrganizationSchema, allow_none=True, metadata={"description": "an organization track's entrant"}
    )
    answers = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), load_default=dict, metadata=ANSWERS_IN
    )


class TeamPatchSchema(ma.Schema):
    """Any subset of a registration; members and advisors replace the whole list."""

    name = ma.fields.String()
    project_title = ma.fields.String()
    track = ma.fields.String()
    college_id = Id(allow_none=True)
    country = ma.fields.String(allow_none=True)
    members = ma.fields.List(ma.fields.Nested(MemberInSchema))
    advisors = ma.fields.List(ma.fields.Nested(AdvisorInSchema))
    organization = ma.fields.Nested(OrganizationSchema, allow_none=True)
    answers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), metadata=ANSWERS_IN)


class MemberSchema(ma.Schema):
    name = ma.fields.String(required=True)
    student_id = ma.fields.String(required=True, allow_none=True)
    college_id = Integer(required=True, allow_none=True)
    college = ma.fields.Function(lambda member: member.college.name if member.college else None)
    nationality = ma.fields.String(required=True)
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
    nationality = ma.fields.String(required=True)


class TeamCreatedSchema(ma.Schema):
    id = Integer(required=True)
    number = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(TEAM_STATUSES))


class TeamSummarySchema(TeamCreatedSchema):
    contest_id = Integer(required=True)
    name = ma.fields.String(required=True)
    project_title = ma.fields.String(required=True)
    track = ma.fields.Function(lambda team: team.track.code, required=True)
    kind = ma.fields.String(
        required=True, validate=ma.validate.OneOf(ENTRANT_KINDS), metadata={"description": "the track's entrant kind"}
    )
    college_id = Integer(required=True, allow_none=True)
    college = ma.fields.Function(lambda team: team.college.name if team.college else None, required=True)
    province = ma.fields.Function(lambda team: team.province_name, required=True, metadata={"description": '"" abroad'})
    country = ma.fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2"})
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
    organization = ma.fields.Function(
        lambda team: organization_snapshot(team.organization) if team.organization else None,
        metadata={"description": "an organization entrant's {name, country, credit_code, contact, address}; null otherwise"},
    )
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
    country = ma.fields.String(metadata={"description": "ISO 3166-1 alpha-2: entrants from this country"})
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
