"""`flask demo --contest national|global|sail|projects|training`: each contest Laurel was made for, built in a
new contest of its own (beside whatever the database holds) from registration to published awards, through
the services (`app.demo.stages`), with realistic entrants (`app.demo.entrants`). Deterministic for a seed.

- global: the global business challenge, in English. Student teams of 30 universities of 15 countries (added to
  the institutions list), a preliminary round ranked per country whose best teams per country reach the final,
  and 27 winners who receive programme delivery and overseas talent matching.
- sail: "Sail to Hangzhou", in English. Individuals from 36 countries (most not students: no college, no
  student ID) and youth teams of 2 to 6; places in an industrial park and support for youth teams.
- projects: a pilot zone's call for projects. Companies apply (Chinese ones with valid unified social credit
  codes, a few abroad without); the winners' subsidies in CNY stay within the contest's budget.
- training: a talent-training evaluation. Universities of the national list apply in their own name; 16 of
  them receive 6,100,000 CNY in all, each its own amount, within a budget of exactly that.
- national: the national challenge's season at a small scale (`app.demo.national`).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select

from app.auth import services as accounts
from app.colleges import proposals
from app.demo import DEMO_ACCOUNTS, DEMO_COORDINATOR_COLLEGE
from app.demo.entrants import EntrantFactory, University, load_world_universities
from app.demo.people import CollegeInfo, load_colleges
from app.demo.sheets import SEED_SHEETS, round_spec, scorer_for
from app.demo.stages import (
    Built,
    Story,
    approve_all,
    create_round,
    create_seed_contest,
    demo_organizer,
    entrant_counts,
    give_awards,
    import_panel,
    judge_round,
    publish,
    register_entrants,
    round_looks,
    track_team_ids,
    unique_name,
)
from app.demo.world import PEOPLE
from app.extensions import db
from app.models import Award, College, Contest, Result, Round, User, utcnow
from app.results import advancement
from app.results.prizes import update_award

NATIONAL_SEASON_NAME = "全国大学生电子商务“创新、创意及创业”挑战赛 · 赛季（演示）National challenge season (demo)"
#: The training demo's 16 grants, best first: 6,100,000 CNY in all.
GRANTS = [620, 560, 520, 480, 450, 420, 400, 380, 360, 340, 320, 300, 280, 260, 220, 190]
GRANT_TOTAL = Decimal(6_100_000)
#: The universities that send youth teams to Sail to Hangzhou besides those abroad (浙江大学, 浙江工商大学).
SAIL_CHINESE = (DEMO_COORDINATOR_COLLEGE, "4133010353")


def panel(factory: EntrantFactory, kind: str, count: int, nationalities: list[str], organization: str) -> list[tuple]:
    expertise = [name_en for _key, _name, name_en in SEED_SHEETS[kind]]
    return [
        (
            factory.name(nationalities[index % len(nationalities)]),
            f"judge{index + 1}@{kind}.demo.laurel",
            organization,
            expertise[index % len(expertise)],
        )
        for index in range(count)
    ]


def build_global(*, seed: int = 1, teams_per_university: int = 3, per_country: int = 3, now=None) -> Built:
    """The global business challenge (see the module's docstring)."""
    story = Story(now or utcnow())
    organizer = demo_organizer(story.now)
    factory = EntrantFactory(seed)
    universities = load_world_universities(now=story.ago(100), actor=organizer)
    contest = create_seed_contest(
        {
            "name": "Global Business Challenge (demo) 全球商业挑战赛",
            "language": "en",
            "team_name_max": 32,
            "project_title_max": 80,
            "tracks": [{"code": "GB", "name": "Global track", "kind": "regular", "entrant": "team", "min_members": 3}],
        },
        organizer,
        story,
    )
    universities += proposed_universities(organizer, story)
    entrants = [factory.student_team(university, "GB") for university in universities for _ in range(teams_per_university)]
    factory.random.shuffle(entrants)
    register_entrants(contest, entrants, organizer, story)
    approve_all(contest, organizer, story)
    judge_ids = import_panel(
        contest, panel(factory, "global", 8, ["GB", "US", "SG", "DE", "KE", "BR"], "Global jury"), organizer, story
    )
    preliminary = create_round(
        contest, round_spec("global", "Preliminary round (per country)", grouping="country", judges_per_team=3), organizer, story
    )
    final = create_round(contest, round_spec("global", "Global final", judges_per_team=5), organizer, story)
    scorer = scorer_for("global", seed)
    built = Built("global", contest.id, contest.name, [preliminary.id, final.id])
    built.counts["sheets_1"] = judge_round(
        preliminary, judge_ids, scorer, organizer, story.ago(25), seed=seed, team_ids=track_team_ids(contest, "GB")
    )
    rule = advancement.advancement_input({"top": per_country, "per": "country", "ties": "include"})
    advanced = advancement.advance_teams(preliminary, final, rule, actor=organizer, now=story.ago(19))
    built.counts["advanced"] = len(advanced.advanced)
    publish(preliminary, organizer, story.ago(18))
    built.counts["sheets_2"] = judge_round(
        db.session.get(Round, final.id), judge_ids, scorer, organizer, story.ago(15), seed=seed
    )
    reward = "Programme delivery and overseas talent matching"
    tiers = [
        {"key": "gold", "name": "Gold award", "count": 3, "description": f"{reward}, and a study tour of Hangzhou"},
        {"key": "silver", "name": "Silver award", "count": 9, "description": reward},
        {"key": "bronze", "name": "Bronze award", "count": 15, "description": reward},
    ]
    final = db.session.get(Round, final.id)
    built.counts["awards"] = len(give_awards(final, tiers, organizer, story.ago(8)).awards)
    publish(final, organizer, story.ago(7))
    built.counts.update(entrant_counts(contest), universities=len(universities))
    built.looks = round_looks(contest.id, built.round_ids, "the 27 winners and what they receive")
    return built


#: Universities that are not on the list: a captain proposes them (name, country, website) and registers at
#: once; the organizer verifies the first, and the second waits on the Colleges page for the demo's organizer.
PROPOSED = [
    ("Universidad de Chile", "CL", "https://uchile.cl", "uchile.cl"),
    ("University of Ghana", "GH", "https://ug.edu.gh", "ug.edu.gh"),
]


def proposed_universities(organizer: User, story: Story) -> list[University]:
    captain = accounts.find_user_by_email(DEMO_ACCOUNTS[3][1])
    proposed = []
    for name, country, website, domain in PROPOSED:
        college = proposals.propose_college(
            {"name": name, "country": country, "website": website}, actor=captain, now=story.ago(40)
        )
        proposed.append(University(college.id, college.code, name, country, domain))
    proposals.verify_college(db.session.get(College, proposed[0].id), {}, actor=organizer, now=story.ago(35))
    return proposed


def build_sail(*, seed: int = 1, individuals: int = 60, youth_teams: int = 12, now=None) -> Built:
    """Sail to Hangzhou (see the module's docstring)."""
    story = Story(now or utcnow())
    organizer = demo_organizer(story.now)
    factory = EntrantFactory(seed)
    universities = load_world_universities(now=story.ago(100), actor=organizer)
    chinese = {college.code: college for college in load_colleges() if college.code in SAIL_CHINESE}
    universities += [
        University(chinese[code].id, code, chinese[code].name, "CN", f"u{code[-5:]}.example.edu.cn") for code in SAIL_CHINESE
    ]
    contest = create_seed_contest(
        {
            "name": "Sail to Hangzhou Global Entrepreneurship Contest (demo) 扬帆杭州",
            "language": "en",
            "team_name_max": 32,
            "project_title_max": 80,
            "tracks": [
                {"code": "IN", "name": "Individuals", "kind": "regular", "entrant": "individual"},
                {"code": "YT", "name": "Youth teams", "kind": "regular", "entrant": "team", "min_members": 2, "max_members": 6},
            ],
        },
        organizer,
        story,
    )
    nationalities = ["CN", *PEOPLE]
    factory.random.shuffle(nationalities)
    entrants = []
    for index in range(individuals):
        # One in four is a student of a university abroad (the list's last two are Chinese); the others enter
        # without college or student ID.
        student_of = factory.random.choice(universities[: -len(SAIL_CHINESE)]) if index % 4 == 3 else None
        entrants.append(factory.individual("IN", nationalities[index % len(nationalities)], student_of))
    entrants += [factory.youth_team("YT", universities[index * 7 % len(universities)]) for index in range(youth_teams)]
    register_entrants(contest, entrants, organizer, story)
    approve_all(contest, organizer, story)
    judge_ids = import_panel(
        contest, panel(factory, "sail", 6, ["CN", "SG", "US", "DE"], "Sail to Hangzhou jury"), organizer, story
    )
    solo = create_round(contest, round_spec("sail", "Individuals' final", judges_per_team=3), organizer, story)
    youth = create_round(contest, round_spec("sail", "Youth teams' final", judges_per_team=3), organizer, story)
    scorer = scorer_for("sail", seed)
    built = Built("sail", contest.id, contest.name, [solo.id, youth.id])
    built.counts["sheets_1"] = judge_round(
        solo, judge_ids, scorer, organizer, story.ago(20), seed=seed, team_ids=track_team_ids(contest, "IN")
    )
    solo = db.session.get(Round, solo.id)
    park = "A place in the Hangzhou industrial park: a free office for a year"
    solo_tiers = [
        {"key": "park", "name": "Industrial park place", "count": 5, "description": park},
        {"key": "merit", "name": "Certificate of merit", "count": 10, "description": "Mentoring by the contest's investors"},
    ]
    built.counts["awards_1"] = len(give_awards(solo, solo_tiers, organizer, story.ago(9)).awards)
    publish(solo, organizer, story.ago(8))
    built.counts["sheets_2"] = judge_round(
        db.session.get(Round, youth.id),
        judge_ids,
        scorer,
        organizer,
        story.ago(20),
        seed=seed,
        team_ids=track_team_ids(contest, "YT"),
    )
    youth = db.session.get(Round, youth.id)
    support = {
        "key": "support",
        "name": "Youth team support",
        "count": min(5, youth_teams),
        "amount": Decimal(50_000),
        "currency": "CNY",
        "description": "Support for youth teams: mentoring and a start-up grant",
    }
    built.counts["awards_2"] = len(give_awards(youth, [support], organizer, story.ago(9)).awards)
    publish(youth, organizer, story.ago(8))
    built.counts.update(entrant_counts(contest))
    built.looks = round_looks(contest.id, [youth.id], "the youth teams' support") + [
        (f"/rounds/{solo.id}/awards", "the individuals' places in the industrial park")
    ]
    return built


def build_projects(*, seed: int = 1, companies: int = 24, abroad: int = 3, now=None) -> Built:
    """The pilot zone's call for projects (see the module's docstring)."""
    story = Story(now or utcnow())
    organizer = demo_organizer(story.now)
    factory = EntrantFactory(seed)
    contest = create_seed_contest(
        {
            "name": "自贸试验区跨境电商项目征集（演示）Pilot zone call for projects (demo)",
            "team_name_max": 40,
            "project_title_max": 60,
            "budget": {"amount": Decimal(6_000_000), "currency": "CNY"},
            "tracks": [
                {
                    "code": "XM",
                    "name": "企业项目 Company projects",
                    "kind": "practical",
                    "entrant": "organization",
                    "max_members": 3,
                }
            ],
        },
        organizer,
        story,
    )
    entrants = [factory.company("XM") for _ in range(companies - abroad)]
    entrants += [factory.foreign_company("XM", index) for index in range(abroad)]
    factory.random.shuffle(entrants)
    register_entrants(contest, entrants, organizer, story)
    approve_all(contest, organizer, story)
    judge_ids = import_panel(contest, panel(factory, "projects", 6, ["CN"], "试验区专家评审委员会"), organizer, story)
    review = create_round(contest, round_spec("projects", "项目评审 Project review", judges_per_team=3), organizer, story)
    built = Built("projects", contest.id, contest.name, [review.id])
    built.counts["sheets_1"] = judge_round(
        review,
        judge_ids,
        scorer_for("projects", seed),
        organizer,
        story.ago(20),
        seed=seed,
        team_ids=track_team_ids(contest, "XM"),
    )
    tiers = [
        {"key": "key", "name": "重点项目 Key project", "count": 3, "amount": Decimal(800_000), "currency": "CNY",
         "description": "重点项目补贴，入驻试验区产业园 Key project subsidy and a place in the zone's industrial park"},
        {"key": "support", "name": "扶持项目 Supported project", "count": 6, "amount": Decimal(300_000), "currency": "CNY",
         "description": "扶持项目补贴 Project subsidy"},
        {"key": "seed", "name": "种子项目 Seed project", "count": 8, "amount": Decimal(100_000), "currency": "CNY",
         "description": "种子项目补贴 Seed subsidy"},
    ]  # fmt: skip
    review = db.session.get(Round, review.id)
    built.counts["awards"] = len(give_awards(review, tiers, organizer, story.ago(9)).awards)
    publish(review, organizer, story.ago(8))
    built.counts.update(entrant_counts(contest))
    built.looks = round_looks(contest.id, built.round_ids, "the subsidies and their total")
    return built


def build_training(*, seed: int = 1, universities: int = 24, now=None) -> Built:
    """The talent-training evaluation (see the module's docstring)."""
    story = Story(now or utcnow())
    organizer = demo_organizer(story.now)
    factory = EntrantFactory(seed)
    contest = create_seed_contest(
        {
            "name": "跨境电商人才培养评估（演示）Talent-training evaluation (demo)",
            "team_name_max": 40,
            "project_title_max": 60,
            "budget": {"amount": GRANT_TOTAL, "currency": "CNY"},
            "tracks": [
                {"code": "PX", "name": "高校人才培养 University programmes", "kind": "regular", "entrant": "organization",
                 "max_members": 3}
            ],
        },
        organizer,
        story,
    )  # fmt: skip
    entrants = [factory.university_applicant("PX", college) for college in _applying_universities(factory, universities)]
    register_entrants(contest, entrants, organizer, story)
    approve_all(contest, organizer, story)
    judge_ids = import_panel(contest, panel(factory, "training", 6, ["CN"], "人才培养评估专家组"), organizer, story)
    evaluation = create_round(contest, round_spec("training", "人才培养评估 Evaluation", judges_per_team=3), organizer, story)
    built = Built("training", contest.id, contest.name, [evaluation.id])
    built.counts["sheets_1"] = judge_round(
        evaluation, judge_ids, scorer_for("training", seed), organizer, story.ago(20), seed=seed,
        team_ids=track_team_ids(contest, "PX"),
    )  # fmt: skip
    evaluation = db.session.get(Round, evaluation.id)
    grant = {"key": "grant", "name": "人才培养专项资助 Talent-training grant", "count": len(GRANTS),
             "description": "人才培养专项资助 Talent-training grant"}  # fmt: skip
    give_awards(evaluation, [grant], organizer, story.ago(10))
    built.counts["awards"] = _set_grants(evaluation, organizer, story)
    publish(db.session.get(Round, evaluation.id), organizer, story.ago(8))
    built.counts.update(entrant_counts(contest))
    built.looks = round_looks(contest.id, built.round_ids, "the 16 grants, each its own amount, and their total")
    return built


def _applying_universities(factory: EntrantFactory, count: int) -> list[CollegeInfo]:
    """`count` undergraduate universities of the national list, of every province but few from each."""
    pool = sorted(
        (college for college in load_colleges() if college.level == "本科" and college.code.isdigit()), key=lambda c: c.code
    )
    return factory.random.sample(pool, count)


def _set_grants(round_: Round, organizer: User, story: Story) -> int:
    """Each grant's own amount (GRANTS, best rank first) by `update_award`: the smallest first, so that the total
    only grows towards the budget."""
    awarded = db.session.scalars(
        select(Award)
        .join(Result, (Result.round_id == Award.round_id) & (Result.team_id == Award.team_id))
        .where(Award.round_id == round_.id)
        .order_by(Result.rank, Award.team_id)
    ).all()
    for award, thousands in reversed(list(zip(awarded, GRANTS, strict=False))):
        change = {
            "amount": Decimal(thousands * 1000),
            "currency": "CNY",
            "reason": "评估专家组按得分核定 Set by the panel from the evaluation",
        }
        update_award(award, change, actor=organizer, now=story.ago(9))
    db.session.commit()
    return len(awarded)


def build_national(*, seed: int = 1, teams: int = 600, colleges: int = 60, judge_count: int = 45, now=None) -> Built:
    """The national challenge's season (`app.demo.national`) at a small scale: three rounds, 40 prizes."""
    from app.demo.national import build_national_season

    season = build_national_season(
        now=now, seed=seed, teams=teams, colleges=colleges, judge_count=judge_count, name=unique_name(NATIONAL_SEASON_NAME)
    )
    contest = db.session.get(Contest, season.contest_id)
    built = Built("national", contest.id, contest.name, list(season.round_ids), dict(season.counts))
    built.looks = round_looks(
        season.contest_id, season.round_ids, "the prize list (8 special, 12 first, 20 second) and its certificates"
    )
    return built


BUILDERS: dict[str, Callable[..., Built]] = {
    "national": build_national,
    "global": build_global,
    "sail": build_sail,
    "projects": build_projects,
    "training": build_training,
}


def build_seed_contest(kind: str, *, seed: int = 1, **sizes) -> Built:
    """Build the seed contest `kind` (one of BUILDERS) in a new contest of its own."""
    return BUILDERS[kind](seed=seed, **sizes)
