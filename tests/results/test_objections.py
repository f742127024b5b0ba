"""Objections during a round's notice: raised by anyone signed in, confidential, bounded, with evidence
checked by its content; answered by the organizers (the objector is mailed), perhaps withdrawing a team
from the results; then the round finalized."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Notice, Objection, ObjectionFile, Team
from tests.conftest import finish_jobs, outbox

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


@pytest.fixture
def noticed(app, client, scored_round, make_user, token_for):
    """A published round of three teams (scores 85, 65, 50) with a 7-calendar-day notice open today; the mail
    telling the teams their results is sent."""
    built = scored_round([[80, 90], [70, 60], [50, 50]])
    organizer = make_user("organizer")
    headers = token_for(organizer)
    url = f"/api/v1/rounds/{built['round'].id}"
    assert client.post(f"{url}/results", json={}, headers=headers).status_code == 200
    published = client.post(f"{url}/publish", json={"notice": {"days": 7, "calendar": "calendar"}}, headers=headers)
    assert published.status_code == 200, published.json
    finish_jobs(app)
    captain, other = make_user("captain"), make_user("captain")
    return {
        **built,
        "url": url,
        "organizer": organizer,
        "organizer_headers": headers,
        "captain": captain,
        "captain_headers": token_for(captain),
        "other_headers": token_for(other),
    }


def _object(client, noticed, headers=None, **body):
    return client.post(
        f"{noticed['url']}/objections",
        json={"reason": "队伍作品涉嫌抄袭 The work copies another's", **body},
        headers=headers or noticed["captain_headers"],
    )


def _end_notice(noticed, days_ago=1):
    """The notice's last day, moved into the past: as if its days had gone by."""
    notice = db.session.scalar(select(Notice).where(Notice.round_id == noticed["round"].id))
    notice.starts_on -= timedelta(days=7 + days_ago)
    notice.ends_on -= timedelta(days=7 + days_ago)
    db.session.commit()


def test_anyone_signed_in_objects_during_the_notice_to_a_team_or_the_whole_list(client, noticed):
    team = noticed["teams"][0]
    raised = _object(client, noticed, team_id=team.id)
    assert raised.status_code == 201, raised.json
    assert raised.json["team_id"] == team.id and raised.json["state"] == "open" and raised.json["decision"] is None
    whole = _object(client, noticed, headers=noticed["other_headers"])
    assert whole.status_code == 201 and whole.json["team_id"] is None
    assert client.post(f"{noticed['url']}/objections", json={"reason": "x"}).status_code == 401
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "objection.create"))
    assert event.actor_id == noticed["captain"].id and event.after == {"round_id": noticed["round"].id, "team_id": team.id}


def test_an_objection_needs_a_reason_and_a_team_of_the_round(client, noticed, make_team):
    missing = client.post(f"{noticed['url']}/objections", json={"reason": "  "}, headers=noticed["captain_headers"])
    assert missing.status_code == 422 and "reason" in missing.json["error"]["fields"]
    outsider = make_team()  # another contest's
    stranger = _object(client, noticed, team_id=outsider.id)
    assert stranger.status_code == 422 and "team_id" in stranger.json["error"]["fields"]
    assert db.session.scalar(select(Objection.id)) is None


def test_objections_are_refused_outside_the_notice(client, noticed, scored_round):
    _end_notice(noticed)
    late = _object(client, noticed)
    assert late.status_code == 409 and late.json["error"]["code"] == "notice_closed"
    plain = scored_round([[80]])
    headers = noticed["organizer_headers"]
    url = f"/api/v1/rounds/{plain['round'].id}"
    client.post(f"{url}/results", json={}, headers=headers)
    client.post(f"{url}/publish", json={}, headers=headers)
    none = client.post(f"{url}/objections", json={"reason": "why"}, headers=noticed["captain_headers"])
    assert none.status_code == 409 and none.json["error"]["code"] == "notice_closed"


def test_objections_are_confidential_between_the_objector_and_the_organizers(client, noticed, make_user, token_for, make_contest):
    mine = _object(client, noticed).json
    theirs = _object(client, noticed, headers=noticed["other_headers"]).json
    listed = f"{noticed['url']}/objections"

    def ids(headers):
        response = client.get(listed, headers=headers)
        assert response.status_code == 200, response.json
        return sorted(item["id"] for item in response.json["items"])

    assert ids(noticed["captain_headers"]) == [mine["id"]]
    assert ids(noticed["other_headers"]) == [theirs["id"]]
    assert ids(noticed["organizer_headers"]) == sorted([mine["id"], theirs["id"]])
    elsewhere = token_for(make_user("organizer", contest_id=make_contest().id))
    assert ids(elsewhere) == []
    assert client.get(listed).status_code == 401
    one = f"/api/v1/objections/{mine['id']}"
    assert client.get(one, headers=noticed["captain_headers"]).status_code == 200
    assert client.get(one, headers=noticed["organizer_headers"]).status_code == 200
    assert client.get(one, headers=noticed["other_headers"]).status_code == 403
    assert client.get(one, headers=elsewhere).status_code == 403
    answer = client.post(f"{one}/answer", json={"decision": "dismissed", "reply": "no"}, headers=noticed["other_headers"])
    assert answer.status_code == 403


def test_an_account_keeps_at_most_five_objections_waiting_in_a_round(client, noticed):
    for _ in range(5):
        assert _object(client, noticed).status_code == 201
    sixth = _object(client, noticed)
    assert sixth.status_code == 409 and sixth.json["error"]["code"] == "too_many_objections"
    assert "wait for an answer" in sixth.json["error"]["message"]
    assert _object(client, noticed, headers=noticed["other_headers"]).status_code == 201  # per account


def test_the_limiter_slows_an_account_that_objects_too_fast(app, client, noticed):
    app.config["OBJECTION_RATE_LIMIT"] = "2 per hour"
    assert _object(client, noticed).status_code == 201
    assert _object(client, noticed).status_code == 201
    third = _object(client, noticed)
    assert third.status_code == 429 and "Try again in" in third.json["error"]["message"]
    assert _object(client, noticed, headers=noticed["other_headers"]).status_code == 201


def _upload(client, objection_id, headers, content, name="evidence.png"):
    return client.post(
        f"/api/v1/objections/{objection_id}/files",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        headers=headers,
    )


def test_evidence_is_checked_by_its_content_and_bounded(app, client, noticed):
    objection = _object(client, noticed).json
    added = _upload(client, objection["id"], noticed["captain_headers"], PNG)
    assert added.status_code == 201, added.json
    assert [(f["filename"], f["content_type"]) for f in added.json["files"]] == [("evidence.png", "image/png")]
    disguised = _upload(client, objection["id"], noticed["captain_headers"], b"GIF89a" + b"\0" * 20, name="fake.pdf")
    assert disguised.status_code == 422 and "PDF, PNG or JPEG" in disguised.json["error"]["message"]
    app.config["EVIDENCE_MAX_MB"] = 1
    large = _upload(client, objection["id"], noticed["captain_headers"], b"%PDF-" + b"x" * (1024 * 1024), name="big.pdf")
    assert large.status_code == 422 and "1 MB" in large.json["error"]["message"]
    for index in range(4):
        assert (
            _upload(client, objection["id"], noticed["captain_headers"], PDF + bytes([index]), name=f"{index}.pdf").status_code
            == 201
        )
    sixth = _upload(client, objection["id"], noticed["captain_headers"], PDF + b"six", name="six.pdf")
    assert sixth.status_code == 409 and sixth.json["error"]["code"] == "too_many_files"
    assert len(db.session.scalars(select(ObjectionFile)).all()) == 5
    assert _upload(client, objection["id"], noticed["other_headers"], PNG).status_code == 403  # the objector's only
    evidence = added.json["files"][0]["id"]
    download = f"/api/v1/objections/{objection['id']}/files/{evidence}"
    assert client.get(download, headers=noticed["organizer_headers"]).data == PNG
    assert client.get(download, headers=noticed["other_headers"]).status_code == 403


def test_the_answer_reaches_the_objector_by_mail_after_the_commit(app, client, noticed):
    objection = _object(client, noticed).json
    answer = f"/api/v1/objections/{objection['id']}/answer"
    before = len(outbox(app))  # the teams' registration mail
    refused = client.post(answer, json={"decision": "dismissed", "reply": ""}, headers=noticed["organizer_headers"])
    assert refused.status_code == 422 and len(outbox(app)) == before
    answered = client.post(
        answer,
        json={"decision": "dismissed", "reply": "经复核，作品为原创。Checked: the work is original."},
        headers=noticed["organizer_headers"],
    )
    assert answered.status_code == 200, answered.json
    assert answered.json["state"] == "answered" and answered.json["decision"] == "dismissed"
    (mail,) = outbox(app)[before:]
    assert mail["To"] == noticed["captain"].email and "Checked: the work is original." in mail.get_content()
    seen = client.get(f"/api/v1/objections/{objection['id']}", headers=noticed["captain_headers"]).json
    assert seen["reply"].endswith("Checked: the work is original.")
    again = client.post(answer, json={"decision": "upheld", "reply": "changed my mind"}, headers=noticed["organizer_headers"])
    assert again.status_code == 409 and again.json["error"]["code"] == "objection_answered"
    assert db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "objection.answer"))["decision"] == "dismissed"


def test_an_objection_answered_outside_a_request_mails_a_link_on_the_public_address(app, client, noticed):
    """The command line and the demo answer through the service, with no request to take the address from."""
    from app.models import utcnow
    from app.notices.objections import answer_objection

    app.config["PUBLIC_URL"] = "https://contest.example.cn"
    objection = db.session.get(Objection, _object(client, noticed).json["id"])
    before = len(outbox(app))
    answer_objection(objection, decision="dismissed", reply="No.", action=None, actor=noticed["organizer"], now=utcnow())
    db.session.commit()
    (mail,) = outbox(app)[before:]
    assert f"https://contest.example.cn/objections/{objection.id}" in mail.get_content()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "dismissed", "reply": "r", "action": "withdraw_team"}, "action"),
        ({"decision": "maybe", "reply": "r"}, "decision"),
        ({"decision": "upheld", "reply": "r", "action": "explode"}, "action"),
    ],
)
def test_a_bad_answer_names_what_is_wrong(client, noticed, body, field):
    objection = _object(client, noticed, team_id=noticed["teams"][0].id).json
    refused = client.post(f"/api/v1/objections/{objection['id']}/answer", json=body, headers=noticed["organizer_headers"])
    assert refused.status_code == 422 and field in refused.json["error"]["fields"], refused.json


def test_only_an_objection_to_a_team_can_withdraw_one(client, noticed):
    objection = _object(client, noticed).json
    refused = client.post(
        f"/api/v1/objections/{objection['id']}/answer",
        json={"decision": "upheld", "reply": "r", "action": "withdraw_team"},
        headers=noticed["organizer_headers"],
    )
    assert refused.status_code == 422 and "action" in refused.json["error"]["fields"]


def test_an_upheld_objection_withdraws_the_team_and_the_results_are_computed_again_with_the_reason(client, noticed):
    first = noticed["teams"][0]
    objection = _object(client, noticed, team_id=first.id).json
    answered = client.post(
        f"/api/v1/objections/{objection['id']}/answer",
        json={"decision": "upheld", "reply": "抄袭属实 Copied, confirmed.", "action": "withdraw_team"},
        headers=noticed["organizer_headers"],
    )
    assert answered.status_code == 200, answered.json
    results = client.get(f"{noticed['url']}/results").json
    assert [item["team_id"] for item in results["items"]] == [noticed["teams"][1].id, noticed["teams"][2].id]
    assert [item["rank"] for item in results["items"]] == [1, 2]
    assert db.session.get(Team, first.id).status == "withdrawn"
    round_ = client.get(noticed["url"], headers=noticed["organizer_headers"]).json
    assert round_["status"] == "published" and round_["notice"]["state"] == "open"
    computed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "results.compute").order_by(AuditEvent.id)).all()
    assert computed[-1].reason.startswith(f"Objection {objection['id']} upheld") and "Copied, confirmed." in computed[-1].reason
    assert computed[-1].after["teams"] == 2


def test_an_upheld_objection_may_reopen_the_rounds_scoring(client, noticed):
    objection = _object(client, noticed).json
    answered = client.post(
        f"/api/v1/objections/{objection['id']}/answer",
        json={"decision": "partly_upheld", "reply": "Two sheets will be checked again.", "action": "reopen_scoring"},
        headers=noticed["organizer_headers"],
    )
    assert answered.status_code == 200, answered.json
    round_ = client.get(noticed["url"], headers=noticed["organizer_headers"]).json
    assert round_["status"] == "closed" and round_["notice"] is None
    reopened = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.closed").order_by(AuditEvent.id.desc()))
    assert "Two sheets will be checked again." in reopened.reason


def test_an_objection_is_assigned_to_another_organizer_of_the_contest(app, client, noticed, make_user):
    colleague = make_user("organizer", contest_id=noticed["contest"].id)
    objection = _object(client, noticed).json
    before = len(outbox(app))
    assign = f"/api/v1/objections/{objection['id']}/assign"
    assigned = client.post(assign, json={"user_id": colleague.id}, headers=noticed["organizer_headers"])
    assert assigned.status_code == 200 and assigned.json["assignee_id"] == colleague.id
    assert [mail["To"] for mail in outbox(app)[before:]] == [colleague.email]
    refused = client.post(assign, json={"user_id": noticed["captain"].id}, headers=noticed["organizer_headers"])
    assert refused.status_code == 422 and "user_id" in refused.json["error"]["fields"]
    queue = client.get(f"{noticed['url']}/objections?assignee_id={colleague.id}", headers=noticed["organizer_headers"]).json
    assert [item["id"] for item in queue["items"]] == [objection["id"]]
    assert db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "objection.assign")) == {
        "assignee_id": colleague.id
    }


def test_finalizing_waits_for_every_answer_and_the_end_of_the_notice(client, noticed):
    objection = _object(client, noticed).json
    finalize = f"{noticed['url']}/finalize"
    headers = noticed["organizer_headers"]
    waiting = client.post(finalize, headers=headers)
    assert waiting.status_code == 409 and waiting.json["error"]["code"] == "objections_open"
    assert client.post(finalize, headers=noticed["captain_headers"]).status_code == 403
    _end_notice(noticed)
    assert client.get(noticed["url"], headers=headers).json["notice"]["state"] == "closed"
    client.post(f"/api/v1/objections/{objection['id']}/answer", json={"decision": "dismissed", "reply": "No."}, headers=headers)
    assert client.get(noticed["url"], headers=headers).json["notice"]["state"] == "final"  # computed on read
    final = client.post(finalize, headers=headers)
    assert final.status_code == 200 and final.json["notice"]["finalized_at"] is not None
    assert client.post(finalize, headers=headers).json["error"]["code"] == "already_final"
    assert db.session.scalar(select(AuditEvent.object_id).where(AuditEvent.action == "round.finalized")) == noticed["round"].id


def test_finalizing_gives_each_award_its_certificate(client, scored_round, make_user, token_for):
    round_ = scored_round([[80, 90], [70, 60], [50, 50]])["round"]
    headers, url = token_for(make_user("organizer")), f"/api/v1/rounds/{round_.id}"
    tiers = [{"key": "first", "count": 1}, {"key": "second", "count": 1}]
    assert client.post(f"{url}/results", json={}, headers=headers).status_code == 200
    assert client.post(f"{url}/awards", json={"tiers": tiers}, headers=headers).status_code == 200
    notice = {"days": 1, "calendar": "calendar"}
    assert client.post(f"{url}/publish", json={"notice": notice}, headers=headers).status_code == 200
    assert all(item["certificate_code"] is None for item in client.get(f"{url}/awards", headers=headers).json["awards"])
    _end_notice({"round": round_})
    assert client.post(f"{url}/finalize", headers=headers).status_code == 200
    codes = [item["certificate_code"] for item in client.get(f"{url}/awards", headers=headers).json["awards"]]
    assert len(codes) == 2 and all(codes)
    assert client.get(f"/api/v1/certificates/{codes[0]}").json["valid"] is True


def test_finalizing_is_refused_while_the_notice_is_open(client, noticed):
    refused = client.post(f"{noticed['url']}/finalize", headers=noticed["organizer_headers"])
    assert refused.status_code == 409 and refused.json["error"]["code"] == "notice_open"
    assert client.get(noticed["url"], headers=noticed["organizer_headers"]).json["notice"]["state"] == "open"


def test_the_pages_walk_an_objection_from_the_form_to_the_reply(app, client, noticed, login_as):
    round_id = noticed["round"].id
    login_as(user=noticed["captain"])
    public = client.get(f"/results/rounds/{round_id}").get_data(as_text=True)
    assert f"/rounds/{round_id}/objections/new" in public
    sent = client.post(
        f"/rounds/{round_id}/objections/new",
        data={
            "team_id": str(noticed["teams"][1].id),
            "reason": "评分有误 A score is wrong",
            "files": (io.BytesIO(PDF), "sheet.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    objection = db.session.scalar(select(Objection))
    assert [evidence.filename for evidence in objection.files] == ["sheet.pdf"]
    bad = client.post(
        f"/rounds/{round_id}/objections/new",
        data={"team_id": "", "reason": "again", "files": (io.BytesIO(b"not a pdf"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "PDF, PNG or JPEG" in bad.get_data(as_text=True)
    assert len(db.session.scalars(select(Objection)).all()) == 1  # nothing half-written
    client.post("/logout")
    login_as(user=noticed["organizer"])
    queue = client.get(f"/rounds/{round_id}/objections?state=open").get_data(as_text=True)
    assert f"/objections/{objection.id}" in queue and noticed["captain"].name in queue
    answered = client.post(
        f"/objections/{objection.id}",
        data={"answer-decision": "dismissed", "answer-reply": "The score stands.", "answer-action": "", "answer-answer": "Send"},
    )
    assert answered.status_code == 302, answered.get_data(as_text=True)
    client.post("/logout")
    login_as(user=noticed["captain"])
    mine = client.get(f"/rounds/{round_id}/objections").get_data(as_text=True)
    assert "Dismissed" in mine
    assert "The score stands." in client.get(f"/objections/{objection.id}").get_data(as_text=True)
    assert any("The score stands." in mail.get_content() for mail in outbox(app))
