"""Approved teams written straight into the database, each with a captain and two members: for the benches that
measure what comes after registration (certificates, result mails), not registration itself."""

from __future__ import annotations

from sqlalchemy import insert, select

from app.extensions import db
from app.models import College, Contest, Team, TeamMember, Track

MEMBERS = 3


def insert_approved_teams(contest: Contest, track: Track, college: College, numbers: list[int], prefix: str) -> list[int]:
    """Teams numbered `<prefix>-<number>` (five digits), named 星火电商队<number>, with `MEMBERS` students each
    (the first the captain, every one with an address); their ids, in the order of `numbers`."""
    rows = [
        {
            "contest_id": contest.id,
            "track_id": track.id,
            "college_id": college.id,
            "number": f"{prefix}-{number:05d}",
            "name": f"星火电商队{number}",
            "project_title": "乡村好物直播间",
            "status": "approved",
        }
        for number in numbers
    ]
    db.session.execute(insert(Team), rows)
    ids = dict(db.session.execute(select(Team.number, Team.id).where(Team.number.in_([row["number"] for row in rows]))).all())
    team_ids = [ids[row["number"]] for row in rows]
    db.session.execute(
        insert(TeamMember),
        [
            {
                "team_id": team_id,
                "contest_id": contest.id,
                "category": track.code,
                "college_id": college.id,
                "name": f"学生{index}",
                "student_id": f"{team_id:06d}{index}",
                "email": f"s{team_id}-{index}@bench.edu.cn",
                "is_captain": index == 0,
                "position": index,
            }
            for team_id in team_ids
            for index in range(MEMBERS)
        ],
    )
    return team_ids
