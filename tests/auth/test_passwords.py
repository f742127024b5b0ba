"""The password rule: common and guessable passwords are refused, saying why, on every way of setting one."""

import io

import pytest
from sqlalchemy import select

from app.auth.passwords import context_words, password_problem
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD

COMMON = "It is one of the most common passwords"
PATTERN = "It is a repeat, a sequence or a keyboard pattern"
OWN_WORDS = "It contains your name, your email or the name of the site"
DATE = "It is mostly a date"
SHORT = "Use at least 8 characters."

WEAK = [
    ("password", COMMON),
    ("12345678", COMMON),
    (" " * 8, PATTERN),
    ("qwertyuiop", COMMON),
    ("P@ssw0rd123", COMMON),
    ("abcdefghij", PATTERN),
    ("1990-05-17", DATE),
    ("laurel-demo", OWN_WORDS),
    ("Laurel-2024!", OWN_WORDS),
    ("zhangwei2024", OWN_WORDS),
    ("zhang.wei@example", OWN_WORDS),
    ("short", SHORT),
]


@pytest.mark.parametrize("password, reason", WEAK)
def test_weak_passwords_are_refused_saying_why(app, password, reason):
    problem = password_problem(password, context_words("zhang.wei@example.edu.cn", "Zhang Wei"))
    assert problem is not None and problem.startswith(reason)


@pytest.mark.parametrize(
    "password", [PASSWORD, "a-given-password", "Tr0ub4dor&3", "laurel-orchid-harbor-sunset", "梅花香自苦寒来-2024", "x7#Lq9!vR2"]
)
def test_uncommon_passwords_pass_without_composition_rules(app, password):
    assert password_problem(password, context_words("zhang.wei@example.edu.cn", "Zhang Wei")) is None


def test_the_account_page_refuses_a_common_new_password_at_its_field(client, login_as):
    user = login_as("judge")
    response = client.post(
        "/account", data={"current_password": PASSWORD, "new_password": "password", "confirm_password": "password"}
    )
    assert response.status_code == 422
    assert COMMON in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_the_account_page_refuses_the_users_own_name(client, login_as):
    login_as("judge", name="Li Ming", email="liming@example.edu.cn")
    response = client.post(
        "/account", data={"current_password": PASSWORD, "new_password": "LiMing-1999", "confirm_password": "LiMing-1999"}
    )
    assert response.status_code == 422 and OWN_WORDS in response.get_data(as_text=True)


@pytest.mark.parametrize("password, reason", [("12345678", COMMON), (" " * 8, PATTERN), ("new.judge2025", OWN_WORDS)])
def test_create_user_refuses_a_weak_password_at_its_field(client, make_user, token_for, password, reason):
    response = client.post(
        "/api/v1/users",
        headers=token_for(make_user("organizer")),
        json={"email": "new.judge@example.cn", "name": "New Judge", "password": password, "role": "judge"},
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"]["password"][0].startswith(reason)
    assert response.json["error"]["message"].startswith("Choose another password.")
    assert db.session.scalar(select(User).where(User.email == "new.judge@example.cn")) is None


def test_the_command_line_refuses_a_weak_password(runner):
    args = ["users", "create", "--email", "a@example.cn", "--name", "A", "--password", "password", "--role", "judge"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and COMMON in result.output
    assert db.session.scalar(select(User).where(User.email == "a@example.cn")) is None


def test_the_judges_import_refuses_a_weak_password_in_its_row(client, make_user, make_contest, token_for):
    contest = make_contest()
    text = "name,email,password\n王评委,wang@example.cn,a-given-password\n李评委,li@example.cn,12345678\n"
    response = client.post(
        f"/api/v1/contests/{contest.id}/judges/import",
        headers=token_for(make_user("organizer")),
        data={"file": (io.BytesIO(text.encode()), "judges.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    [row] = response.json["error"]["rows"]
    assert (row["row"], row["column"]) == (3, "password") and row["message"].startswith(COMMON)
    assert db.session.scalar(select(User).where(User.email == "wang@example.cn")) is None


def test_the_demo_keeps_its_public_password(client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    response = client.post("/api/v1/tokens", json={"email": "organizer@demo.laurel", "password": "laurel-demo"})
    assert response.status_code == 201
