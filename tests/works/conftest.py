"""The works tests' scenes: `scene`, a round with two teams (each with its captain's account), a judge assigned to
the first, another judge to the second, and an organizer; `handin`, a draft round asking for a business plan
(PDF, at most 2 MB and 10 pages) and a store link, with one captain's team in it."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from app.extensions import db
from app.judging.assignments import assign_judge
from app.judging.services import add_entries, add_judges, transition_round
from app.models import CAPTAIN, JUDGE, utcnow

REQUIREMENTS = [
    {"key": "plan", "name": "商业计划书 Business plan", "kind": "file", "types": ["pdf"], "max_mb": 2, "max_pages": 10},
    {"key": "store", "name": "店铺链接 Store link", "kind": "link", "required": False},
]


def pdf_bytes(author: str = "张三 Zhang San", title: str = "Our secret plan") -> bytes:
    """A one-page PDF whose document information names its author, with XMP metadata naming them too."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": author, "/Title": title, "/Creator": "Word", "/Subject": "plan", "/Keywords": "team"})
    xmp = DecodedStreamObject()
    xmp.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{author}</dc:creator></x:xmpmeta>'.encode())
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def scene(make_contest, make_college, make_team, make_round, make_user):
    def build(*, blind: bool = False):
        contest = make_contest()
        captains = [make_user(CAPTAIN), make_user(CAPTAIN)]
        teams = [make_team(contest, make_college(), owner=captain) for captain in captains]
        for team in teams:
            team.status = "approved"
        round_ = make_round(contest, judges_per_team=1, blind=blind)
        judges = [make_user(JUDGE, contest_id=contest.id) for _ in teams]
        now = utcnow()
        add_entries(round_, all_approved=True, actor=None, now=now)
        add_judges(round_, [judge.id for judge in judges], actor=None, now=now)
        assignments = [
            assign_judge(round_, team.id, judge.id, reason=None, actor=None, now=now)
            for team, judge in zip(teams, judges, strict=True)
        ]
        transition_round(round_, "open", actor=None, now=now)
        db.session.commit()
        return {
            "contest": contest,
            "round": round_,
            "teams": teams,
            "captains": captains,
            "judges": judges,
            "assignments": assignments,
            "organizer": make_user("organizer"),
        }

    return build


@pytest.fixture
def handin(make_contest, make_round, make_team, make_user):
    """(round, team, captain): the team approved and entered, the deadline a day ahead."""
    contest = make_contest()
    captain = make_user(CAPTAIN)
    team = make_team(contest, owner=captain)
    team.status = "approved"
    round_ = make_round(contest, requirements=REQUIREMENTS, works_due_at=utcnow() + timedelta(days=1))
    add_entries(round_, team_ids=[team.id], actor=None, now=utcnow())
    db.session.commit()
    return round_, team, captain
