"""Realistic people and teams for demos and benchmarks: Chinese names, colleges weighted by province,
3–5 students, advisors, projects; and simulated judges' scores. Deterministic for a seed.

`flask demo --scale national` and `bench/` share these, so the demo season and the figures measured
on it come from the same data.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.demo.names import (
    BRANDS,
    COMPANY_WORDS,
    COMPOUND_SURNAMES,
    ENTERPRISE_TITLES,
    GIVEN_CHARACTERS,
    MAIL_DOMAINS,
    MAJORS,
    METHODS,
    MOBILE_PREFIXES,
    PRODUCTS,
    PROVINCE_WEIGHTS,
    SURNAMES,
    TEAM_NAME_HEADS,
    TEAM_NAME_TAILS,
    TITLE_TEMPLATES,
    UNIVERSITY_TITLES,
)
from app.extensions import db
from app.models import College, Province, utcnow
from app.registration.imports import TEMPLATE_COLUMNS
from app.spreadsheets import Table

TEAM_NAME_MAX, PROJECT_TITLE_MAX = 16, 30

ROLE_TEXT = {
    "captain": "队长 captain",
    "member": "队员 member",
    "university": "高校指导老师 university",
    "enterprise": "企业指导老师 enterprise",
}
#: College teams per participating college in a province, roughly: sets how many colleges take part.
TEAMS_PER_COLLEGE = 14


@dataclass(frozen=True)
class CollegeInfo:
    id: int
    code: str
    name: str
    province: str
    city: str
    level: str


class TeamFactory:
    """Makes realistic, valid teams in the API's input shape (plus the college's code).

    Deterministic for a seed. Student IDs are unique per college for the factory's whole life,
    so teams made later (for the API) never collide with teams made earlier (for the import).
    """

    def __init__(
        self, colleges: list[CollegeInfo], *, seed: int = 1, expected_teams: int = 10_000, taking_part: int | None = None
    ):
        """`taking_part`: exactly this many colleges send teams (each at least one), spread over the
        provinces by their share; by default about one college per 14 teams."""
        self.random = random.Random(seed)
        self.by_province: dict[str, list[CollegeInfo]] = {}
        for college in sorted(colleges, key=lambda c: c.code):
            self.by_province.setdefault(college.province, []).append(college)
        missing = set(PROVINCE_WEIGHTS) - set(self.by_province)
        if missing:
            raise ValueError(f"no colleges in {', '.join(sorted(missing))}")
        total = sum(PROVINCE_WEIGHTS.values())
        self.shares = {name: weight / total for name, weight in PROVINCE_WEIGHTS.items()}
        # Which colleges take part, per province: more in big provinces; undergraduate colleges
        # twice as likely as vocational ones (weighted sampling without replacement).
        self.participants: dict[str, tuple[list[CollegeInfo], list[float]]] = {}
        quota = _largest_remainder(self.shares, taking_part) if taking_part else None
        for province, share in self.shares.items():
            pool = self.by_province[province]
            wanted = (
                min(len(pool), quota[province])
                if quota
                else max(2, min(len(pool), round(share * expected_teams / TEAMS_PER_COLLEGE)))
            )
            keyed = sorted(pool, key=lambda c: -(self.random.random() ** (1 / (2.0 if c.level == "本科" else 1.0))))
            chosen = keyed[:wanted]
            # A few colleges send many teams, most send a few (Zipf-like).
            self.participants[province] = (chosen, [1 / (rank + 1) ** 0.8 for rank in range(len(chosen))])
        self.surname_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(SURNAMES))]
        self.student_counters: Counter[int] = Counter()
        self.made = 0
        self.exact = taking_part is not None

    # People -----------------------------------------------------------------------------------

    def person_name(self) -> str:
        pick = self.random
        surname = pick.choice(COMPOUND_SURNAMES) if pick.random() < 0.004 else pick.choices(SURNAMES, self.surname_weights)[0]
        given = "".join(pick.choice(GIVEN_CHARACTERS) for _ in range(1 if pick.random() < 0.25 else 2))
        return surname + given

    def mobile(self) -> str:
        return self.random.choice(MOBILE_PREFIXES) + f"{self.random.randrange(10**8):08d}"

    def email(self, student_id: str | None = None) -> str:
        pick = self.random
        domain = pick.choice(MAIL_DOMAINS)
        if domain.startswith("qq"):
            return f"{pick.randrange(10**7, 3 * 10**9)}@{domain}"
        if student_id and pick.random() < 0.5:
            return f"s{student_id.lower()}@{domain}"
        letters = "".join(pick.choice("abcdefghjkmnpqrstwxyz") for _ in range(pick.randint(3, 8)))
        return f"{letters}{pick.randrange(100, 9999)}@{domain}"

    def student_id(self, college: CollegeInfo, entry_year: int) -> str:
        self.student_counters[college.id] += 1
        return f"{entry_year}{self.random.randrange(1, 40):02d}{self.student_counters[college.id]:05d}"

    # Teams ------------------------------------------------------------------------------------

    def province_plan(self, teams: int) -> list[str]:
        """`teams` provinces, allocated by share (largest remainder, at least one each), shuffled; only
        provinces with a college taking part."""
        taking_part = {name: share for name, share in self.shares.items() if self.participants[name][0]}
        total = sum(taking_part.values())
        counts = _largest_remainder({name: share / total for name, share in taking_part.items()}, teams)
        plan = [name for name, count in counts.items() for _ in range(count)]
        self.random.shuffle(plan)
        return plan

    def college_in(self, province: str) -> CollegeInfo:
        colleges, weights = self.participants[province]
        return self.random.choices(colleges, weights)[0]

    def team_name(self) -> str:
        name = self.random.choice(TEAM_NAME_HEADS) + self.random.choice(TEAM_NAME_TAILS)
        if self.random.random() < 0.3:
            name = self.random.choice(("", "小", "新")) + name
        return name[:TEAM_NAME_MAX]

    def project_title(self) -> str:
        template = self.random.choice(TITLE_TEMPLATES)
        title = template.format(
            method=self.random.choice(METHODS), product=self.random.choice(PRODUCTS), brand=self.random.choice(BRANDS)
        )
        return title[:PROJECT_TITLE_MAX]

    def team(self, province: str | None = None, college: CollegeInfo | None = None) -> dict[str, Any]:
        """One valid team in the API's shape, with `college_code` added for the import."""
        pick = self.random
        province = province or pick.choices(list(self.shares), list(self.shares.values()))[0]
        college = college or self.college_in(province)
        year = utcnow().year
        members = []
        for index in range(pick.choices((3, 4, 5), (3, 4, 3))[0]):
            entry_year = year - pick.choices((1, 2, 3, 4), (2, 4, 3, 1))[0]
            student_id = self.student_id(college, entry_year)
            members.append(
                {
                    "name": self.person_name(),
                    "student_id": student_id,
                    "email": self.email(student_id),
                    "phone": self.mobile() if index == 0 or pick.random() < 0.8 else "",
                    "major": pick.choice(MAJORS),
                    "grade": f"{entry_year}级",
                    "captain": index == 0,
                }
            )
        advisors = []
        for _ in range(pick.choices((0, 1, 2), (1, 5, 4))[0]):
            advisors.append(
                {
                    "name": self.person_name(),
                    "kind": "university",
                    "organization": college.name,
                    "title": pick.choice(UNIVERSITY_TITLES),
                    "email": self.email() if pick.random() < 0.7 else "",
                }
            )
        for _ in range(pick.choices((0, 1, 2), (5, 4, 1))[0]):
            company = f"{college.city.removesuffix('市')}{pick.choice(COMPANY_WORDS)}有限公司"
            advisors.append(
                {
                    "name": self.person_name(),
                    "kind": "enterprise",
                    "organization": company,
                    "title": pick.choice(ENTERPRISE_TITLES),
                    "email": self.email() if pick.random() < 0.5 else "",
                }
            )
        self.made += 1
        return {
            "name": self.team_name(),
            "project_title": self.project_title(),
            "track": pick.choices(("CG", "CB"), (7, 3))[0],
            "college_id": college.id,
            "college_code": college.code,
            "members": members,
            "advisors": advisors,
        }

    def teams(self, count: int) -> list[dict[str, Any]]:
        """`count` teams over the provinces by share; with `taking_part`, every taking-part college
        sends at least one (when `count` allows)."""
        if not self.exact:
            return [self.team(province) for province in self.province_plan(count)]
        firsts = [
            self.team(province, college) for province, (chosen, _weights) in self.participants.items() for college in chosen
        ]
        made = firsts[:count] + [self.team(province) for province in self.province_plan(max(0, count - len(firsts)))]
        self.random.shuffle(made)
        return made


def _largest_remainder(shares: dict[str, float], total: int) -> dict[str, int]:
    """`total` split by `shares` (largest remainder), at least one each when `total` allows."""
    exact = {name: share * total for name, share in shares.items()}
    counts = {name: int(math.floor(value)) for name, value in exact.items()}
    if total >= len(counts):
        for name in counts:
            counts[name] = max(1, counts[name])
    left = total - sum(counts.values())
    by_remainder = sorted(exact, key=lambda name: exact[name] - math.floor(exact[name]), reverse=True)
    if left >= 0:
        for name in by_remainder[:left]:
            counts[name] += 1
    else:  # the minimum of one each took too many: give them back from the largest
        for name in sorted(counts, key=counts.get, reverse=True)[:-left]:
            counts[name] -= 1
    return counts


def api_payload(team: dict[str, Any]) -> dict[str, Any]:
    """The team as registerTeam takes it (without the import's college code)."""
    return {key: value for key, value in team.items() if key != "college_code"}


def build_team_rows(teams: list[dict[str, Any]], *, first_key: int = 1) -> Table:
    """The teams as the import template's table: one row per person, grouped by a team key."""
    columns = [key for key, _header in TEMPLATE_COLUMNS]
    blank = dict.fromkeys(columns, "")
    rows: list[tuple[int, dict[str, str]]] = []
    number = 2  # the header is row 1
    for offset, team in enumerate(teams):
        key = str(first_key + offset)
        head = {
            "team": key,
            "track": team["track"],
            "team_name": team["name"],
            "project_title": team["project_title"],
            "college_code": team["college_code"],
        }
        people = [(("captain" if m["captain"] else "member"), m) for m in team["members"]]
        people += [(a["kind"], a) for a in team["advisors"]]
        for index, (role, person) in enumerate(people):
            row = {
                **blank,
                **(head if index == 0 else {"team": key}),
                "role": ROLE_TEXT[role],
                "name": person["name"],
                "email": person.get("email") or "",
                "phone": person.get("phone") or "",
            }
            if role in ("captain", "member"):
                row.update(student_id=person["student_id"], major=person["major"], grade=person["grade"])
            else:
                row.update(organization=person["organization"], title=person.get("title") or "")
            rows.append((number, row))
            number += 1
    return Table(columns=columns, rows=rows)


def load_colleges() -> list[CollegeInfo]:
    rows = db.session.execute(
        select(College.id, College.code, College.name, Province.name, College.city, College.level).join(College.province)
    ).all()
    return [CollegeInfo(*row) for row in rows]


class Scorer:
    """Simulated judges' values: each team has a true quality (and a strength per item), each judge a
    severity; a value is quality + strength + severity + noise, rounded to the step within 0..maximum.
    On a 20-point item: quality 13.5 ± 2.5, strength ± 1, severity ± 1.2, noise ± 1.3."""

    def __init__(self, seed: int, keys: list[str], *, maximum: float = 20.0, step: float = 0.5):
        self.random = random.Random(seed)
        self.keys, self.maximum, self.step = list(keys), maximum, step
        self.scale = maximum / 20.0
        self.quality: dict[int, float] = {}
        self.item_strength: dict[tuple[int, str], float] = {}
        self.severity: dict[int, float] = {}

    def scores(self, team_id: int, judge_id: int) -> dict[str, float]:
        pick, scale = self.random, self.scale
        quality = self.quality.setdefault(team_id, pick.gauss(13.5, 2.5) * scale)
        severity = self.severity.setdefault(judge_id, pick.gauss(0.0, 1.2) * scale)
        values = {}
        for key in self.keys:
            strength = self.item_strength.setdefault((team_id, key), pick.gauss(0.0, 1.0) * scale)
            raw = quality + strength + severity + pick.gauss(0.0, 1.3) * scale
            values[key] = min(self.maximum, max(0.0, round(raw / self.step) * self.step))
        return values
