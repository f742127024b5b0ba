"""The practical track's store data in the demos: two data items of a round's sheet (the store's sales, points
linear between a floor and a cap; its rating, points by rank), and a generated store-metrics sheet imported
through the same service as the organizers' upload (`app.judging.metrics.import_metrics`)."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.judging import metrics
from app.models import Entry, Round, Team, User
from app.spreadsheets import Table

#: The data items of the practical track's rounds: sales (元) over the contest's period, 0 points at 20,000 or
#: less and 20 at 300,000 or more; the store's rating, 10 points for the best of the round, 0 for the last,
#: counted half.
STORE_ITEMS = [
    {
        "key": "sales",
        "name": "店铺销售额",
        "name_en": "Store sales",
        "max": 20,
        "source": "data",
        "rule": {"kind": "linear", "floor": 20000, "cap": 300000},
    },
    {
        "key": "rating",
        "name": "店铺评分",
        "name_en": "Store rating",
        "max": 10,
        "weight": 0.5,
        "source": "data",
        "rule": {"kind": "rank"},
    },
]
#: One store in this many reports no rating (a new store): the team gets 0 for it and is flagged missing_data.
NO_RATING_EVERY = 40


def store_metrics_table(round_: Round, seed: int) -> Table:
    """A store-metrics sheet for the round's teams, as an upload reads: team number, sales (yuan, 2 decimals),
    rating (1.0 to 5.0, one decimal); the same seed gives the same sheet."""
    pick = random.Random(seed * 7919 + round_.id)
    numbers = db.session.scalars(
        select(Team.number).join(Entry, Entry.team_id == Team.id).where(Entry.round_id == round_.id).order_by(Team.number)
    )
    rows = []
    for line, number in enumerate(numbers, start=2):
        sales = round(pick.lognormvariate(11.3, 0.8), 2)  # a median store near 80,000 yuan, a long tail
        rating = "" if line % NO_RATING_EVERY == 0 else f"{min(5.0, max(1.0, pick.gauss(4.5, 0.3))):.1f}"
        rows.append((line, {"number": number, "sales": f"{sales:.2f}", "rating": rating}))
    return Table(columns=["number", "sales", "rating"], rows=rows)


def import_store_metrics(round_: Round, *, seed: int, actor: User | None, now: datetime) -> int:
    """Import the round's generated store metrics through the organizers' import; the teams imported."""
    return metrics.import_metrics(round_, store_metrics_table(round_, seed), actor=actor, now=now)
