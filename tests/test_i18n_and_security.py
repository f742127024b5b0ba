"""Languages, CSRF on forms, security headers, and pages that need no inline script."""

import re
from pathlib import Path

import pytest

from app import create_app
from tests.conftest import PASSWORD

TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates"


def test_english_by_default_and_chinese_for_a_chinese_browser(client):
    assert "Sign in" in client.get("/login").get_data(as_text=True)
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert "登录" in page and 'lang="zh-Hans"' in page


def test_the_language_switch_wins_over_the_browser(client):
    response = client.get("/language/zh?next=/login")
    assert response.headers["Location"] == "/login"
    assert "登录" in client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    client.get("/language/en")
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_service_messages_are_translated_too(client, make_user):
    client.get("/language/zh")
    user = make_user("judge")
    page = client.post("/login", data={"email": user.email, "password": "wrong-password"}).get_data(as_text=True)
    assert "Wrong email or password." not in page
    assert "邮箱或密码错误" in page


def test_forms_refuse_a_post_without_the_csrf_token(database_url, tmp_path, make_user):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, str(tmp_path / "csrf-instance"), WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user = make_user("organizer")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    # The API is exempt: it takes bearer tokens only.
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).status_code == 201


def test_security_headers(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user("judge")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_behind_https_cookies_are_secure_and_browsers_are_told_to_stay(database_url, tmp_path, make_user):
    """With LAUREL_SESSION_COOKIE_SECURE=1 and one proxy trusted, the session cookie is sent over HTTPS
    only, and an HTTPS request gets Strict-Transport-Security."""
    from tests.conftest import make_test_app

    app = make_test_app(database_url, str(tmp_path / "https-instance"), SESSION_COOKIE_SECURE=True, PROXY_COUNT=1)
    user = make_user("judge")
    response = app.test_client().post(
        "/login", data={"email": user.email, "password": PASSWORD}, headers={"X-Forwarded-Proto": "https"}
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_templates_have_no_inline_script_or_style(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script> is blocked by the CSP"
    assert not re.search(r"\son[a-z]+=", text), "inline event handlers are blocked by the CSP"
    assert " style=" not in text, "inline styles are blocked by the CSP"


def test_unexpected_errors_are_a_plain_500_in_the_error_format(tmp_path, monkeypatch):
    monkeypatch.setenv("LAUREL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/api/v1/boom")
    def boom():
        raise ZeroDivisionError

    @app.route("/boom")
    def boom_page():
        raise ZeroDivisionError

    response = app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_error"
    assert "ZeroDivisionError" not in response.get_data(as_text=True)
    page = app.test_client().get("/boom")
    assert page.status_code == 500 and "Something went wrong" in page.get_data(as_text=True)


def test_error_pages_are_html_outside_the_api(client, login_as):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    login_as("judge")
    response = client.get("/colleges/")
    assert response.status_code == 403 and "Not allowed" in response.get_data(as_text=True)
