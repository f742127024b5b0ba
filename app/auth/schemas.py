import marshmallow as ma

from app.api.ids import Id
from app.api.numbers import Integer
from app.models import ROLES


class TokenRequestSchema(ma.Schema):
    email = ma.fields.String(required=True)
    password = ma.fields.String(required=True)


class RoleSchema(ma.Schema):
    role = ma.fields.String(required=True)
    contest_id = Integer(allow_none=True)
    college_id = Integer(allow_none=True)
    province = ma.fields.String(allow_none=True)


class UserSchema(ma.Schema):
    id = Integer(required=True)
    email = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    roles = ma.fields.List(ma.fields.Nested(RoleSchema), required=True)


class TokenSchema(ma.Schema):
    token = ma.fields.String(required=True, metadata={"description": "shown once; send as 'Authorization: Bearer <token>'"})
    user = ma.fields.Nested(UserSchema, required=True)


class UserCreateSchema(ma.Schema):
    email = ma.fields.Email(required=True)
    name = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    contest_id = Id(allow_none=True)
    college_id = Id(allow_none=True)
    province = ma.fields.String(allow_none=True)


class HealthSchema(ma.Schema):
    status = ma.fields.String(required=True)
    database = ma.fields.String(required=True)
