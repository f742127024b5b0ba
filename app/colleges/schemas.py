import marshmallow as ma

from app.api.numbers import Integer
from app.pagination import PageArgsSchema


class CollegeSchema(ma.Schema):
    id = Integer(required=True)
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    province = ma.fields.Function(lambda college: college.province.name, required=True)
    city = ma.fields.String(required=True)
    level = ma.fields.String(required=True)
    ownership = ma.fields.String()
    country = ma.fields.String()


class CollegeQuerySchema(PageArgsSchema):
    q = ma.fields.String(metadata={"description": "part of the name, or the start of the code"})
    province = ma.fields.String(metadata={"description": "the province's full name, as 浙江省"})


class ImportSummarySchema(ma.Schema):
    created = Integer(required=True)
    updated = Integer(required=True)


class UploadSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
