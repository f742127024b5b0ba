"""The registrations workbook: a row per team, and a sheet of every member and advisor."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from sqlalchemy import Row, func, select

from app.extensions import db
from app.models import UNIVERSITY, Advisor, College, Contest, Organization, Province, Team, TeamMember, Track, User
from app.registration.answer_columns import answer_cells
from app.registration.queries import TeamFilters, each_once, teams_query
from app.spreadsheets import Column, Sheet
from app.workbook_language import workbook_language

ENTRANT_LABELS = {"team": "团队 team", "individual": "个人 individual", "organization": "机构 organization"}
STATUS_LABELS = {
    "submitted": "已提交 submitted",
    "approved": "已通过 approved",
    "rejected": "未通过 rejected",
    "withdrawn": "已退出 withdrawn",
}

TEAM_COLUMNS = [
    Column("序号 No.", 8),
    Column("团队编号 Number", 16),
    Column("赛道 Track"),
    Column("省份 Province"),
    Column("学校 College"),
    Column("团队名称 Team"),
    Column("作品名称 Project"),
    Column("状态 Status", 16),
    Column("队长 Captain"),
    Column("队长手机 Captain phone", 16),
    Column("队长邮箱 Captain email"),
    Column("团队成员 Members"),
    Column("成员学校 Member colleges"),
    Column("高校指导老师 University advisors"),
    Column("企业指导老师 Enterprise advisors"),
    Column("报名时间 Registered", 18),
    # After the national columns, which keep their places
    Column("类别 Entrant", 14),
    Column("国家/地区 Country", 14),
    Column("机构 Organization"),
    Column("统一社会信用代码 Credit code", 20),
    Column("联系人 Contact"),
]
PEOPLE_COLUMNS = [
    Column("团队编号 Number", 16),
    Column("团队名称 Team"),
    Column("角色 Role", 16),
    Column("姓名 Name"),
    Column("学号 Student ID", 16),
    Column("学校/单位 College or organization"),
    Column("专业 Major"),
    Column("年级 Grade", 10),
    Column("职称 Title"),
    Column("邮箱 Email"),
    Column("手机 Phone", 16),
    Column("国籍 Nationality", 14),
]


#: Teams read at a time, each batch with its people: a season's 130,000 teams and their 900,000 members and
#: advisors are never held in memory at once.
BATCH_TEAMS = 1000


def registrations_workbook(contest: Contest, filters: TeamFilters, *, viewer: User) -> list[Sheet]:
    """The sheets of the registrations export, for the teams `viewer` may see.

    Plain rows (teams, members, advisors), not objects that track changes: the workbook needs their values
    only. The teams stream from the database (a server-side cursor on PostgreSQL), a batch at a time with
    their members, advisors and organizations; each sheet reads them again as it is written. Names, headers
    and lists follow the contest's language.
    """
    language = workbook_language(contest.language)
    statuses = {status: language.text(label) for status, label in STATUS_LABELS.items()}
    entrants = {kind: language.text(label) for kind, label in ENTRANT_LABELS.items()}
    captain_role, member_role = language.text("队长 captain"), language.text("队员 member")
    university_role = language.text("高校指导老师 university advisor")
    enterprise_role = language.text("企业指导老师 enterprise advisor")
    team_statement = teams_query(contest, filters, viewer=viewer).with_only_columns(
        Team.id,
        Team.number,
        Track.name,
        Track.entrant,
        Team.country,
        Province.name,
        College.name,
        Team.name,
        Team.project_title,
        Team.status,
        Team.created_at,
        Team.track_id,
        Team.answers,
        maintain_column_froms=False,
    )

    def batches() -> Iterator[tuple[Sequence[Row], dict[int, list], dict[int, list], dict[int, Row]]]:
        result = db.session.execute(team_statement.execution_options(yield_per=BATCH_TEAMS))
        for teams in result.partitions():
            ids = [row[0] for row in teams]
            yield teams, _members_of(ids), _advisors_of(ids), _organizations_of(ids)

    questions = contest.registration_fields

    def team_rows() -> Iterator[list]:
        index = 0
        for teams, members, advisors, organizations in batches():
            yield from batch_rows(teams, members, advisors, organizations, index)
            index += len(teams)

    def batch_rows(teams, members, advisors, organizations, before: int) -> Iterator[list]:
        for index, row in enumerate(teams, start=before + 1):
            team_id, number, track, entrant, country, province, college, name, title, status, created_at, track_id, answers = row
            people = members.get(team_id, [])
            captain = next((m for m in people if m.is_captain), None)
            organization = organizations.get(team_id)
            yield [
                index,
                number,
                track,
                province,
                college,
                name,
                title,
                statuses.get(status, status),
                captain.name if captain else "",
                captain.phone if captain else "",
                captain.email if captain else "",
                language.join(m.name for m in people),
                language.join(each_once(m.college for m in people if m.college)),
                language.join(a.name for a in advisors.get(team_id, []) if a.kind == UNIVERSITY),
                language.join(a.name for a in advisors.get(team_id, []) if a.kind != UNIVERSITY),
                contest.local(created_at).strftime("%Y-%m-%d %H:%M"),
                entrants.get(entrant, entrant),
                language.country(country),
                organization.name if organization else "",
                organization.credit_code if organization else "",
                f"{organization.contact_name} {organization.contact_email}" if organization else "",
                *answer_cells(questions, track_id, answers),
            ]

    def people_rows() -> Iterator[list]:
        for teams, members, advisors, _organizations in batches():
            yield from batch_people(teams, members, advisors)

    def batch_people(teams, members, advisors) -> Iterator[list]:
        for team_id, number, _track, _entrant, _country, _province, _college, name, *_rest in teams:
            for m in members.get(team_id, []):
                yield [
                    number,
                    name,
                    captain_role if m.is_captain else member_role,
                    m.name,
                    m.student_id or "",
                    m.college or "",
                    m.major,
                    m.grade,
                    "",
                    m.email,
                    m.phone,
                    language.country(m.nationality),
                ]
            for a in advisors.get(team_id, []):
                role = university_role if a.kind == UNIVERSITY else enterprise_role
                yield [
                    number,
                    name,
                    role,
                    a.name,
                    "",
                    a.organization,
                    "",
                    "",
                    a.title,
                    a.email,
                    a.phone,
                    language.country(a.nationality),
                ]

    return [
        language.sheet(
            "报名团队 Teams",
            TEAM_COLUMNS + [Column(question.label) for question in questions],
            team_rows(),
            expected_rows=db.session.scalar(select(func.count()).select_from(team_statement.order_by(None).subquery())),
        ),
        language.sheet(
            "团队成员 Members",
            PEOPLE_COLUMNS,
            people_rows(),
            expected_rows=_people_count(select(team_statement.with_only_columns(Team.id).order_by(None).subquery().c.id)),
        ),
    ]


def _people_count(team_ids) -> int:
    """Members and advisors of the teams `team_ids` selects: the people sheet's rows, counted beforehand."""
    members = select(func.count(TeamMember.id)).where(TeamMember.team_id.in_(team_ids))
    advisors = select(func.count(Advisor.id)).where(Advisor.team_id.in_(team_ids))
    return db.session.scalar(members) + db.session.scalar(advisors)


def _members_of(team_ids: list[int]) -> dict[int, list[Row]]:
    members: dict[int, list[Row]] = defaultdict(list)
    for row in db.session.execute(
        select(
            TeamMember.team_id,
            TeamMember.name,
            TeamMember.student_id,
            College.name.label("college"),
            TeamMember.major,
            TeamMember.grade,
            TeamMember.email,
            TeamMember.phone,
            TeamMember.is_captain,
            TeamMember.nationality,
        )
        .outerjoin(College, College.id == TeamMember.college_id)
        .where(TeamMember.team_id.in_(team_ids))
        .order_by(TeamMember.team_id, TeamMember.position)
    ):
        members[row[0]].append(row)
    return members


def _advisors_of(team_ids: list[int]) -> dict[int, list[Row]]:
    advisors: dict[int, list[Row]] = defaultdict(list)
    for row in db.session.execute(
        select(
            Advisor.team_id,
            Advisor.kind,
            Advisor.name,
            Advisor.organization,
            Advisor.title,
            Advisor.email,
            Advisor.phone,
            Advisor.nationality,
        )
        .where(Advisor.team_id.in_(team_ids))
        .order_by(Advisor.team_id, Advisor.position)
    ):
        advisors[row[0]].append(row)
    return advisors


def _organizations_of(team_ids: list[int]) -> dict[int, Row]:
    return {
        row.team_id: row
        for row in db.session.execute(
            select(
                Organization.team_id,
                Organization.name,
                Organization.credit_code,
                Organization.contact_name,
                Organization.contact_email,
            ).where(Organization.team_id.in_(team_ids))
        )
    }
