"""The registrations workbook: a row per team, and a sheet of every member and advisor."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import UNIVERSITY, Advisor, Contest, Team, TeamMember, User
from app.registration.queries import TeamFilters, teams_query
from app.spreadsheets import Column, Sheet

STATUS_LABELS = {"submitted": "已提交 submitted", "approved": "已通过 approved", "rejected": "未通过 rejected", "withdrawn": "已退出 withdrawn"}
SEPARATOR = "、"

TEAM_COLUMNS = [
    Column("序号 No.", 8), Column("团队编号 Number", 16), Column("赛道 Track"), Column("省份 Province"),
    Column("学校 College"), Column("团队名称 Team"), Column("作品名称 Project"), Column("状态 Status", 16),
    Column("队长 Captain"), Column("队长手机 Captain phone", 16), Column("队长邮箱 Captain email"),
    Column("团队成员 Members"), Column("高校指导老师 University advisors"), Column("企业指导老师 Enterprise advisors"),
    Column("报名时间 Registered", 18),
]
PEOPLE_COLUMNS = [
    Column("团队编号 Number", 16), Column("团队名称 Team"), Column("角色 Role", 16), Column("姓名 Name"),
    Column("学号 Student ID", 16), Column("学校/单位 College or organization"), Column("专业 Major"), Column("年级 Grade", 10),
    Column("职称 Title"), Column("邮箱 Email"), Column("手机 Phone", 16),
]


def registrations_workbook(contest: Contest, filters: TeamFilters, *, viewer: User) -> list[Sheet]:
    """The sheets of the registrations export, for the teams `viewer` may see.

    Four queries in all (teams, members, advisors, and the college names of members from other
    colleges), whatever the number of teams.
    """
    team_statement = teams_query(contest, filters, viewer=viewer)
    teams = db.session.scalars(team_statement).all()
    team_ids = team_statement.with_only_columns(Team.id).order_by(None).subquery()
    members: dict[int, list[TeamMember]] = defaultdict(list)
    for member in db.session.scalars(
        select(TeamMember).where(TeamMember.team_id.in_(select(team_ids.c.id))).order_by(TeamMember.team_id, TeamMember.position)
    ):
        members[member.team_id].append(member)
    advisors: dict[int, list[Advisor]] = defaultdict(list)
    for advisor in db.session.scalars(
        select(Advisor).where(Advisor.team_id.in_(select(team_ids.c.id))).order_by(Advisor.team_id, Advisor.position)
    ):
        advisors[advisor.team_id].append(advisor)
    zone = ZoneInfo(contest.timezone)

    def team_rows() -> Iterator[list]:
        for index, team in enumerate(teams, start=1):
            people = members[team.id]
            captain = next((m for m in people if m.is_captain), None)
            yield [
                index, team.number, team.track.name, team.college.province.name, team.college.name, team.name,
                team.project_title, STATUS_LABELS.get(team.status, team.status),
                captain.name if captain else "", captain.phone if captain else "", captain.email if captain else "",
                SEPARATOR.join(m.name for m in people),
                SEPARATOR.join(a.name for a in advisors[team.id] if a.kind == UNIVERSITY),
                SEPARATOR.join(a.name for a in advisors[team.id] if a.kind != UNIVERSITY),
                team.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            ]

    def people_rows() -> Iterator[list]:
        for team in teams:
            for m in members[team.id]:
                yield [team.number, team.name, "队长 captain" if m.is_captain else "队员 member", m.name, m.student_id,
                       m.college.name, m.major, m.grade, "", m.email, m.phone]
            for a in advisors[team.id]:
                role = "高校指导老师 university advisor" if a.kind == UNIVERSITY else "企业指导老师 enterprise advisor"
                yield [team.number, team.name, role, a.name, "", a.organization, "", "", a.title, a.email, a.phone]

    return [
        Sheet("报名团队 Teams", TEAM_COLUMNS, team_rows()),
        Sheet("团队成员 Members", PEOPLE_COLUMNS, people_rows()),
    ]
