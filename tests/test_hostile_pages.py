"""Every page (tests/test_access.py's walk), as an organizer, with what a penetration tester sent in its query
and its form: page numbers and ids of 20 digits, other scripts' digits, NUL, bidi controls, zero-width text.
Each gets a page or a 4xx error page (app/pagination.py, app/api/ids.py, app/text.py), never a 5xx."""

from tests.conftest import PASSWORD
from tests.test_access import ACCESS, _url, walk  # noqa: F401  (the fixture)

BIG = "9" * 20
NAMES = ("page", "per_page", "q", "user", "object_id", "college_id", "judge_id", "state", "sort", "status", "team_ids", "version")
HOSTILE = {
    "20 digits": BIG,
    "Arabic-Indic digits": "٣٤",
    "superscript digit": "²",
    "NUL": "a\x00b",
    "right-to-left override": "星火\u202e队",
    "zero-width only": "\u200b\u200b",
}
PAGES = sorted(endpoint for endpoint in ACCESS if not endpoint.startswith(("api", "auth.logout")))


def test_every_page_answers_hostile_input_without_a_5xx(app, walk):  # noqa: F811
    people, ids = walk
    client = app.test_client()
    client.post("/login", data={"email": people["organizer"].email, "password": PASSWORD})
    failures = []
    for endpoint in PAGES:
        method, _statuses = ACCESS[endpoint]
        url = _url(app, endpoint, **ids)
        for what, value in HOSTILE.items():
            fields = {name: value for name in NAMES}
            response = client.open(url, method=method, query_string=fields, data=fields if method == "POST" else None)
            if response.status_code >= 500:
                failures.append(f"{endpoint} {method} {url}: {what}: {response.status_code}")
    assert failures == [], "\n".join(failures)
