"""Laurel's models, one module per domain. Models import only `app.extensions`."""

from app.models.audit import AuditEvent
from app.models.colleges import PROVINCES_CN, College, Province
from app.models.contests import TRACK_KINDS, Contest, Track
from app.models.judging import (
    CLOSED,
    DRAFT,
    GROUPINGS,
    OPEN,
    PUBLISHED,
    ROUND_LEVELS,
    ROUND_STATUSES,
    SHEET_DRAFT,
    SHEET_STATUSES,
    SHEET_SUBMITTED,
    Assignment,
    Conflict,
    Criterion,
    Entry,
    JudgeProfile,
    Round,
    RoundJudge,
    Score,
    ScoreSheet,
)
from app.models.people import CAPTAIN, COORDINATOR, JUDGE, ORGANIZER, ROLES, ApiToken, RoleAssignment, User
from app.models.results import TIER_KEYS, TIER_NAMES, Award, Result, ResultSnapshot
from app.models.teams import (
    ADVISOR_KINDS,
    APPROVED,
    ENTERPRISE,
    REJECTED,
    SUBMITTED,
    TEAM_STATUSES,
    UNIVERSITY,
    WITHDRAWN,
    Advisor,
    Team,
    TeamMember,
)
from app.models.types import UTCDateTime, utcnow

__all__ = [
    "AuditEvent", "PROVINCES_CN", "College", "Province", "TRACK_KINDS", "Contest", "Track",
    "CAPTAIN", "COORDINATOR", "JUDGE", "ORGANIZER", "ROLES", "ApiToken", "RoleAssignment", "User",
    "UTCDateTime", "utcnow", "ADVISOR_KINDS", "APPROVED", "ENTERPRISE", "REJECTED", "SUBMITTED", "TEAM_STATUSES",
    "UNIVERSITY", "WITHDRAWN", "Advisor", "Team", "TeamMember", "CLOSED", "DRAFT", "GROUPINGS", "OPEN", "PUBLISHED",
    "ROUND_LEVELS", "ROUND_STATUSES", "SHEET_DRAFT", "SHEET_STATUSES", "SHEET_SUBMITTED", "Assignment", "Conflict",
    "Criterion", "Entry", "JudgeProfile", "Round", "RoundJudge", "Score", "ScoreSheet",
    "TIER_KEYS", "TIER_NAMES", "Award", "Result", "ResultSnapshot",
]
