"""Telling every team its result: a mail per team at publication and at finalization, sent by a job after the
commit, over a real SMTP server that refuses some addresses; the organizers' list of what was sent and what
bounced, and sending again."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.announcements.sending import Pace
from app.extensions import db
from app.models import AuditEvent, Certificate, Job, ResultMail, TeamMember, utcnow
from app.notices.finalization import finalize_due
from tests.conftest import finish_jobs, outbox

TIERS = [{"key": "first", "count": 1}]


def captain_of(team) -> str:
    return db.session.scalar(select(TeamMember.email).where(TeamMember.team_id == team.id, TeamMember.is_captain))


@pytest.fixture
def ranked(client, scored_round, make_user, token_for):
    """Three teams scoring 95, 90, 80, the first with a first prize; computed, not yet published."""
    built = scored_round([[95], [90], [80]])
    organizer = token_for(make_user("organizer"))
    url = f"/api/v1/rounds/{built['round'].id}"
    assert client.post(f"{url}/results", json={}, headers=organizer).status_code == 200
    assert client.post(f"{url}/awards", json={"tiers": TIERS}, headers=organizer).status_code == 200
    return {**built, "organizer": organizer, "url": url, "captains": [captain_of(team) for team in built["teams"]]}


def mails(client, ranked, **query):
    listed = client.get(f"{ranked['url']}/result-mails", query_string=query, headers=ranked["organizer"])
    assert listed.status_code == 200, listed.json
    return {item["team_number"]: item for item in listed.json["items"]}


def test_publishing_mails_each_captain_its_rank_score_prize_and_the_notice(client, app, ranked, mail_server):
    published = client.post(
        f"{ranked['url']}/publish", json={"notice": {"days": 7, "calendar": "calendar"}}, headers=ranked["organizer"]
    )
    assert published.status_code == 200, published.json
    finish_jobs(app)
    first, second, third = (mail_server.to(address) for address in ranked["captains"])
    assert len(first) == len(second) == len(third) == 1
    body = first[0].get_content()
    notice = published.json["notice"]
    assert "Rank: 1, score 95.00." in body and "Prize: " in body
    assert f"Public notice: {notice['starts_on']} to {notice['ends_on']}" in body
    assert f"/results/rounds/{ranked['round'].id}" in body
    assert "results published" in first[0]["Subject"] and "结果公示" in first[0]["Subject"]
    assert "Rank: 3, score 80.00." in third[0].get_content() and "Prize:" not in third[0].get_content()
    listed = mails(client, ranked, occasion="published")
    team = ranked["teams"][0]
    assert listed[team.number]["state"] == "sent" and listed[team.number]["recipients"] == [ranked["captains"][0]]
    assert {item["state"] for item in listed.values()} == {"sent"}


def test_scores_stay_out_of_the_mail_when_the_round_hides_them(client, app, ranked):
    client.post(f"{ranked['url']}/publish", json={"show_scores": False}, headers=ranked["organizer"])
    finish_jobs(app)
    told = [message for message in outbox(app) if "results published" in message["Subject"]]
    assert len(told) == 3
    assert all("score" not in message.get_content() for message in told)
    assert any("Rank: 1." in message.get_content() for message in told)


def test_an_address_the_server_refuses_bounces_and_is_sent_again_once_corrected(client, app, ranked, mail_server):
    refused = ranked["captains"][1]
    mail_server.refuse[refused] = "550 5.1.1 No such user here"
    client.post(f"{ranked['url']}/publish", json={}, headers=ranked["organizer"])
    finish_jobs(app)
    team = ranked["teams"][1]
    listed = mails(client, ranked)
    assert listed[team.number]["state"] == "bounced"
    assert listed[team.number]["error"] == "550 5.1.1 No such user here"
    assert [item["state"] for number, item in listed.items() if number != team.number] == ["sent", "sent"]
    assert mails(client, ranked, state="bounced").keys() == {team.number}

    corrected = "fixed-captain@example.edu.cn"
    db.session.execute(TeamMember.__table__.update().where(TeamMember.email == refused).values(email=corrected))
    db.session.commit()
    again = client.post(f"{ranked['url']}/result-mails/resend", json={"occasion": "published"}, headers=ranked["organizer"])
    assert again.status_code == 202, again.json
    finish_jobs(app)
    assert len(mail_server.to(corrected)) == 1
    assert [len(mail_server.to(address)) for address in (ranked["captains"][0], ranked["captains"][2])] == [1, 1]
    resent = mails(client, ranked)[team.number]
    assert (resent["state"], resent["recipients"], resent["attempts"], resent["error"]) == ("sent", [corrected], 2, None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "result_mails.resent"))
    assert event.after == {"occasion": "published", "mails": 1}


def test_nothing_to_send_again_is_said(client, app, ranked):
    client.post(f"{ranked['url']}/publish", json={}, headers=ranked["organizer"])
    finish_jobs(app)
    again = client.post(f"{ranked['url']}/result-mails/resend", json={"occasion": "published"}, headers=ranked["organizer"])
    assert again.status_code == 409 and again.json["error"]["code"] == "nothing_to_resend"
    unknown = client.post(f"{ranked['url']}/result-mails/resend", json={"occasion": "later"}, headers=ranked["organizer"])
    assert unknown.status_code == 422 and "occasion" in str(unknown.json)


def test_a_server_that_cannot_be_reached_fails_the_job_and_keeps_the_mails_waiting(client, app, ranked):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9, MAIL_PER_MINUTE=0)  # nothing listens there
    client.post(f"{ranked['url']}/publish", json={}, headers=ranked["organizer"])
    finish_jobs(app)
    job = db.session.scalar(select(Job).where(Job.kind == "result_mails"))
    assert job.state == "failed" and "could not be reached" in job.error
    assert {item["state"] for item in mails(client, ranked).values()} == {"queued"}
    app.config.update(SMTP_HOST="")
    chosen = [ranked["teams"][0].id]
    again = client.post(
        f"{ranked['url']}/result-mails/resend", json={"occasion": "published", "team_ids": chosen}, headers=ranked["organizer"]
    )
    assert again.status_code == 202
    finish_jobs(app)
    # The job run again sends every mail still waiting, the one asked for among them.
    assert {item["state"] for item in mails(client, ranked).values()} == {"sent"}


def test_publishing_without_telling_the_teams_sends_nothing(client, app, ranked):
    client.post(f"{ranked['url']}/publish", json={"tell_teams": False}, headers=ranked["organizer"])
    finish_jobs(app)
    assert not [message for message in outbox(app) if "results published" in message["Subject"]]
    assert mails(client, ranked) == {}


def test_every_member_is_told_when_the_contest_chooses(client, app, ranked):
    contest = ranked["round"].contest
    contest.result_mail_members = True
    db.session.commit()
    client.post(f"{ranked['url']}/publish", json={}, headers=ranked["organizer"])
    finish_jobs(app)
    team = ranked["teams"][0]
    members = db.session.scalars(select(TeamMember.email).where(TeamMember.team_id == team.id)).all()
    assert len(members) >= 3
    assert sorted(mails(client, ranked)[team.number]["recipients"]) == sorted(members)


def test_finalizing_tells_each_team_its_final_result_and_the_winner_its_certificate(client, app, ranked):
    client.post(f"{ranked['url']}/publish", json={"notice": {"days": 1, "calendar": "calendar"}}, headers=ranked["organizer"])
    finish_jobs(app)
    assert finalize_due(utcnow() + timedelta(days=3)) == 1
    finish_jobs(app)
    final = [message for message in outbox(app) if "final results" in message["Subject"]]
    assert len(final) == 3
    code = db.session.scalar(select(Certificate.code))
    winner = next(message for message in final if ranked["captains"][0] in message["To"])
    assert f"Code {code}: " in winner.get_content() and f"/verify/{code}" in winner.get_content()
    assert {item["state"] for item in mails(client, ranked, occasion="final").values()} == {"sent"}
    assert finalize_due(utcnow() + timedelta(days=3)) == 0


def test_a_notice_with_an_objection_waiting_is_not_finalized_by_the_sweep(client, app, ranked, make_user, token_for):
    client.post(f"{ranked['url']}/publish", json={"notice": {"days": 1, "calendar": "calendar"}}, headers=ranked["organizer"])
    objector = token_for(make_user("captain"))
    raised = client.post(f"{ranked['url']}/objections", json={"reason": "The second team copied its plan."}, headers=objector)
    assert raised.status_code == 201, raised.json
    assert finalize_due(utcnow() + timedelta(days=3)) == 0
    assert db.session.scalar(select(Certificate.id)) is None


def test_the_organizers_page_counts_the_mail_and_sends_ticked_teams_again(client, app, ranked, login_as):
    client.post(f"{ranked['url']}/publish", json={}, headers=ranked["organizer"])
    finish_jobs(app)
    login_as("organizer")
    page_url = f"/rounds/{ranked['round'].id}/result-mails"
    page = client.get(page_url).get_data(as_text=True)
    assert '<td class="num" data-state="sent">3</td>' in page
    assert all(address in page for address in ranked["captains"])
    team = ranked["teams"][2]
    sent = client.post(f"{page_url}/resend", data={"occasion": "published", "team_id": [str(team.id)], "resend_chosen": "1"})
    assert sent.status_code == 302
    assert "1 mail is queued to be sent again." in client.get(page_url).get_data(as_text=True)
    finish_jobs(app)
    assert mails(client, ranked)[team.number]["attempts"] == 2
    nothing = client.post(f"{page_url}/resend", data={"occasion": "published", "resend_chosen": "1"}, follow_redirects=True)
    assert "Tick the teams to send their mail again." in nothing.get_data(as_text=True)


def test_the_page_speaks_chinese(client, app, ranked, login_as):
    client.post(f"{ranked['url']}/publish", json={}, headers=ranked["organizer"])
    finish_jobs(app)
    login_as("organizer")
    page = client.get(f"/rounds/{ranked['round'].id}/result-mails", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "发给各队的邮件" in page and "已发送" in page


def test_only_the_contest_s_organizers_see_its_mail(client, ranked, make_user, token_for):
    captain = token_for(make_user("captain"))
    assert client.get(f"{ranked['url']}/result-mails", headers=captain).status_code in (403, 404)
    resend = client.post(f"{ranked['url']}/result-mails/resend", json={"occasion": "published"}, headers=captain)
    assert resend.status_code in (403, 404)


def test_the_pace_spreads_the_mails_evenly_over_the_minute():
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(round(seconds, 6))
        now[0] += seconds

    pace = Pace(120, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        pace.wait()
    assert slept == [0.5, 0.5]
    now[0] += 2  # a slow server: no pause owed
    pace.wait()
    assert slept == [0.5, 0.5]
    unpaced = Pace(0, clock=lambda: now[0], sleep=sleep)
    unpaced.wait()
    unpaced.wait()
    assert slept == [0.5, 0.5]


def test_the_organizer_chooses_on_the_page_to_tell_every_member(client, ranked, login_as):
    login_as("organizer")
    saved = client.post(f"/rounds/{ranked['round'].id}/result-mails/recipients", data={"members": "y"}, follow_redirects=True)
    assert "Saved: the next mails go to every member." in saved.get_data(as_text=True)
    db.session.refresh(ranked["round"].contest)
    assert ranked["round"].contest.result_mail_members is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.result_mails"))
    assert (event.before, event.after) == ({"members": False}, {"members": True})


def test_a_server_that_closes_the_connection_every_two_messages_still_gets_every_mail_once(client, app, ranked, mail_server):
    mail_server.per_connection = 2
    client.post(f"{ranked['url']}/publish", json={}, headers=ranked["organizer"])
    finish_jobs(app)
    assert [len(mail_server.to(address)) for address in ranked["captains"]] == [1, 1, 1]
    assert mail_server.connections == 2
    assert {item["state"] for item in mails(client, ranked).values()} == {"sent"}


def test_a_mail_another_job_took_is_not_sent_again(client, app, ranked):
    """Two jobs sending a round's mail at once (a resend pressed twice, two workers): each mail is claimed,
    committed, before it is sent; the job that read it before the other's claim leaves it alone."""
    from app.announcements.sending import claim_mail, queue_rows

    client.post(f"{ranked['url']}/publish", json={"tell_teams": False}, headers=ranked["organizer"])
    assert queue_rows(ranked["round"], "published", now=utcnow()) == 3
    first, second, _third = db.session.scalars(select(ResultMail).order_by(ResultMail.id)).all()
    db.session.execute(ResultMail.__table__.update().where(ResultMail.id == first.id).values(attempts=1))  # the other job
    db.session.commit()
    assert claim_mail(first) is False
    assert claim_mail(second) is True and second.attempts == 1
    db.session.expire_all()
    assert db.session.get(ResultMail, second.id).attempts == 1


def test_a_round_published_again_tells_every_team_again(client, app, ranked):
    url, organizer = ranked["url"], ranked["organizer"]
    client.post(f"{url}/publish", json={}, headers=organizer)
    finish_jobs(app)
    reopened = client.post(f"{url}/status", json={"status": "closed", "reason": "申诉复核 appeal upheld"}, headers=organizer)
    assert reopened.status_code == 200, reopened.json
    assert client.post(f"{url}/results", json={}, headers=organizer).status_code == 200
    assert client.post(f"{url}/publish", json={}, headers=organizer).status_code == 200
    finish_jobs(app)
    told = [message for message in outbox(app) if "results published" in message["Subject"]]
    assert sorted(message["To"] for message in told) == sorted(ranked["captains"] * 2)
    assert {(item["state"], item["attempts"]) for item in mails(client, ranked).values()} == {("sent", 2)}


def test_a_mail_claimed_by_a_job_that_died_is_sent_by_the_next_once(client, app, ranked):
    from app.announcements.sending import queue_rows, send_queued

    client.post(f"{ranked['url']}/publish", json={"tell_teams": False}, headers=ranked["organizer"])
    queue_rows(ranked["round"], "published", now=utcnow())
    stale = db.session.scalars(select(ResultMail).order_by(ResultMail.id)).all()  # read before the claim below
    with db.engine.begin() as other_job:  # claimed, then its worker died before sending
        other_job.execute(ResultMail.__table__.update().where(ResultMail.id == stale[0].id).values(attempts=1))
    tally = send_queued(ranked["round"], "published")
    assert (tally.sent, tally.bounced, tally.failed) == (3, 0, 0)
    told = [message for message in outbox(app) if "results published" in message["Subject"]]
    assert sorted(message["To"] for message in told) == sorted(ranked["captains"])
    assert db.session.get(ResultMail, stale[0].id).attempts == 2
