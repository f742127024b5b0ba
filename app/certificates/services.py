"""Issuing and revoking certificates, and what a certificate says to whoever verifies it.

A certificate's text is decided when it is issued (`content`) and never changes: the team may rename itself
later, the organizer may change the seal, and the paper already printed still matches its verification page.
Revocation is the one change a certificate knows, and the verification page says it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import audit
from app.errors import NotFoundError, StateConflictError
from app.extensions import db
from app.links import public_url
from app.models import (
    INDIVIDUAL,
    ORGANIZATION,
    PUBLISHED,
    Award,
    Certificate,
    Contest,
    Round,
    Team,
    User,
)
from app.models.certificates import new_certificate_code, normal_code
from app.results.queries import tier_names
from app.results.store import snapshot_of

#: Tries at a fresh code when one is taken: with 50 random bits a second try is already a marvel.
CODE_TRIES = 5


def entrant_name(team: Team) -> str:
    """Who the certificate names: the team, the one person of an individual entry, or the organization."""
    if team.track.entrant == INDIVIDUAL and team.members:
        return team.members[0].name
    if team.track.entrant == ORGANIZATION and team.organization is not None:
        return team.organization.name
    return team.name


def certificate_content(
    award: Award, team: Team, round_: Round, contest: Contest, names: dict[str, str], code: str, *, now: datetime
) -> dict[str, Any]:
    """What the certificate says, as it is kept: every name as it stands at `now`."""
    return {
        "contest": contest.name,
        "year": contest.year,
        "round": round_.name,
        "tier": award.tier,
        "tier_name": names.get(award.tier, award.tier),
        "entrant_kind": team.track.entrant,
        "entrant": entrant_name(team),
        "team_name": team.name,
        "team_number": team.number,
        "project_title": team.project_title,
        "college": team.college.name if team.college else "",
        "members": [member.name for member in team.members if not member.released],
        "advisors": [advisor.name for advisor in team.advisors],
        "issuer": contest.certificate_issuer or contest.name,
        "seal": contest.certificate_seal,
        "date": contest.local(now).date().isoformat(),
        "verify_url": public_url("certificates.verify_page", code=code),
    }


def issue_certificates(round_: Round, *, actor: User | None, now: datetime) -> list[Certificate]:
    """Give each award of a published round its certificate, and return those issued now.

    Idempotent: an award that has one keeps it (a revoked one stays revoked), so calling it again after new
    awards issues only theirs. Each issue is in the audit trail. 409 `round_not_published` before publication:
    the coordinator of the notice calls it when the results become final.
    """
    if round_.status != PUBLISHED:
        raise StateConflictError(_("Certificates are issued once the round's results are published."), code="round_not_published")
    issued = set(db.session.scalars(select(Certificate.award_id).where(Certificate.round_id == round_.id)))
    awards = db.session.scalars(
        select(Award)
        .where(Award.round_id == round_.id)
        .order_by(Award.id)
        .options(selectinload(Award.team).selectinload(Team.members), selectinload(Award.team).selectinload(Team.advisors))
    ).all()
    contest = round_.contest
    names = tier_names(snapshot_of(round_))
    new = []
    for award in awards:
        if award.id in issued:
            continue
        code = _free_code()
        new.append(
            Certificate(
                award_id=award.id,
                round_id=round_.id,
                team_id=award.team_id,
                code=code,
                language=contest.language,
                content=certificate_content(award, award.team, round_, contest, names, code, now=now),
                issued_at=now,
                issued_by_id=actor.id if actor is not None and actor.is_authenticated else None,
            )
        )
    if not new:
        return []
    try:
        with db.session.begin_nested():  # a concurrent issue of the same awards: the unique award_id refuses it
            db.session.add_all(new)
    except IntegrityError as error:
        raise StateConflictError(
            _("The certificates are being issued by someone else; look again in a moment."), code="issuing"
        ) from error
    audit.record_many(
        [
            {
                "actor": actor,
                "action": "certificate.issue",
                "object_type": "award",
                "object_id": certificate.award_id,
                "now": now,
                "after": {"code": certificate.code, "team_id": certificate.team_id, "round_id": round_.id},
            }
            for certificate in new
        ]
    )
    return new


def _free_code() -> str:
    for _try in range(CODE_TRIES):
        code = new_certificate_code()
        if db.session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code
    raise RuntimeError("no free certificate code: the random source is broken")  # pragma: no cover


def certificate_of(award: Award) -> Certificate:
    """The award's certificate; 404 `no_certificate` before it is issued."""
    certificate = db.session.scalar(select(Certificate).where(Certificate.award_id == award.id))
    if certificate is None:
        raise NotFoundError(
            _("This award has no certificate yet: certificates are issued when the results are final."), code="no_certificate"
        )
    return certificate


def downloadable(award: Award) -> Certificate:
    """The award's certificate to download; 410 `certificate_revoked` once revoked, for a revoked certificate is
    not to be printed again (its verification page says it was revoked, and why)."""
    certificate = certificate_of(award)
    if certificate.revoked_at is not None:
        raise CertificateRevokedError(
            _(
                "This certificate was revoked on %(date)s: %(reason)s",
                date=certificate.revoked_at.date().isoformat(),
                reason=certificate.revoke_reason or "",
            )
        )
    return certificate


class CertificateRevokedError(StateConflictError):
    status = 410
    code = "certificate_revoked"


def revoke_award(award: Award, reason: str | None, *, actor: User | None, now: datetime) -> Certificate:
    """Revoke the award's certificate (misconduct found later, an objection upheld), with a reason, which the
    public verification page shows. 422 without a reason; 404 before the certificate is issued; 409
    `already_revoked` the second time. Audited with the reason."""
    text = audit.reason_text(reason, required=_("Give the reason for revoking the certificate; the verification page shows it."))
    certificate = certificate_of(award)
    if certificate.revoked_at is not None:
        raise StateConflictError(_("This certificate is already revoked."), code="already_revoked")
    certificate.revoked_at, certificate.revoked_by_id, certificate.revoke_reason = now, actor.id if actor else None, text
    db.session.flush()
    audit.record(
        actor=actor,
        action="certificate.revoke",
        object_type="award",
        object_id=award.id,
        now=now,
        before={"code": certificate.code},
        after={"revoked": True},
        reason=text,
    )
    return certificate


def find_certificate(typed_code: str) -> Certificate:
    """The certificate under a code as typed or scanned (`normal_code`); 404 for a code no certificate has."""
    code = normal_code(typed_code)
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == code)) if len(code) <= 20 else None
    if certificate is None:
        raise NotFoundError(_("No certificate has this code. Check it against the certificate."), code="unknown_certificate")
    return certificate


def verification(certificate: Certificate) -> dict[str, Any]:
    """What anyone who checks a certificate is told: what it says, and whether it stands."""
    content = certificate.content
    return {
        "code": certificate.code,
        "valid": certificate.valid,
        "contest": content["contest"],
        "year": content["year"],
        "round": content["round"],
        "tier": content["tier"],
        "tier_name": content["tier_name"],
        "entrant_kind": content["entrant_kind"],
        "entrant": content["entrant"],
        "team_number": content["team_number"],
        "college": content["college"],
        "members": content["members"],
        "advisors": content["advisors"],
        "issuer": content["issuer"],
        "language": certificate.language,
        "issued_at": certificate.issued_at,
        "revoked_at": certificate.revoked_at,
        "revoke_reason": certificate.revoke_reason
        if certificate.revoked_at
        else (None if certificate.award_id else _("The award was withdrawn when the results were computed again.")),
    }


def certificates_by_award(round_: Round) -> dict[int, Certificate]:
    """The round's certificates by award (the Awards page)."""
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.round_id == round_.id, Certificate.award_id.is_not(None))
    )
    return {certificate.award_id: certificate for certificate in certificates if certificate.award_id is not None}


def codes_by_award(round_: Round) -> dict[int, str]:
    """Each award of the round that has a certificate, with its code (listAwards)."""
    rows = db.session.execute(
        select(Certificate.award_id, Certificate.code).where(Certificate.round_id == round_.id, Certificate.award_id.is_not(None))
    )
    return {award_id: code for award_id, code in rows}


def round_certificates(round_: Round) -> list[Certificate]:
    """The round's standing certificates (not revoked, award not replaced), by team number: the zip's files."""
    return list(
        db.session.scalars(
            select(Certificate)
            .join(Team, Team.id == Certificate.team_id)
            .where(Certificate.round_id == round_.id, Certificate.revoked_at.is_(None), Certificate.award_id.is_not(None))
            .order_by(Team.number)
        )
    )


def team_certificates(team: Team) -> list[tuple[Certificate, Round]]:
    """The team's certificates with their rounds, for its page."""
    rows = db.session.execute(
        select(Certificate, Round)
        .join(Round, Round.id == Certificate.round_id)
        .where(Certificate.team_id == team.id, Certificate.award_id.is_not(None))
        .order_by(Round.created_at)
    )
    return [(certificate, round_) for certificate, round_ in rows]
