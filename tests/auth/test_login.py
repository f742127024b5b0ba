"""Signing in and out in the browser, the shared sign-in rate limit, and the password change."""

import pytest

from tests.conftest import PASSWORD

WRONG_LOGIN_MESSAGE = "Wrong email or password."


def test_login_lands_on_the_dashboard(client, make_user):
    user = make_user("organizer", name="王组委")
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD}, follow_redirects=True)
    assert response.status_code == 200
    assert "王组委" in response.get_data(as_text=True)
    assert response.request.path == "/dashboard"


@pytest.mark.parametrize("email, password", [("organizer-known", "wrong-password"), ("nobody@example.cn", PASSWORD)])
def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user, email, password):
    user = make_user("organizer")
    response = client.post("/login", data={"email": user.email if email == "organizer-known" else email, "password": password})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Location" not in response.headers  # stays on the form
    assert WRONG_LOGIN_MESSAGE in page
    assert client.get("/dashboard").status_code == 302  # not signed in


def test_next_only_leads_within_the_site(client, make_user):
    user = make_user("organizer")
    response = client.post("/login?next=https://evil.example/x", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard"
    client.post("/logout")
    response = client.post("/login?next=/colleges/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/colleges/"


def test_the_sixth_failed_login_within_a_minute_is_refused_with_retry_after(client, make_user):
    user = make_user("organizer")
    for _ in range(5):
        assert client.post("/login", data={"email": user.email, "password": "nope"}).status_code == 200
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Try again in" in response.get_data(as_text=True)


def test_successful_logins_do_not_count_against_the_limit(client, make_user):
    user = make_user("organizer")
    for _ in range(7):
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        client.post("/logout")


def test_form_and_api_failures_share_one_limit(client, make_user):
    user = make_user("organizer")
    for _ in range(3):
        client.post("/login", data={"email": user.email, "password": "nope"})
    for _ in range(2):
        assert client.post("/api/v1/tokens", json={"email": user.email, "password": "nope"}).status_code == 401
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert response.json["error"]["code"] == "rate_limited"
    assert "Retry-After" in response.headers


def test_login_starts_a_new_session_and_logout_ends_it(client, make_user):
    user = make_user("organizer")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
    assert client.get("/dashboard").status_code == 200
    client.post("/logout")
    assert client.get("/dashboard").status_code == 302


def test_password_change_ends_other_sessions_and_revokes_tokens(app, client, make_user, token_for):
    user = make_user("organizer")
    headers = token_for(user)
    other_browser = app.test_client()
    other_browser.post("/login", data={"email": user.email, "password": PASSWORD})
    client.post("/login", data={"email": user.email, "password": PASSWORD})

    response = client.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-long-password",
            "confirm_password": "a-new-long-password",
        },
        follow_redirects=True,
    )
    assert "Your password is changed" in response.get_data(as_text=True)

    assert client.get("/dashboard").status_code == 200  # this session goes on
    assert other_browser.get("/dashboard").status_code == 302  # the other one ended
    assert client.get("/api/v1/me", headers=headers).status_code == 401  # the token is revoked
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": "a-new-long-password"}).status_code == 302


@pytest.mark.parametrize(
    "current, new, confirm, message",
    [
        ("not-my-password", "a-new-long-password", "a-new-long-password", "This is not your current password."),
        (PASSWORD, "short", "short", "Use at least 8 characters."),
        (PASSWORD, "a-new-long-password", "something-else", "The two new passwords differ."),
    ],
)
def test_password_change_mistakes_are_shown_at_their_field(client, login_as, current, new, confirm, message):
    login_as("judge")
    response = client.post("/account", data={"current_password": current, "new_password": new, "confirm_password": confirm})
    assert message in response.get_data(as_text=True)
    client.post("/logout")


def test_demo_logins_show_only_in_demo_mode(app, client, runner):
    runner.invoke(args=["demo"])
    assert "organizer@demo.laurel" not in client.get("/login").get_data(as_text=True)
    app.config["DEMO_MODE"] = True
    page = client.get("/login").get_data(as_text=True)
    assert "organizer@demo.laurel" in page and "laurel-demo" in page
