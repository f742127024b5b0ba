import marshmallow as ma

from app import countries
from app.api.numbers import Integer
from app.pagination import PageArgsSchema


class CollegeSchema(ma.Schema):
    id = Integer(required=True)
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    province = ma.fields.Function(
        lambda college: college.province_name, required=True, metadata={"description": '"" for a college abroad without one'}
    )
    city = ma.fields.String(required=True)
    level = ma.fields.String(required=True)
    ownership = ma.fields.String()
    country = ma.fields.String(metadata={"description": "ISO 3166-1 alpha-2 code, as CN or GB"})


def country_code(value: str) -> None:
    """Refuse what is not an ISO 3166-1 alpha-2 code, naming it (the list of 249 would not help)."""
    if not countries.is_country(value):
        raise ma.ValidationError(f"{value!r} is not an ISO 3166-1 alpha-2 country code, such as CN or GB.")


class CollegeQuerySchema(PageArgsSchema):
    q = ma.fields.String(metadata={"description": "part of the name, or the start of the code"})
    province = ma.fields.String(metadata={"description": "the province's full name, as 浙江省"})
    country = ma.fields.String(
        validate=country_code,
        metadata={"description": "ISO 3166-1 alpha-2 code, as CN or GB (either case)"},
    )


class ImportSummarySchema(ma.Schema):
    created = Integer(required=True)
    updated = Integer(required=True)


class UploadSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
