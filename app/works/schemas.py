"""The works API's shapes: a hand-in, the list of works, an extension."""

import marshmallow as ma

from app.api.ids import Id
from app.api.numbers import Integer
from app.pagination import PageArgsSchema


class WorkFileInSchema(ma.Schema):
    file = ma.fields.Raw(metadata={"type": "string", "format": "binary", "description": "a file item's file"})


class WorkLinkInSchema(ma.Schema):
    url = ma.fields.String(metadata={"description": "a link item's address: http(s), at most 500 characters"})


class WorkSchema(ma.Schema):
    id = Integer(required=True)
    key = ma.fields.String(required=True)
    filename = ma.fields.String(
        required=True, metadata={"description": "a display name only; on a blind round, for a judge, the team's code"}
    )
    size = Integer(required=True)
    sha256 = ma.fields.String(required=True, allow_none=True, metadata={"description": "null for a link"})
    version = Integer(required=True)
    submitted_at = ma.fields.AwareDateTime(required=True)


class WorkItemSchema(WorkSchema):
    team_id = Integer(required=True, allow_none=True, metadata={"description": "null for a judge of a blind round"})
    team_code = ma.fields.String(required=True, metadata={"description": "the team's code in the round"})
    kind = ma.fields.String(required=True, metadata={"description": "file or link"})
    url = ma.fields.String(required=True, allow_none=True)
    content_type = ma.fields.String(required=True)
    pages = Integer(required=True, allow_none=True)
    judged = ma.fields.Boolean(required=True, metadata={"description": "the version that counts (app/works/queries.py)"})


class WorkListArgsSchema(PageArgsSchema):
    team_id = Id()


class ExtensionInSchema(ma.Schema):
    team_id = Id(required=True)
    until = ma.fields.AwareDateTime(required=True, metadata={"description": "ISO 8601 with its offset"})
    reason = ma.fields.String(required=True)


class ExtensionSchema(ma.Schema):
    id = Integer(required=True)
    round_id = Integer(required=True)
    team_id = Integer(required=True)
    until = ma.fields.AwareDateTime(required=True)
    reason = ma.fields.String(required=True)
