"""An entrant as plain values: the audit trail's snapshot, and the API's input shape that a partial change
is merged into; and the organization row written from a checked registration."""

from __future__ import annotations

from typing import Any

from app.models import Organization, Team
from app.registration.answers import shown_answers
from app.registration.rules import TeamData


def team_snapshot(team: Team) -> dict[str, Any]:
    """The team as plain values, for the audit trail."""
    return {
        "number": team.number,
        "name": team.name,
        "project_title": team.project_title,
        "track": team.track.code,
        "college_id": team.college_id,
        "country": team.country,
        "status": team.status,
        "answers": dict(team.answers or {}),
        "members": [
            {
                "name": m.name,
                "student_id": m.student_id,
                "college_id": m.college_id,
                "email": m.email,
                "phone": m.phone,
                "major": m.major,
                "grade": m.grade,
                "captain": m.is_captain,
                "nationality": m.nationality,
            }
            for m in team.members
        ],
        "advisors": [
            {
                "kind": a.kind,
                "name": a.name,
                "organization": a.organization,
                "title": a.title,
                "email": a.email,
                "phone": a.phone,
                "nationality": a.nationality,
            }
            for a in team.advisors
        ],
        **({"organization": organization_snapshot(team.organization)} if team.organization else {}),
    }


def organization_snapshot(organization: Organization) -> dict[str, Any]:
    """An organization entrant's own fields in the API's shape."""
    return {
        "name": organization.name,
        "country": organization.country,
        "credit_code": organization.credit_code,
        "address": organization.address,
        "contact": {
            "name": organization.contact_name,
            "email": organization.contact_email,
            "phone": organization.contact_phone,
            "nationality": organization.contact_nationality,
        },
    }


def team_as_input(team: Team) -> dict[str, Any]:
    """The team in the API's input shape, so that a partial change can be checked as a whole."""
    snapshot = team_snapshot(team)
    return {
        "name": team.name,
        "project_title": team.project_title,
        "track": team.track.code,
        "college_id": team.college_id,
        "country": team.country,
        "members": snapshot["members"],
        "advisors": snapshot["advisors"],
        "organization": snapshot.get("organization"),
        "answers": shown_answers(team),
    }


def write_organization(team: Team, data: TeamData) -> None:
    """Set (or clear) the team's organization to the checked one."""
    given = data.organization
    if given is None:
        team.organization = None
        return
    organization = team.organization or Organization()
    organization.name, organization.country, organization.credit_code = given.name, given.country, given.credit_code
    organization.address, organization.contact_name = given.address, given.contact_name
    organization.contact_email, organization.contact_phone = given.contact_email, given.contact_phone
    organization.contact_nationality = given.contact_nationality
    team.organization = organization
