import marshmallow as ma

from app.api.ids import Id
from app.api.numbers import Integer
from app.models import DECISIONS, OBJECTION_ACTIONS, OBJECTION_STATES
from app.pagination import PageArgsSchema


class NoticeInSchema(ma.Schema):
    """Shapes only: the bounds and the calendar's data are the service's rule (`notice_input`, `set_notice`)."""

    days = Integer(load_default=None, metadata={"description": "1 to 60, default 5", "example": 5})
    calendar = ma.fields.String(
        load_default="cn_workdays", metadata={"description": "cn_workdays (the official Chinese calendar) or calendar"}
    )
    starts_on = ma.fields.Date(load_default=None, metadata={"description": "default: the day of publication, contest's time"})


class NoticeSchema(ma.Schema):
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    days = Integer(required=True)
    calendar = ma.fields.String(required=True)
    state = ma.fields.String(required=True, metadata={"description": "open, closed (objections wait for answers) or final"})
    finalized_at = ma.fields.DateTime(allow_none=True)


class ObjectionInSchema(ma.Schema):
    team_id = Id(load_default=None, allow_none=True, metadata={"description": "the team objected to; none: the whole list"})
    reason = ma.fields.String(required=True)


class ObjectionFileSchema(ma.Schema):
    id = Integer(required=True)
    filename = ma.fields.String(required=True)
    content_type = ma.fields.String(required=True)
    size = Integer(required=True)


class ObjectionSchema(ma.Schema):
    id = Integer(required=True)
    round_id = Integer(required=True)
    team_id = Integer(allow_none=True)
    author_id = Integer(allow_none=True)
    reason = ma.fields.String(required=True)
    state = ma.fields.String(required=True, metadata={"description": "open (waiting for its answer) or answered"})
    assignee_id = Integer(allow_none=True)
    decision = ma.fields.String(allow_none=True)
    action = ma.fields.String(allow_none=True)
    reply = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)
    answered_at = ma.fields.DateTime(allow_none=True)
    files = ma.fields.List(ma.fields.Nested(ObjectionFileSchema), required=True)


class ObjectionArgsSchema(PageArgsSchema):
    state = ma.fields.String(validate=ma.validate.OneOf(OBJECTION_STATES), metadata={"description": "organizers only"})
    assignee_id = Id(metadata={"description": "organizers only"})


class AnswerInSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(DECISIONS))
    reply = ma.fields.String(required=True)
    action = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(OBJECTION_ACTIONS),
        metadata={"description": "with upheld or partly_upheld only: withdraw_team (an objection to a team) or reopen_scoring"},
    )


class AssignInSchema(ma.Schema):
    user_id = Id(required=True, metadata={"description": "an organizer of the contest"})
