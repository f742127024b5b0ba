"""Importing teams from the Excel template: one row per person, grouped by a team key.

The whole file is checked first, every team by the same `check_team` as a registration; any bad
row stops the import, with every bad row reported (row, column, message), and nothing is saved.
A good file is saved in bulk: numbers are taken per track in one atomic step, and teams, members,
advisors and audit events are inserted in a handful of statements.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select

from app import audit
from app.errors import ContestError, InvalidDataError, InvalidRowsError, problems_message
from app.extensions import db
from app.mail import bilingual, queue_mail
from app.models import (
    SUBMITTED,
    Advisor,
    College,
    Contest,
    Team,
    TeamMember,
    User,
)
from app.permissions import coordinated_college_ids, is_organizer
from app.registration.answer_columns import question_instructions, template_columns
from app.registration.places import taken_students
from app.registration.rules import TeamData, check_team
from app.registration.services import (
    check_registration_open,
    people_rows,
    take_team_numbers,
    visible_numbers,
)
from app.spreadsheets import Column, Sheet, Table
from app.workbook_language import workbook_language

CAPTAIN, MEMBER, UNIVERSITY_ADVISOR, ENTERPRISE_ADVISOR = "captain", "member", "university", "enterprise"
ROLE_CHOICES = ["队长 captain", "队员 member", "高校指导老师 university", "企业指导老师 enterprise"]
#: Template columns: (key, bilingual header). The key is the header's English word.
TEMPLATE_COLUMNS = [
    ("team", "团队序号 team"),
    ("track", "赛道代码 track"),
    ("team_name", "团队名称 team_name"),
    ("project_title", "作品名称 project_title"),
    ("college_code", "学校代码 college_code"),
    ("role", "角色 role"),
    ("name", "姓名 name"),
    ("student_id", "学号 student_id"),
    ("member_college_code", "成员学校代码 member_college_code"),
    ("major", "专业 major"),
    ("grade", "年级 grade"),
    ("email", "邮箱 email"),
    ("phone", "手机 phone"),
    ("organization", "单位 organization"),
    ("title", "职称 title"),
]
REQUIRED_COLUMNS = ("team", "track", "team_name", "project_title", "college_code", "role", "name", "email")
TEAM_FIELDS = {"name": "team_name", "project_title": "project_title", "track": "track", "college_id": "college_code"}
MEMBER_FIELDS = {"college_id": "member_college_code"}
TEMPLATE_ROWS = 5000


def parse_role(text: str) -> str | None:
    lowered = text.lower()
    for role, words in (
        (UNIVERSITY_ADVISOR, ("university", "高校")),
        (ENTERPRISE_ADVISOR, ("enterprise", "企业")),
        (CAPTAIN, ("captain", "队长")),
        (MEMBER, ("member", "队员")),
    ):
        if any(word in lowered for word in words):
            return role
    return None


def template_sheets(contest: Contest) -> list[Sheet]:
    """The import template: the headers with drop-downs for track and role, and a sheet of instructions, in
    the contest's language (the import reads either order: each column is named by its English key)."""
    language = workbook_language(contest.language)
    track_codes = [track.code for track in contest.tracks]
    roles = [language.text(role) for role in ROLE_CHOICES]
    last_row = TEMPLATE_ROWS + 1
    questions = contest.registration_fields
    question_columns, question_choices = template_columns(questions, first=len(TEMPLATE_COLUMNS) + 1, last_row=last_row)
    team_sheet = language.sheet(
        "报名团队 Teams",
        [Column(header, max(12, len(header) + 2)) for _key, header in TEMPLATE_COLUMNS] + question_columns,
        [],
        choices=[(f"B2:B{last_row}", track_codes), (f"F2:F{last_row}", roles), *question_choices],
    )
    instructions = [
        [
            "每行一人：学生或指导老师。同一团队的各行填写相同的“团队序号”。",
            "One row per person, student or advisor. Rows of one team share its team key.",
        ],
        [
            "团队名称、作品名称、赛道、学校代码写在团队的第一行即可。",
            "Team name, project title, track and college code are read from the team's first row.",
        ],
        [
            "每队恰好一名队长；成员学校默认为团队学校。",
            "Exactly one captain per team; a member's college defaults to the team's.",
        ],
        ["学校代码为教育部 10 位学校标识码。", "College codes are the Ministry of Education's 10-digit codes."],
        [
            f"赛道代码：{'、'.join(f'{t.code} {t.name}' for t in contest.tracks)}",
            f"Track codes: {', '.join(f'{t.code} {t.name}' for t in contest.tracks)}",
        ],
        *question_instructions(questions),
        [
            "整个文件先全部检查；任何一行有误则全部不导入，并列出每个错误。",
            "The whole file is checked first; if any row is wrong, nothing is imported and every error is listed.",
        ],
    ]
    instructions = [language.pair(chinese, english) for chinese, english in instructions]
    example = [
        [
            "1",
            track_codes[0] if track_codes else "",
            "星火队",
            "乡村好物直播间",
            "4133010335",
            roles[0],
            "张三",
            "20260001",
            "",
            "电子商务",
            "2023级",
            "zhangsan@example.edu.cn",
            "13800138000",
            "",
            "",
        ],
        ["1", "", "", "", "", roles[1], "李四", "20260002", "", "国际贸易", "2024级", "lisi@example.edu.cn", "", "", ""],
        ["1", "", "", "", "", roles[1], "王五", "20260003", "", "市场营销", "2024级", "wangwu@example.edu.cn", "", "", ""],
        [
            "1",
            "",
            "",
            "",
            "",
            roles[2],
            "王老师",
            "",
            "",
            "",
            "",
            "wang@example.edu.cn",
            "",
            "浙江大学",
            "副教授",
        ],
    ]
    return [
        team_sheet,
        language.sheet(
            "填写说明 Instructions",
            [Column(header, width) for header, width in language.pair(("说明", 70), ("Instructions", 90))],
            instructions,
            print_landscape=False,
        ),
        language.sheet("示例 Example", [Column(header) for _key, header in TEMPLATE_COLUMNS], example),
    ]


@dataclass
class _Group:
    key: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    member_rows: list[int] = field(default_factory=list)
    advisor_rows: list[int] = field(default_factory=list)


class _RowErrors:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, row: int, column: str, message: str) -> None:
        self.rows.append({"row": row, "column": column, "message": message})


def _group_rows(table: Table, errors: _RowErrors) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for number, row in table.rows:
        key = row.get("team", "").strip()
        if not key:
            errors.add(number, "team", _("Give the team key that groups this row with its team."))
            continue
        groups.setdefault(key, _Group(key)).rows.append((number, row))
    return list(groups.values())


def _team_input(group: _Group, college_ids: dict[str, int], errors: _RowErrors, labels: dict[str, str]) -> dict[str, Any]:
    first_number, first = group.rows[0]
    for number, row in group.rows[1:]:
        for column in ("track", "team_name", "project_title", "college_code", *labels):
            if row.get(column) and row[column] != first.get(column):
                errors.add(
                    number, labels.get(column, column), _("Differs from the team's first row (row %(row)s).", row=first_number)
                )
    raw: dict[str, Any] = {
        "name": first.get("team_name", ""),
        "project_title": first.get("project_title", ""),
        "track": first.get("track", ""),
        "college_id": college_ids.get(first.get("college_code", "").strip()),
        "members": [],
        "advisors": [],
        "answers": {column.removeprefix("answers."): first[column] for column in labels if column in first},
    }
    college_code = first.get("college_code", "").strip()
    if not college_code:
        errors.add(first_number, "college_code", _("Give the team's college code, the Ministry of Education's 10 digits."))
    elif raw["college_id"] is None:
        errors.add(first_number, "college_code", _("No college has the code %(code)s.", code=college_code))
    for number, row in group.rows:
        role = parse_role(row.get("role", ""))
        if role is None:
            errors.add(number, "role", _("Choose a role: %(roles)s.", roles=", ".join(ROLE_CHOICES)))
        elif role in (CAPTAIN, MEMBER):
            code = row.get("member_college_code", "").strip()
            if code and code not in college_ids:
                errors.add(number, "member_college_code", _("No college has the code %(code)s.", code=code))
            raw["members"].append(
                {
                    "name": row.get("name"),
                    "student_id": row.get("student_id"),
                    "college_id": college_ids.get(code) if code else None,
                    "email": row.get("email"),
                    "phone": row.get("phone"),
                    "major": row.get("major"),
                    "grade": row.get("grade"),
                    "captain": role == CAPTAIN,
                }
            )
            group.member_rows.append(number)
        else:
            raw["advisors"].append(
                {
                    "kind": role,
                    "name": row.get("name"),
                    "organization": row.get("organization"),
                    "title": row.get("title"),
                    "email": row.get("email"),
                    "phone": row.get("phone"),
                }
            )
            group.advisor_rows.append(number)
    return raw


def _place(group: _Group, error: InvalidDataError, errors: _RowErrors, labels: dict[str, str]) -> None:
    """Put each field error of `check_team` at its row and column of the sheet, except at a cell the import
    has explained already in the sheet's terms (a college code no college has): one message per problem."""
    first_number = group.rows[0][0]
    explained = {(item["row"], item["column"]) for item in errors.rows}
    for name, messages in error.fields.items():
        parts = name.split(".")
        if parts[0] in ("members", "advisors") and len(parts) == 3:
            rows = group.member_rows if parts[0] == "members" else group.advisor_rows
            row, column = rows[int(parts[1])], MEMBER_FIELDS.get(parts[2], parts[2])
        elif parts[0] in ("members", "advisors"):
            row, column = first_number, "role"
        elif parts[0] == "answers":  # at the question's column, named by its header
            row, column = first_number, labels.get(name, name)
        else:
            row, column = first_number, TEAM_FIELDS.get(parts[0], parts[0])
        if (row, column) in explained:
            continue
        for message in messages:
            errors.add(row, column, message)


def check_import(contest: Contest, table: Table, *, actor: User | None) -> list[tuple[_Group, TeamData]]:
    """Check a whole import; return the teams, or raise InvalidRowsError listing every bad row."""
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        raise InvalidRowsError(
            _("The file lacks the columns %(columns)s; start from the template.", columns=", ".join(missing)),
            rows=[{"row": 1, "column": column, "message": _("This column is missing.")} for column in missing],
        )
    errors = _RowErrors()
    college_ids = dict(db.session.execute(select(College.code, College.id)).all())
    known_ids = set(college_ids.values())
    own_colleges = None if is_organizer(actor, contest) else coordinated_college_ids(actor, contest)
    checked: list[tuple[_Group, TeamData]] = []
    first_seen: dict[tuple[str, int, str], int] = {}
    labels = {f"answers.{question.key}": question.label for question in contest.registration_fields}
    for group in _group_rows(table, errors):
        raw = _team_input(group, college_ids, errors, labels)
        try:
            data = check_team(contest, raw, known_college_ids=known_ids)
        except InvalidDataError as error:
            _place(group, error, errors, labels)
            continue
        if own_colleges is not None and data.college_id not in own_colleges:
            errors.add(group.rows[0][0], "college_code", _("Coordinators import teams of their own college only."))
        for member, row in zip(data.members, group.member_rows, strict=True):
            key = (data.track.kind, *member.student_key)
            if key in first_seen:
                errors.add(
                    row,
                    "student_id",
                    _("This student is also in row %(row)s, in another team of the same category.", row=first_seen[key]),
                )
            first_seen.setdefault(key, row)
        checked.append((group, data))
    _report_taken_students(contest, first_seen, errors, actor)
    _raise_if_any(errors)
    return checked


def _student_rows(checked: list[tuple[_Group, TeamData]]) -> dict[tuple[str, int, str], int]:
    return {
        (data.track.kind, *m.student_key): row
        for group, data in checked
        for m, row in zip(data.members, group.member_rows, strict=True)
    }


def _report_taken_students(
    contest: Contest, student_rows: dict[tuple[str, int, str], int], errors: _RowErrors, actor: User | None
) -> None:
    """Rows whose student is already in an active team of the same category; the team is named only to
    someone who may view it."""
    by_category: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for category, college_id, student_id in student_rows:
        by_category[category].append((college_id, student_id))
    for category, keys in by_category.items():
        taken = taken_students(contest.id, category, keys)
        numbers = visible_numbers(taken.values(), actor)
        for key, place in taken.items():
            number = numbers.get(place.team_id)
            message = (
                _("This student is already in team %(number)s.", number=number)
                if number is not None
                else _("This student is already in a team of this category.")
            )
            errors.add(student_rows[(category, *key)], "student_id", message)


def _raise_if_any(errors: _RowErrors) -> None:
    if errors.rows:
        rows = sorted(errors.rows, key=lambda item: item["row"])
        raise InvalidRowsError(problems_message(len(rows)), rows=rows)


def import_teams(contest: Contest, table: Table, *, actor: User | None, now: datetime) -> int:
    """Import teams from the template: all of them or, if any row is wrong, none. Returns how many."""
    check_registration_open(contest, now, actor)
    checked = check_import(contest, table, actor=actor)
    if not checked:
        raise ContestError(_("The file has no teams."), code="empty_file")
    tracks = {data.track.id: data.track for _group, data in checked}
    counts = Counter(data.track.id for _group, data in checked)
    numbers = {  # each track's numbers, in the order of its teams in the file
        track_id: iter(take_team_numbers(tracks[track_id], contest.year, counts[track_id])) for track_id in sorted(tracks)
    }
    # Under the lock the numbers took, check again for students registered since the first check.
    errors = _RowErrors()
    _report_taken_students(contest, _student_rows(checked), errors, actor)
    _raise_if_any(errors)
    team_rows = []
    for _group, data in checked:
        team_rows.append(
            {
                "contest_id": contest.id,
                "track_id": data.track.id,
                "college_id": data.college_id,
                "country": data.country,
                "number": next(numbers[data.track.id]),
                "name": data.name,
                "project_title": data.project_title,
                "answers": data.answers,
                "status": SUBMITTED,
                "created_at": now,
                "updated_at": now,
            }
        )
    team_ids = db.session.scalars(insert(Team).returning(Team.id, sort_by_parameter_order=True), team_rows).all()
    member_rows, advisor_rows, audit_rows = [], [], []
    for team_id, team_row, (_group, data) in zip(team_ids, team_rows, checked, strict=True):
        members, advisors = people_rows(team_id, contest.id, data)
        member_rows += members
        advisor_rows += advisors
        audit_rows.append(
            {
                "actor": actor,
                "action": "team.import",
                "object_type": "team",
                "object_id": team_id,
                "now": now,
                "after": {"number": team_row["number"], "name": data.name},
            }
        )
    db.session.execute(insert(TeamMember), member_rows)
    if advisor_rows:
        db.session.execute(insert(Advisor), advisor_rows)
    audit.record_many(audit_rows)
    db.session.flush()
    for team_row, (_group, data) in zip(team_rows, checked, strict=True):
        captain = next(m for m in data.members if m.is_captain)
        queue_mail(
            [captain.email],
            f"【Laurel】{team_row['number']} {bilingual(contest.language, '报名已提交', 'Registration submitted', between=' ')}",
            bilingual(
                contest.language,
                f"团队「{data.name}」（{team_row['number']}）已由学校导入报名，等待审核。",
                f"Team {data.name} ({team_row['number']}) was registered by its college and waits for review.",
            )
            + "\n",
        )
    return len(team_rows)
