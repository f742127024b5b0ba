import marshmallow as ma

from app.api.numbers import Decimal, Integer
from app.models import CONTEST_LANGUAGES, ENTRANT_KINDS, TEAM, TRACK_KINDS, utcnow
from app.pagination import PageArgsSchema
from app.registration.answers import FIELD_TYPES


def _local_iso(contest, attribute: str) -> str:
    return contest.local(getattr(contest, attribute)).isoformat()


class TrackInSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "CB"})
    name = ma.fields.String(required=True, metadata={"example": "跨境电商实战赛"})
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(TRACK_KINDS))
    entrant = ma.fields.String(
        load_default=TEAM,
        validate=ma.validate.OneOf(ENTRANT_KINDS),
        metadata={"description": "who enters: a student team, one person, or an organization; default team"},
    )
    min_members = Integer(
        allow_none=True,
        metadata={"description": "the track's own limit; none: the contest's (a team), 1 (an individual), 0 (an organization)"},
    )
    max_members = Integer(allow_none=True, metadata={"description": "the track's own limit; none: the contest's"})


class TrackSchema(TrackInSchema):
    id = Integer(required=True)


class BudgetSchema(ma.Schema):
    amount = Decimal(
        required=True, as_string=True, metadata={"description": "exact, 0 or more, to the cent", "example": "6100000"}
    )
    currency = ma.fields.String(required=True, metadata={"description": "ISO 4217 code", "example": "CNY"})


class RegistrationFieldInSchema(ma.Schema):
    key = ma.fields.String(
        required=True, metadata={"description": "1-40 of a-z, 0-9 and _; the answer's key", "example": "stage"}
    )
    label = ma.fields.String(
        required=True, metadata={"description": "the question, up to 80 characters", "example": "Business stage"}
    )
    type = ma.fields.String(required=True, metadata={"description": "one of " + ", ".join(FIELD_TYPES)})
    required = ma.fields.Boolean(load_default=False)
    choices = ma.fields.List(ma.fields.String(), load_default=list, metadata={"description": "a choice's 1-50 texts"})
    help = ma.fields.String(allow_none=True, metadata={"description": "a hint shown under the question, up to 200 characters"})
    track = ma.fields.String(
        allow_none=True, metadata={"description": "a track's code: asked in that track only; null: every track"}
    )


class RegistrationFieldSchema(ma.Schema):
    key = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    type = ma.fields.String(required=True)
    required = ma.fields.Boolean(required=True)
    choices = ma.fields.List(ma.fields.String(), required=True)
    help = ma.fields.String(required=True)
    track = ma.fields.Function(lambda q: q.track.code if q.track is not None else None, allow_none=True)


def _budget(contest) -> dict | None:
    if contest.budget_amount is None:
        return None
    return {"amount": str(contest.budget_amount), "currency": contest.budget_currency}


class ContestCreateSchema(ma.Schema):
    name = ma.fields.String(required=True)
    year = Integer(required=True)
    timezone = ma.fields.String(metadata={"description": "IANA name; default Asia/Shanghai"})
    language = ma.fields.String(
        validate=ma.validate.OneOf(CONTEST_LANGUAGES),
        metadata={
            "description": "the language its pages (unless a person chose), mail and workbooks speak first; "
            "default zh; left out of an update: kept"
        },
    )
    registration_opens_at = ma.fields.DateTime(
        required=True, metadata={"description": "ISO 8601; no offset means the contest's time zone"}
    )
    registration_closes_at = ma.fields.DateTime(required=True)
    min_members = Integer(allow_none=True)
    max_members = Integer(allow_none=True)
    max_university_advisors = Integer(allow_none=True)
    max_enterprise_advisors = Integer(allow_none=True)
    team_name_max = Integer(allow_none=True)
    project_title_max = Integer(allow_none=True)
    tracks = ma.fields.List(ma.fields.Nested(TrackInSchema), required=True)
    budget = ma.fields.Nested(
        BudgetSchema,
        allow_none=True,
        metadata={"description": "what the awards of all rounds may total; null: no limit; left out of an update: kept"},
    )
    registration_fields = ma.fields.List(
        ma.fields.Nested(RegistrationFieldInSchema),
        allow_none=True,
        metadata={
            "description": "the contest's own questions, asked at registration; left out of an update: kept; "
            "given: replaces them (matched by key)"
        },
    )


class ContestSummarySchema(ma.Schema):
    id = Integer(required=True)
    name = ma.fields.String(required=True)
    year = Integer(required=True)
    status = ma.fields.Function(lambda contest: contest.status(utcnow()), required=True)


class ContestSchema(ContestSummarySchema):
    timezone = ma.fields.String(required=True)
    language = ma.fields.String(required=True)
    registration_opens_at = ma.fields.Function(lambda c: _local_iso(c, "registration_opens_at"), required=True)
    registration_closes_at = ma.fields.Function(lambda c: _local_iso(c, "registration_closes_at"), required=True)
    min_members = Integer(required=True)
    max_members = Integer(required=True)
    max_university_advisors = Integer(required=True)
    max_enterprise_advisors = Integer(required=True)
    team_name_max = Integer(required=True)
    project_title_max = Integer(required=True)
    tracks = ma.fields.List(ma.fields.Nested(TrackSchema), required=True)
    budget = ma.fields.Function(_budget, allow_none=True, metadata={"description": "{amount, currency}, or null"})
    registration_fields = ma.fields.List(
        ma.fields.Nested(RegistrationFieldSchema), required=True, metadata={"description": "the questions asked at registration"}
    )
    rounds = ma.fields.Method("get_rounds", required=True, metadata={"description": "the contest's rounds, in order"})
    counts = ma.fields.Method(
        "get_counts",
        required=True,
        metadata={
            "description": "entrants: the active teams (submitted or approved); countries: the distinct countries "
            "of their institutions"
        },
    )

    def get_counts(self, contest):
        from app.contests.services import contest_counts

        return contest_counts(contest)

    def get_rounds(self, contest):
        from sqlalchemy import select

        from app.extensions import db
        from app.models import Round

        rounds = db.session.scalars(select(Round).where(Round.contest_id == contest.id).order_by(Round.id))
        return [{"id": r.id, "name": r.name, "level": r.level, "status": r.status} for r in rounds]


class ContestQuerySchema(PageArgsSchema):
    pass
