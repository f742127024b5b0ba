"""downloadWork and its page twin: who may open a work, which version, with which headers, and the log."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.judging.conflicts import declare_conflict
from app.models import COORDINATOR, Assignment, WorkOpen, utcnow
from tests.conftest import PASSWORD


def get(client, user, url, **kwargs):
    token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).json["token"]
    return client.get(url, headers={"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}, **kwargs)


def opens(work) -> list:
    db.session.expire_all()
    return list(db.session.scalars(select(WorkOpen.user_id).where(WorkOpen.work_id == work.id)))


@pytest.fixture
def handed_in(scene, make_work):
    world = scene()
    world["work"] = make_work(world["round"], world["teams"][0], data=b"%PDF-1.4 the plan", filename="计划书.pdf")
    return world


@pytest.mark.parametrize(
    "who, status",
    [
        ("assigned judge", 200),
        ("other judge", 403),
        ("captain", 200),
        ("other captain", 403),
        ("organizer", 200),
        ("coordinator of the team's college", 403),
    ],
)
def test_who_may_open_a_work(client, handed_in, make_user, who, status):
    world = handed_in
    team = world["teams"][0]
    user = {
        "assigned judge": world["judges"][0],
        "other judge": world["judges"][1],
        "captain": world["captains"][0],
        "other captain": world["captains"][1],
        "organizer": world["organizer"],
        "coordinator of the team's college": None,
    }[who] or make_user(COORDINATOR, college_id=team.college_id, contest_id=world["contest"].id)
    response = get(client, user, f"/api/v1/works/{world['work'].id}/file")
    assert response.status_code == status
    if status == 200:
        assert response.data == b"%PDF-1.4 the plan"
        assert opens(world["work"]) == [user.id]
    else:
        assert response.json["error"]["code"] == "forbidden"
        assert opens(world["work"]) == []


def test_a_set_aside_assignment_no_longer_opens_the_work(client, handed_in):
    world = handed_in
    judge = world["judges"][0]
    assert get(client, judge, f"/api/v1/works/{world['work'].id}/file").status_code == 200
    declare_conflict(judge, college_id=None, team_id=world["teams"][0].id, reason="亲属", actor=judge, now=utcnow())
    db.session.commit()
    assert not db.session.get(Assignment, world["assignments"][0].id).active
    assert get(client, judge, f"/api/v1/works/{world['work'].id}/file").status_code == 403


def test_a_judge_gets_only_the_version_judged_the_team_every_version(client, handed_in, make_work):
    world = handed_in
    round_, team = world["round"], world["teams"][0]
    round_.works_due_at = utcnow()
    db.session.commit()
    late = make_work(round_, team, data=b"%PDF-1.4 too late")
    assert get(client, world["judges"][0], f"/api/v1/works/{late.id}/file").status_code == 403
    assert get(client, world["judges"][0], f"/api/v1/works/{world['work'].id}/file").status_code == 200
    assert get(client, world["captains"][0], f"/api/v1/works/{late.id}/file").data == b"%PDF-1.4 too late"


def test_a_missing_work_is_404(client, handed_in):
    assert get(client, handed_in["organizer"], "/api/v1/works/999999/file").status_code == 404


def test_the_file_is_served_inert_and_by_its_type(client, handed_in, make_work):
    world = handed_in
    response = get(client, world["organizer"], f"/api/v1/works/{world['work'].id}/file")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert "filename*=UTF-8''%E8%AE%A1%E5%88%92%E4%B9%A6.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    html = make_work(
        world["round"], world["teams"][0], "page", b"<script>alert(1)</script>", filename="x.html", content_type="text/html"
    )
    response = get(client, world["organizer"], f"/api/v1/works/{html.id}/file")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Security-Policy"].startswith("sandbox")


def test_ranges_are_answered_and_logged_once(client, handed_in):
    world = handed_in
    url = f"/api/v1/works/{world['work'].id}/file"
    first = get(client, world["judges"][0], url, headers={"Range": "bytes=0-3"})
    assert first.status_code == 206 and first.data == b"%PDF"
    rest = get(client, world["judges"][0], url, headers={"Range": "bytes=4-"})
    assert rest.status_code == 206 and rest.data == b"-1.4 the plan"
    assert opens(world["work"]) == [world["judges"][0].id]


def test_the_page_route_serves_the_same_to_a_signed_in_judge(client, handed_in, login_as):
    world = handed_in
    login_as(user=world["judges"][0])
    response = client.get(f"/works/{world['work'].id}/file")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 the plan"
    assert opens(world["work"]) == [world["judges"][0].id]
    assert client.get(f"/works/{world['work'].id}/file").headers["X-Frame-Options"] == "SAMEORIGIN"


def test_a_link_has_no_file(client, handed_in, make_work):
    world = handed_in
    link = make_work(world["round"], world["teams"][0], "store", url="https://shop.example.com/ours")
    response = get(client, world["organizer"], f"/api/v1/works/{link.id}/file")
    assert response.status_code == 409 and response.json["error"]["code"] == "work_is_link"
