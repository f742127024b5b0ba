import marshmallow as ma

from app import countries
from app.api.ids import Id
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
    verified = ma.fields.Boolean(
        required=True, metadata={"description": "false for an institution an applicant proposed, until an organizer checks it"}
    )
    website = ma.fields.String(metadata={"description": '"" when none was given'})


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
    verified = ma.fields.Boolean(
        metadata={"description": "false: the proposals waiting (organizers see everyone's, others their own)"}
    )


class ProposalInSchema(ma.Schema):
    name = ma.fields.String(required=True, metadata={"description": "at most 80 characters"})
    country = ma.fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2 code, as CN or GB"})
    website = ma.fields.String(metadata={"description": "http:// or https:// address, at most 200 characters"})
    province = ma.fields.String(metadata={"description": "a Chinese institution's province, in full (浙江省)"})


class VerifyInSchema(ma.Schema):
    name = ma.fields.String(metadata={"description": "the corrected name"})
    country = ma.fields.String(metadata={"description": "the corrected country"})
    website = ma.fields.String(metadata={"description": "the corrected website"})
    province = ma.fields.String(metadata={"description": "the province, for a Chinese institution"})


class MergeInSchema(ma.Schema):
    into_college_id = Id(required=True, metadata={"description": "the college on the list that takes its place"})


class MergeSummarySchema(ma.Schema):
    college = ma.fields.Nested(CollegeSchema, required=True, metadata={"description": "the college merged into"})
    teams = Integer(required=True, metadata={"description": "how many teams moved"})
    members = Integer(required=True, metadata={"description": "how many members moved"})


class ImportSummarySchema(ma.Schema):
    created = Integer(required=True)
    updated = Integer(required=True)


class UploadSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
