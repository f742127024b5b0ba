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


OTHER_ADDRESS = {"REMOTE_ADDR": "203.0.113.7"}


def test_one_account_locked_out_does_not_lock_out_others_behind_the_same_address(client, make_user):
    """A college behind one NAT: five failures on one account leave its classmates free to sign in."""
    locked, classmate, other = make_user("captain"), make_user("captain"), make_user("judge")
    for _ in range(5):
        assert client.post("/login", data={"email": locked.email, "password": "nope"}).status_code == 200
    assert client.post("/login", data={"email": classmate.email, "password": PASSWORD}).status_code == 302
    assert client.post("/api/v1/tokens", json={"email": other.email, "password": PASSWORD}).status_code == 201
    response = client.post("/login", data={"email": locked.email.upper(), "password": PASSWORD}, environ_base=OTHER_ADDRESS)
    assert response.status_code == 429  # the account's limit holds from any address
    assert "Too many failed sign-ins to this account. Try again in" in response.get_data(as_text=True)


def test_the_address_limit_counts_failures_on_every_account(app, client, make_user):
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "8 per minute"
    users = [make_user("captain") for _ in range(5)]
    for user in users[:4]:
        for _ in range(2):
            assert client.post("/api/v1/tokens", json={"email": user.email, "password": "nope"}).status_code == 401
    response = client.post("/api/v1/tokens", json={"email": users[4].email, "password": PASSWORD})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert response.json["error"]["message"].startswith("Too many failed sign-ins from your network. Try again in")
    assert (
        client.post(
            "/api/v1/tokens", json={"email": users[4].email, "password": PASSWORD}, environ_base=OTHER_ADDRESS
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    "body",
    [
        {"password": 12345678},  # a wrong type
        {"password": None},
        {},  # no password
        {"password": "nope", "unexpected": 1},
    ],
)
def test_malformed_token_requests_count_as_failed_sign_ins(client, make_user, body):
    user = make_user("judge")
    for _ in range(5):
        response = client.post("/api/v1/tokens", json={"email": user.email, **body})
        assert response.status_code in (400, 401, 422)
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).status_code == 429


@pytest.mark.parametrize(
    "data, content_type",
    [
        ("{not json", "application/json"),
        ("email=a@b.cn&password=x", "application/x-www-form-urlencoded"),
        ("[1, 2]", "application/json"),
    ],
)
def test_token_requests_that_name_no_account_count_against_the_address(app, client, make_user, data, content_type):
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "3 per minute"
    user = make_user("judge")
    for _ in range(3):
        assert client.post("/api/v1/tokens", data=data, content_type=content_type).status_code in (400, 415, 422)
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).status_code == 429


def test_login_form_posts_without_a_password_count_as_failed_sign_ins(client, make_user):
    user = make_user("judge")
    for _ in range(5):
        assert client.post("/login", data={"email": user.email}).status_code == 200
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429


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


def test_sign_ins_that_name_no_account_do_not_spend_another_address_counter(client, make_user):
    for _ in range(5):
        assert client.post("/api/v1/tokens", json={}).status_code == 422
    assert client.post("/api/v1/tokens", json={}).status_code == 429
    assert client.post("/api/v1/tokens", json={}, environ_base=OTHER_ADDRESS).status_code == 422
