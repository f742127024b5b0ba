"""The API's skeleton: errors, tokens, getMe, createUser."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, AuditEvent, utcnow
from tests.conftest import PASSWORD


def test_health_reports_the_database(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_create_token_returns_the_token_once_and_stores_only_its_hash(client, make_user):
    user = make_user("judge")
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201
    token = response.json["token"]
    assert response.json["user"]["email"] == user.email
    assert response.json["user"]["roles"][0]["role"] == "judge"
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored) == 1


def test_wrong_credentials_get_401_in_the_error_format(client, make_user):
    user = make_user("judge")
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong-password"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_credentials"
    assert response.json["error"]["message"] == "Wrong email or password."


def test_get_me_lists_roles_with_their_scope(client, make_user, token_for):
    user = make_user("coordinator")
    response = client.get("/api/v1/me", headers=token_for(user))
    assert response.status_code == 200
    role = response.json["roles"][0]
    assert role["role"] == "coordinator" and role["college_id"] and role["contest_id"]


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
def test_no_or_bad_token_gets_401(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_tokens_stop_working(client, make_user, token_for):
    user = make_user("judge")
    headers = token_for(user)
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401

    headers = token_for(user)
    token = db.session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None))).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_deactivated_users_token_stops_working_and_works_again_on_return(client, make_user, token_for):
    user = make_user("judge")
    headers = token_for(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    user.active = True
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_user_for_token_answers_only_for_a_usable_token_on_its_own(app, make_user):
    """The service itself, without Flask-Login's own check of the user: revoked, expired at the time
    asked, or of a deactivated user, a token has no user."""
    from app.auth.services import issue_token, revoke_token, user_for_token

    user, now = make_user("judge"), utcnow()
    token = issue_token(user, now=now)
    assert user_for_token(token, now=now) == user
    assert user_for_token(token, now=now + timedelta(days=app.config["TOKEN_DAYS"], seconds=1)) is None
    user.active = False
    db.session.flush()
    assert user_for_token(token, now=now) is None
    user.active = True
    revoke_token(token, now=now)
    assert user_for_token(token, now=now) is None
    assert user_for_token("lrl_unknown", now=now) is None


def test_browser_session_cookie_does_not_authenticate_the_api(client, login_as):
    login_as("organizer")
    assert client.get("/dashboard").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_malformed_json_gets_400(client, make_user, token_for):
    headers = token_for(make_user("organizer"))
    response = client.post("/api/v1/users", headers=headers, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"] == {
        "code": "bad_request",
        "message": "The request body is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2).",
    }


def test_missing_field_gets_422_naming_the_field(client, make_user, token_for):
    headers = token_for(make_user("organizer"))
    response = client.post("/api/v1/users", headers=headers, json={"email": "a@b.cn", "name": "A", "role": "judge"})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid"
    assert list(response.json["error"]["fields"]) == ["password"]


def test_organizer_creates_a_user_and_it_is_audited(client, make_user, token_for):
    organizer = make_user("organizer")
    response = client.post(
        "/api/v1/users",
        headers=token_for(organizer),
        json={
            "email": "New.Judge@Example.CN",
            "name": "李评委",
            "password": "long-enough-1",
            "role": "judge",
            "province": "浙江省",
        },
    )
    assert response.status_code == 201
    assert response.json["email"] == "new.judge@example.cn"
    assert response.json["roles"] == [{"role": "judge", "contest_id": None, "college_id": None, "province": "浙江省"}]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create")).all()[-1]
    assert event.actor_id == organizer.id
    token = client.post("/api/v1/tokens", json={"email": "new.judge@example.cn", "password": "long-enough-1"})
    assert token.status_code == 201


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"role": "judge", "email": "dup@example.cn"}, 409, "email"),
        ({"role": "judge", "email": "DUP@example.cn"}, 409, "email"),
        ({"role": "coordinator"}, 422, "college_id"),
        ({"role": "judge", "password": "short"}, 422, "password"),
        ({"role": "judge", "province": "浙江"}, 422, "province"),
        ({"role": "judge", "contest_id": 9999}, 422, "contest_id"),
        ({"role": "emperor"}, 422, "role"),
        ({"role": "judge", "email": "not-an-email"}, 422, "email"),
    ],
)
def test_create_user_rules(client, make_user, token_for, body, status, field):
    make_user("judge", email="dup@example.cn")
    payload = {"email": "fresh@example.cn", "name": "某某", "password": "long-enough-1", **body}
    response = client.post("/api/v1/users", headers=token_for(make_user("organizer")), json=payload)
    assert response.status_code == status
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize("role", ["coordinator", "judge", "captain"])
def test_only_organizers_create_users(client, make_user, token_for, role):
    response = client.post(
        "/api/v1/users",
        headers=token_for(make_user(role)),
        json={
            "email": "x@example.cn",
            "name": "X",
            "password": "long-enough-1",
            "role": "organizer",
        },
    )
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_openapi_lists_the_contract_operations(client):
    spec = client.get("/api/v1/openapi.json").json
    operations = {
        operation["operationId"]: (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }
    expected = {
        "getHealth": ("GET", "/api/v1/health"),
        "createToken": ("POST", "/api/v1/tokens"),
        "getMe": ("GET", "/api/v1/me"),
        "createUser": ("POST", "/api/v1/users"),
        "listColleges": ("GET", "/api/v1/colleges"),
        "importColleges": ("POST", "/api/v1/colleges/import"),
        "createContest": ("POST", "/api/v1/contests"),
        "listContests": ("GET", "/api/v1/contests"),
        "getContest": ("GET", "/api/v1/contests/{contest_id}"),
    }
    for operation_id, where in expected.items():
        assert operations.get(operation_id) == where, operation_id


def test_docs_page_loads_swagger_ui_from_this_site(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
