"""Browser sessions end on the server: sign-out, a password change, "sign out everywhere else",
deactivation and expiry end them for every instance, whoever holds a copy of the cookie."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import BrowserSession, utcnow
from tests.conftest import PASSWORD, make_test_app


def signed_in_client(app, user):
    browser = app.test_client()
    assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return browser


def copy_of_cookie(app, browser):
    """Another browser holding a copy of `browser`'s session cookie (a stolen one)."""
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def test_a_session_cookie_copied_before_logout_opens_nothing_after(app, make_user):
    browser = signed_in_client(app, make_user("organizer"))
    thief = copy_of_cookie(app, browser)
    assert thief.get("/dashboard").status_code == 200
    browser.post("/logout")
    assert thief.get("/dashboard").status_code == 302
    assert browser.get("/dashboard").status_code == 302
    assert db.session.scalars(select(BrowserSession)).all() == []


def test_the_cookie_carries_a_key_the_database_keeps_only_the_hash_of(app, make_user):
    browser = signed_in_client(app, make_user("organizer"))
    cookie = browser.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    key = current_app.session_interface.get_signing_serializer(current_app).loads(cookie.value)["_user_id"]
    stored = db.session.scalars(select(BrowserSession.key_hash)).one()
    assert key not in stored and len(key) >= 40


def test_instances_sharing_the_database_share_the_sessions(app, database_url, tmp_path, make_user):
    """Two app instances (two gunicorn workers or machines): no session state lives in either."""
    user = make_user("organizer")
    other = make_test_app(database_url, str(tmp_path / "other-instance"))
    browser = signed_in_client(app, user)
    on_other = other.test_client()
    on_other.set_cookie("session", browser.get_cookie("session").value)
    with other.app_context():
        assert on_other.get("/dashboard").status_code == 200
    browser.post("/logout")
    with other.app_context():
        assert on_other.get("/dashboard").status_code == 302
        db.engine.dispose()


def test_sign_out_everywhere_else_keeps_this_browser_only(app, client, make_user, token_for):
    user = make_user("judge")
    headers = token_for(user)
    elsewhere = signed_in_client(app, user)
    here = signed_in_client(app, user)
    page = here.get("/account").get_data(as_text=True)
    assert page.count("<tr") == 3 and "this browser" in page  # the header and two sessions

    response = here.post("/account/sign-out-elsewhere", follow_redirects=True)
    assert "You are signed out everywhere else" in response.get_data(as_text=True)
    assert here.get("/dashboard").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert here.get("/account").get_data(as_text=True).count("<tr") == 2


def test_deactivation_ends_sessions_and_tokens_and_they_stay_ended_on_return(app, client, runner, make_user, token_for):
    user = make_user("coordinator")
    headers = token_for(user)
    browser = signed_in_client(app, user)
    result = runner.invoke(args=["users", "deactivate", "--email", user.email])
    assert result.exit_code == 0, result.output
    assert browser.get("/dashboard").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200  # refused

    assert runner.invoke(args=["users", "activate", "--email", user.email]).exit_code == 0
    assert browser.get("/dashboard").status_code == 302  # ended, not paused
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert signed_in_client(app, user).get("/dashboard").status_code == 200


def test_an_expired_session_is_refused(app, make_user):
    browser = signed_in_client(app, make_user("judge"))
    db.session.scalars(select(BrowserSession)).one().expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert browser.get("/dashboard").status_code == 302


def test_signing_in_again_ends_the_browsers_previous_session(app, make_user):
    user = make_user("judge")
    browser = signed_in_client(app, user)
    thief = copy_of_cookie(app, browser)
    assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert thief.get("/dashboard").status_code == 302
    assert len(db.session.scalars(select(BrowserSession)).all()) == 1


def test_a_nul_in_the_user_agent_does_not_break_the_sign_in(app, make_user):
    user = make_user("judge")
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD}, headers={"User-Agent": "evil\x00agent"})
    assert response.status_code == 302
    assert db.session.scalars(select(BrowserSession.user_agent)).one() == "evilagent"
