"""Finding teams: the organizers' and coordinators' lists, and the registration counts."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select, union
from sqlalchemy.orm import contains_eager
from werkzeug.datastructures import MultiDict

from app.api.ids import id_from_text
from app.extensions import db
from app.models import TEAM_STATUSES, College, Contest, MemberDispute, Province, Team, TeamMember, Track, User
from app.permissions import coordinated_college_ids, is_organizer
from app.registration.rules import clean_identifier

#: Sort keys offered by the lists: key -> columns (the team number breaks every tie).
SORTS = {
    "number": (Team.number,),
    "name": (Team.name, Team.number),
    "college": (College.name, Team.number),
    "province": (Province.name, College.name, Team.number),
    "status": (Team.status, Team.number),
    "created": (Team.created_at, Team.number),
}


@dataclass(frozen=True)
class TeamFilters:
    status: str | None = None
    college_id: int | None = None
    #: Teams of other colleges that hold students of this college (as members, or disputed by it).
    member_college_id: int | None = None
    province: str | None = None
    country: str | None = None
    track: str | None = None
    q: str | None = None
    sort: str = "number"
    descending: bool = False

    @classmethod
    def from_args(cls, args: MultiDict) -> TeamFilters:
        """The filters of a team list's query string (the page's, or its export button's); what is not a
        filter's value (an unknown status, an id that is no number) is no filter."""
        return cls(
            status=args.get("status") if args.get("status") in TEAM_STATUSES else None,
            college_id=id_from_text(args.get("college_id")),
            member_college_id=args.get("member_college_id", type=int),
            province=args.get("province") or None,
            country=args.get("country") or None,
            track=args.get("track") or None,
            q=args.get("q") or None,
            sort=args.get("sort") if args.get("sort") in SORTS else "number",
            descending=args.get("desc") == "1",
        )


def holding_students_of(contest_id: int, college_ids: set[int]) -> ColumnElement[bool]:
    """Teams holding a student of these colleges: as a member, or as a student their college disputes."""
    members = select(TeamMember.team_id).where(TeamMember.contest_id == contest_id, TeamMember.college_id.in_(college_ids))
    disputed = select(MemberDispute.team_id).where(MemberDispute.college_id.in_(college_ids))
    return or_(Team.id.in_(members), Team.id.in_(disputed))


def teams_query(contest: Contest, filters: TeamFilters, *, viewer: User) -> Select:
    """The teams `viewer` may see in this contest, filtered, searched and sorted.

    Coordinators see their own college's teams, and the teams of other colleges that hold their
    students (`can_view_team`). `q` matches part of the team name, the start of its number, part of a
    member's name, a member's exact student ID, or part of the college's name.
    """
    statement = (
        select(Team)
        .outerjoin(Team.college)
        .outerjoin(College.province)
        .join(Team.track)
        .options(contains_eager(Team.college).contains_eager(College.province), contains_eager(Team.track))
        .where(Team.contest_id == contest.id)
    )
    if not is_organizer(viewer, contest):
        colleges = coordinated_college_ids(viewer, contest) or {-1}
        statement = statement.where(or_(Team.college_id.in_(colleges), holding_students_of(contest.id, colleges)))
    if filters.status:
        statement = statement.where(Team.status == filters.status)
    if filters.college_id:
        statement = statement.where(Team.college_id == filters.college_id)
    if filters.member_college_id:
        statement = statement.where(
            Team.college_id != filters.member_college_id, holding_students_of(contest.id, {filters.member_college_id})
        )
    if filters.province:
        statement = statement.where(Province.name == filters.province)
    if filters.country:
        statement = statement.where(Team.country == filters.country.strip().upper())
    if filters.track:
        statement = statement.where(Track.code == filters.track)
    if filters.q and filters.q.strip():
        term = filters.q.strip()
        # The matching teams' ids, each part answered by its own index (trigrams on PostgreSQL): one OR across
        # the tables would test every team of the contest instead.
        in_contest = Team.contest_id == contest.id
        matching = union(
            select(Team.id).where(in_contest, Team.name.contains(term, autoescape=True)),
            select(Team.id).where(in_contest, Team.number.startswith(term.upper(), autoescape=True)),
            select(Team.id).where(
                in_contest, Team.college_id.in_(select(College.id).where(College.name.contains(term, autoescape=True)))
            ),
            select(TeamMember.team_id).where(
                TeamMember.contest_id == contest.id, TeamMember.name.contains(term, autoescape=True)
            ),
            select(TeamMember.team_id).where(
                TeamMember.contest_id == contest.id, TeamMember.student_id == clean_identifier(term)
            ),
        )
        statement = statement.where(Team.id.in_(matching))
    columns = SORTS.get(filters.sort, SORTS["number"])
    return statement.order_by(*(column.desc() if filters.descending else column for column in columns))


def registration_counts(contest: Contest) -> dict[str, object]:
    """Teams per status, per province and per country (with their statuses), for the organizers' dashboard."""
    by_status = dict(
        db.session.execute(
            select(Team.status, func.count(Team.id)).where(Team.contest_id == contest.id).group_by(Team.status)
        ).all()
    )
    rows = db.session.execute(
        select(Province.name, Team.status, func.count(Team.id))  # the teams of colleges that have a province
        .join(College, College.province_id == Province.id)
        .join(Team, Team.college_id == College.id)
        .where(Team.contest_id == contest.id)
        .group_by(Province.name, Team.status)
        .order_by(Province.name)
    ).all()
    by_province: dict[str, dict[str, int]] = {}
    for province, status, count in rows:
        by_province.setdefault(province, {})[status] = count
    by_country: dict[str, dict[str, int]] = {}
    for country, status, count in db.session.execute(
        select(Team.country, Team.status, func.count(Team.id))
        .where(Team.contest_id == contest.id)
        .group_by(Team.country, Team.status)
        .order_by(Team.country)
    ):
        by_country.setdefault(country, {})[status] = count
    colleges, countries = db.session.execute(
        select(func.count(func.distinct(Team.college_id)), func.count(func.distinct(Team.country))).where(
            Team.contest_id == contest.id
        )
    ).one()
    return {
        "by_status": by_status,
        "by_province": by_province,
        "by_country": by_country,
        "total": sum(by_status.values()),
        "colleges": colleges,
        "countries": countries,
    }


def entrant_countries(contest: Contest) -> list[str]:
    """The countries the contest's entrants come from, to filter by.

    Found country after country, each the next one up in the (contest, country) index: one probe per country,
    where DISTINCT would read every team of the contest on every list page."""
    in_contest = Team.contest_id == contest.id
    found = select(func.min(Team.country).label("country")).where(in_contest).cte("found", recursive=True)
    following = select(func.min(Team.country)).where(in_contest, Team.country > found.c.country).scalar_subquery()
    found = found.union_all(select(following).where(found.c.country.is_not(None)))
    return list(db.session.scalars(select(found.c.country).where(found.c.country.is_not(None)).order_by(found.c.country)))


def each_once(colleges: Iterable[str]) -> list[str]:
    """Members' colleges as a team's list shows them: each once, in the members' order."""
    return list(dict.fromkeys(colleges))


def member_colleges(team_ids: Collection[int] | Select) -> dict[int, list[str]]:
    """Each team's members' colleges (`each_once`): a team may have members from several colleges, and
    every list that names its members or its college names them all. `team_ids` is a collection or a
    statement selecting them."""
    names: dict[int, list[str]] = {}
    for team_id, name in db.session.execute(
        select(TeamMember.team_id, College.name)
        .join(College, College.id == TeamMember.college_id)
        .where(TeamMember.team_id.in_(team_ids))
        .order_by(TeamMember.team_id, TeamMember.position)
    ):
        names.setdefault(team_id, []).append(name)
    return {team_id: each_once(colleges) for team_id, colleges in names.items()}
