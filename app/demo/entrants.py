"""Realistic entrants of every kind for the seed contests' demos: student teams of universities worldwide,
individuals from many countries (most of them not students), youth teams, Chinese companies with valid unified
social credit codes, companies abroad, and universities applying in their own name. Deterministic for a seed;
each entrant in the shape `registerTeam` takes."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from stdnum.cn import uscc

from app.colleges import services as colleges
from app.demo.names import GIVEN_CHARACTERS, MOBILE_PREFIXES, SURNAMES
from app.demo.people import CollegeInfo
from app.demo.world import (
    COMPANY_STEMS,
    COMPANY_TRADES,
    FOREIGN_COMPANIES,
    HANGZHOU_DISTRICTS,
    MAJORS_EN,
    PEOPLE,
    PROJECT_TEMPLATES,
    PROJECT_THINGS,
    PROJECT_WHO,
    STREETS,
    TEAM_WORDS,
    WORLD_UNIVERSITIES,
)
from app.extensions import db
from app.models import College, User, utcnow
from app.spreadsheets import Table

#: The characters of a credit code after its region (GB 32100: digits and capitals without I, O, S, V, Z).
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class University:
    id: int
    code: str
    name: str
    country: str
    domain: str


def load_world_universities(*, now: datetime, actor: User | None) -> list[University]:
    """The WORLD_UNIVERSITIES on the institutions list, through the colleges import (matched by code: importing
    them again changes nothing), with their countries and no province."""
    columns = ["code", "name", "province", "city", "level", "country"]
    rows = [
        (number, {"code": code, "name": name, "province": "", "city": city, "level": "", "country": country})
        for number, (code, name, country, city, _domain) in enumerate(WORLD_UNIVERSITIES, start=2)
    ]
    colleges.import_colleges(Table(columns=columns, rows=rows), now=now, actor=actor)
    ids = dict(
        db.session.execute(select(College.code, College.id).where(College.code.in_([row[0] for row in WORLD_UNIVERSITIES]))).all()
    )
    return [University(ids[code], code, name, country, domain) for code, name, country, _city, domain in WORLD_UNIVERSITIES]


def credit_code(prefix: str, region: str, organization_code: str) -> str:
    """A unified social credit code (统一社会信用代码): the registering authority and entity type (`prefix`, "91" a
    company, "12" a public institution), the 6-digit region, the 9-character organization code, and the check
    digit that python-stdnum computes over those 17 characters.

    >>> credit_code("91", "110108", "551385082")
    '91110108551385082Q'
    """
    body = f"{prefix}{region}{organization_code}"
    return body + uscc.calc_check_digit(body)


def ascii_slug(text: str) -> str:
    """ "Léa Müller" → "lea.muller": a person's name as the local part of an email address."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return ".".join("".join(ch for ch in word if ch.isalnum()) for word in plain.split() if word.strip("-'"))


class EntrantFactory:
    """Entrants for the seed contests' demos, deterministic for a seed. Every email is unique for the
    factory's life (a counter), student IDs unique per university."""

    def __init__(self, seed: int = 1):
        self.random = random.Random(seed)
        self.mails: Counter[str] = Counter()
        self.student_numbers: Counter[int] = Counter()
        self.year = utcnow().year

    # People -----------------------------------------------------------------------------------

    def name(self, nationality: str) -> str:
        """A name as its owner writes it: Chinese characters for a Chinese national, given name then surname
        in Latin letters for the others."""
        pick = self.random
        if nationality == "CN":
            return pick.choice(SURNAMES[:60]) + "".join(pick.choice(GIVEN_CHARACTERS) for _ in range(pick.choice((1, 2, 2))))
        given, surnames = PEOPLE[nationality]
        return f"{pick.choice(given.split(', '))} {pick.choice(surnames.split(', '))}"

    def email(self, name: str, domain: str) -> str:
        local = ascii_slug(name) or "user"
        self.mails[f"{local}@{domain}"] += 1
        count = self.mails[f"{local}@{domain}"]
        return f"{local}@{domain}" if count == 1 else f"{local}{count}@{domain}"

    def mobile(self) -> str:
        return self.random.choice(MOBILE_PREFIXES) + f"{self.random.randrange(10**8):08d}"

    def nationality_abroad(self, home: str) -> str:
        """Most students are of their university's country; about one in five came from elsewhere."""
        return home if self.random.random() < 0.8 else self.random.choice([code for code in PEOPLE if code != home])

    def student(self, college_id: int, domain: str, nationality: str, *, captain: bool = False) -> dict[str, Any]:
        self.student_numbers[college_id] += 1
        entry_year = self.year - self.random.choice((1, 2, 2, 3, 4))
        name = self.name(nationality)
        return {
            "name": name,
            "student_id": f"{entry_year}{self.student_numbers[college_id]:05d}",
            "email": self.email(name, domain),
            "nationality": nationality,
            "major": self.random.choice(MAJORS_EN),
            "grade": str(entry_year),
            "captain": captain,
        }

    # Student teams ----------------------------------------------------------------------------

    def team_name(self) -> str:
        first, second = TEAM_WORDS
        return f"{self.random.choice(first)} {self.random.choice(second)}"

    def project(self) -> str:
        template = self.random.choice(PROJECT_TEMPLATES)
        title = template.format(thing=self.random.choice(PROJECT_THINGS), who=self.random.choice(PROJECT_WHO))
        return title[0].upper() + title[1:]

    def student_team(self, university: University, track: str, sizes: tuple[int, int] = (3, 5)) -> dict[str, Any]:
        """A team of one university abroad: 3 to 5 students (mostly of its country), a university advisor."""
        count = self.random.randint(*sizes)
        members = [
            self.student(university.id, university.domain, self.nationality_abroad(university.country), captain=index == 0)
            for index in range(count)
        ]
        advisor = self.name(university.country)
        return {
            "name": self.team_name(),
            "project_title": self.project(),
            "track": track,
            "college_id": university.id,
            "members": members,
            "advisors": [
                {
                    "name": advisor,
                    "kind": "university",
                    "organization": university.name,
                    "title": self.random.choice(("Professor", "Associate Professor", "Lecturer")),
                    "email": self.email(advisor, university.domain),
                }
            ],
        }

    def youth_team(self, track: str, university: University, sizes: tuple[int, int] = (2, 6)) -> dict[str, Any]:
        """A youth team: 2 to 6 students of one university, of the university's country and from elsewhere."""
        team = self.student_team(university, track, sizes)
        team["advisors"] = []
        return team

    # Individuals ------------------------------------------------------------------------------

    def individual(self, track: str, nationality: str, university: University | None = None) -> dict[str, Any]:
        """One person entering on their own: a student of `university` (college and student ID), or, without
        one, not a student (no college, no student ID), with their nationality and occupation."""
        if university is not None:
            person = self.student(university.id, university.domain, nationality, captain=True)
            return {"project_title": self.project(), "track": track, "college_id": university.id, "members": [person]}
        name = self.name(nationality)
        person = {
            "name": name,
            "email": self.email(name, "mail.example.com"),
            "nationality": nationality,
        }
        if nationality == "CN":
            person["phone"] = self.mobile()
        return {"project_title": self.project(), "track": track, "members": [person]}

    # Organizations ----------------------------------------------------------------------------

    def company(self, track: str) -> dict[str, Any]:
        """A Hangzhou company applying with a project: its legal name, valid credit code, address, contact
        person and project lead."""
        pick = self.random
        region, district = pick.choice(HANGZHOU_DISTRICTS)
        trade, project = pick.choice(COMPANY_TRADES)
        name = f"杭州{pick.choice(COMPANY_STEMS)}{trade}有限公司"
        organization_code = "MA" + "".join(pick.choice(CODE_ALPHABET) for _ in range(7))
        contact, lead = self.name("CN"), self.name("CN")
        domain = f"c{pick.randrange(1000, 9999)}.example.com"
        return {
            "name": name,
            "project_title": project,
            "track": track,
            "organization": {
                "name": name,
                "country": "CN",
                "credit_code": credit_code("91", region, organization_code),
                "contact": {"name": contact, "email": self.email(contact, domain), "phone": self.mobile()},
                "address": f"浙江省杭州市{district}{pick.choice(STREETS)}{pick.randrange(1, 999)}号",
            },
            "members": [{"name": lead, "email": self.email(lead, domain), "phone": self.mobile(), "captain": True}],
        }

    def foreign_company(self, track: str, index: int) -> dict[str, Any]:
        """A company abroad (FOREIGN_COMPANIES): no Chinese credit code."""
        name, country, city, project = FOREIGN_COMPANIES[index % len(FOREIGN_COMPANIES)]
        contact = self.name(country)
        return {
            "project_title": project,
            "track": track,
            "organization": {
                "name": name,
                "country": country,
                "contact": {"name": contact, "email": self.email(contact, "corp.example.com")},
                "address": city,
            },
            "members": [{"name": contact, "email": self.email(contact, "corp.example.com"), "captain": True}],
        }

    def university_applicant(self, track: str, college: CollegeInfo) -> dict[str, Any]:
        """A Chinese university applying in its own name: the organization is the university of the national
        list, with a public institution's credit code (type 12, the region of its province), its teaching
        office as the contact and a professor leading the programme."""
        pick = self.random
        region = f"{college.code[2:4]}0000"  # a national college code's 3rd and 4th digits are its province's
        organization_code = "4" + "".join(pick.choice("0123456789") for _ in range(8))
        contact, lead = self.name("CN"), self.name("CN")
        domain = f"u{college.code[-5:]}.example.edu.cn"
        return {
            "project_title": pick.choice(TRAINING_PROGRAMMES),
            "track": track,
            "college_id": college.id,
            "organization": {
                "name": college.name,
                "country": "CN",
                "credit_code": credit_code("12", region, organization_code),
                "contact": {"name": f"{contact}（教务处）", "email": self.email(contact, domain), "phone": self.mobile()},
                "address": f"{college.province}{college.city}",
            },
            "members": [{"name": lead, "email": self.email(lead, domain), "captain": True}],
        }


TRAINING_PROGRAMMES = (
    "跨境电商复合型人才培养计划",
    "数字贸易卓越人才培养项目",
    "直播电商产教融合实践基地",
    "电子商务国际化人才订单班",
    "数字营销微专业建设",
    "跨境电商产业学院",
)
