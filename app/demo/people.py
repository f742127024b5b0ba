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

from app.extensions import db
from app.models import College, Province, utcnow
from app.registration.imports import TEMPLATE_COLUMNS
from app.spreadsheets import Table

TEAM_NAME_MAX, PROJECT_TITLE_MAX = 16, 30

#: Share of a national e-commerce contest's teams by province (relative weights; every province takes part).
PROVINCE_WEIGHTS = {
    "广东省": 9.0,
    "浙江省": 8.5,
    "江苏省": 8.0,
    "山东省": 7.0,
    "河南省": 6.5,
    "湖北省": 5.0,
    "湖南省": 4.5,
    "四川省": 4.5,
    "福建省": 4.0,
    "安徽省": 4.0,
    "河北省": 3.5,
    "江西省": 3.5,
    "上海市": 3.0,
    "北京市": 3.0,
    "陕西省": 3.0,
    "辽宁省": 2.5,
    "广西壮族自治区": 2.5,
    "重庆市": 2.5,
    "山西省": 2.0,
    "云南省": 2.0,
    "贵州省": 1.8,
    "黑龙江省": 1.8,
    "吉林省": 1.5,
    "天津市": 1.5,
    "新疆维吾尔自治区": 1.0,
    "内蒙古自治区": 1.0,
    "甘肃省": 1.0,
    "海南省": 0.8,
    "宁夏回族自治区": 0.5,
    "青海省": 0.3,
    "西藏自治区": 0.2,
}

# Common surnames, most frequent first (weighted by rank), and a few two-character ones.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "慕容")
GIVEN_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅鹏飞宇浩轩子涵欣怡梓晨辰思雨佳嘉俊博文昊然天一诺可馨瑶"
    "琪睿泽宸铭航晓婷雪慧颖倩悦彤妍琳璐蕾薇瑞凯旭阳帆鑫斌辉亮健峰毅龙宁安乐心语若依诗梦月星云海志建国家兴德成永春秋"
    "雯楠琦婧岚菲露蓉璇妮佩媛洁莹柯凡坤皓煜烨炜哲锐骏逸翔豪康恒远政立诚朗晟"
)
MAJORS = (
    "电子商务",
    "电子商务",
    "跨境电子商务",
    "国际经济与贸易",
    "市场营销",
    "工商管理",
    "物流管理",
    "计算机科学与技术",
    "软件工程",
    "数字媒体技术",
    "财务管理",
    "会计学",
    "商务英语",
    "视觉传达设计",
    "信息管理与信息系统",
    "数据科学与大数据技术",
)
TEAM_NAME_HEADS = (
    "星火",
    "追梦",
    "逐光",
    "拾光",
    "青禾",
    "飞鸿",
    "新程",
    "云帆",
    "致远",
    "破晓",
    "启航",
    "星河",
    "锦鲤",
    "橙光",
    "墨韵",
    "麦田",
    "蓝鲸",
    "萤火",
    "乘风",
    "向阳",
    "山海",
    "繁星",
    "晨曦",
    "知行",
    "创客",
    "Z世代",
)
TEAM_NAME_TAILS = ("队", "团队", "战队", "工作室", "小组", "电商队", "创业团队", "梦之队", "先锋队")
PRODUCTS = (
    "赣南脐橙",
    "安溪铁观音",
    "五常大米",
    "西湖龙井",
    "景德镇陶瓷",
    "苏绣",
    "宣纸",
    "新疆红枣",
    "云南普洱",
    "宁夏枸杞",
    "阳澄湖大闸蟹",
    "潍坊风筝",
    "义乌小商品",
    "德化白瓷",
    "柳州螺蛳粉",
    "广西砂糖橘",
    "烟台苹果",
    "四川竹编",
    "黄山毛峰",
    "洛川苹果",
    "赣南茶油",
    "蒙自石榴",
    "丽水香菇",
    "临沂柳编",
    "信阳毛尖",
    "盱眙龙虾",
    "寿光蔬菜",
    "哈密瓜",
    "大理扎染",
)
METHODS = ("直播电商", "短视频", "人工智能", "大数据", "区块链溯源", "社群团购", "私域流量", "AIGC", "小程序", "数字人")
TITLE_TEMPLATES = (
    "基于{method}的{product}助农销售平台",
    "{product}跨境电商品牌出海计划",
    "“{brand}”{product}社交电商项目",
    "{method}赋能{product}乡村振兴",
    "{product}{method}营销策划",
    "{brand}：{product}新零售模式探索",
    "{product}海外独立站运营方案",
    "{method}驱动的{product}供应链优化",
)
BRANDS = ("乡味", "山里来", "农家优选", "一亩田", "晨露", "匠心", "拾味", "田园记", "鲜生活", "好物说")
UNIVERSITY_TITLES = ("教授", "副教授", "副教授", "讲师", "讲师", "高级实验师", "助理研究员")
ENTERPRISE_TITLES = ("总经理", "运营总监", "产品经理", "高级工程师", "电商主管", "创始人", "市场总监")
COMPANY_WORDS = ("云商", "优品", "数智", "跨境通", "直播", "网络科技", "供应链", "品牌管理", "数字科技")
MAIL_DOMAINS = ("qq.com", "qq.com", "qq.com", "163.com", "126.com", "foxmail.com", "sina.com")
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "195",
    "198",
    "199",
)
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
