"""With Redis as the rate-limit storage, workers share one sign-in limit."""

import os

import pytest

from app.extensions import limiter
from tests.conftest import make_test_app

REDIS_URL = os.environ.get("LAUREL_TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="LAUREL_TEST_REDIS_URL is not set (CI sets it when Redis answers)")
def test_two_workers_share_the_limit_through_redis(database_url, tmp_path, make_user):
    user = make_user("judge")
    workers = [make_test_app(database_url, str(tmp_path / f"w{i}"), RATELIMIT_STORAGE_URI=REDIS_URL) for i in range(2)]
    with workers[0].app_context():
        limiter.reset()
    for attempt in range(5):
        worker = workers[attempt % 2]
        assert worker.test_client().post("/login", data={"email": user.email, "password": "nope"}).status_code == 200
    assert workers[1].test_client().post("/login", data={"email": user.email, "password": "nope"}).status_code == 429
    with workers[0].app_context():
        limiter.reset()
