"""Shapes of the certificates API: getCertificate, revokeAward, verifyCertificate, startCertificatesZip."""

import marshmallow as ma

from app.api import numbers


class RevokeInSchema(ma.Schema):
    reason = ma.fields.String(
        required=True,
        metadata={"description": "why (misconduct found later, an objection upheld); the verification page shows it"},
    )


class VerificationSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "10 characters of Crockford base32, printed as two groups of five"})
    valid = ma.fields.Boolean(metadata={"description": "false once revoked, or when its award was replaced by a new computation"})
    contest = ma.fields.String()
    year = numbers.Integer()
    round = ma.fields.String()
    tier = ma.fields.String(metadata={"description": "the tier's key"})
    tier_name = ma.fields.String(metadata={"description": "the tier as the round names it"})
    entrant_kind = ma.fields.String(metadata={"description": "team, individual or organization"})
    entrant = ma.fields.String(metadata={"description": "the team's, the person's or the organization's name"})
    team_number = ma.fields.String()
    college = ma.fields.String()
    members = ma.fields.List(ma.fields.String())
    advisors = ma.fields.List(ma.fields.String())
    issuer = ma.fields.String(metadata={"description": "who awards it, as printed"})
    language = ma.fields.String(metadata={"description": "zh or en: the certificate's language"})
    issued_at = ma.fields.DateTime()
    revoked_at = ma.fields.DateTime(allow_none=True)
    revoke_reason = ma.fields.String(allow_none=True, metadata={"description": "why it no longer stands, when it does not"})
