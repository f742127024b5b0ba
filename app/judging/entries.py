"""How a team enters a round: the group it is ranked in there, and the code a blind round's judges know it by."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.groups import group_key
from app.models import Entry, Round, Team


def entry_group(round_: Round, team: Team) -> str:
    """The group the team is ranked in, in this round (`group_key` of the round's grouping)."""
    return group_key(round_.grouping, college_id=team.college_id, province=team.province_name or None, country=team.country)


#: The characters of a team's code in a round: letters and digits, without those that read alike (0 O, 1 I L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def entry_code(round_: Round, taken: set[str]) -> str:
    """A new code for a team entering `round_` ("R7-K3Q9"), none of `taken` (the round's codes, to which it is
    added): the round's id and four characters drawn by `secrets` (six in a round of over 100,000 teams), so
    that nothing in it, nor in the team's code in another round, leads back to the team."""
    size = 4 if len(taken) < 100_000 else 6
    while True:
        code = f"R{round_.id}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(size))
        if code not in taken:
            taken.add(code)
            return code


def entry_rows(round_: Round, teams: Sequence[Team], now: datetime) -> list[dict[str, Any]]:
    """The entries of `teams` into `round_`, as rows to insert: each with its group and its code in the round.
    The one way a team enters a round (addEntries, advanceTeams)."""
    taken = set(db.session.scalars(select(Entry.code).where(Entry.round_id == round_.id)))
    return [
        {
            "round_id": round_.id,
            "team_id": team.id,
            "group_key": entry_group(round_, team),
            "code": entry_code(round_, taken),
            "created_at": now,
        }
        for team in teams
    ]
