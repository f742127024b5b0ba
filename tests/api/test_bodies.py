"""JSON bodies are bounded before they are parsed (app/api/bodies.py), for every operation and for anyone:
size (413), nesting, digits and keys (400), and an error answer lists at most 100 fields. Each of these
was a 500, or seconds of work and megabytes of answer for a caller without a token."""

import io
import json
import time

import pytest

from tests.judging.test_sheets import judged, url  # noqa: F401  (the fixture)

JSON = {"Content-Type": "application/json"}


def post_token(client, body: str | bytes, **kwargs):
    return client.post("/api/v1/tokens", data=body, headers=JSON, **kwargs)


def test_a_body_over_the_limit_is_413_before_it_is_read(client):
    body = json.dumps({f"k{i}": 1 for i in range(400_000)})  # 5.5 MB: took 2.5 s and answered 15 MB
    started = time.perf_counter()
    response = post_token(client, body)
    assert response.status_code == 413 and response.json["error"]["code"] == "body_too_large"
    assert len(response.data) < 1000 and time.perf_counter() - started < 1


def test_a_body_sent_without_a_length_is_bounded_too(client):
    """A chunked body, as gunicorn passes it on: no Content-Length, the stream ends where the body does."""
    chunks = io.BytesIO(b'{"email": "' + b"a" * (2 * 1024 * 1024) + b'"}')
    response = client.post("/api/v1/tokens", input_stream=chunks, headers=JSON, environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413 and response.json["error"]["code"] == "body_too_large"


@pytest.mark.parametrize(
    "body, message",
    [
        ("[" * 100_000 + "]" * 100_000, "nests deeper than 20 levels"),  # was a 500: RecursionError
        ("[" * 21 + "]" * 21, "nests deeper than 20 levels"),
        ('{"email": ' + "1" * 100_000 + ', "password": "x"}', "more than 100 digits"),  # was a 500: int()'s limit
        (json.dumps({f"k{i}": 1 for i in range(10_001)}), "more than 10000 keys"),
        ('{"email": "a@example.cn", "password": ', "not valid JSON"),
        (b'{"email": "\xff"}', "not valid JSON"),
    ],
    ids=["100,000 deep", "21 deep", "100,000 digits", "10,001 keys", "cut short", "not UTF-8"],
)
def test_what_no_operation_takes_is_400_with_a_reason(client, body, message):
    response = post_token(client, body)
    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == "bad_request" and message in response.json["error"]["message"]


def test_an_error_answer_lists_at_most_100_fields_and_says_how_many_more(client):
    body = {"email": "a@example.cn", "password": "x", **{f"k{i:04d}": 1 for i in range(5000)}}
    response = post_token(client, json.dumps(body))
    assert response.status_code == 422
    error = response.json["error"]
    assert len(error["fields"]) == 100 and error["more_fields"] == 4900
    assert (
        error["message"]
        == "Some fields are missing or invalid: k0000, k0001, k0002, k0003, k0004, k0005, k0006, k0007, k0008, k0009 and 4990 more."
    )
    assert len(response.data) < 10_000


def test_a_lone_surrogate_is_refused_at_its_field(client, judged):  # noqa: F811
    sheet_url, headers = url(judged["assignments"][0]), judged["judges"][0]
    body = '{"scores": {"practical": 12}, "comment": "\\ud800 good"}'
    response = client.put(sheet_url, data=body, headers={**headers, **JSON})
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["comment"]  # was a 500
    assert client.get(sheet_url, headers=headers).json["version"] == 0


def test_real_bodies_pass(client, make_user):
    user = make_user("judge")
    response = post_token(client, json.dumps({"email": user.email, "password": "correct-horse-battery"}))
    assert response.status_code == 201
    assert post_token(client, "").status_code == 422  # no body: the fields are missing
