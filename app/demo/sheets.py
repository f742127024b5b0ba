"""The demo's score sheets, and judges' simulated values saved through `save_sheet`: shared by the national
season (`app.demo.national`), the mid-season demo (`app.demo.season`) and the seed contests (`app.demo.seeds`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select

from app.demo.people import Scorer
from app.extensions import db
from app.judging.sheets import save_sheet
from app.models import Assignment, User, utcnow

#: The current national sheet: five items, 20 points each, in steps of 0.5.
NATIONAL_SHEET = [
    {"key": "innovation", "name": "创新", "name_en": "Innovation", "max": 20, "step": 0.5},
    {"key": "creativity", "name": "创意", "name_en": "Creativity", "max": 20, "step": 0.5},
    {"key": "venture", "name": "创业", "name_en": "Venture", "max": 20, "step": 0.5},
    {"key": "pitch", "name": "演讲", "name_en": "Pitch", "max": 20, "step": 0.5},
    {"key": "writing", "name": "文案", "name_en": "Writing", "max": 20, "step": 0.5},
]
TIE_BREAKS = ["raw_sum", "criterion:innovation"]
BATCH = 2000

Progress = Callable[[str, int, int], None]


def quiet(_label: str, _done: int, _total: int) -> None:
    return None


def round_assignment_ids(round_id: int) -> list[int]:
    return list(db.session.scalars(select(Assignment.id).where(Assignment.round_id == round_id).order_by(Assignment.id)))


def score_assignments(
    assignment_ids: Sequence[int],
    scorer: Scorer,
    *,
    submit: bool = True,
    now: datetime | None = None,
    progress: Progress = quiet,
    label: str = "sheets",
) -> int:
    """Each assignment's sheet saved by its judge through `save_sheet` with the scorer's values, and
    submitted unless `submit` is false (a draft); a commit per batch. Returns how many were saved."""
    judges_by_id: dict[int, User] = {}
    saved = 0
    for start in range(0, len(assignment_ids), BATCH):
        batch = db.session.scalars(
            select(Assignment).where(Assignment.id.in_(assignment_ids[start : start + BATCH])).order_by(Assignment.id)
        ).all()
        missing = {assignment.judge_id for assignment in batch} - set(judges_by_id)
        if missing:
            judges_by_id.update({user.id: user for user in db.session.scalars(select(User).where(User.id.in_(missing)))})
        moment = now or utcnow()
        for assignment in batch:
            save_sheet(
                assignment,
                scorer.scores(assignment.team_id, assignment.judge_id),
                comment=None,
                submit=submit,
                version=0,
                actor=judges_by_id[assignment.judge_id],
                now=moment,
            )
        saved += len(batch)
        db.session.commit()
        progress(label, saved, len(assignment_ids))
    return saved


#: The seed contests' sheets (`app.demo.seeds`): five items of 20 points in steps of 0.5, with their English and Chinese names.
SEED_SHEETS = {
    "global": [
        ("business_model", "商业模式", "Business model"),
        ("market", "市场分析", "Market"),
        ("innovation", "创新性", "Innovation"),
        ("team", "团队", "Team"),
        ("pitch", "路演", "Pitch"),
    ],
    "sail": [
        ("innovation", "创新性", "Innovation"),
        ("market", "市场前景", "Market potential"),
        ("feasibility", "可行性", "Feasibility"),
        ("team", "团队能力", "Team"),
        ("impact", "社会影响", "Impact"),
    ],
    "projects": [
        ("innovation", "技术创新", "Innovation"),
        ("market", "市场前景", "Market"),
        ("team", "团队能力", "Team"),
        ("benefit", "经济社会效益", "Benefits"),
        ("feasibility", "落地可行性", "Feasibility"),
    ],
    "training": [
        ("innovation", "培养模式创新", "Innovation"),
        ("curriculum", "课程体系", "Curriculum"),
        ("practice", "实践教学", "Practice"),
        ("industry", "产教融合", "Industry ties"),
        ("outcomes", "培养成效", "Outcomes"),
    ],
}


def sheet(kind: str) -> list[dict]:
    return [{"key": key, "name": name, "name_en": name_en, "max": 20, "step": 0.5} for key, name, name_en in SEED_SHEETS[kind]]


def round_spec(kind: str, name: str, **extra) -> dict:
    """A round of a seed contest as `create_round` takes it: its sheet, ranked by the mean to 2 decimals, ties
    broken by the raw sum and then the first item."""
    keys = [key for key, *_names in SEED_SHEETS[kind]]
    return {
        "name": name,
        "level": "custom",
        "criteria": sheet(kind),
        "tie_breaks": ["raw_sum", f"criterion:{keys[0]}"],
        "aggregation": {"method": "mean", "decimals": 2},
        **extra,
    }


def scorer_for(kind: str, seed: int) -> Scorer:
    """Simulated judges' values for a seed contest's sheet."""
    return Scorer(seed, [key for key, *_names in SEED_SHEETS[kind]])
