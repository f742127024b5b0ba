"""computeResults and getResults: the stored ranking, its flags, and when computing is allowed."""

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from tests.results.conftest import by_number


def compute(client, round_, headers, **body):
    return client.post(f"/api/v1/rounds/{round_.id}/results", json=body, headers=headers)


def test_mean_ranks_with_ties_shared_and_scores_at_the_rounds_decimals(client, scored_round, organizer):
    built = scored_round([[80, 90], [85, 85], [70, 71], [90, 80]])
    response = compute(client, built["round"], organizer)
    assert response.status_code == 200, response.json
    items = by_number(response.json["items"], built["teams"])
    assert [(items[i]["rank"], items[i]["tied"], items[i]["score"]) for i in range(4)] == [
        (1, True, 85.0),
        (1, True, 85.0),
        (4, False, 70.5),
        (1, True, 85.0),
    ]
    assert sorted(judge["total"] for judge in items[2]["judges"]) == [70, 71]
    assert items[2]["judges"][0]["judge"].startswith("J")
    assert response.json["rule"]["method"] == "mean"


def test_raw_sum_and_item_tie_breaks_separate_what_the_score_cannot(client, scored_round, organizer):
    criteria = [{"key": "innovation", "name": "创新", "max": 50}, {"key": "pitch", "name": "演讲", "max": 50}]
    split = {0: (40, 40), 1: (45, 35)}  # equal totals, different innovation
    built = scored_round(
        [[80], [80]],
        criteria=criteria,
        tie_breaks=["criterion:innovation"],
        values=lambda team, total: dict(zip(("innovation", "pitch"), split[team], strict=True)),
    )
    items = by_number(compute(client, built["round"], organizer).json["items"], built["teams"])
    assert (items[1]["rank"], items[1]["tied"], items[0]["rank"], items[0]["tied"]) == (1, False, 2, False)


def test_the_hand_worked_trimmed_mean(client, scored_round, organizer):
    built = scored_round(
        [[81, 85, 88, 90, 97]], aggregation={"method": "trimmed_mean", "trim": 1, "decimals": 2}, judges_per_team=5
    )
    item = compute(client, built["round"], organizer).json["items"][0]
    assert item["score"] == 87.67 and item["flags"] == []


def test_trimmed_mean_with_too_few_judges_falls_back_and_is_flagged(client, scored_round, organizer):
    built = scored_round([[81, 85, 97]], aggregation={"method": "trimmed_mean", "trim": 1, "decimals": 2})
    item = compute(client, built["round"], organizer).json["items"][0]
    assert item["score"] == 87.67 and "few_judges" in item["flags"]  # (81 + 85 + 97) / 3, untrimmed


def test_wide_disagreement_is_flagged(client, scored_round, organizer):
    built = scored_round([[40, 95], [80, 82]])
    items = by_number(compute(client, built["round"], organizer).json["items"], built["teams"])
    assert "disagreement" in items[0]["flags"] and "disagreement" not in items[1]["flags"]


def test_an_open_round_cannot_be_computed(client, scored_round, organizer):
    built = scored_round([[80]], close=False)
    response = compute(client, built["round"], organizer)
    assert response.status_code == 409 and response.json["error"]["code"] == "round_not_closed"


def test_unsubmitted_sheets_are_listed_and_need_a_confirmation(client, scored_round, organizer):
    built = scored_round([[80, None], [70, 75]])
    refused = compute(client, built["round"], organizer)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "unsubmitted_sheets"
    missing = refused.json["error"]["missing"]
    assert [(m["team_number"], m["status"]) for m in missing] == [(built["teams"][0].number, "draft")]
    assert client.get(f"/api/v1/rounds/{built['round'].id}/results", headers=organizer).json["items"] == []
    confirmed = compute(client, built["round"], organizer, confirm=True)
    items = by_number(confirmed.json["items"], built["teams"])
    assert items[0]["score"] == 80.0 and "missing_sheets" in items[0]["flags"] and confirmed.json["missing"] == 1


def test_recomputing_replaces_the_snapshot_and_is_audited(client, scored_round, organizer):
    built = scored_round([[80], [70]])
    compute(client, built["round"], organizer)
    again = compute(client, built["round"], organizer)
    assert len(again.json["items"]) == 2
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == built["round"].id, AuditEvent.object_type == "round")
    ).all()
    assert actions.count("results.compute") == 2


def test_results_a_session_holds_show_the_recomputation_not_the_old_scores(scored_round):
    """Results are written over the stored rows, which keep their identities: rows loaded before in the same
    session (a page's) show the new score and rank, not the ones they were loaded with."""
    from app.judging.services import transition_round
    from app.judging.sheets import save_sheet, sheet_view, unlock_sheet
    from app.models import Assignment, utcnow
    from app.results.queries import result_rows
    from app.results.services import compute_round_results

    built = scored_round([[80], [70]])
    round_, judge, second = built["round"], built["judges"][0], built["teams"][1].id
    compute_round_results(round_, confirm=False, actor=None, now=utcnow())
    held, _count = result_rows(round_)
    assert {row.result.team_id: (row.result.score, row.result.rank) for row in held}[second] == (70, 2)
    assignment = db.session.scalar(select(Assignment).where(Assignment.round_id == round_.id, Assignment.team_id == second))
    transition_round(round_, "open", actor=None, now=utcnow(), reason="分数录入有误")
    unlock_sheet(assignment, "录入有误", actor=judge, now=utcnow())
    save_sheet(
        assignment,
        {"overall": 95},
        comment=None,
        submit=True,
        version=sheet_view(assignment)["version"],
        actor=judge,
        now=utcnow(),
    )
    transition_round(round_, "closed", actor=None, now=utcnow())
    compute_round_results(round_, confirm=False, actor=None, now=utcnow())
    db.session.commit()
    rows, _count = result_rows(round_)
    assert {row.result.team_id: (row.result.score, row.result.rank) for row in rows}[second] == (95, 1)


def test_a_team_without_any_sheet_is_ranked_last_without_a_score(client, scored_round, organizer):
    built = scored_round([[80], [None]])
    items = by_number(compute(client, built["round"], organizer, confirm=True).json["items"], built["teams"])
    assert (items[1]["score"], items[1]["rank"]) == (None, 2)
